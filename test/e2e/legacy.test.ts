/** The built binary on a root mixing every session format: manifest.json, V1 plans, Phase-1 metadata, images only. */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {pngFile} from '../../source/demo/image-files.js';
import {writeLegacySession} from '../../source/demo/legacy-corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
});

type Listed = {
	session_id: string;
	state: string;
	sd_model: string | null;
	images_expected: number | null;
	images_actual: number;
	completion_percentage: number | null;
	seed_mode: string | null;
	seed_base: number | null;
	steps: number | null;
	sources: Record<string, {from: string; agree?: number; of?: number; others?: Array<[string, number]>}>;
	source_notes: string[];
	[key: string]: unknown;
};

function mixedRoot() {
	const workspace = makeWorkspace('sdstats-legacy-');
	const {root} = workspace;
	writeSession(root, {
		name: '20251112_210411-current',
		manifest: {numImages: 4, status: 'completed', model: 'ponyV6.safetensors'},
		images: 4,
	});
	writeLegacySession(root, {
		name: '2025-10-12_140322_portraits',
		kind: 'v1',
		stem: 'portraits',
		planned: 20,
		images: 12,
	});
	writeLegacySession(root, {name: '2025-10-11_090000_aborted', kind: 'v1', stem: 'aborted', planned: 8, images: 0});
	writeLegacySession(root, {
		name: '2025-10-02_100000_cats',
		kind: 'phase1',
		stem: 'cats',
		planned: 6,
		images: 6,
		seedMode: 'fixed',
		seed: 77,
		model: 'sd15_base',
	});
	writeLegacySession(root, {
		name: '2025-09-20_080000_switch',
		kind: 'png',
		images: 10,
		switchModel: {at: 7, model: 'ponyV6'},
		seedMode: 'random',
	});
	writeLegacySession(root, {
		name: '2025-09-21_080000_sweep',
		kind: 'png',
		images: 5,
		values: ['one prompt'],
		seed: 42,
	});
	writeLegacySession(root, {
		name: '2025-09-22_080000_comfy',
		kind: 'comfyui',
		images: 3,
		seedMode: 'fixed',
		seed: 156680208700286,
		model: 'sd_xl_base_1.0',
	});
	writeLegacySession(root, {name: '2025-09-23_080000_bare', kind: 'png', images: 2, bare: true});
	// A V1 plan whose images were renamed: counted, not matched.
	writeLegacySession(root, {name: '2025-10-13_080000_renamed', kind: 'v1', stem: 'renamed', planned: 3, images: 0});
	for (const name of ['a.png', 'b.png'])
		fs.copyFileSync(
			path.join(root, '2025-09-23_080000_bare', fs.readdirSync(path.join(root, '2025-09-23_080000_bare'))[0]!),
			path.join(root, '2025-10-13_080000_renamed', name),
		);
	// An image whose parameters chunk is 10 MB: skipped with the reason.
	const huge = path.join(root, '2025-09-24_080000_huge');
	fs.mkdirSync(huge);
	fs.writeFileSync(
		path.join(huge, 'x.png'),
		pngFile(4, 4, [{type: 'tEXt', key: 'parameters', text: Buffer.alloc(10 * 1024 * 1024, 0x61)}]),
	);
	// Both a manifest.json and an older plan: manifest.json wins.
	const both = path.join(root, '20251114_100000-both');
	writeSession(root, {
		name: '20251114_100000-both',
		manifest: {numImages: 2, status: 'completed', model: 'fromManifest.safetensors'},
		images: 2,
	});
	fs.writeFileSync(
		path.join(both, 'both_manifest.json'),
		JSON.stringify({session_name: 'both', total_variations: 99, variations: []}),
	);
	return workspace;
}

describe('sessions without manifest.json', () => {
	it('compute fills them from older manifests and images; list, filter and show say where each value came from', async () => {
		const {root} = mixedRoot();
		const computed = await runCli(['compute', '--root', root, '--json']);
		expect(computed.code).toBe(0);
		expect(JSON.parse(computed.stdout)).toMatchObject({computed: 11, unreadable: 0, no_manifest: 9});

		const listed = await runCli(['list', '--root', root, '--json']);
		expect(listed.code).toBe(0);
		const rows = new Map((JSON.parse(listed.stdout) as Listed[]).map((r) => [r.session_id, r]));

		const portraits = rows.get('2025-10-12_140322_portraits')!;
		expect(portraits).toMatchObject({
			state: 'no_manifest',
			sd_model: 'illustriousXL_v01',
			images_expected: 20,
			images_actual: 12,
			completion_percentage: 60,
			seed_mode: 'progressive',
			seed_base: 1000,
			steps: 30,
			template_version: 'v2.0',
		});
		expect(portraits.sources.sd_model).toEqual({from: 'png', agree: 10, of: 10});
		expect(portraits.sources.images_expected).toEqual({from: 'v1'});
		expect(portraits.source_notes).toEqual([
			'portraits_manifest.json: 8 of 20 planned images have no file',
			'parameters read from 10 of 12 images (a sample; `sdstats compute --deep` reads them all)',
		]);

		expect(rows.get('2025-10-11_090000_aborted')).toMatchObject({
			images_expected: 8,
			images_actual: 0,
			completion_percentage: 0,
			sd_model: null,
		});
		expect(rows.get('2025-10-02_100000_cats')).toMatchObject({
			sd_model: 'sd15_base',
			images_expected: 6,
			completion_percentage: 100,
			generation_mode: 'combinatorial',
			seed_mode: 'fixed',
			seed_base: 77,
			resolved_prompt: 'masterpiece, 1girl, {Expression}',
		});
		expect(rows.get('2025-10-02_100000_cats')!.sources.sd_model).toMatchObject({from: 'png', agree: 6, of: 6});

		const switched = rows.get('2025-09-20_080000_switch')!;
		expect(switched).toMatchObject({
			sd_model: 'illustriousXL_v01',
			seed_mode: 'random',
			images_expected: null,
			completion_percentage: null,
		});
		expect(switched.sources.sd_model).toEqual({from: 'png', agree: 7, of: 10, others: [['ponyV6', 3]]});

		expect(rows.get('2025-09-21_080000_sweep')).toMatchObject({
			is_seed_sweep: true,
			seed_mode: 'progressive',
			seed_base: 42,
		});
		expect(rows.get('2025-09-22_080000_comfy')).toMatchObject({
			sd_model: 'sd_xl_base_1.0.safetensors',
			seed_mode: 'fixed',
			seed_base: 156680208700286,
			steps: 20,
		});
		expect(rows.get('2025-09-23_080000_bare')).toMatchObject({
			sd_model: null,
			width: 26,
			height: 38,
			source_notes: ['2 of 2 sampled images: no parameters in the image'],
		});
		expect(rows.get('2025-10-13_080000_renamed')!.source_notes[0]).toBe(
			'renamed_manifest.json: 2 of 2 images do not match its entries (expected names like renamed_0000.png)',
		);
		expect(rows.get('2025-09-24_080000_huge')!.source_notes).toEqual([
			'1 of 1 sampled images: its "parameters" chunk of 10 MB is over the 1 MB limit and was not read',
		]);
		expect(rows.get('20251114_100000-both')).toMatchObject({
			sd_model: 'fromManifest.safetensors',
			images_expected: 2,
			state: 'complete',
			sources: {sd_model: {from: 'manifest'}},
		});

		const png = await runCli(['list', '--root', root, '--json', '--filter', 'source:png']);
		expect((JSON.parse(png.stdout) as Listed[]).map((r) => r.session_id).sort()).toEqual([
			'2025-09-20_080000_switch',
			'2025-09-21_080000_sweep',
			'2025-10-02_100000_cats',
			'2025-10-12_140322_portraits',
		]);
		const v1 = await runCli(['list', '--root', root, '--json', '--filter', 'source:v1,phase1']);
		expect((JSON.parse(v1.stdout) as Listed[]).map((r) => r.session_id).sort()).toEqual([
			'2025-10-02_100000_cats',
			'2025-10-11_090000_aborted',
			'2025-10-12_140322_portraits',
			'2025-10-13_080000_renamed',
		]);
		const bad = await runCli(['list', '--root', root, '--filter', 'source:gif']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('source: unknown source "gif"');

		const shown = await runCli(['show', '--root', root, '2025-09-20_080000_switch']);
		expect(shown.stdout).toMatch(
			/^sd_model +illustriousXL_v01 {2}\(from the images' parameters, 7 of 10 agree; others: ponyV6 \(3\)\)$/m,
		);
	});

	it('--deep reads every image once; a later sampling compute keeps the deep reading', async () => {
		const {root} = mixedRoot();
		await runCli(['compute', '--root', root]);
		const deep = await runCli(['compute', '--root', root, '--deep', '--json']);
		// Only the sessions without manifest.json that have images are read again (and the aborted/renamed plans).
		expect(JSON.parse(deep.stdout)).toMatchObject({computed: 9, unchanged: 2});
		const listed = JSON.parse(
			(await runCli(['list', '--root', root, '--json', '--filter', 'name:portraits'])).stdout,
		) as Listed[];
		expect(listed[0]!.sources.sd_model).toEqual({from: 'png', agree: 12, of: 12});
		expect(listed[0]!.source_notes).toEqual(['portraits_manifest.json: 8 of 20 planned images have no file']);
		expect(JSON.parse((await runCli(['compute', '--root', root, '--json'])).stdout)).toMatchObject({
			computed: 0,
			unchanged: 11,
		});
		expect(JSON.parse((await runCli(['compute', '--root', root, '--deep', '--json'])).stdout)).toMatchObject({
			computed: 0,
			unchanged: 11,
		});
	});
});
