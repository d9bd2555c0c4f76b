/**
 * Regression (issue 11, item 1): the resume list gave another combination's plan index and seed whenever the
 * template listed its placeholders in another order than its prompt uses them. The generator nests its loops
 * in the order of the prompt (stable-sorted by `[$W]` weight) and writes `applied_variations` in that order;
 * `snapshot.variations` follows the template's imports. These tests simulate the generator (its loop nesting,
 * weights, weight-0 placeholders, seed lists, progressive seeds) and check every resume entry against it.
 */
import {describe, expect, it} from 'vitest';
import {analyseMissing, type CombinatorialAnalysis} from '../../source/core/analysis/combinations.js';
import {loopOrder, promptLoopOrder} from '../../source/core/analysis/loop-order.js';
import {readManifestImages} from '../../source/core/analysis/manifest-images.js';
import {missingReport} from '../../source/commands/show.js';
import {insightLines} from '../../source/ui/model/insight-lines.js';
import type {SessionInsight} from '../../source/jobs/session-insight.js';

type Plan = {values: Record<string, string>; seed: number};

/**
 * What the generator plans: placeholders in first-appearance order of the prompt, weight > 0 looped (stable
 * sort by weight, lowest outermost), weight 0 a fixed pick here (random in the generator); with a seed list,
 * every combination × every seed; else progressive seeds from `base`.
 */
function generatorPlan(
	prompt: string,
	pools: Record<string, string[]>,
	options: {seedList?: number[]; base?: number; cap?: number} = {},
): Plan[] {
	const order = promptLoopOrder(prompt);
	let combos: Array<Record<string, string>> = [{}];
	for (const name of order.looped)
		combos = combos.flatMap((combo) => pools[name]!.map((value) => ({...combo, [name]: value})));
	const withRandom = combos.map((combo) => {
		const state = {...combo};
		for (const name of order.randomPerImage) state[name] = pools[name]![0]!;
		return state;
	});
	const plan = options.seedList
		? withRandom.flatMap((values) => options.seedList!.map((seed) => ({values, seed})))
		: withRandom.map((values, i) => ({values, seed: (options.base ?? 1000) + i}));
	return plan.slice(0, options.cap ?? plan.length);
}

/** A manifest as the generator writes it after `made` images (variations in the template's import order). */
function manifestBytes(
	prompt: string,
	pools: Record<string, string[]>,
	plan: readonly Plan[],
	made: number,
	options: {seedList?: number[]} = {},
): Buffer {
	const used = (name: string): string[] => [
		...new Set(plan.map((p) => p.values[name]!).filter((v) => v !== undefined)),
	];
	const manifest = {
		snapshot: {
			version: '2.0',
			resolved_template: {prompt, negative: 'lowres'},
			generation_params: {
				mode: 'combinatorial',
				seed_mode: 'progressive',
				base_seed: 1000,
				num_images: plan.length,
				total_combinations: Object.values(pools).reduce((n, v) => n * v.length, 1),
				...(options.seedList ? {seed_list: options.seedList} : {}),
			},
			// The template's imports order: NOT the loop order.
			variations: Object.fromEntries(
				Object.entries(pools).map(([name, available]) => [
					name,
					{available, used: used(name), count: available.length},
				]),
			),
		},
		images: plan.slice(0, made).map((p, i) => ({
			filename: `img_${String(i).padStart(4, '0')}_seed-${p.seed}.png`,
			seed: p.seed,
			prompt: 'resolved',
			negative_prompt: 'lowres',
			applied_variations: p.values,
		})),
		status: 'aborted',
	};
	return Buffer.from(JSON.stringify(manifest, null, 2));
}

function analyse(bytes: Buffer): CombinatorialAnalysis {
	const manifest = readManifestImages(bytes);
	if (!manifest.ok) throw new Error(manifest.reason);
	const analysis = analyseMissing(manifest, {firstMissing: 1000});
	if (analysis.kind !== 'combinatorial') throw new Error('expected a grid');
	return analysis;
}

/** The resume entries the generator's own plan says are missing: index, values (grid placeholders only) and seed. */
function expectedResume(plan: readonly Plan[], made: number, gridNames: readonly string[]) {
	return plan.slice(made).map((p, k) => ({
		index: made + k,
		values: Object.fromEntries(gridNames.map((name) => [name, p.values[name]!])),
		seed: p.seed,
	}));
}

const POOLS = {Expression: ['smile', 'frown', 'wink'], Hair: ['bob', 'braids', 'ponytail', 'bun']};

describe('resume list follows the generator loop order (issue 11 item 1)', () => {
	it('Ctrl-C after 4 of 12: index and seed of every entry match the generator, from applied_variations order', () => {
		const prompt = 'masterpiece, {Hair}, {Expression}, city street';
		const plan = generatorPlan(prompt, POOLS);
		const analysis = analyse(manifestBytes(prompt, POOLS, plan, 4));
		expect(analysis.placeholders).toEqual(['Hair', 'Expression']);
		const report = missingReport('s', analysis);
		expect(report.kind).toBe('combinatorial');
		expect(report.resume).toEqual(expectedResume(plan, 4, ['Hair', 'Expression']));
		expect(report.resume[0]).toEqual({index: 4, values: {Hair: 'braids', Expression: 'frown'}, seed: 1004});
	});

	it('no image entries yet: the order comes from the prompt', () => {
		const prompt = '{Hair} and {Expression} and {Hair} again';
		const plan = generatorPlan(prompt, POOLS);
		const analysis = analyse(manifestBytes(prompt, POOLS, plan, 0));
		expect(analysis.placeholders).toEqual(['Hair', 'Expression']);
		expect(missingReport('s', analysis).resume).toEqual(expectedResume(plan, 0, ['Hair', 'Expression']));
	});

	it('weights: placeholders are stable-sorted by [$W], lowest outermost', () => {
		const pools = {A: ['a1', 'a2'], B: ['b1', 'b2', 'b3'], C: ['c1', 'c2']};
		const prompt = '{C[$5]}, {A[2;$3]}, {B}'; // B weight 1, A 3, C 5
		const plan = generatorPlan(prompt, pools);
		expect(promptLoopOrder(prompt).looped).toEqual(['B', 'A', 'C']);
		const analysis = analyse(manifestBytes(prompt, pools, plan, 0));
		expect(analysis.placeholders).toEqual(['B', 'A', 'C']);
		expect(missingReport('s', analysis).resume).toEqual(expectedResume(plan, 0, ['B', 'A', 'C']));
	});

	it('weight 0: the placeholder is random per image and takes no part in the grid', () => {
		const pools = {Quality: ['hq', 'lq'], Hair: ['bob', 'bun'], Expression: ['smile', 'frown']};
		const prompt = '{Quality[$0]}, {Expression}, {Hair}';
		const plan = generatorPlan(prompt, pools);
		expect(plan).toHaveLength(4);
		const analysis = analyse(manifestBytes(prompt, pools, plan, 1));
		expect(analysis.placeholders).toEqual(['Expression', 'Hair']);
		expect(analysis.randomPerImage).toEqual(['Quality']);
		expect(analysis.planned).toBe(4);
		expect(missingReport('s', analysis).resume).toEqual(expectedResume(plan, 1, ['Expression', 'Hair']));
	});

	it('a seed sweep (2 of 20 made): kind says seed-sweep, every entry has its own combination and seed', () => {
		const pools = {Expression: ['smile', 'frown'], Hair: ['bob', 'bun']};
		const seedList = [7, 8, 9, 10, 11];
		const prompt = '{Hair}, {Expression}';
		const plan = generatorPlan(prompt, pools, {seedList});
		const analysis = analyse(manifestBytes(prompt, pools, plan, 2, {seedList}));
		const report = missingReport('s', analysis);
		expect(report.kind).toBe('seed-sweep');
		expect(report).toMatchObject({
			placeholders: ['Hair', 'Expression'],
			seeds: seedList,
			planned: 20,
			found: 2,
			missing_count: 18,
		});
		expect(report.resume).toEqual(expectedResume(plan, 2, ['Hair', 'Expression']));
	});

	it('the details show the grid in the same loop order', () => {
		const prompt = '{Hair}, {Expression}';
		const analysis = analyse(manifestBytes(prompt, POOLS, generatorPlan(prompt, POOLS), 4));
		const insight: SessionInsight = {
			sessionId: 's',
			missing: analysis,
			seeds: null,
			anomalies: [],
			reason: null,
			imagesOnDisk: 4,
			manifestEntries: 4,
			pngChecked: 0,
			brokenImages: 0,
		};
		const text = insightLines(insight, 100)
			.map((l) => l.text)
			.join('\n');
		expect(text).toContain('Hair × Expression');
		expect(text).toContain('Hair=braids, Expression=frown (seed 1004)');
	});

	it('applied_variations order wins over the prompt, the prompt over snapshot.variations', () => {
		expect(loopOrder(['A', 'B', 'C'], ['C', 'A', 'ControlNetImage_0'], '{B}, {A}, {C}').names).toEqual([
			'C',
			'A',
			'B',
		]);
		expect(loopOrder(['A', 'B', 'C'], null, '{B}, {A}').names).toEqual(['B', 'A', 'C']);
		expect(loopOrder(['A', 'B'], null, null)).toEqual({
			names: ['A', 'B'],
			randomPerImage: [],
			source: 'variations',
		});
	});
});
