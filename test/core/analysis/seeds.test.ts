import {describe, expect, test} from 'vitest';
import {readManifestImages, type ManifestImages} from '../../../source/core/analysis/manifest-images.js';
import {analyseSeeds} from '../../../source/core/analysis/seeds.js';
import {buildManifest, type ManifestSpec} from '../../../source/demo/corpus.js';

// ---- fixtures -------------------------------------------------------------------------------------------------

const SESSION = '20251112_210411-seeds';

type Entry = {filename: string; seed: unknown; applied_variations: Record<string, unknown>};

/** Generator order: product over non-empty placeholders (first outermost) × every seed, combination-major. */
function plannedEntries(
	variations: Record<string, string[]>,
	options: {seedList?: number[]; baseSeed?: number; count?: number; seedMode?: string} = {},
): Entry[] {
	let combos: Array<Record<string, string>> = [{}];
	for (const [name, values] of Object.entries(variations)) {
		if (values.length > 0) combos = combos.flatMap((c) => values.map((v) => ({...c, [name]: v})));
	}
	const cells = options.seedList
		? combos.flatMap((values) => options.seedList!.map((seed) => ({values, seed})))
		: combos.map((values, i) => ({
				values,
				seed: options.seedMode === 'fixed' ? (options.baseSeed ?? 1000) : (options.baseSeed ?? 1000) + i,
			}));
	return cells.slice(0, options.count ?? cells.length).map(({values, seed}, i) => ({
		filename: `img_${String(i).padStart(5, '0')}_seed-${seed}.png`,
		seed,
		applied_variations: values,
	}));
}

function manifest(spec: ManifestSpec, images: unknown[]): ManifestImages {
	const built = buildManifest(SESSION, spec, 0);
	built.images = images;
	const result = readManifestImages(Buffer.from(JSON.stringify(built)));
	if (!result.ok) throw new Error(result.reason);
	return result;
}

function fromText(text: string): ManifestImages {
	const result = readManifestImages(Buffer.from(text));
	if (!result.ok) throw new Error(result.reason);
	return result;
}

const names = (entries: readonly Entry[]): Set<string> => new Set(entries.map((e) => e.filename));
const without = (entries: readonly Entry[], ...drop: number[]): Set<string> =>
	new Set(entries.filter((_, i) => !drop.includes(i)).map((e) => e.filename));

// ---- progressive seeds ----------------------------------------------------------------------------------------

describe('progressive seeds without a seed list', () => {
	const variations = {Pose: ['a', 'b', 'c', 'd', 'e']};
	const entries = plannedEntries(variations, {baseSeed: 500});

	test('expected: base … base + planned − 1; gaps where files are gone', () => {
		const s = analyseSeeds(manifest({variations, baseSeed: 500, numImages: 5}, entries), {
			imagesOnDisk: without(entries, 1, 3),
		});
		expect(s).toEqual({
			expectedSeeds: {kind: 'range', source: 'seed_base', first: 500, last: 504, count: 5},
			imagesConsidered: 3,
			foundSeeds: 3,
			imagesWithoutSeed: 0,
			missingSeeds: {total: 2, first: [501, 503]},
			unexpectedSeeds: {total: 0, first: []},
			duplicateSeeds: {total: 0, first: []},
			combinationsMissingSeeds: {total: 0, first: []},
			combinationsWithoutImages: 0,
		});
	});

	test('a capped session expects only the planned seeds', () => {
		const s = analyseSeeds(manifest({variations, baseSeed: 500, numImages: 3}, entries.slice(0, 2)), {});
		expect(s.expectedSeeds).toEqual({kind: 'range', source: 'seed_base', first: 500, last: 502, count: 3});
		expect(s.missingSeeds).toEqual({total: 1, first: [502]});
	});

	test('the same seed on two images is a duplicate, whatever their variations', () => {
		const dup = [...entries, {filename: 'again.png', seed: 502, applied_variations: {Pose: 'e'}}];
		const s = analyseSeeds(manifest({variations, baseSeed: 500}, dup), {imagesOnDisk: names(dup)});
		expect(s.duplicateSeeds).toEqual({total: 1, first: [{seed: 502, count: 2}]});
		expect(s.foundSeeds).toBe(5);
	});

	test('seeds outside the range are unexpected, sorted', () => {
		const odd = [
			...entries,
			{filename: 'x.png', seed: 10, applied_variations: {}},
			{filename: 'y.png', seed: 9, applied_variations: {}},
		];
		const s = analyseSeeds(manifest({variations, baseSeed: 500}, odd), {});
		expect(s.unexpectedSeeds).toEqual({total: 2, first: [9, 10]});
		expect(s.missingSeeds.total).toBe(0);
	});

	test('a planned count of 10^12: the total is arithmetic, the first gaps are listed', () => {
		const huge = manifest({variations: {}, baseSeed: 0, numImages: 1e12}, [
			{filename: 'a.png', seed: 0},
			{filename: 'b.png', seed: 2},
		]);
		const s = analyseSeeds(huge, {first: 3});
		expect(s.expectedSeeds).toEqual({kind: 'range', source: 'seed_base', first: 0, last: 1e12 - 1, count: 1e12});
		expect(s.missingSeeds).toEqual({total: 1e12 - 2, first: [1, 3, 4]});
	});

	test('a base near 2^63 stays exact', () => {
		const text =
			'{"snapshot": {"generation_params": {"seed_mode": "progressive", "seed_base": 9223372036854775806, "num_images": 3}},' +
			' "images": [{"filename": "a.png", "seed": 9223372036854775807}]}';
		const s = analyseSeeds(fromText(text));
		expect(s.expectedSeeds).toEqual({
			kind: 'range',
			source: 'seed_base',
			first: 9223372036854775806n,
			last: 9223372036854775808n,
			count: 3,
		});
		expect(s.missingSeeds).toEqual({total: 2, first: [9223372036854775806n, 9223372036854775808n]});
	});
});

// ---- seed lists -----------------------------------------------------------------------------------------------

describe('seed lists', () => {
	const variations = {Hair: ['red', 'black', 'silver'], Eyes: ['blue']};

	test('consecutive seeds read as a range; combinations lacking seeds are listed in grid order', () => {
		const seedList = [1000, 1001, 1002];
		const entries = plannedEntries(variations, {seedList});
		// red lacks 1001; black has nothing (a missing combination, not a partial one); silver lacks 1000 and 1002.
		const disk = without(entries, 1, 3, 4, 5, 6, 8);
		const s = analyseSeeds(manifest({variations, seedList, numImages: 9}, entries), {imagesOnDisk: disk});
		expect(s.expectedSeeds).toEqual({kind: 'range', source: 'seed_list', first: 1000, last: 1002, count: 3});
		expect(s.foundSeeds).toBe(3);
		expect(s.missingSeeds).toEqual({total: 0, first: []});
		expect(s.combinationsMissingSeeds).toEqual({
			total: 2,
			first: [
				{values: {Hair: 'red', Eyes: 'blue'}, missingSeeds: [1001]},
				{values: {Hair: 'silver', Eyes: 'blue'}, missingSeeds: [1000, 1002]},
			],
		});
		expect(s.combinationsWithoutImages).toBe(1);
	});

	test('other seed lists stay lists; a seed no image has is missing', () => {
		const seedList = [42, 7, 1234];
		const entries = plannedEntries(variations, {seedList});
		const s = analyseSeeds(manifest({variations, seedList}, entries), {imagesOnDisk: without(entries, 1, 4, 7)});
		expect(s.expectedSeeds).toEqual({kind: 'list', source: 'seed_list', seeds: [42, 7, 1234], count: 3});
		expect(s.missingSeeds).toEqual({total: 1, first: [7]});
		expect(s.combinationsMissingSeeds.total).toBe(3);
		expect(s.combinationsMissingSeeds.first.map((c) => c.missingSeeds)).toEqual([[7], [7], [7]]);
	});

	test('duplicates are per combination and seed: the same seed across combinations is the sweep', () => {
		const seedList = [1, 2];
		const entries = plannedEntries(variations, {seedList});
		const dup = [...entries, {...entries[2]!, filename: 'dup.png'}];
		const s = analyseSeeds(manifest({variations, seedList}, dup), {});
		expect(s.duplicateSeeds).toEqual({
			total: 1,
			first: [{seed: 1, count: 2, values: {Hair: 'black', Eyes: 'blue'}}],
		});
	});

	test('a capped sweep: only planned seeds of planned combinations are expected', () => {
		const seedList = [10, 20, 30, 40];
		const entries = plannedEntries(variations, {seedList, count: 6});
		// Planned: red × 4 seeds, black × 10 and 20. Black has only 10 on disk.
		const s = analyseSeeds(manifest({variations, seedList, numImages: 6}, entries), {
			imagesOnDisk: without(entries, 5),
		});
		expect(s.combinationsMissingSeeds).toEqual({
			total: 1,
			first: [{values: {Hair: 'black', Eyes: 'blue'}, missingSeeds: [20]}],
		});
		expect(s.combinationsWithoutImages).toBe(0);
	});

	test('a plan that stops inside the first combination expects only the first seeds', () => {
		const seedList = [10, 20, 30, 40];
		const s = analyseSeeds(manifest({variations, seedList, numImages: 2}, []), {});
		expect(s.expectedSeeds).toEqual({kind: 'list', source: 'seed_list', seeds: [10, 20], count: 2});
		expect(s.missingSeeds).toEqual({total: 2, first: [10, 20]});
	});

	test('generator extras are dropped from the values shown', () => {
		const seedList = [1, 2];
		const entries = plannedEntries({Pose: ['sit']}, {seedList}).map((e) => ({
			...e,
			applied_variations: {...e.applied_variations, ControlNetImage_0: 'c.png'},
		}));
		const s = analyseSeeds(manifest({variations: {Pose: ['sit']}, seedList}, entries.slice(0, 1)), {});
		expect(s.combinationsMissingSeeds.first).toEqual([{values: {Pose: 'sit'}, missingSeeds: [2]}]);
	});

	test('big seeds in the list and the images stay exact', () => {
		const text =
			'{"snapshot": {"generation_params": {"mode": "combinatorial", "seed_list": [18446744073709551615, 18446744073709551617]},' +
			' "variations": {"A": {"used": ["x"]}}},' +
			' "images": [{"filename": "a.png", "seed": 18446744073709551617, "applied_variations": {"A": "x"}}]}';
		const s = analyseSeeds(fromText(text));
		expect(s.expectedSeeds).toEqual({
			kind: 'list',
			source: 'seed_list',
			seeds: [18446744073709551615n, 18446744073709551617n],
			count: 2,
		});
		expect(s.missingSeeds).toEqual({total: 1, first: [18446744073709551615n]});
		expect(s.combinationsMissingSeeds.first).toEqual([{values: {A: 'x'}, missingSeeds: [18446744073709551615n]}]);
	});

	test('random mode with a seed list: combinations are grouped by their values', () => {
		const seedList = [5, 6, 7];
		const images = [
			{filename: 'a.png', seed: 5, applied_variations: {Hair: 'red', ControlNetImage_0: 'x'}},
			{filename: 'b.png', seed: 6, applied_variations: {Hair: 'red', ControlNetImage_0: 'y'}},
			{filename: 'c.png', seed: 7, applied_variations: {Hair: 'red'}},
			{filename: 'd.png', seed: 6, applied_variations: {Hair: 'silver'}},
		];
		const s = analyseSeeds(
			manifest({variations: {Hair: ['red', 'silver']}, mode: 'random', seedList, numImages: 6}, images),
			{},
		);
		expect(s.expectedSeeds).toEqual({kind: 'range', source: 'seed_list', first: 5, last: 7, count: 3});
		expect(s.combinationsMissingSeeds).toEqual({
			total: 1,
			first: [{values: {Hair: 'silver'}, missingSeeds: [5, 7]}],
		});
	});
});

// ---- fixed and random seeds, odd values -----------------------------------------------------------------------

describe('fixed and random seeds, odd values', () => {
	test('fixed: every image has the base; the same seed on different combinations is normal', () => {
		const variations = {Pose: ['a', 'b', 'c']};
		const entries = plannedEntries(variations, {seedMode: 'fixed', baseSeed: 77});
		const s = analyseSeeds(manifest({variations, seedMode: 'fixed', baseSeed: 77}, entries), {});
		expect(s.expectedSeeds).toEqual({kind: 'fixed', source: 'seed_base', seed: 77});
		expect(s).toMatchObject({
			foundSeeds: 1,
			missingSeeds: {total: 0, first: []},
			duplicateSeeds: {total: 0, first: []},
		});
		const none = analyseSeeds(manifest({variations, seedMode: 'fixed', baseSeed: 77}, entries), {
			imagesOnDisk: new Set(),
		});
		expect(none.missingSeeds).toEqual({total: 1, first: [77]});
		const dup = analyseSeeds(
			manifest({variations, seedMode: 'fixed', baseSeed: 77}, [
				...entries,
				{...entries[0]!, filename: 'again.png'},
			]),
			{},
		);
		expect(dup.duplicateSeeds).toEqual({total: 1, first: [{seed: 77, count: 2, values: {Pose: 'a'}}]});
	});

	test('random seed mode and random bases: nothing to check against', () => {
		const images = [{filename: 'a.png', seed: 123456, applied_variations: {}}];
		expect(analyseSeeds(manifest({seedMode: 'random'}, images)).expectedSeeds).toEqual({
			kind: 'none',
			reason: 'seed_mode is random: the seeds are drawn at generation',
		});
		expect(analyseSeeds(manifest({seedMode: 'progressive', baseSeed: -1}, images)).expectedSeeds).toEqual({
			kind: 'none',
			reason: 'the base seed is -1 (random)',
		});
		expect(analyseSeeds(manifest({seedMode: 'progressive', baseSeed: null}, images)).expectedSeeds).toEqual({
			kind: 'none',
			reason: 'the base seed is absent (random)',
		});
		expect(analyseSeeds(fromText('{"snapshot": {}}')).expectedSeeds).toEqual({
			kind: 'none',
			reason: 'seed_mode is absent',
		});
		const s = analyseSeeds(manifest({seedMode: 'random'}, images));
		expect(s).toMatchObject({
			foundSeeds: 1,
			missingSeeds: {total: 0, first: []},
			unexpectedSeeds: {total: 0, first: []},
		});
	});

	test('progressive without a known count', () => {
		const s = analyseSeeds(manifest({mode: 'random', seedMode: 'progressive', baseSeed: 3}, []));
		expect(s.expectedSeeds).toEqual({kind: 'none', reason: 'the planned image count is unknown'});
		expect(analyseSeeds(manifest({variations: {A: ['x']}, numImages: 0}, [])).expectedSeeds).toEqual({
			kind: 'none',
			reason: 'nothing was planned',
		});
	});

	test('-1, null, junk strings and missing seeds count as images without a seed; numeric strings count', () => {
		const text =
			'{"snapshot": {"generation_params": {"seed_mode": "progressive", "base_seed": 10, "num_images": 4}}, "images": [' +
			'{"filename": "a.png", "seed": -1}, {"filename": "b.png", "seed": null}, {"filename": "c.png", "seed": "abc"},' +
			' {"filename": "d.png"}, {"filename": "e.png", "seed": "11"}, {"filename": "f.png", "seed": 12.0}, {"filename": "g.png", "seed": 12.5}]}';
		const s = analyseSeeds(fromText(text));
		expect(s).toMatchObject({
			imagesConsidered: 7,
			imagesWithoutSeed: 5,
			foundSeeds: 2,
			missingSeeds: {total: 2, first: [10, 13]},
		});
	});

	test('only images on disk count', () => {
		const entries = plannedEntries({A: ['x', 'y']}, {baseSeed: 1});
		const s = analyseSeeds(manifest({variations: {A: ['x', 'y']}, baseSeed: 1}, entries), {
			imagesOnDisk: new Set(['elsewhere.png']),
		});
		expect(s).toMatchObject({imagesConsidered: 0, foundSeeds: 0, missingSeeds: {total: 2, first: [1, 2]}});
	});

	test('first limits every list', () => {
		const values = Array.from({length: 20}, (_, i) => `v${i}`);
		const s = analyseSeeds(manifest({variations: {A: values}, baseSeed: 0}, []), {first: 4});
		expect(s.missingSeeds).toEqual({total: 20, first: [0, 1, 2, 3]});
	});
});

// ---- size -----------------------------------------------------------------------------------------------------

describe('a 100,000-entry sweep', () => {
	test('1,000 combinations × 100 seeds, some images gone', () => {
		const variations = {
			Hair: Array.from({length: 10}, (_, i) => `h${i}`),
			Pose: Array.from({length: 100}, (_, i) => `p${i}`),
		};
		const seedList = Array.from({length: 100}, (_, i) => 2_000_000_000 + i * 3);
		const entries = plannedEntries(variations, {seedList});
		expect(entries).toHaveLength(100_000);
		// Seed position 5 is gone everywhere; combination 3 lost everything.
		const disk = new Set(
			entries.filter((_, i) => i % 100 !== 5 && Math.floor(i / 100) !== 3).map((e) => e.filename),
		);
		const m = manifest({variations, seedList, numImages: 100_000}, entries);
		const started = performance.now();
		const s = analyseSeeds(m, {imagesOnDisk: disk});
		console.log(`seeds: 100,000 entries analysed in ${(performance.now() - started).toFixed(0)} ms`);
		expect(s.expectedSeeds).toEqual({kind: 'list', source: 'seed_list', seeds: seedList, count: 100});
		expect(s.foundSeeds).toBe(99);
		expect(s.missingSeeds).toEqual({total: 1, first: [seedList[5]]});
		expect(s.combinationsMissingSeeds.total).toBe(999);
		expect(s.combinationsMissingSeeds.first).toHaveLength(50);
		expect(s.combinationsMissingSeeds.first[0]).toEqual({
			values: {Hair: 'h0', Pose: 'p0'},
			missingSeeds: [seedList[5]],
		});
		expect(s.combinationsWithoutImages).toBe(1);
		expect(s.duplicateSeeds.total).toBe(0);
	});
});
