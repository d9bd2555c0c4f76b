import {describe, expect, test} from 'vitest';
import {
	analyseMissing,
	iterateMissing,
	resumeList,
	type CombinatorialAnalysis,
	type MissingAnalysis,
	type MissingCell,
	type RandomAnalysis,
} from '../../../source/core/analysis/combinations.js';
import {readManifestImages, type ManifestImages} from '../../../source/core/analysis/manifest-images.js';
import {buildManifest, type ManifestSpec} from '../../../source/demo/corpus.js';
import {seededRandom} from '../../helpers/random.js';

// ---- fixtures -------------------------------------------------------------------------------------------------

const SESSION = '20251112_210411-sweep';

type Entry = {
	filename: string;
	seed: unknown;
	prompt: string;
	negative_prompt: string;
	applied_variations: Record<string, unknown>;
};

/** The generator's order: product over non-empty placeholders, first outermost, each combination × every seed. */
function generatorOrder(
	variations: Record<string, string[]>,
	seedList?: readonly number[],
): Array<{values: Record<string, string>; seed?: number}> {
	const entries = Object.entries(variations).filter(([, values]) => values.length > 0);
	let combos: Array<Record<string, string>> = [{}];
	for (const [name, values] of entries)
		combos = combos.flatMap((combo) => values.map((value) => ({...combo, [name]: value})));
	if (!seedList) return combos.map((values) => ({values}));
	return combos.flatMap((values) => seedList.map((seed) => ({values, seed})));
}

/** Entries the generator would have recorded for the first `count` planned images. */
function plannedEntries(
	variations: Record<string, string[]>,
	options: {
		seedList?: number[];
		baseSeed?: number;
		count?: number;
		extras?: (i: number) => Record<string, string>;
	} = {},
): Entry[] {
	const order = generatorOrder(variations, options.seedList);
	return order.slice(0, options.count ?? order.length).map(({values, seed}, i) => {
		const s = seed ?? (options.baseSeed ?? 1000) + i;
		return {
			filename: `sweep_${String(i).padStart(4, '0')}_seed-${s}.png`,
			seed: s,
			prompt: `masterpiece, ${Object.values(values).join(', ')}`,
			negative_prompt: 'lowres',
			applied_variations: {...values, ...options.extras?.(i)},
		};
	});
}

function manifest(spec: ManifestSpec, images: unknown[]): ManifestImages {
	const built = buildManifest(SESSION, spec, 0);
	built.images = images;
	const result = readManifestImages(Buffer.from(JSON.stringify(built, null, 2)));
	if (!result.ok) throw new Error(result.reason);
	return result;
}

const names = (entries: readonly Entry[]): Set<string> => new Set(entries.map((e) => e.filename));
const without = (entries: readonly Entry[], ...drop: number[]): Set<string> =>
	new Set(entries.filter((_, i) => !drop.includes(i)).map((e) => e.filename));

function combinatorial(analysis: MissingAnalysis): CombinatorialAnalysis {
	if (analysis.kind !== 'combinatorial') throw new Error(`expected a combinatorial analysis, got ${analysis.kind}`);
	return analysis;
}

function random(analysis: MissingAnalysis): RandomAnalysis {
	if (analysis.kind !== 'random') throw new Error(`expected a random analysis, got ${analysis.kind}`);
	return analysis;
}

const HAIR = ['short bob', 'long ponytail'];
const EXPRESSION = ['smiling', 'serious', 'surprised', 'laughing'];

// ---- the research example -------------------------------------------------------------------------------------

describe('the research example: Hair (2 used) × Expression (4), num_images 6, 3 images', () => {
	const variations = {Hair: HAIR, Expression: EXPRESSION};
	const entries = plannedEntries(variations, {count: 3});
	const m = manifest({variations, numImages: 6, status: 'ongoing'}, entries);
	const a = combinatorial(analyseMissing(m, {imagesOnDisk: names(entries)}));

	test('the grid is capped at the planned 6 of 8', () => {
		expect(a).toMatchObject({
			placeholders: ['Hair', 'Expression'],
			seeds: null,
			gridSize: 8,
			planned: 6,
			capped: true,
			found: 3,
			missingCount: 3,
		});
	});

	test('the missing ones are the next planned, with their progressive seeds', () => {
		expect(a.missing).toEqual([
			{index: 3, values: {Hair: 'short bob', Expression: 'laughing'}, seed: 1003},
			{index: 4, values: {Hair: 'long ponytail', Expression: 'smiling'}, seed: 1004},
			{index: 5, values: {Hair: 'long ponytail', Expression: 'serious'}, seed: 1005},
		]);
	});

	test('short values count only the planned cells', () => {
		expect(a.shortValues).toEqual({
			Hair: [
				{value: 'short bob', expected: 4, found: 3, missing: 1},
				{value: 'long ponytail', expected: 2, found: 0, missing: 2},
			],
			Expression: [
				{value: 'smiling', expected: 2, found: 1, missing: 1},
				{value: 'serious', expected: 2, found: 1, missing: 1},
				// surprised: 1 planned, 1 found.
				{value: 'laughing', expected: 1, found: 0, missing: 1},
			],
		});
	});

	test('nothing duplicated or unmatched', () => {
		expect(a).toMatchObject({
			duplicates: 0,
			duplicateCells: [],
			unmatched: 0,
			unmatchedFiles: [],
			entriesWithoutFile: 0,
		});
	});

	test('the resume list names the 3 missing images', () => {
		expect(resumeList(a)).toEqual([
			{index: 3, values: {Hair: 'short bob', Expression: 'laughing'}, seed: 1003},
			{index: 4, values: {Hair: 'long ponytail', Expression: 'smiling'}, seed: 1004},
			{index: 5, values: {Hair: 'long ponytail', Expression: 'serious'}, seed: 1005},
		]);
	});

	test('the analysis is plain data: JSON gives it back whole', () => {
		expect(JSON.parse(JSON.stringify(a))).toEqual(a);
	});
});

describe('grid shapes', () => {
	test('a complete grid: nothing missing, nothing short', () => {
		const variations = {A: ['1', '2', '3'], B: ['x', 'y']};
		const entries = plannedEntries(variations);
		const a = combinatorial(
			analyseMissing(manifest({variations, numImages: 6}, entries), {imagesOnDisk: names(entries)}),
		);
		expect(a).toMatchObject({
			gridSize: 6,
			planned: 6,
			capped: false,
			found: 6,
			missingCount: 0,
			missing: [],
			shortValues: {},
		});
		expect(resumeList(a)).toEqual([]);
	});

	test('first placeholder outermost: index = a × |B| + b', () => {
		const variations = {A: ['a0', 'a1', 'a2'], B: ['b0', 'b1']};
		const a = combinatorial(analyseMissing(manifest({variations, numImages: 6}, []), {imagesOnDisk: new Set()}));
		expect(resumeList(a).map((e) => [e.index, e.values.A, e.values.B])).toEqual([
			[0, 'a0', 'b0'],
			[1, 'a0', 'b1'],
			[2, 'a1', 'b0'],
			[3, 'a1', 'b1'],
			[4, 'a2', 'b0'],
			[5, 'a2', 'b1'],
		]);
	});

	test('placeholders with an empty used list take no part in the product', () => {
		const variations = {Empty: [] as string[], A: ['1', '2'], AlsoEmpty: [] as string[], B: ['x', 'y']};
		const entries = plannedEntries(variations).slice(0, 3);
		const a = combinatorial(analyseMissing(manifest({variations}, entries), {imagesOnDisk: names(entries)}));
		expect(a).toMatchObject({
			placeholders: ['A', 'B'],
			gridSize: 4,
			planned: 4,
			capped: false,
			found: 3,
			missingCount: 1,
		});
		expect(a.missing).toEqual([{index: 3, values: {A: '2', B: 'y'}, seed: 1003}]);
	});

	test('an image that also names an empty-used placeholder still matches', () => {
		const variations = {Empty: [] as string[], A: ['1', '2']};
		const entries = plannedEntries(variations, {extras: () => ({Empty: 'whatever'})});
		const a = combinatorial(analyseMissing(manifest({variations}, entries), {imagesOnDisk: names(entries)}));
		expect(a).toMatchObject({found: 2, missingCount: 0, unmatched: 0});
	});

	test('placeholders the generator adds (ControlNetImage_0) are ignored for matching', () => {
		const variations = {Pose: ['standing', 'sitting'], Light: ['day', 'night']};
		const entries = plannedEntries(variations, {
			extras: (i) => ({ControlNetImage_0: `/poses/${i}.png`, ControlNetImage_1: 'x.png'}),
		});
		const a = combinatorial(analyseMissing(manifest({variations}, entries), {imagesOnDisk: without(entries, 1)}));
		expect(a).toMatchObject({placeholders: ['Pose', 'Light'], found: 3, missingCount: 1, unmatched: 0});
		expect(a.missing).toEqual([{index: 1, values: {Pose: 'standing', Light: 'night'}, seed: 1001}]);
	});

	test('no placeholders: a grid of one', () => {
		const entries = plannedEntries({}, {count: 1});
		const a = combinatorial(
			analyseMissing(manifest({variations: {}, numImages: 1}, entries), {imagesOnDisk: names(entries)}),
		);
		expect(a).toMatchObject({placeholders: [], gridSize: 1, planned: 1, found: 1, missingCount: 0});
		const none = combinatorial(analyseMissing(manifest({variations: {}, numImages: 1}, []), {}));
		expect(none.missing).toEqual([{index: 0, values: {}, seed: 1000}]);
	});

	test('duplicate values in a used list count once', () => {
		const m = manifest({variations: {A: ['x', 'y', 'x']}}, []);
		const a = combinatorial(analyseMissing(m, {imagesOnDisk: new Set()}));
		expect(a.gridSize).toBe(2);
		expect(a.missing.map((c) => c.values.A)).toEqual(['x', 'y']);
	});

	test('num_images above the grid: planned is the grid, not capped', () => {
		const a = combinatorial(analyseMissing(manifest({variations: {A: ['1', '2']}, numImages: 10}, []), {}));
		expect(a).toMatchObject({gridSize: 2, planned: 2, capped: false, missingCount: 2});
	});

	test('num_images 0: nothing planned', () => {
		const a = combinatorial(analyseMissing(manifest({variations: {A: ['1', '2']}, numImages: 0}, []), {}));
		expect(a).toMatchObject({gridSize: 2, planned: 0, capped: true, missingCount: 0, missing: []});
	});

	test('without num_images, a positive max_images caps; 0 means unlimited', () => {
		const capped = combinatorial(
			analyseMissing(manifest({variations: {A: ['1', '2', '3']}, generationExtras: {max_images: 2}}, []), {}),
		);
		expect(capped).toMatchObject({gridSize: 3, planned: 2, capped: true});
		const unlimited = combinatorial(
			analyseMissing(manifest({variations: {A: ['1', '2', '3']}, generationExtras: {max_images: 0}}, []), {}),
		);
		expect(unlimited).toMatchObject({gridSize: 3, planned: 3, capped: false});
	});

	test('an unknown or absent mode is treated as a grid', () => {
		expect(analyseMissing(manifest({variations: {A: ['1']}, mode: 'unknown'}, [])).kind).toBe('combinatorial');
	});
});

// ---- seeds ----------------------------------------------------------------------------------------------------

describe('seed lists', () => {
	const variations = {Hair: ['red', 'black'], Eyes: ['blue']};
	const seedList = [11, 22, 33];
	const entries = plannedEntries(variations, {seedList});

	test('every combination repeats over every seed, combination-major', () => {
		expect(entries.map((e) => [e.applied_variations.Hair, e.seed])).toEqual([
			['red', 11],
			['red', 22],
			['red', 33],
			['black', 11],
			['black', 22],
			['black', 33],
		]);
		const a = combinatorial(
			analyseMissing(manifest({variations, seedList, numImages: 6}, entries), {
				imagesOnDisk: without(entries, 1, 5),
			}),
		);
		expect(a).toMatchObject({
			seeds: [11, 22, 33],
			gridSize: 6,
			planned: 6,
			capped: false,
			found: 4,
			missingCount: 2,
		});
		expect(a.missing).toEqual([
			{index: 1, values: {Hair: 'red', Eyes: 'blue'}, seed: 22},
			{index: 5, values: {Hair: 'black', Eyes: 'blue'}, seed: 33},
		]);
		expect(a.shortValues).toEqual({
			Hair: [
				{value: 'red', expected: 3, found: 2, missing: 1},
				{value: 'black', expected: 3, found: 2, missing: 1},
			],
			Eyes: [{value: 'blue', expected: 6, found: 4, missing: 2}],
		});
	});

	test('a capped sweep: only the first num_images cells were planned', () => {
		const planned = entries.slice(0, 4);
		const a = combinatorial(
			analyseMissing(manifest({variations, seedList, numImages: 4}, planned), {
				imagesOnDisk: without(planned, 3),
			}),
		);
		expect(a).toMatchObject({gridSize: 6, planned: 4, capped: true, found: 3, missingCount: 1});
		expect(a.missing).toEqual([{index: 3, values: {Hair: 'black', Eyes: 'blue'}, seed: 11}]);
		expect(a.shortValues.Hair).toEqual([{value: 'black', expected: 1, found: 0, missing: 1}]);
	});

	test('an image whose seed is not in the list fits no cell', () => {
		const odd = entries.map((e, i) => (i === 0 ? {...e, seed: 99} : e));
		const a = combinatorial(analyseMissing(manifest({variations, seedList}, odd), {imagesOnDisk: names(odd)}));
		expect(a).toMatchObject({found: 5, missingCount: 1, unmatched: 1, unmatchedFiles: [odd[0]!.filename]});
		expect(a.missing[0]).toMatchObject({index: 0, seed: 11});
	});

	test('seeds written as strings or whole floats still match; big seeds stay exact', () => {
		const big = [18446744073709551615n, 18446744073709551616n];
		const text = JSON.stringify(buildManifest(SESSION, {variations: {A: ['x']}}, 0))
			.replace(
				'"images":[]',
				'"images":[{"filename":"a.png","seed":"18446744073709551615","applied_variations":{"A":"x"}}]',
			)
			.replace(
				'"total_combinations":1',
				'"total_combinations":1,"seed_list":[18446744073709551615,18446744073709551616]',
			);
		const result = readManifestImages(Buffer.from(text));
		if (!result.ok) throw new Error(result.reason);
		const a = combinatorial(analyseMissing(result, {imagesOnDisk: new Set(['a.png'])}));
		expect(a.seeds).toEqual(big);
		expect(a).toMatchObject({found: 1, missingCount: 1});
		expect(a.missing).toEqual([{index: 1, values: {A: 'x'}, seed: 18446744073709551616n}]);
		const floats = entries.map((e) => ({...e, seed: String(e.seed)}));
		expect(
			combinatorial(analyseMissing(manifest({variations, seedList}, floats), {imagesOnDisk: names(floats)}))
				.found,
		).toBe(6);
	});

	test('seed lists with junk and repeats: the valid distinct seeds form the grid', () => {
		const m = manifest({variations: {A: ['x']}, generationExtras: {seed_list: [5, 'x', null, 5, 6]}}, []);
		const a = combinatorial(analyseMissing(m, {}));
		expect(a.seeds).toEqual([5, 6]);
		expect(a.gridSize).toBe(2);
	});

	test('without a seed list: fixed seeds repeat the base, random seeds are not named', () => {
		const fixed = combinatorial(
			analyseMissing(manifest({variations: {A: ['x', 'y']}, seedMode: 'fixed', baseSeed: 42}, []), {}),
		);
		expect(fixed.missing.map((c) => c.seed)).toEqual([42, 42]);
		const randomSeeds = combinatorial(
			analyseMissing(manifest({variations: {A: ['x', 'y']}, seedMode: 'random', baseSeed: 42}, []), {}),
		);
		expect(randomSeeds.missing).toEqual([
			{index: 0, values: {A: 'x'}},
			{index: 1, values: {A: 'y'}},
		]);
		const minusOne = combinatorial(
			analyseMissing(manifest({variations: {A: ['x']}, seedMode: 'progressive', baseSeed: -1}, []), {}),
		);
		expect(minusOne.missing).toEqual([{index: 0, values: {A: 'x'}}]);
		const nullBase = combinatorial(
			analyseMissing(manifest({variations: {A: ['x']}, seedMode: 'progressive', baseSeed: null}, []), {}),
		);
		expect(nullBase.missing).toEqual([{index: 0, values: {A: 'x'}}]);
	});
});

// ---- files, duplicates, mismatches ----------------------------------------------------------------------------

describe('what counts as found', () => {
	const variations = {A: ['1', '2', '3']};
	const entries = plannedEntries(variations);
	const m = manifest({variations}, entries);

	test('entries whose file is not on disk do not count', () => {
		const a = combinatorial(analyseMissing(m, {imagesOnDisk: new Set([entries[2]!.filename, 'stray.png'])}));
		expect(a).toMatchObject({found: 1, missingCount: 2, entriesWithoutFile: 2});
		expect(a.missing.map((c) => c.index)).toEqual([0, 1]);
	});

	test('no set given: the manifest is trusted', () => {
		expect(combinatorial(analyseMissing(m)).found).toBe(3);
		expect(combinatorial(analyseMissing(m, {imagesOnDisk: null})).found).toBe(3);
	});

	test('a manifest filename with a folder matches the file by its last segment', () => {
		const nested = entries.map((e) => ({...e, filename: `out/${e.filename}`}));
		expect(
			combinatorial(analyseMissing(manifest({variations}, nested), {imagesOnDisk: names(entries)})).found,
		).toBe(3);
	});

	test('duplicates: a second image of a filled cell', () => {
		const dup = [
			...entries,
			{...entries[1]!, filename: 'again.png'},
			{...entries[1]!, filename: 'third.png'},
			{...entries[0]!, filename: 'zero.png'},
		];
		const a = combinatorial(analyseMissing(manifest({variations}, dup), {imagesOnDisk: names(dup)}));
		expect(a).toMatchObject({found: 3, missingCount: 0, duplicates: 3});
		expect(a.duplicateCells).toEqual([
			{index: 0, values: {A: '1'}, seed: 1000, filenames: [entries[0]!.filename, 'zero.png']},
			{index: 1, values: {A: '2'}, seed: 1001, filenames: [entries[1]!.filename, 'again.png', 'third.png']},
		]);
	});

	test('a duplicate whose first copy is gone from disk fills the cell', () => {
		const dup = [...entries, {...entries[0]!, filename: 'copy.png'}];
		const disk = new Set(['copy.png', entries[1]!.filename, entries[2]!.filename]);
		const a = combinatorial(analyseMissing(manifest({variations}, dup), {imagesOnDisk: disk}));
		expect(a).toMatchObject({found: 3, missingCount: 0, duplicates: 0, entriesWithoutFile: 1});
	});

	test('unmatched: values outside used, a placeholder missing, beyond the cap, no variations at all', () => {
		const odd: Entry[] = [
			{...entries[0]!, filename: 'outside.png', applied_variations: {A: '9'}},
			{...entries[0]!, filename: 'nothing.png', applied_variations: {}},
			{...entries[0]!, filename: 'other-name.png', applied_variations: {B: '1'}},
			{...entries[0]!, filename: 'number.png', applied_variations: {A: 1}},
			entries[2]!,
		];
		const a = combinatorial(analyseMissing(manifest({variations, numImages: 2}, odd), {imagesOnDisk: names(odd)}));
		// A: 1 (a number) reads as the text "1", which is a used value.
		expect(a).toMatchObject({planned: 2, capped: true, found: 1, missingCount: 1, unmatched: 4});
		expect(a.unmatchedFiles).toEqual(['outside.png', 'nothing.png', 'other-name.png', entries[2]!.filename]);
	});

	test('malformed entries never match', () => {
		const a = combinatorial(analyseMissing(manifest({variations}, [null, 'x', 3]), {imagesOnDisk: new Set(['x'])}));
		expect(a).toMatchObject({found: 0, missingCount: 3, entriesWithoutFile: 3});
	});

	test('list lengths follow the options', () => {
		const big = manifest({variations: {A: Array.from({length: 100}, (_, i) => `v${i}`)}}, []);
		const a = combinatorial(analyseMissing(big, {firstMissing: 5}));
		expect(a.missing.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
		expect(a.missingCount).toBe(100);
		expect(resumeList(a)).toHaveLength(100);
		expect(resumeList(a, {limit: 7})).toHaveLength(7);
	});
});

// ---- random mode ----------------------------------------------------------------------------------------------

describe('random sessions', () => {
	const variations = {Hair: ['red', 'black', 'blonde'], Pose: ['sit', 'stand']};
	const images: Entry[] = [
		{filename: 'r0.png', seed: 5, prompt: '', negative_prompt: '', applied_variations: {Hair: 'red', Pose: 'sit'}},
		{
			filename: 'r1.png',
			seed: 6,
			prompt: '',
			negative_prompt: '',
			applied_variations: {Hair: 'black', Pose: 'sit', ControlNetImage_0: 'c.png'},
		},
		{
			filename: 'r2.png',
			seed: 7,
			prompt: '',
			negative_prompt: '',
			applied_variations: {Hair: 'blonde', Pose: 'stand'},
		},
		{filename: 'r3.png', seed: 5, prompt: '', negative_prompt: '', applied_variations: {Hair: 'red', Pose: 'sit'}},
	];

	test('how many are missing and which values no image on disk carries', () => {
		const m = manifest({variations, mode: 'random', seedMode: 'random', numImages: 10}, images);
		const a = random(analyseMissing(m, {imagesOnDisk: new Set(['r0.png', 'r1.png', 'r3.png'])}));
		expect(a).toEqual({
			kind: 'random',
			expected: 10,
			found: 3,
			missingCount: 7,
			neverProduced: {Hair: ['blonde'], Pose: ['stand']},
			duplicates: 1,
			entriesWithoutFile: 1,
		});
		expect(resumeList(a)).toEqual([]);
		expect([...iterateMissing(a)]).toEqual([]);
	});

	test('everything produced; more images than planned is not negative', () => {
		const m = manifest({variations, mode: 'random', numImages: 2}, images);
		const a = random(analyseMissing(m, {imagesOnDisk: new Set(images.map((e) => e.filename))}));
		expect(a).toMatchObject({expected: 2, found: 4, missingCount: 0, neverProduced: {}});
	});

	test('no num_images: max_images, else 0', () => {
		expect(
			random(analyseMissing(manifest({variations, mode: 'random', generationExtras: {max_images: 8}}, images)))
				.expected,
		).toBe(8);
		expect(random(analyseMissing(manifest({variations, mode: 'random'}, images))).expected).toBe(0);
	});

	test('placeholders with no used values have nothing to miss', () => {
		const a = random(analyseMissing(manifest({variations: {Empty: []}, mode: 'random', numImages: 1}, []), {}));
		expect(a.neverProduced).toEqual({});
		expect(a.missingCount).toBe(1);
	});
});

// ---- huge grids -----------------------------------------------------------------------------------------------

describe('huge grids are enumerated by index, never built', () => {
	const thousand = (p: string): string[] => Array.from({length: 1000}, (_, i) => `${p}${i}`);

	test('10^12 cells, 3 images', () => {
		const variations = {A: thousand('a'), B: thousand('b'), C: thousand('c'), D: thousand('d')};
		const entries = plannedEntries({A: ['a0'], B: ['b0'], C: ['c0'], D: ['d0', 'd1', 'd3']});
		const started = performance.now();
		const a = combinatorial(
			analyseMissing(manifest({variations, baseSeed: 0}, entries), {
				imagesOnDisk: names(entries),
				firstMissing: 3,
			}),
		);
		const elapsed = performance.now() - started;
		expect(elapsed).toBeLessThan(5000);
		expect(a).toMatchObject({gridSize: 1e12, planned: 1e12, capped: false, found: 3, missingCount: 1e12 - 3});
		expect(a.missing).toEqual([
			{index: 2, values: {A: 'a0', B: 'b0', C: 'c0', D: 'd2'}, seed: 2},
			{index: 4, values: {A: 'a0', B: 'b0', C: 'c0', D: 'd4'}, seed: 4},
			{index: 5, values: {A: 'a0', B: 'b0', C: 'c0', D: 'd5'}, seed: 5},
		]);
		expect(a.shortValues.A).toHaveLength(1000);
		expect(a.shortValues.A![0]).toEqual({value: 'a0', expected: 1e9, found: 3, missing: 1e9 - 3});
		expect(a.shortValues.D![1]).toEqual({value: 'd1', expected: 1e9, found: 1, missing: 1e9 - 1});
		expect(resumeList(a, {limit: 2}).map((e) => e.index)).toEqual([2, 4]);
		// The very last cell is addressed by arithmetic too.
		const lastEntry = {
			filename: 'last.png',
			seed: 1e12 - 1,
			applied_variations: {A: 'a999', B: 'b999', C: 'c999', D: 'd999'},
		};
		const last = combinatorial(
			analyseMissing(manifest({variations, baseSeed: 0, numImages: 1e12}, [lastEntry]), {firstMissing: 1}),
		);
		expect(last).toMatchObject({found: 1, unmatched: 0, missingCount: 1e12 - 1, missing: [{index: 0, seed: 0}]});
		expect(last.shortValues.D![999]).toEqual({value: 'd999', expected: 1e9, found: 1, missing: 1e9 - 1});
	});

	test('beyond 2^53 the counts are exact bigints', () => {
		const variations: Record<string, string[]> = Object.fromEntries(
			['A', 'B', 'C', 'D', 'E', 'F'].map((p) => [p, thousand(p.toLowerCase())]),
		);
		variations.G = Array.from({length: 10}, (_, i) => `g${i}`);
		const a = combinatorial(analyseMissing(manifest({variations, seedMode: 'random'}, []), {firstMissing: 2}));
		expect(a.gridSize).toBe(10n ** 19n);
		expect(a.planned).toBe(10n ** 19n);
		expect(a.missingCount).toBe(10n ** 19n);
		expect(a.missing).toEqual([
			{index: 0, values: {A: 'a0', B: 'b0', C: 'c0', D: 'd0', E: 'e0', F: 'f0', G: 'g0'}},
			{index: 1, values: {A: 'a0', B: 'b0', C: 'c0', D: 'd0', E: 'e0', F: 'f0', G: 'g1'}},
		]);
		expect(a.shortValues.A![0]).toEqual({value: 'a0', expected: 10n ** 16n, found: 0, missing: 10n ** 16n});
		expect(a.shortValues.G![9]).toEqual({value: 'g9', expected: 10n ** 18n, found: 0, missing: 10n ** 18n});
		// Cells past 2^53 are addressed exactly too.
		const last = manifest({variations, seedMode: 'progressive', baseSeed: 1}, [
			{
				filename: 'x.png',
				seed: 1,
				applied_variations: {A: 'a999', B: 'b999', C: 'c999', D: 'd999', E: 'e999', F: 'f999', G: 'g9'},
			},
		]);
		const b = combinatorial(analyseMissing(last, {firstMissing: 0}));
		expect(b).toMatchObject({found: 1, missingCount: 10n ** 19n - 1n, unmatched: 0});
		expect(b.shortValues.G![9]).toEqual({value: 'g9', expected: 10n ** 18n, found: 1, missing: 10n ** 18n - 1n});
	});

	test('a capped huge grid: the cap cuts the outer placeholders short', () => {
		const variations = {A: thousand('a'), B: thousand('b'), C: thousand('c')};
		const a = combinatorial(analyseMissing(manifest({variations, numImages: 1_500_000}, []), {firstMissing: 1}));
		expect(a).toMatchObject({gridSize: 1e9, planned: 1_500_000, capped: true, missingCount: 1_500_000});
		// A: a0 has 10^6 planned cells, a1 half of them, a2… none (so not short).
		expect(a.shortValues.A).toEqual([
			{value: 'a0', expected: 1_000_000, found: 0, missing: 1_000_000},
			{value: 'a1', expected: 500_000, found: 0, missing: 500_000},
		]);
		expect(a.shortValues.C![0]).toEqual({value: 'c0', expected: 1500, found: 0, missing: 1500});
	});
});

// ---- property: the same as enumerating the grid ---------------------------------------------------------------

describe('differential against brute-force enumeration', () => {
	test('300 random sessions: missing list, counts and short values', () => {
		const rand = seededRandom(42);
		for (let round = 0; round < 300; round++) {
			const placeholderCount = Math.floor(rand() * 4);
			const variations: Record<string, string[]> = {};
			for (let p = 0; p < placeholderCount; p++) {
				variations[`P${p}`] = Array.from({length: Math.floor(rand() * 4)}, (_, v) => `v${p}.${v}`);
			}
			const seedList =
				rand() < 0.5 ? Array.from({length: 1 + Math.floor(rand() * 3)}, (_, s) => 100 + s * 7) : undefined;
			const order = generatorOrder(variations, seedList);
			const numImages = rand() < 0.4 ? Math.floor(rand() * (order.length + 2)) : undefined;
			const planned = numImages === undefined ? order.length : Math.min(order.length, numImages);
			const entries = plannedEntries(variations, {seedList, count: planned});
			const disk = new Set(entries.filter(() => rand() < 0.6).map((e) => e.filename));
			const spec: ManifestSpec = {
				variations,
				...(seedList ? {seedList} : {}),
				...(numImages === undefined ? {} : {numImages}),
			};
			const a = combinatorial(analyseMissing(manifest(spec, entries), {imagesOnDisk: disk, firstMissing: 1000}));

			const expectedMissing: MissingCell[] = [];
			order.slice(0, planned).forEach((cell, i) => {
				if (disk.has(entries[i]!.filename)) return;
				expectedMissing.push({index: i, values: cell.values, seed: cell.seed ?? 1000 + i});
			});
			const context = JSON.stringify({round, variations, seedList, numImages});
			expect(a.gridSize, context).toBe(order.length);
			expect(a.planned, context).toBe(planned);
			expect(a.capped, context).toBe(planned < order.length);
			expect(a.found, context).toBe(disk.size);
			expect(a.missingCount, context).toBe(expectedMissing.length);
			expect(a.missing, context).toEqual(expectedMissing);
			expect(resumeList(a), context).toEqual(expectedMissing);

			const short: Record<string, Array<{value: string; expected: number; found: number; missing: number}>> = {};
			for (const [name, values] of Object.entries(variations)) {
				const list = [...new Set(values)].flatMap((value) => {
					const cells = order
						.slice(0, planned)
						.map((c, i) => ({c, i}))
						.filter(({c}) => c.values[name] === value);
					const found = cells.filter(({i}) => disk.has(entries[i]!.filename)).length;
					return found < cells.length
						? [{value, expected: cells.length, found, missing: cells.length - found}]
						: [];
				});
				if (list.length > 0) short[name] = list;
			}
			expect(a.shortValues, context).toEqual(short);
		}
	});
});

// ---- resume lists ---------------------------------------------------------------------------------------------

describe('resume lists', () => {
	test('an analysis read back from JSON resumes from its listed cells', () => {
		const a = combinatorial(analyseMissing(manifest({variations: {A: ['1', '2', '3']}}, []), {firstMissing: 2}));
		expect(resumeList(a)).toHaveLength(3);
		const copy = JSON.parse(JSON.stringify(a)) as MissingAnalysis;
		expect(resumeList(copy)).toEqual([
			{index: 0, values: {A: '1'}, seed: 1000},
			{index: 1, values: {A: '2'}, seed: 1001},
		]);
	});

	test('the entries are JSON a script can feed back', () => {
		const variations = {Hair: ['red'], Pose: ['a', 'b']};
		const a = analyseMissing(manifest({variations, seedList: [3, 4]}, []), {});
		expect(JSON.parse(JSON.stringify(resumeList(a)))).toEqual([
			{index: 0, values: {Hair: 'red', Pose: 'a'}, seed: 3},
			{index: 1, values: {Hair: 'red', Pose: 'a'}, seed: 4},
			{index: 2, values: {Hair: 'red', Pose: 'b'}, seed: 3},
			{index: 3, values: {Hair: 'red', Pose: 'b'}, seed: 4},
		]);
	});

	test('placeholder names that look like object internals stay plain keys', () => {
		const m = manifest({variations: {['__proto__']: ['x'], constructor: ['y']}}, []);
		const [entry] = resumeList(analyseMissing(m, {}));
		expect(Object.keys(entry!.values)).toEqual(['__proto__', 'constructor']);
		expect(Object.getPrototypeOf(entry!.values)).toBe(Object.prototype);
		expect(JSON.stringify(entry!.values)).toBe('{"__proto__":"x","constructor":"y"}');
	});
});

// ---- size -----------------------------------------------------------------------------------------------------

describe('a 100,000-entry session', () => {
	test('read and analysed: the right cells missing, duplicates and unmatched counted', () => {
		const variations = {
			Hair: Array.from({length: 10}, (_, i) => `hair ${i}`),
			Outfit: Array.from({length: 10}, (_, i) => `outfit ${i}`),
			Pose: Array.from({length: 10}, (_, i) => `pose ${i}`),
		};
		const seedList = Array.from({length: 100}, (_, i) => 90_000 + i);
		const entries = plannedEntries(variations, {
			seedList,
			extras: (i) => ({ControlNetImage_0: `/poses/${i % 10}.png`}),
		});
		expect(entries).toHaveLength(100_000);
		// Every 7th file is gone; two extra duplicate entries with files; one entry outside the grid.
		const disk = new Set(entries.filter((_, i) => i % 7 !== 0).map((e) => e.filename));
		const images: Entry[] = [
			...entries,
			{...entries[1]!, filename: 'dup-a.png'},
			{...entries[2]!, filename: 'dup-b.png'},
			{...entries[3]!, filename: 'odd.png', applied_variations: {Hair: 'bald'}},
		];
		for (const name of ['dup-a.png', 'dup-b.png', 'odd.png']) disk.add(name);
		const built = buildManifest(SESSION, {variations, seedList, numImages: 100_000}, 0);
		built.images = images;
		const bytes = Buffer.from(JSON.stringify(built, null, 2));

		const started = performance.now();
		const read = readManifestImages(bytes);
		const afterRead = performance.now();
		if (!read.ok) throw new Error(read.reason);
		const a = combinatorial(analyseMissing(read, {imagesOnDisk: disk}));
		const done = performance.now();
		console.log(
			`combinations: ${(bytes.length / 1e6).toFixed(1)} MB, ${images.length} entries: read ${(afterRead - started).toFixed(0)} ms, ` +
				`analysis ${(done - afterRead).toFixed(0)} ms, total ${(done - started).toFixed(0)} ms`,
		);

		const missingIndexes = entries.map((_, i) => i).filter((i) => i % 7 === 0);
		expect(a).toMatchObject({
			gridSize: 100_000,
			planned: 100_000,
			capped: false,
			found: 100_000 - missingIndexes.length,
			missingCount: missingIndexes.length,
			duplicates: 2,
			unmatched: 1,
			unmatchedFiles: ['odd.png'],
			entriesWithoutFile: missingIndexes.length,
		});
		expect(a.missing).toHaveLength(50);
		expect(a.missing[0]).toEqual({
			index: 0,
			values: {Hair: 'hair 0', Outfit: 'outfit 0', Pose: 'pose 0'},
			seed: 90_000,
		});
		expect(a.missing[1]).toEqual({
			index: 7,
			values: {Hair: 'hair 0', Outfit: 'outfit 0', Pose: 'pose 0'},
			seed: 90_007,
		});
		const resume = resumeList(a);
		expect(resume.map((e) => e.index)).toEqual(missingIndexes);
		expect(resume.at(-1)).toEqual({
			index: 99_995,
			values: {Hair: 'hair 9', Outfit: 'outfit 9', Pose: 'pose 9'},
			seed: 90_095,
		});
		// Every value of every placeholder lost about 1/7 of its images.
		expect(Object.keys(a.shortValues)).toEqual(['Hair', 'Outfit', 'Pose']);
		const hair0 = a.shortValues.Hair![0]!;
		expect(hair0.expected).toBe(10_000);
		expect(hair0.missing).toBe(missingIndexes.filter((i) => i < 10_000).length);
	});
});
