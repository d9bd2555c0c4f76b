/**
 * Seed sweeps: the seeds a session planned against the seeds its images carry.
 *
 * Expected seeds come from `generation_params.seed_list` (every combination is repeated over those seeds), else
 * from the base seed and the planned count: `progressive` plans base, base + 1, … (one per image), `fixed` plans
 * the base for every image, `random` (or a base of -1/null) plans nothing checkable. Only images whose file is on
 * disk count. Seeds may be bigints, `-1` (random: no seed to check), numeric strings or junk in hand-edited files:
 * anything that is not an integer counts as an image without a seed.
 *
 * Pure: the caller passes the parsed manifest and the image file names found on disk.
 */
import type {Int64} from '../types.js';
import {CombinationGrid, int64, planCap, seedKey, usableSeedList} from './grid.js';
import {onDiskFlags, type Combination, type ManifestImageEntry, type ManifestImages} from './manifest-images.js';
import type {PlaceholderValues} from './combinations.js';

export type ExpectedSeeds =
	/** Consecutive seeds: from `seed_list` when it is a run of consecutive integers, or base … base + count − 1. */
	| {kind: 'range'; source: 'seed_list' | 'seed_base'; first: Int64; last: Int64; count: Int64}
	/** Any other seed list (distinct, in list order). */
	| {kind: 'list'; source: 'seed_list'; seeds: Int64[]; count: number}
	/** `seed_mode: fixed`: every image has the base seed. */
	| {kind: 'fixed'; source: 'seed_base'; seed: Int64}
	/** Nothing to check against, and why. */
	| {kind: 'none'; reason: string};

export type FirstAndTotal<T, N = number> = {total: N; first: T[]};

export type DuplicateSeed = {
	seed: Int64;
	/** Images on disk with this seed (and these values). */
	count: number;
	/** The variations shared by those images, when duplicates are counted per combination (seed lists, fixed, random). */
	values?: PlaceholderValues;
};

export type CombinationMissingSeeds = {values: PlaceholderValues; missingSeeds: Int64[]};

export type SeedAnalysis = {
	expectedSeeds: ExpectedSeeds;
	/** Manifest entries whose image file is on disk. */
	imagesConsidered: number;
	/** Distinct seeds among them. */
	foundSeeds: number;
	/** Of them, images whose seed is absent, not an integer, or -1. */
	imagesWithoutSeed: number;
	/** Expected seeds no image carries, in order. */
	missingSeeds: FirstAndTotal<Int64, Int64>;
	/** Seeds found that were not expected. */
	unexpectedSeeds: FirstAndTotal<Int64>;
	/**
	 * Seeds used more than once where each should appear once: per seed for progressive seeds without a seed list,
	 * else per combination and seed.
	 */
	duplicateSeeds: FirstAndTotal<DuplicateSeed>;
	/** Seed lists only: combinations with images that lack some of their planned seeds, in the generator's order. */
	combinationsMissingSeeds: FirstAndTotal<CombinationMissingSeeds>;
	/** Seed lists in combinatorial sessions: planned combinations with no image at all (see the missing analysis). */
	combinationsWithoutImages: Int64;
};

export type SeedOptions = {
	/** Image file names found in the session folder; null or absent: every manifest entry counts. */
	imagesOnDisk?: ReadonlySet<string> | null;
	/** How many items each list shows (default 50). */
	first?: number;
};

const DEFAULT_FIRST = 50;

function usableSeed(entry: ManifestImageEntry): Int64 | null {
	if (entry.seed === null) return null;
	const seed = seedKey(entry.seed);
	return seed === -1 ? null : seed;
}

function isConsecutive(seeds: readonly Int64[]): boolean {
	for (let i = 1; i < seeds.length; i++) {
		if (BigInt(seeds[i]!) !== BigInt(seeds[i - 1]!) + 1n) return false;
	}
	return true;
}

function compare(a: Int64, b: Int64): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const x = BigInt(a);
	const y = BigInt(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A combination's values restricted to the manifest's placeholders, in their order (generator extras such as
 * ControlNetImage_0 dropped), cached per interned combination.
 */
class Projection {
	private readonly cache: Array<{values: PlaceholderValues; key: string} | undefined> = [];

	constructor(private readonly names: readonly string[]) {}

	of(combination: Combination): {values: PlaceholderValues; key: string} {
		const cached = this.cache[combination.id];
		if (cached) return cached;
		const pairs: Array<[string, string]> = [];
		for (const name of this.names) {
			const pair = combination.pairs.find(([n]) => n === name);
			if (pair) pairs.push([name, pair[1]]);
		}
		const projected = {values: Object.fromEntries(pairs) as PlaceholderValues, key: JSON.stringify(pairs)};
		this.cache[combination.id] = projected;
		return projected;
	}
}

/** What the plan expects, with a membership test and an in-order walk. */
type Expectation = {
	expected: ExpectedSeeds;
	has(seed: Int64): boolean;
	count: bigint;
	walk(): Iterable<Int64>;
};

function rangeExpectation(source: 'seed_list' | 'seed_base', first: bigint, count: bigint): Expectation {
	const last = first + count - 1n;
	return {
		expected: {kind: 'range', source, first: int64(first), last: int64(last), count: int64(count)},
		has: (seed) => {
			const s = BigInt(seed);
			return s >= first && s <= last;
		},
		count,
		*walk() {
			for (let s = first; s <= last; s++) yield int64(s);
		},
	};
}

function none(reason: string): Expectation {
	return {expected: {kind: 'none', reason}, has: () => false, count: 0n, walk: () => []};
}

function expectation(
	manifest: ManifestImages,
	grid: CombinationGrid | null,
	listed: readonly Int64[] | null,
): Expectation {
	// The planned image count: `num_images` as recorded (one seed per planned image), else the grid's plan.
	const planned = manifest.numImages !== null ? BigInt(manifest.numImages) : grid ? grid.planned : planCap(manifest);
	if (listed) {
		const all = listed;
		// A capped plan that stops inside the first combination uses only the first seeds.
		const seeds = planned !== null && planned < BigInt(all.length) ? all.slice(0, Number(planned)) : all;
		if (seeds.length === 0) return none('nothing was planned');
		if (seeds.length > 1 && isConsecutive(seeds))
			return rangeExpectation('seed_list', BigInt(seeds[0]!), BigInt(seeds.length));
		const set = new Set(seeds);
		return {
			expected: {kind: 'list', source: 'seed_list', seeds: [...seeds], count: seeds.length},
			has: (seed) => set.has(seed),
			count: BigInt(seeds.length),
			walk: () => seeds,
		};
	}
	const base = manifest.baseSeed;
	const mode = manifest.seedMode;
	if (mode !== 'progressive' && mode !== 'fixed') {
		return none(
			mode === 'random'
				? 'seed_mode is random: the seeds are drawn at generation'
				: `seed_mode is ${mode ?? 'absent'}`,
		);
	}
	if (base === null || BigInt(base) < 0n)
		return none(`the base seed is ${base === null ? 'absent' : String(base)} (random)`);
	if (planned === null) return none('the planned image count is unknown');
	if (planned === 0n) return none('nothing was planned');
	if (mode === 'progressive') return rangeExpectation('seed_base', BigInt(base), planned);
	const seed = seedKey(base);
	return {
		expected: {kind: 'fixed', source: 'seed_base', seed},
		has: (s) => s === seed,
		count: 1n,
		walk: () => [seed],
	};
}

/** Compares the seeds a session planned with the seeds of its images on disk. */
export function analyseSeeds(manifest: ManifestImages, options: SeedOptions = {}): SeedAnalysis {
	const firstCount = options.first ?? DEFAULT_FIRST;
	const combinatorial = manifest.mode !== 'random';
	const grid = combinatorial ? new CombinationGrid(manifest) : null;
	const listed = grid ? grid.seeds : usableSeedList(manifest.seedList);
	const plan = expectation(manifest, grid, listed);
	const perSeedDuplicates = !listed && manifest.seedMode === 'progressive';
	const projection = new Projection(manifest.placeholders.map((p) => p.name));

	const found = new Set<Int64>();
	let imagesConsidered = 0;
	let imagesWithoutSeed = 0;
	/** Seed uses: per seed (progressive), or per combination id then seed. */
	type Use = {seed: Int64; combination: Combination; count: number};
	const uses: Use[] = [];
	const bySeed = new Map<Int64, Use>();
	const byCombination = new Map<number, Map<Int64, Use>>();
	const onDisk: ManifestImageEntry[] = [];
	const flags = onDiskFlags(manifest, options.imagesOnDisk);
	for (let e = 0; e < manifest.images.length; e++) {
		if (flags[e] === 0) continue;
		const entry = manifest.images[e]!;
		imagesConsidered++;
		const seed = usableSeed(entry);
		if (seed === null) {
			imagesWithoutSeed++;
			continue;
		}
		onDisk.push(entry);
		found.add(seed);
		let seeds = bySeed;
		if (!perSeedDuplicates) {
			const known = byCombination.get(entry.combination.id);
			if (known) seeds = known;
			else byCombination.set(entry.combination.id, (seeds = new Map()));
		}
		const use = seeds.get(seed);
		if (use) {
			use.count++;
		} else {
			const added = {seed, combination: entry.combination, count: 1};
			seeds.set(seed, added);
			uses.push(added);
		}
	}

	// Missing: walk the expectation in order, stopping once the first ones are known; the total is arithmetic.
	let foundExpected = 0n;
	for (const seed of found) if (plan.has(seed)) foundExpected++;
	const missingFirst: Int64[] = [];
	const missingTotal = plan.count - foundExpected;
	if (missingTotal > 0n) {
		for (const seed of plan.walk()) {
			if (missingFirst.length >= firstCount || BigInt(missingFirst.length) >= missingTotal) break;
			if (!found.has(seed)) missingFirst.push(seed);
		}
	}

	const unexpected = [...found].filter((seed) => plan.expected.kind !== 'none' && !plan.has(seed)).sort(compare);

	const duplicates: DuplicateSeed[] = [];
	for (const use of uses) {
		if (use.count < 2) continue;
		const duplicate: DuplicateSeed = {seed: use.seed, count: use.count};
		if (!perSeedDuplicates) duplicate.values = {...projection.of(use.combination).values};
		duplicates.push(duplicate);
	}

	const combos = listed
		? combinationsMissingSeeds(grid, listed, onDisk, projection, firstCount)
		: {total: 0, first: [], withoutImages: 0n};
	return {
		expectedSeeds: plan.expected,
		imagesConsidered,
		foundSeeds: found.size,
		imagesWithoutSeed,
		missingSeeds: {total: int64(missingTotal), first: missingFirst},
		unexpectedSeeds: {total: unexpected.length, first: unexpected.slice(0, firstCount)},
		duplicateSeeds: {total: duplicates.length, first: duplicates.slice(0, firstCount)},
		combinationsMissingSeeds: {total: combos.total, first: combos.first},
		combinationsWithoutImages: int64(combos.withoutImages),
	};
}

function combinationsMissingSeeds(
	grid: CombinationGrid | null,
	seeds: readonly Int64[],
	entries: readonly ManifestImageEntry[],
	projection: Projection,
	firstCount: number,
): FirstAndTotal<CombinationMissingSeeds> & {withoutImages: bigint} {
	if (grid) {
		// Combinatorial: group by grid combination; a combination's planned seeds are those inside the plan.
		const seen = new Map<bigint, Set<number>>();
		for (const entry of entries) {
			const combination = grid.combinationIndex(entry.combination);
			if (combination < 0n || grid.plannedSeedsOf(combination) === 0) continue;
			const position = grid.seedPosition(entry.seed);
			if (position < 0) continue;
			let positions = seen.get(combination);
			if (!positions) seen.set(combination, (positions = new Set()));
			positions.add(position);
		}
		const lacking: Array<[bigint, number[]]> = [];
		for (const [combination, positions] of seen) {
			const planned = grid.plannedSeedsOf(combination);
			if (positions.size >= planned) continue;
			const missing: number[] = [];
			for (let s = 0; s < planned; s++) if (!positions.has(s)) missing.push(s);
			lacking.push([combination, missing]);
		}
		lacking.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		const plannedCombinations = (grid.planned + grid.seedCount - 1n) / grid.seedCount;
		return {
			total: lacking.length,
			first: lacking.slice(0, firstCount).map(([combination, missing]) => {
				const values = grid.combinationValues(combination);
				return {
					values: Object.fromEntries(grid.names.map((name, i) => [name, values[i]!])),
					missingSeeds: missing.map((s) => seeds[s]!),
				};
			}),
			withoutImages: plannedCombinations - BigInt(seen.size),
		};
	}
	// Random: no grid; group by the variations themselves, in order of first appearance; every seed is expected.
	const positionOf = new Map(seeds.map((seed, i) => [seed, i]));
	const seen = new Map<string, {values: PlaceholderValues; positions: Set<number>}>();
	for (const entry of entries) {
		const position = entry.seed === null ? undefined : positionOf.get(seedKey(entry.seed));
		if (position === undefined) continue;
		const {values, key} = projection.of(entry.combination);
		let group = seen.get(key);
		if (!group) seen.set(key, (group = {values, positions: new Set()}));
		group.positions.add(position);
	}
	const lacking: CombinationMissingSeeds[] = [];
	for (const {values, positions} of seen.values()) {
		if (positions.size >= seeds.length) continue;
		lacking.push({values: {...values}, missingSeeds: seeds.filter((_, s) => !positions.has(s))});
	}
	return {total: lacking.length, first: lacking.slice(0, firstCount), withoutImages: 0n};
}
