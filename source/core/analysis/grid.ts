/**
 * The grid a combinatorial session plans, addressed by index and never materialised.
 *
 * The generator runs `itertools.product` over the placeholders in its loop order (loop-order.ts: the first
 * placeholder outermost, the last one changing fastest; weight-0 placeholders are random per image, not a loop), and with a `seed_list` repeats every combination over
 * every seed (combination-major: all seeds of combination 0, then of combination 1…). That is a mixed-radix
 * number: cell = combination × S + seed position, combination = Σ value position × stride. Placeholders with an
 * empty `used` list take no part in the product. `num_images` (else a positive `max_images`) truncates the
 * sequence: only the first `planned` cells were planned.
 *
 * Index arithmetic is bigint so a 10^12 (or 10^30) grid costs nothing; values are looked up through per-
 * placeholder Maps and each interned combination is resolved once, so matching is linear in the images.
 */
import type {Int64} from '../types.js';
import type {Combination, ManifestImages, Seed} from './manifest-images.js';

export type GridPlaceholder = {
	readonly name: string;
	/** `used` values, duplicates dropped (first position kept). */
	readonly values: readonly string[];
	readonly position: ReadonlyMap<string, number>;
	readonly radix: bigint;
	/** Cells between two consecutive values of this placeholder (seeds included). */
	readonly cellStride: bigint;
};

export type GridCell = {
	readonly index: bigint;
	readonly combination: bigint;
	/** One value per grid placeholder, in grid order. */
	readonly values: readonly string[];
	/** Position in `seeds`, or -1 when the grid has no seed list. */
	readonly seedPosition: number;
};

export type ResolvedCombination = {
	/** The combination index, -1n when the combination does not fit the grid. */
	readonly index: bigint;
	/** The same as a number when the grid is exact in doubles (else -1). */
	readonly number: number;
	/** Value position per grid placeholder (-1 where absent or not a used value). */
	readonly positions: readonly number[];
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as an Int64: a number while exact, a bigint beyond. */
export function int64(value: bigint): Int64 {
	return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

/** A seed normalised for Set/Map keys (Int64 keeps one representation per integer). */
export function seedKey(seed: Int64): Int64 {
	return typeof seed === 'bigint' ? int64(seed) : seed;
}

/** Valid seeds of a seed list, duplicates dropped, in list order; null when there is no usable list. */
export function usableSeedList(seedList: readonly Seed[] | null): Int64[] | null {
	if (!seedList) return null;
	const seen = new Set<Int64>();
	const seeds: Int64[] = [];
	for (const seed of seedList) {
		if (seed === null) continue;
		const key = seedKey(seed);
		if (seen.has(key)) continue;
		seen.add(key);
		seeds.push(key);
	}
	return seeds.length > 0 ? seeds : null;
}

/** The cap on the grid: `num_images`, else a positive `max_images`, else none. */
export function planCap(manifest: Pick<ManifestImages, 'numImages' | 'maxImages'>): bigint | null {
	if (manifest.numImages !== null) return BigInt(manifest.numImages);
	if (manifest.maxImages !== null && BigInt(manifest.maxImages) > 0n) return BigInt(manifest.maxImages);
	return null;
}

export class CombinationGrid {
	readonly placeholders: readonly GridPlaceholder[];
	/** The seed list (valid, distinct seeds), or null when the grid is combinations only. */
	readonly seeds: readonly Int64[] | null;
	/** S: seeds per combination (1 without a seed list). */
	readonly seedCount: bigint;
	readonly combinationCount: bigint;
	/** combinations × S. */
	readonly size: bigint;
	/** The planned prefix: min(size, cap). */
	readonly planned: bigint;
	/** Whether the cap cut the grid short. */
	readonly capped: boolean;
	/** Whether every cell index is exact in a double: the hot paths then use number arithmetic. */
	readonly exact: boolean;
	private readonly seedCountNumber: number;
	private readonly plannedNumber: number;
	private readonly seedPositions: Map<Int64, number>;
	private readonly byName: Map<string, number>;
	/** Per interned combination id: its combination index (-1n when it does not fit) and value positions. */
	private readonly resolved: Array<ResolvedCombination | undefined> = [];

	constructor(
		manifest: Pick<ManifestImages, 'placeholders' | 'seedList' | 'numImages' | 'maxImages'> & {
			randomPerImage?: readonly string[];
		},
	) {
		const seeds = usableSeedList(manifest.seedList);
		this.seeds = seeds;
		this.seedCount = BigInt(seeds?.length ?? 1);
		this.seedPositions = new Map((seeds ?? []).map((seed, i) => [seed, i]));

		const random = new Set(manifest.randomPerImage ?? []);
		const kept = manifest.placeholders
			.filter((p) => !random.has(p.name))
			.map((p) => {
				const position = new Map<string, number>();
				const values: string[] = [];
				for (const value of p.used) {
					if (position.has(value)) continue;
					position.set(value, values.length);
					values.push(value);
				}
				return {name: p.name, values, position};
			})
			.filter((p) => p.values.length > 0);
		// Strides from the innermost (last) placeholder outwards.
		const strides: bigint[] = new Array<bigint>(kept.length);
		let stride = this.seedCount;
		for (let i = kept.length - 1; i >= 0; i--) {
			strides[i] = stride;
			stride *= BigInt(kept[i]!.values.length);
		}
		this.size = stride;
		this.combinationCount = stride / this.seedCount;
		this.placeholders = kept.map((p, i) => ({...p, radix: BigInt(p.values.length), cellStride: strides[i]!}));
		this.byName = new Map(this.placeholders.map((p, i) => [p.name, i]));

		const cap = planCap(manifest);
		this.planned = cap !== null && cap < this.size ? cap : this.size;
		this.capped = this.planned < this.size;
		this.exact = this.size <= MAX_SAFE;
		this.seedCountNumber = Number(this.seedCount);
		this.plannedNumber = this.exact ? Number(this.planned) : Number.NaN;
	}

	get names(): string[] {
		return this.placeholders.map((p) => p.name);
	}

	/** Index of the grid placeholder with this name, or -1. */
	placeholderIndex(name: string): number {
		return this.byName.get(name) ?? -1;
	}

	/**
	 * The combination index of an interned combination, or -1n when a grid placeholder is absent or holds a value
	 * outside its `used` list. Names the grid does not know (ControlNetImage_0, placeholders with no used value)
	 * are ignored.
	 */
	combinationIndex(combination: Combination): bigint {
		return this.resolve(combination).index;
	}

	/** The combination index and the value position per grid placeholder (-1 where absent or unknown). */
	resolve(combination: Combination): ResolvedCombination {
		const cached = this.resolved[combination.id];
		if (cached !== undefined) return cached;
		const positions = new Array<number>(this.placeholders.length).fill(-1);
		for (const [name, value] of combination.pairs) {
			const p = this.byName.get(name);
			if (p === undefined) continue;
			positions[p] = this.placeholders[p]!.position.get(value) ?? -1;
		}
		let index = 0n;
		for (let p = 0; p < positions.length; p++) {
			const position = positions[p]!;
			if (position < 0) {
				index = -1n;
				break;
			}
			index = index * this.placeholders[p]!.radix + BigInt(position);
		}
		const resolved: ResolvedCombination = {index, number: this.exact ? Number(index) : -1, positions};
		this.resolved[combination.id] = resolved;
		return resolved;
	}

	/** Position of a seed in the seed list; 0 for any seed when the grid has no seed list; -1 when not listed. */
	seedPosition(seed: Seed): number {
		if (!this.seeds) return 0;
		if (seed === null) return -1;
		return this.seedPositions.get(seedKey(seed)) ?? -1;
	}

	/**
	 * The cell of a resolved combination and a seed as a Map key (a number while the grid is exact in doubles,
	 * the same key `int64(index)` gives), or -1 when it does not fit the grid.
	 */
	cellKey(resolved: ResolvedCombination, seed: Seed): Int64 {
		if (resolved.index < 0n) return -1;
		const position = this.seedPosition(seed);
		if (position < 0) return -1;
		if (this.exact) return resolved.number * this.seedCountNumber + position;
		return int64(resolved.index * this.seedCount + BigInt(position));
	}

	/** Whether a cell key (from `cellKey`, not -1) lies inside the plan. */
	isPlanned(key: Int64): boolean {
		if (typeof key === 'number' && this.exact) return key < this.plannedNumber;
		return BigInt(key) < this.planned;
	}

	/** The cell of an image (combination and seed), or -1n when it does not fit the grid. */
	cellOf(combination: Combination, seed: Seed): bigint {
		const combo = this.combinationIndex(combination);
		if (combo < 0n) return -1n;
		const position = this.seedPosition(seed);
		if (position < 0) return -1n;
		return combo * this.seedCount + BigInt(position);
	}

	/** The values of combination `combination` (one per grid placeholder). */
	combinationValues(combination: bigint): string[] {
		const values = new Array<string>(this.placeholders.length);
		let rest = combination;
		for (let p = this.placeholders.length - 1; p >= 0; p--) {
			const placeholder = this.placeholders[p]!;
			values[p] = placeholder.values[Number(rest % placeholder.radix)]!;
			rest /= placeholder.radix;
		}
		return values;
	}

	cellAt(index: bigint): GridCell {
		const combination = index / this.seedCount;
		return {
			index,
			combination,
			values: this.combinationValues(combination),
			seedPosition: this.seeds ? Number(index % this.seedCount) : -1,
		};
	}

	/** The value position of placeholder `p` in cell `index`. */
	valuePosition(p: number, index: bigint): number {
		const placeholder = this.placeholders[p]!;
		return Number((index / placeholder.cellStride) % placeholder.radix);
	}

	/** How many planned cells hold value position `v` of placeholder `p` (the planned prefix may cut cycles short). */
	plannedCellsWithValue(p: number, v: number): bigint {
		const placeholder = this.placeholders[p]!;
		const stride = placeholder.cellStride;
		const cycle = stride * placeholder.radix;
		const fullCycles = this.planned / cycle;
		const rest = this.planned % cycle;
		let partial = rest - BigInt(v) * stride;
		if (partial < 0n) partial = 0n;
		if (partial > stride) partial = stride;
		return fullCycles * stride + partial;
	}

	/** How many seeds of combination `combination` fall inside the plan (0 to S). */
	plannedSeedsOf(combination: bigint): number {
		const first = combination * this.seedCount;
		if (first >= this.planned) return 0;
		const rest = this.planned - first;
		return Number(rest < this.seedCount ? rest : this.seedCount);
	}
}
