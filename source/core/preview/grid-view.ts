/**
 * The combination grid as the explorer draws it: one dimension across, another down, the others (further
 * placeholders, then the seed list) paged. A dimension is a placeholder with its `used` values, or the seeds.
 * Each cell is a combination of values; it has an image when the manifest lists a file with exactly those
 * values (and seed), else it is a hole: the missing-combination analysis made visible. Pure.
 */

export type GridDimension = {name: string; values: readonly string[]};

export type GridImage = {
	/** Position in the session's image list. */
	index: number;
	/** Placeholder → value, from the manifest entry. */
	values: Readonly<Record<string, string>>;
	seed: string | null;
};

export type GridSource = {
	placeholders: readonly GridDimension[];
	/** The seed list as text, null when the session has none. */
	seeds: readonly string[] | null;
	images: readonly GridImage[];
};

export const SEED_DIMENSION = 'seed';

export type GridModel = {
	dimensions: readonly GridDimension[];
	/** Combination key → image index (the first image found for it). */
	byKey: ReadonlyMap<string, number>;
};

function keyOf(values: readonly string[]): string {
	return values.map((v) => `${v.length}:${v}`).join('|');
}

export function gridModel(source: GridSource): GridModel {
	const dimensions: GridDimension[] = source.placeholders
		.filter((p) => p.values.length > 0)
		.map((p) => ({name: p.name, values: [...new Set(p.values)]}));
	if (source.seeds && source.seeds.length > 0)
		dimensions.push({name: SEED_DIMENSION, values: [...new Set(source.seeds)]});
	const byKey = new Map<string, number>();
	for (const image of source.images) {
		const values = dimensions.map((d) =>
			d.name === SEED_DIMENSION ? (image.seed ?? '') : (image.values[d.name] ?? ''),
		);
		const key = keyOf(values);
		if (!byKey.has(key)) byKey.set(key, image.index);
	}
	return {dimensions, byKey};
}

/** Which dimension goes across and which down; `down` is -1 when the grid has a single dimension. */
export type GridAxes = {across: number; down: number};

/** The axis pairs in the order the cycle key visits them: every ordered pair of two different dimensions. */
export function axisPairs(count: number): GridAxes[] {
	if (count === 0) return [];
	if (count === 1) return [{across: 0, down: -1}];
	const pairs: GridAxes[] = [];
	for (let across = 0; across < count; across++)
		for (let down = 0; down < count; down++) if (across !== down) pairs.push({across, down});
	return pairs;
}

export type GridCellView = {
	/** Every dimension's value for this cell, in dimension order. */
	values: readonly string[];
	image: number | null;
};

export type GridPage = {
	across: GridDimension;
	down: GridDimension | null;
	/** The paged dimensions and their values on this page, e.g. `Outfit=red · seed=42`. */
	pageLabel: string;
	pageCount: number;
	page: number;
	cell(x: number, y: number): GridCellView;
	/** Cells with an image on this page, and all cells. */
	present: number;
	total: number;
};

/** One page of the grid; `page` wraps into range. Null when the session has no dimension at all. */
export function gridPage(model: GridModel, axes: GridAxes, page: number): GridPage | null {
	const {dimensions, byKey} = model;
	const across = dimensions[axes.across];
	if (!across) return null;
	const down = axes.down >= 0 ? (dimensions[axes.down] ?? null) : null;
	const paged = dimensions.map((d, i) => ({d, i})).filter(({i}) => i !== axes.across && i !== axes.down);
	const pageCount = paged.reduce((n, {d}) => n * d.values.length, 1);
	const current = ((page % pageCount) + pageCount) % pageCount;
	// Mixed radix, the first paged dimension outermost (as the generator orders combinations).
	const fixed = new Map<number, string>();
	let rest = current;
	for (let k = paged.length - 1; k >= 0; k--) {
		const {d, i} = paged[k]!;
		fixed.set(i, d.values[rest % d.values.length]!);
		rest = Math.floor(rest / d.values.length);
	}
	const rows = down ? down.values.length : 1;
	const cell = (x: number, y: number): GridCellView => {
		const values = dimensions.map((d, i) =>
			i === axes.across ? across.values[x]! : i === axes.down ? down!.values[y]! : fixed.get(i)!,
		);
		const image = byKey.get(keyOf(values));
		return {values, image: image === undefined ? null : image};
	};
	let present = 0;
	for (let y = 0; y < rows; y++)
		for (let x = 0; x < across.values.length; x++) if (cell(x, y).image !== null) present++;
	return {
		across,
		down,
		pageLabel: paged.map(({d, i}) => `${d.name}=${fixed.get(i)}`).join(' · '),
		pageCount,
		page: current,
		cell,
		present,
		total: rows * across.values.length,
	};
}
