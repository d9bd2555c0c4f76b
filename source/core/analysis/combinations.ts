/**
 * Missing combinations: which planned images of a session have no image file.
 *
 * Combinatorial sessions: the grid is the product of the placeholders' `used` values in the generator's loop
 * order (loop-order.ts: the first placeholder outermost), times `generation_params.seed_list` when present
 * (combination-major), truncated at `num_images` (else a positive `max_images`): see grid.ts. Every manifest
 * entry whose image file is on disk is mapped to its cell (placeholders the grid does not know, such as
 * `ControlNetImage_0`, are ignored); the planned cells no entry reaches are missing. The walk over the images is
 * linear, and the missing cells are enumerated lazily by index, so a 10^12 grid costs no memory.
 *
 * Random sessions: no grid exists, so the analysis says how many images are missing against the planned count
 * and which `used` values no image on disk carries.
 *
 * Pure: the caller passes the parsed manifest and the image file names found on disk.
 */
import type {Int64} from '../types.js';
import {CombinationGrid, int64, planCap, seedKey} from './grid.js';
import {onDiskFlags, type ManifestImages} from './manifest-images.js';

/** Placeholder → value, in grid order. */
export type PlaceholderValues = Record<string, string>;

export type MissingCell = {
	/** Position in the generator's order (0-based): the generator would have made it as image `index`. */
	index: Int64;
	values: PlaceholderValues;
	/** The seed the generator planned for it: from `seed_list`, or `base + index` (progressive) or `base` (fixed). */
	seed?: Int64;
};

export type DuplicateCell = MissingCell & {
	/** Every on-disk image of the cell, first one first. */
	filenames: string[];
};

export type ShortValue = {
	value: string;
	/** Planned cells holding this value. */
	expected: Int64;
	/** Of those, the ones with an image. */
	found: Int64;
	missing: Int64;
};

export type CombinatorialAnalysis = {
	kind: 'combinatorial';
	/** The placeholders that form the grid (non-empty `used`), outermost first: the generator's loop order. */
	placeholders: string[];
	/** Placeholders of weight 0 in the prompt: a value picked at random per image, outside the grid. */
	randomPerImage: string[];
	/** The seed list the grid repeats every combination over, or null. */
	seeds: Int64[] | null;
	/** Product of the used counts × seeds. */
	gridSize: Int64;
	/** The cells the generator planned: min(gridSize, num_images | max_images). */
	planned: Int64;
	/** The manifest's own planned count (`num_images`, else a positive `max_images`), null when it gives none. */
	manifestPlanned: Int64 | null;
	/** Whether the plan stops before the end of the grid. */
	capped: boolean;
	/** Planned cells with at least one image on disk. */
	found: number;
	missingCount: Int64;
	/** The first missing cells, in the generator's order. */
	missing: MissingCell[];
	/** Per placeholder, the values with fewer images than planned (placeholders with none short are left out). */
	shortValues: Record<string, ShortValue[]>;
	/** Images on disk whose cell already had an image. */
	duplicates: number;
	/** The first cells with more than one image. */
	duplicateCells: DuplicateCell[];
	/** Images on disk that fit no planned cell (a value outside `used`, a placeholder missing, a seed not listed, beyond the cap). */
	unmatched: number;
	unmatchedFiles: string[];
	/** Manifest entries whose image file is not on disk (they do not count). */
	entriesWithoutFile: number;
};

export type RandomAnalysis = {
	kind: 'random';
	/** The planned count: `num_images`, else a positive `max_images`, else 0. */
	expected: Int64;
	/** Manifest entries whose image file is on disk (distinct file names). */
	found: number;
	missingCount: Int64;
	/** Per placeholder, the `used` values no image on disk carries (placeholders with none are left out). */
	neverProduced: Record<string, string[]>;
	/** Images on disk repeating an earlier image's variations and seed. */
	duplicates: number;
	entriesWithoutFile: number;
};

export type MissingAnalysis = CombinatorialAnalysis | RandomAnalysis;

export type MissingOptions = {
	/** Image file names found in the session folder; null or absent: trust the manifest (every entry counts). */
	imagesOnDisk?: ReadonlySet<string> | null;
	/** How many missing cells to list (default 50). */
	firstMissing?: number;
	/** How many duplicate cells and unmatched files to list (default 20). */
	firstDuplicates?: number;
};

/** One line of a resume list: what a script gives the generator to make the image again. */
export type ResumeEntry = {index: Int64; values: PlaceholderValues; seed?: Int64};

/**
 * Planned cells that have an image, each with the entry that first filled it: a dense array when the plan is
 * not much larger than the images list (the usual case), a Map keyed by cell otherwise (a huge grid).
 */
class FoundCells {
	private readonly dense: Int32Array | null;
	private readonly sparse = new Map<Int64, number>();
	size = 0;

	constructor(planned: bigint, images: number) {
		this.dense = planned <= BigInt(Math.max(4096, images * 4)) ? new Int32Array(Number(planned)).fill(-1) : null;
	}

	/** The first entry of a planned cell, or -1. */
	get(key: Int64): number {
		if (this.dense) return this.dense[key as number]!;
		return this.sparse.get(key) ?? -1;
	}

	set(key: Int64, entry: number): void {
		if (this.dense) this.dense[key as number] = entry;
		else this.sparse.set(key, entry);
		this.size++;
	}

	/** Planned cells without an image, in order. */
	*missing(planned: bigint): Generator<bigint> {
		let left = planned - BigInt(this.size);
		const dense = this.dense;
		if (dense) {
			for (let i = 0; left > 0n && i < dense.length; i++) {
				if (dense[i]! >= 0) continue;
				left--;
				yield BigInt(i);
			}
			return;
		}
		// Stop at the last missing cell instead of walking a found tail.
		for (let i = 0n; left > 0n && i < planned; i++) {
			if (this.sparse.has(int64(i))) continue;
			left--;
			yield i;
		}
	}
}

type MissingSource = {grid: CombinationGrid; found: FoundCells; manifest: ManifestImages};

/** The state needed to enumerate every missing cell later; kept off the (plain, JSON-able) analysis object. */
const sources = new WeakMap<CombinatorialAnalysis, MissingSource>();

const DEFAULT_FIRST_MISSING = 50;
const DEFAULT_FIRST_DUPLICATES = 20;

function planCapOf(manifest: ManifestImages): Int64 | null {
	const cap = planCap(manifest);
	return cap === null ? null : int64(cap);
}

function valuesRecord(names: readonly string[], values: readonly string[]): PlaceholderValues {
	return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

/** The seed the generator assigns to cell `index` when the grid has no seed list. */
function plannedSeed(manifest: ManifestImages, index: bigint): Int64 | undefined {
	const base = manifest.baseSeed;
	if (base === null || BigInt(base) < 0n) return undefined;
	if (manifest.seedMode === 'progressive') return int64(BigInt(base) + index);
	if (manifest.seedMode === 'fixed') return seedKey(base);
	return undefined;
}

function describeCell(source: MissingSource, index: bigint): MissingCell {
	const {grid, manifest} = source;
	const cell = grid.cellAt(index);
	const result: MissingCell = {index: int64(index), values: valuesRecord(grid.names, cell.values)};
	const seed = grid.seeds ? grid.seeds[cell.seedPosition] : plannedSeed(manifest, index);
	if (seed !== undefined) result.seed = seed;
	return result;
}

function* missingCells(source: MissingSource): Generator<MissingCell> {
	for (const index of source.found.missing(source.grid.planned)) yield describeCell(source, index);
}

function take<T>(iterator: Iterator<T>, count: number): T[] {
	const result: T[] = [];
	while (result.length < count) {
		const next = iterator.next();
		if (next.done) break;
		result.push(next.value);
	}
	return result;
}

function analyseCombinatorial(manifest: ManifestImages, options: MissingOptions): CombinatorialAnalysis {
	const grid = new CombinationGrid(manifest);
	const names = grid.names;
	const firstDuplicates = options.firstDuplicates ?? DEFAULT_FIRST_DUPLICATES;
	const found = new FoundCells(grid.planned, manifest.images.length);
	/** Cells with several images → their entries (only for the cells listed). */
	const duplicateEntries = new Map<Int64, number[]>();
	const foundPerValue = grid.placeholders.map((p) => new Array<number>(p.values.length).fill(0));
	let duplicates = 0;
	let unmatched = 0;
	const unmatchedFiles: string[] = [];
	let entriesWithoutFile = 0;

	const images = manifest.images;
	const onDisk = onDiskFlags(manifest, options.imagesOnDisk);
	for (let e = 0; e < images.length; e++) {
		if (onDisk[e] === 0) {
			entriesWithoutFile++;
			continue;
		}
		const entry = images[e]!;
		const resolved = grid.resolve(entry.combination);
		const key = grid.cellKey(resolved, entry.seed);
		if (key === -1 || !grid.isPlanned(key)) {
			unmatched++;
			if (unmatchedFiles.length < firstDuplicates) unmatchedFiles.push(entry.filename!);
			continue;
		}
		const first = found.get(key);
		if (first < 0) {
			found.set(key, e);
			const positions = resolved.positions;
			for (let p = 0; p < positions.length; p++) foundPerValue[p]![positions[p]!]!++;
			continue;
		}
		duplicates++;
		const listed = duplicateEntries.get(key);
		if (listed) listed.push(e);
		else if (duplicateEntries.size < firstDuplicates) duplicateEntries.set(key, [first, e]);
	}

	const source: MissingSource = {grid, found, manifest};
	const shortValues: Record<string, ShortValue[]> = {};
	grid.placeholders.forEach((placeholder, p) => {
		const short: ShortValue[] = [];
		placeholder.values.forEach((value, v) => {
			const expected = grid.plannedCellsWithValue(p, v);
			const got = BigInt(foundPerValue[p]![v]!);
			if (got < expected)
				short.push({value, expected: int64(expected), found: int64(got), missing: int64(expected - got)});
		});
		if (short.length > 0)
			Object.defineProperty(shortValues, placeholder.name, {
				value: short,
				enumerable: true,
				writable: true,
				configurable: true,
			});
	});

	const duplicateCells: DuplicateCell[] = [...duplicateEntries]
		.sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
		.map(([key, entries]) => ({
			...describeCell(source, BigInt(key)),
			filenames: entries.map((e) => images[e]!.filename!),
		}));

	const analysis: CombinatorialAnalysis = {
		kind: 'combinatorial',
		placeholders: names,
		randomPerImage: [...manifest.randomPerImage],
		seeds: grid.seeds ? [...grid.seeds] : null,
		gridSize: int64(grid.size),
		planned: int64(grid.planned),
		manifestPlanned: planCapOf(manifest),
		capped: grid.capped,
		found: found.size,
		missingCount: int64(grid.planned - BigInt(found.size)),
		missing: take(missingCells(source), options.firstMissing ?? DEFAULT_FIRST_MISSING),
		shortValues,
		duplicates,
		duplicateCells,
		unmatched,
		unmatchedFiles,
		entriesWithoutFile,
	};
	sources.set(analysis, source);
	return analysis;
}

function analyseRandom(manifest: ManifestImages, options: MissingOptions): RandomAnalysis {
	const cap = planCap(manifest);
	const expected = cap ?? 0n;
	const files = new Set<string>();
	const seenCombinations = new Set<number>();
	const seenCells = new Set<string>();
	let duplicates = 0;
	let entriesWithoutFile = 0;
	const onDisk = onDiskFlags(manifest, options.imagesOnDisk);
	for (let e = 0; e < manifest.images.length; e++) {
		const entry = manifest.images[e]!;
		if (onDisk[e] === 0) {
			entriesWithoutFile++;
			continue;
		}
		files.add(entry.filename!);
		seenCombinations.add(entry.combination.id);
		if (entry.seed !== null) {
			const cell = `${entry.combination.id}|${seedKey(entry.seed)}`;
			if (seenCells.has(cell)) duplicates++;
			else seenCells.add(cell);
		}
	}
	const seenValues = new Map<string, Set<string>>();
	for (const id of seenCombinations) {
		for (const [name, value] of manifest.combinations[id]!.pairs) {
			let values = seenValues.get(name);
			if (!values) seenValues.set(name, (values = new Set()));
			values.add(value);
		}
	}
	const neverProduced: Record<string, string[]> = {};
	for (const {name, used} of manifest.placeholders) {
		const seen = seenValues.get(name);
		const never = [...new Set(used)].filter((value) => !seen?.has(value));
		if (never.length > 0)
			Object.defineProperty(neverProduced, name, {
				value: never,
				enumerable: true,
				writable: true,
				configurable: true,
			});
	}
	const found = files.size;
	const missing = expected - BigInt(found);
	return {
		kind: 'random',
		expected: int64(expected),
		found,
		missingCount: int64(missing > 0n ? missing : 0n),
		neverProduced,
		duplicates,
		entriesWithoutFile,
	};
}

/**
 * Which planned images have no file. `mode: "random"` gives the random analysis; any other mode (combinatorial,
 * unknown, absent) the grid analysis.
 */
export function analyseMissing(manifest: ManifestImages, options: MissingOptions = {}): MissingAnalysis {
	return manifest.mode === 'random' ? analyseRandom(manifest, options) : analyseCombinatorial(manifest, options);
}

/**
 * Every missing cell in the generator's order, lazily. For an analysis that did not come from `analyseMissing`
 * in this process (a copy, one read back from JSON), only its listed `missing` cells are known.
 */
export function* iterateMissing(analysis: MissingAnalysis): Generator<MissingCell> {
	if (analysis.kind !== 'combinatorial') return;
	const source = sources.get(analysis);
	if (source) yield* missingCells(source);
	else yield* analysis.missing;
}

/**
 * The resume list `sdstats show NAME --missing --json` prints: one entry per missing cell, in the generator's
 * order, with the placeholder values and the planned seed, at most `limit` entries (default 100,000; compare the
 * length with `missingCount`). Random sessions have no cells to name: the list is empty. Seeds beyond 2^53 are
 * bigints (the project's JSON writer prints them exactly).
 */
export function resumeList(analysis: MissingAnalysis, options: {limit?: number} = {}): ResumeEntry[] {
	const limit = options.limit ?? 100_000;
	return take(iterateMissing(analysis), limit).map((cell) => {
		const entry: ResumeEntry = {index: cell.index, values: cell.values};
		if (cell.seed !== undefined) entry.seed = cell.seed;
		return entry;
	});
}
