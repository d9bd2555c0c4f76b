import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {resumeList, type CombinatorialAnalysis, type RandomAnalysis} from '../../source/core/analysis/combinations.js';
import {TINY_PNG, imageFileName, writeSession} from '../../source/demo/corpus.js';
import {
	insightFor,
	insightOffThread,
	type SessionIdentityRow,
	type SessionInsight,
} from '../../source/jobs/session-insight.js';
import {makeWorkspace} from '../helpers/temp.js';
import {FOLDER_MS, generatorOrder, setMtime, writeGridSession} from './fixtures.js';

const HAIR = ['bob', 'braids', 'ponytail'];
const EXPRESSION = ['smile', 'frown', 'wink', 'cry'];

function combinatorial(insight: SessionInsight): CombinatorialAnalysis {
	if (insight.missing?.kind !== 'combinatorial')
		throw new Error(`expected a combinatorial analysis: ${insight.reason ?? insight.missing?.kind}`);
	return insight.missing;
}

function random(insight: SessionInsight): RandomAnalysis {
	if (insight.missing?.kind !== 'random')
		throw new Error(`expected a random analysis: ${insight.reason ?? insight.missing?.kind}`);
	return insight.missing;
}

const codes = (insight: SessionInsight): string[] => insight.anomalies.map((a) => a.code);

describe('a combinatorial session with some images deleted', () => {
	const {root} = makeWorkspace('sdstats-insight-');
	const name = '20251112_210411-portraits';
	// What the generator writes: 12 images over Hair × Expression, progressive seeds from 1000.
	const folder = writeSession(root, {
		name,
		manifest: {variations: {Hair: HAIR, Expression: EXPRESSION}, numImages: 12, status: 'completed'},
		images: 12,
		realPng: true,
	});
	const deleted = [2, 7, 11];
	for (const i of deleted) fs.rmSync(path.join(folder, imageFileName(name, i, 1000 + i)));
	const insight = insightFor(folder, name);
	const analysis = combinatorial(insight);

	it('counts the planned grid, what was found and what is missing', () => {
		expect(insight.reason).toBeNull();
		expect(analysis).toMatchObject({
			placeholders: ['Hair', 'Expression'],
			gridSize: 12,
			planned: 12,
			capped: false,
			found: 9,
			missingCount: 3,
			duplicates: 0,
			unmatched: 0,
		});
		expect(insight).toMatchObject({imagesOnDisk: 9, manifestEntries: 12, pngChecked: 9, brokenImages: 0});
	});

	it('gives a resume list of exactly the deleted combinations, in order, with their planned seeds', () => {
		const order = generatorOrder({Hair: HAIR, Expression: EXPRESSION});
		expect(resumeList(analysis)).toEqual(
			deleted.map((i) => ({index: i, values: order[i]!.values, seed: 1000 + i})),
		);
		expect(resumeList(analysis)).toEqual([
			{index: 2, values: {Hair: 'bob', Expression: 'wink'}, seed: 1002},
			{index: 7, values: {Hair: 'braids', Expression: 'cry'}, seed: 1007},
			{index: 11, values: {Hair: 'ponytail', Expression: 'cry'}, seed: 1011},
		]);
	});

	it('says per placeholder which values are short', () => {
		expect(analysis.shortValues).toEqual({
			Hair: [
				{value: 'bob', expected: 4, found: 3, missing: 1},
				{value: 'braids', expected: 4, found: 3, missing: 1},
				{value: 'ponytail', expected: 4, found: 3, missing: 1},
			],
			Expression: [
				{value: 'wink', expected: 3, found: 2, missing: 1},
				{value: 'cry', expected: 3, found: 1, missing: 2},
			],
		});
	});

	it('reports the manifest entries whose file is gone, and no seed analysis for a two-placeholder grid', () => {
		expect(codes(insight)).toEqual(['missing_images']);
		expect(insight.anomalies[0]!.items).toEqual(deleted.map((i) => imageFileName(name, i, 1000 + i)));
		expect(insight.seeds).toBeNull();
	});

	it('is plain data: a structured clone (what a worker sends back) keeps every field', () => {
		const copy = structuredClone(insight);
		expect(copy).toEqual(insight);
	});
});

describe('seed sweeps', () => {
	it('a seed list: the combination lacking a seed, and the missing cell in the resume list', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const seedList = [1001, 1002, 1003];
		const cells = generatorOrder({Hair: ['bob', 'braids']}, {seedList});
		const name = '20251112_210411-seed_list';
		const {folder} = writeGridSession(
			root,
			name,
			{variations: {Hair: ['bob', 'braids']}, seedList, numImages: 6},
			cells,
			{deleted: [4]},
		);
		const insight = insightFor(folder, name);
		expect(insight.seeds).toMatchObject({
			expectedSeeds: {kind: 'range', source: 'seed_list', first: 1001, last: 1003, count: 3},
			imagesConsidered: 5,
			foundSeeds: 3,
			missingSeeds: {total: 0, first: []},
			duplicateSeeds: {total: 0},
			combinationsMissingSeeds: {total: 1, first: [{values: {Hair: 'braids'}, missingSeeds: [1002]}]},
			combinationsWithoutImages: 0,
		});
		expect(resumeList(combinatorial(insight))).toEqual([{index: 4, values: {Hair: 'braids'}, seed: 1002}]);
	});

	it('progressive seeds over one placeholder: the gap', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const name = '20251112_210411-progressive';
		const folder = writeSession(root, {
			name,
			manifest: {variations: {Expression: EXPRESSION}, numImages: 4, seedMode: 'progressive', baseSeed: 500},
			images: 4,
			realPng: true,
		});
		fs.rmSync(path.join(folder, imageFileName(name, 2, 502)));
		const insight = insightFor(folder, name);
		expect(insight.seeds).toMatchObject({
			expectedSeeds: {kind: 'range', source: 'seed_base', first: 500, last: 503, count: 4},
			missingSeeds: {total: 1, first: [502]},
			unexpectedSeeds: {total: 0},
		});
	});

	it('a duplicate seed and seeds beyond 2^53 stay exact', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const big = [9_007_199_254_740_993n, 9_007_199_254_740_995n];
		const cells = [
			{values: {Hair: 'bob'}, seed: big[0]!},
			{values: {Hair: 'bob'}, seed: big[0]!},
			{values: {Hair: 'braids'}, seed: big[0]!},
		];
		const name = '20251112_210411-big_seeds';
		const {folder} = writeGridSession(
			root,
			name,
			{variations: {Hair: ['bob', 'braids']}, seedList: [1, 2], numImages: 4},
			cells,
		);
		// Rewrite the seed list with the big seeds (JSON.stringify cannot).
		const file = path.join(folder, 'manifest.json');
		fs.writeFileSync(
			file,
			fs.readFileSync(file, 'utf8').replace(/"seed_list": \[\s*1,\s*2\s*\]/, `"seed_list": [${big.join(', ')}]`),
		);
		const insight = insightFor(folder, name);
		expect(insight.seeds?.duplicateSeeds).toEqual({
			total: 1,
			first: [{seed: big[0], count: 2, values: {Hair: 'bob'}}],
		});
		expect(insight.seeds?.combinationsMissingSeeds.first).toEqual([
			{values: {Hair: 'bob'}, missingSeeds: [big[1]]},
			{values: {Hair: 'braids'}, missingSeeds: [big[1]]},
		]);
		expect(resumeList(combinatorial(insight))).toEqual([
			{index: 1, values: {Hair: 'bob'}, seed: big[1]},
			{index: 3, values: {Hair: 'braids'}, seed: big[1]},
		]);
	});
});

describe('a random-mode session', () => {
	it('says how many images are missing and which values were never produced', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const name = '20251112_210411-random';
		const hair = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
		const folder = writeSession(root, {
			name,
			manifest: {
				mode: 'random',
				variations: {Hair: hair, Expression: ['smile', 'frown']},
				numImages: 10,
				status: 'completed',
			},
			images: 7,
			realPng: true,
		});
		const insight = insightFor(folder, name);
		expect(random(insight)).toEqual({
			kind: 'random',
			expected: 10,
			found: 7,
			missingCount: 3,
			neverProduced: {Hair: ['e', 'f', 'g', 'h', 'i', 'j']},
			duplicates: 0,
			entriesWithoutFile: 0,
		});
		expect(insight.anomalies).toEqual([]);
		expect(insight.seeds).toBeNull();
	});
});

describe('anomalies', () => {
	const name = '20251112_210411-troubled';
	const values = ['a', 'b', 'c', 'd', 'e', 'f'];

	function troubled(): {folder: string; files: string[]} {
		const {root} = makeWorkspace('sdstats-insight-');
		const folder = writeSession(root, {
			name,
			manifest: {variations: {Hair: values}, numImages: 6, status: 'completed'},
			images: 6,
			realPng: true,
		});
		return {folder, files: values.map((_, i) => imageFileName(name, i, 1000 + i))};
	}

	it('flags each kind: unlisted file, missing file, zero-byte, truncated PNG, image before the folder', () => {
		const {folder, files} = troubled();
		fs.writeFileSync(path.join(folder, 'stray_0001.png'), TINY_PNG);
		fs.rmSync(path.join(folder, files[1]!));
		fs.writeFileSync(path.join(folder, files[2]!), '');
		fs.writeFileSync(path.join(folder, files[3]!), TINY_PNG.subarray(0, TINY_PNG.length - 5));
		setMtime(path.join(folder, files[0]!), FOLDER_MS - 2 * 3_600_000);
		const insight = insightFor(folder, name);
		expect(codes(insight)).toEqual([
			'unlisted_images',
			'missing_images',
			'zero_byte_images',
			'truncated_png',
			'image_before_folder',
		]);
		const byCode = Object.fromEntries(insight.anomalies.map((a) => [a.code, a]));
		expect(byCode.unlisted_images!.items).toEqual(['stray_0001.png']);
		expect(byCode.missing_images!.items).toEqual([files[1]]);
		expect(byCode.zero_byte_images!.items).toEqual([files[2]]);
		expect(byCode.truncated_png!.items).toEqual([files[3]]);
		expect(byCode.image_before_folder!.message).toBe(
			"the first image (2025-11-12T19:04:11) is 2 h 00 min older than the folder's timestamp (2025-11-12T21:04:11)",
		);
		// Empty and cut-off images are not found: they come back in the resume list.
		expect(resumeList(combinatorial(insight)).map((e) => e.values.Hair)).toEqual(['b', 'c', 'd']);
		expect(insight.brokenImages).toBe(2);
	});

	it('the folder timestamp can come from the row (session_created_at), within a minute is fine', () => {
		const {folder, files} = troubled();
		setMtime(path.join(folder, files[0]!), FOLDER_MS - 59_000);
		expect(codes(insightFor(folder, name))).toEqual([]);
		expect(codes(insightFor(folder, name, {sessionCreatedAt: '2025-11-12T22:00:00'}))).toEqual([
			'image_before_folder',
		]);
		expect(codes(insightFor(folder, name, {sessionCreatedAt: null}))).toEqual([]);
	});

	it('without the PNG check a cut-off file is not seen (and counts as found)', () => {
		const {folder, files} = troubled();
		fs.writeFileSync(path.join(folder, files[3]!), TINY_PNG.subarray(0, 20));
		const insight = insightFor(folder, name, {checkPngEnds: false});
		expect(codes(insight)).toEqual([]);
		expect(insight.pngChecked).toBe(0);
		expect(combinatorial(insight).missingCount).toBe(0);
	});

	it('a running session may have one image the manifest does not list yet', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const running = '20251112_210411-running';
		const folder = writeSession(root, {
			name: running,
			manifest: {variations: {Hair: values}, numImages: 6, status: 'ongoing', recordImages: 3},
			images: 4,
			realPng: true,
		});
		expect(codes(insightFor(folder, running, {running: true}))).toEqual([]);
		expect(codes(insightFor(folder, running, {running: false}))).toEqual(['unlisted_images']);
		// The newest image may still be being written: while running it is not judged; the older ones are.
		const newest = path.join(folder, imageFileName(running, 3, 1003));
		fs.writeFileSync(newest, TINY_PNG.subarray(0, 30));
		setMtime(newest, FOLDER_MS + 60_000);
		expect(codes(insightFor(folder, running, {running: true}))).toEqual([]);
		expect(codes(insightFor(folder, running, {running: false}))).toEqual(['unlisted_images', 'truncated_png']);
		const oldest = path.join(folder, imageFileName(running, 0, 1000));
		fs.writeFileSync(oldest, '');
		setMtime(oldest, FOLDER_MS);
		expect(codes(insightFor(folder, running, {running: true}))).toEqual(['zero_byte_images']);
	});

	it('duplicate sessions: same resolved prompt, model and parameters', () => {
		const {folder} = troubled();
		const identity = (session_id: string, steps = 30): SessionIdentityRow => ({
			session_id,
			resolved_prompt: 'masterpiece, {Hair}',
			sd_model: 'illustriousXL_v01.safetensors [a1b2c3d4e5]',
			width: 832,
			height: 1216,
			steps,
			cfg_scale: 7,
			sampler_name: 'DPM++ 2M',
			generation_mode: 'combinatorial',
			seed_base: 1000,
		});
		const rows = [
			identity(name),
			identity('20251113_090000-again'),
			identity('20251114_090000-other_steps', 25),
			{...identity('20251115_090000-no_prompt'), resolved_prompt: null},
		];
		const insight = insightFor(folder, name, {identities: rows});
		expect(insight.anomalies).toEqual([
			{
				code: 'duplicate_session',
				message: 'same prompt, model and parameters as 1 other session: 20251113_090000-again',
				items: ['20251113_090000-again'],
			},
		]);
		// Without the session's own row there is nothing to compare.
		expect(insightFor(folder, name, {identities: rows.slice(1)}).anomalies).toEqual([]);
	});
});

describe('when the manifest cannot say', () => {
	it('no manifest: a reason, and the file anomalies still', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const name = '2025-10-14_163854_legacy';
		const folder = writeSession(root, {name, images: 3});
		const insight = insightFor(folder, name);
		expect(insight).toMatchObject({
			missing: null,
			seeds: null,
			reason: 'no manifest.json in the folder: nothing says what was planned',
			imagesOnDisk: 3,
		});
		expect(codes(insight)).toEqual(['zero_byte_images']);
	});

	it('an unreadable manifest: the parser reason', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const name = '20251112_210411-broken';
		const folder = writeSession(root, {name, manifest: {raw: '{"snapshot": {'}, images: 1, realPng: true});
		expect(insightFor(folder, name)).toMatchObject({
			missing: null,
			reason: 'manifest.json: unexpected end of input at byte 14',
		});
	});

	it('a manifest without an images list', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		const name = '20251112_210411-no_list';
		const folder = writeSession(root, {
			name,
			manifest: {raw: '{"snapshot": {"generation_params": {"mode": "combinatorial"}}}'},
			images: 1,
			realPng: true,
		});
		expect(insightFor(folder, name)).toMatchObject({
			missing: null,
			anomalies: [],
			reason: 'manifest.json has no "images" list: the images cannot be matched to what was planned',
		});
	});

	it('a folder that is gone', () => {
		const {root} = makeWorkspace('sdstats-insight-');
		expect(insightFor(path.join(root, 'nope'), 'nope')).toMatchObject({
			missing: null,
			anomalies: [],
			reason: 'the session folder is gone',
		});
	});
});

describe('insightOffThread', () => {
	const {root} = makeWorkspace('sdstats-insight-');
	const name = '20251112_210411-portraits';
	const folder = writeSession(root, {
		name,
		manifest: {variations: {Hair: HAIR, Expression: EXPRESSION}, numImages: 12, status: 'completed'},
		images: 12,
		realPng: true,
	});
	fs.rmSync(path.join(folder, imageFileName(name, 5, 1005)));
	const identities: SessionIdentityRow[] = ['x', 'y'].map((suffix) => ({
		session_id: suffix === 'x' ? name : `20251113_000000-${suffix}`,
		resolved_prompt: 'p',
		sd_model: 'm',
		width: 1,
		height: 1,
		steps: 1,
		cfg_scale: 1,
		sampler_name: 's',
		generation_mode: 'combinatorial',
		seed_base: 1,
	}));

	it('from sources: on this thread after yielding, the same result as insightFor', async () => {
		let yielded = false;
		const pending = insightOffThread(folder, name, {identities});
		yielded = true;
		const insight = await pending;
		expect(yielded).toBe(true);
		expect(insight).toEqual(insightFor(folder, name, {identities}));
		expect(codes(insight)).toEqual(['missing_images', 'duplicate_session']);
	});

	it('compiled: on a worker thread, the same result (plain data) as insightFor', async () => {
		const compiled = fileURLToPath(new URL('../../dist/source/jobs/session-insight.js', import.meta.url));
		if (!fs.existsSync(compiled)) throw new Error(`build first: ${compiled} is missing (npm test builds it)`);
		const module = (await import(compiled)) as typeof import('../../source/jobs/session-insight.js');
		expect(fs.existsSync(path.join(path.dirname(compiled), 'insight-worker.js'))).toBe(true);
		const insight = await module.insightOffThread(folder, name, {identities});
		expect(insight).toEqual(structuredClone(insightFor(folder, name, {identities})));
		expect(resumeList(combinatorial(insight))).toEqual([
			{index: 5, values: {Hair: 'braids', Expression: 'frown'}, seed: 1005},
		]);
	});

	it('an abort signal cancels it, on either path', async () => {
		const compiled = fileURLToPath(new URL('../../dist/source/jobs/session-insight.js', import.meta.url));
		const module = (await import(compiled)) as typeof import('../../source/jobs/session-insight.js');
		for (const run of [insightOffThread, module.insightOffThread]) {
			const before = new AbortController();
			before.abort();
			await expect(run(folder, name, {signal: before.signal})).rejects.toMatchObject({name: 'AbortError'});
			const during = new AbortController();
			const pending = run(folder, name, {signal: during.signal});
			during.abort();
			await expect(pending).rejects.toMatchObject({name: 'AbortError'});
		}
	});
});
