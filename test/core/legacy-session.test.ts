import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {legacyManifestKind, plannedIndexOf, readLegacyManifest} from '../../source/core/legacy-manifest.js';
import type {ImageSample, LegacyInput} from '../../source/core/legacy-session.js';
import {describeFieldSource, parseSources, type SourcesRecord} from '../../source/core/sources.js';
import type {SessionInput} from '../../source/core/types.js';
import {a1111Infotext, type InfotextSpec} from '../../source/demo/image-files.js';

const NOW = Date.UTC(2025, 10, 20, 12);
const enc = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function v1Manifest(
	count: number,
	overrides: Record<string, unknown> = {},
	entry: (i: number) => Record<string, unknown> = () => ({}),
) {
	return {
		session_name: 'portraits',
		template_source: 'portraits.yaml',
		generated_at: '2025-10-12T14:03:22.123456',
		total_variations: count,
		templating_system: 'v2.0',
		variations: Array.from({length: count}, (_, index) => ({
			index,
			prompt: `1girl, ${['smiling', 'sad', 'angry'][index % 3]}`,
			negative_prompt: 'lowres',
			seed: 1000 + index,
			variations: {Expression: ['smiling', 'sad', 'angry'][index % 3]},
			parameters: {width: 832, height: 1216, steps: 30, cfg_scale: 7, sampler: 'DPM++ 2M Karras'},
			...entry(index),
		})),
		...overrides,
	};
}

const PHASE1 = {
	version: '1.0',
	generation_info: {
		date: '2025-10-02T10:00:00',
		timestamp: '20251002_100000',
		session_name: 'cats',
		total_images: 12,
		generation_mode: 'combinatorial',
		seed_mode: 'fixed',
		seed: 77,
		total_combinations: 12,
	},
	prompt: {template: 'a {Animal} in {Place}', negative: 'blurry'},
	variations: {
		Animal: {count: 3, values: ['cat', 'dog', 'fox']},
		Place: {count: 14, values: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', '... and 4 more']},
	},
	generation: {mode: 'combinatorial', seed_mode: 'fixed', seed: 77, total_combinations: 12, images_generated: 12},
	parameters: {width: 512, height: 768, steps: 20, cfg_scale: 6.5, sampler: 'Euler a', batch_size: 1, batch_count: 1},
	model: {checkpoint: 'sd15_base.safetensors'},
};

function sample(position: number, spec: InfotextSpec | null, extra: Partial<ImageSample> = {}): ImageSample {
	return {
		name: `img_${String(position).padStart(4, '0')}.png`,
		position,
		parameters: spec === null ? null : a1111Infotext(spec),
		comfyPrompt: null,
		pixelWidth: 26,
		pixelHeight: 38,
		problem: spec === null ? 'no parameters in the image' : null,
		...extra,
	};
}

function session(
	legacy: LegacyInput,
	images = legacy.imageNames.length,
	manifest: SessionInput['manifest'] = {kind: 'missing'},
) {
	return computeSession({
		sessionId: '2025-10-12_140322_portraits',
		sessionPath: '/results/2025-10-12_140322_portraits',
		manifest,
		images: Array.from({length: images}, (_, i) => ({
			name: legacy.imageNames[i] ?? `x${i}.png`,
			mtimeNs: BigInt(NOW - 1000 + i) * 1_000_000n,
		})),
		nowMs: NOW,
		legacy,
	});
}

const sourcesOf = (result: ReturnType<typeof session>): SourcesRecord => parseSources(result.bookkeeping.sources_json)!;

describe('older manifest names', () => {
	it.each([
		['metadata.json', 'phase1'],
		['portraits_manifest.json', 'v1'],
		['foo.prompt_manifest.json', 'v1'],
		['_manifest.json', null],
		['manifest.json', null],
		['notes.json', null],
	])('%s → %s', (name, kind) => expect(legacyManifestKind(name)).toBe(kind));

	it.each([
		['portraits_0007.png', 7],
		['portraits_0007_001.png', 7],
		['portraits_0012_seed-1012.png', 12],
		['portraits_12.png', null],
		['other_0001.png', null],
		['portraits_0001_annotated.png', null],
	])('V1 index of %s is %s', (name, index) => expect(plannedIndexOf(name, 'portraits')).toBe(index));
});

describe('V1 plan', () => {
	it('reads the v2.0 variant: planned count, parameters, placeholders, progressive planned seeds', () => {
		const read = readLegacyManifest('v1', 'portraits_manifest.json', enc(v1Manifest(6)));
		expect(read.ok && read.plan).toMatchObject({
			sessionName: 'portraits',
			templateVersion: 'v2.0',
			expected: 6,
			seedMode: 'progressive',
			seedBase: 1000,
			width: 832,
			steps: 30,
			sampler: 'DPM++ 2M Karras',
			prompt: null,
			negativePrompt: 'lowres',
			placeholders: [{name: 'Expression', count: 3, values: ['smiling', 'sad', 'angry']}],
		});
	});

	it('reads the phase2 variant (placeholders instead of variations, no parameters), random planned seeds', () => {
		const doc = v1Manifest(3, {templating_system: 'phase2'}, (i) => ({
			seed: -1,
			variations: undefined,
			parameters: undefined,
			placeholders: {Hair: `h${i}`},
		}));
		const read = readLegacyManifest('v1', 'p_manifest.json', enc(doc));
		expect(read.ok && read.plan).toMatchObject({
			templateVersion: 'phase2',
			seedMode: 'random',
			seedBase: -1,
			steps: null,
			placeholders: [{name: 'Hair', count: 3}],
		});
	});

	it.each([
		['truncated', '{"session_name": "x", "variations": [', /^x_manifest\.json: unexpected end of input/],
		['a list', '[1, 2]', /^x_manifest\.json: the top level is not an object$/],
		['another JSON file', '{"hello": 1}', /not a V1 manifest/],
	])('%s is a reason, not a crash', (_, text, reason) => {
		const read = readLegacyManifest('v1', 'x_manifest.json', enc(text));
		expect(read.ok).toBe(false);
		expect(!read.ok && read.reason).toMatch(reason);
	});

	it('a session with only its plan (an aborted run): expected from the plan, 0 images, every value from the plan', () => {
		const result = session({
			manifests: [{kind: 'v1', fileName: 'portraits_manifest.json', bytes: enc(v1Manifest(6))}],
			sampling: null,
			imageNames: [],
		});
		expect(result.stats).toMatchObject({
			images_expected: 6,
			images_actual: 0,
			completion_percentage: 0,
			steps: 30,
			sd_model: null,
			template_version: 'v2.0',
			seed_mode: 'progressive',
			seed_base: 1000,
			manifest_generated_at: '2025-10-12T14:03:22.123456',
			session_created_at: '2025-10-12T14:03:22',
		});
		expect(result.stats.placeholders_json).toBe('{"Expression": 3}');
		expect(result.bookkeeping).toMatchObject({manifest_state: 'missing', origins: 'v1'});
		expect(sourcesOf(result).fields.images_expected).toEqual({from: 'v1'});
	});

	it('images carry what ran: model, actual seeds, sampler; the plan keeps the count; names matched by index', () => {
		const names = Array.from({length: 4}, (_, i) => `portraits_${String(i).padStart(4, '0')}.png`);
		const samples = names.map((name, i) => ({
			...sample(i, {
				prompt: `1girl, ${['smiling', 'sad', 'angry'][i % 3]}`,
				negative: 'lowres',
				steps: 30,
				sampler: 'DPM++ 2M',
				scheduler: 'Karras',
				seed: 1000 + i,
				model: 'illustriousXL_v01',
				width: 832,
				height: 1216,
			}),
			name,
		}));
		const result = session({
			manifests: [{kind: 'v1', fileName: 'portraits_manifest.json', bytes: enc(v1Manifest(6))}],
			sampling: {total: 4, samples},
			imageNames: names,
		});
		expect(result.stats).toMatchObject({
			sd_model: 'illustriousXL_v01',
			sampler_name: 'DPM++ 2M',
			steps: 30,
			width: 832,
			height: 1216,
			images_expected: 6,
			images_actual: 4,
			completion_percentage: 66.67,
			seed_mode: 'progressive',
			seed_base: 1000,
			is_seed_sweep: 0,
		});
		const sources = sourcesOf(result);
		expect(sources.origins).toEqual(['v1', 'png']);
		expect(sources.fields.sd_model).toEqual({from: 'png', agree: 4, of: 4});
		// "DPM++ 2M Karras" (plan) and "DPM++ 2M" + "Karras" (image) are the same sampler: no conflict shown.
		expect(sources.fields.sampler_name).toEqual({from: 'png', agree: 4, of: 4});
		expect(sources.notes).toEqual(['portraits_manifest.json: 2 of 6 planned images have no file']);
		expect(describeFieldSource(sources.fields.sd_model!)).toBe("from the images' parameters, 4 of 4 agree");
	});

	it('a V1 plan that does not match the files says so and still counts the files', () => {
		const names = ['random_001.png', 'random_002.png', 'portraits_0000.png'];
		const result = session({
			manifests: [{kind: 'v1', fileName: 'portraits_manifest.json', bytes: enc(v1Manifest(2))}],
			sampling: null,
			imageNames: names,
		});
		expect(result.stats.images_actual).toBe(3);
		expect(sourcesOf(result).notes).toEqual([
			'portraits_manifest.json: 2 of 3 images do not match its entries (expected names like portraits_0000.png)',
		]);
	});

	it('a plan disagreeing with the images: the images win, the plan is shown', () => {
		const samples = [0, 1].map((i) => sample(i, {prompt: 'p', steps: 28, seed: 5 + i, width: 1024, height: 1024}));
		const sources = sourcesOf(
			session({
				manifests: [{kind: 'v1', fileName: 'portraits_manifest.json', bytes: enc(v1Manifest(2))}],
				sampling: {total: 2, samples},
				imageNames: ['a.png', 'b.png'],
			}),
		);
		expect(sources.fields.steps).toEqual({from: 'png', agree: 2, of: 2, conflicts: [{from: 'v1', value: '30'}]});
		expect(sources.fields.width!.conflicts).toEqual([{from: 'v1', value: '832x1216'}]);
	});
});

describe('Phase-1 metadata.json', () => {
	it('fills model, mode, seeds, parameters, template and placeholders; expected from total_images', () => {
		const result = session({
			manifests: [{kind: 'phase1', fileName: 'metadata.json', bytes: enc(PHASE1)}],
			sampling: null,
			imageNames: ['cats_001_Animal_cat.png'],
		});
		expect(result.stats).toMatchObject({
			sd_model: 'sd15_base.safetensors',
			generation_mode: 'combinatorial',
			seed_mode: 'fixed',
			seed_base: 77,
			width: 512,
			height: 768,
			steps: 20,
			cfg_scale: 6.5,
			sampler_name: 'Euler a',
			resolved_prompt: 'a {Animal} in {Place}',
			negative_prompt: 'blurry',
			images_expected: 12,
			completion_percentage: 8.33,
			template_version: '1.0',
			manifest_generated_at: '2025-10-02T10:00:00',
		});
		expect(result.stats.placeholders_json).toBe('{"Animal": 3, "Place": 14}');
		expect(result.stats.variations_summary_json).toBe(
			'{"Animal": ["cat", "dog", "fox"], "Place": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]}',
		);
		expect(result.bookkeeping.origins).toBe('phase1');
	});

	it('a metadata.json of another program is a reason, and the images still fill the row', () => {
		const result = session({
			manifests: [{kind: 'phase1', fileName: 'metadata.json', bytes: enc({title: 'holiday'})}],
			sampling: {total: 1, samples: [sample(0, {prompt: 'p', model: 'm'})]},
			imageNames: ['a.png'],
		});
		expect(result.stats.sd_model).toBe('m');
		expect(sourcesOf(result).notes).toEqual([
			'metadata.json: neither "generation_info" nor "generation": not a Phase-1 metadata file',
		]);
	});

	it('an unreadable file is a reason', () => {
		const result = session({
			manifests: [{kind: 'phase1', fileName: 'metadata.json', reason: 'metadata.json: permission denied'}],
			sampling: null,
			imageNames: [],
		});
		expect(sourcesOf(result).notes).toEqual(['metadata.json: permission denied']);
		expect(result.stats.images_expected).toBeNull();
	});
});

describe("images' parameters only", () => {
	const spec = (i: number, over: Partial<InfotextSpec> = {}): InfotextSpec => ({
		prompt: 'one prompt',
		negative: 'n',
		steps: 30,
		sampler: 'Euler a',
		cfg: 7,
		seed: 500 + i,
		model: 'illustriousXL_v01',
		...over,
	});

	it('model, sampler, steps, cfg, size, prompts; progressive seeds by position; expected stays NULL', () => {
		const samples = [0, 3, 6, 9].map((p) => sample(p, spec(p)));
		const result = session({
			manifests: [],
			sampling: {total: 10, samples},
			imageNames: Array.from({length: 10}, (_, i) => `i${i}.png`),
		});
		expect(result.stats).toMatchObject({
			sd_model: 'illustriousXL_v01',
			sampler_name: 'Euler a',
			steps: 30,
			cfg_scale: 7,
			width: 832,
			height: 1216,
			resolved_prompt: 'one prompt',
			negative_prompt: 'n',
			seed_mode: 'progressive',
			seed_base: 500,
			is_seed_sweep: 1,
			images_expected: null,
			completion_percentage: null,
			template_version: null,
		});
		expect(result.bookkeeping.origins).toBe('png');
		expect(sourcesOf(result)).toMatchObject({sampled: 4, images: 10});
	});

	it.each([
		['fixed', [7, 7, 7], 7],
		['random', [91, 3, 5000], -1],
	])('%s seeds', (mode, seeds, base) => {
		const samples = seeds.map((seed, i) => sample(i, spec(i, {seed})));
		expect(
			session({manifests: [], sampling: {total: 3, samples}, imageNames: ['a', 'b', 'c']}).stats,
		).toMatchObject({seed_mode: mode, seed_base: base});
	});

	it('seeds past 2^53 stay exact', () => {
		const samples = [0, 1].map((i) => sample(i, spec(i, {seed: 18446744073709551000n + BigInt(i)})));
		const {stats} = session({manifests: [], sampling: {total: 2, samples}, imageNames: ['a', 'b']});
		expect(stats.seed_base).toBe(18446744073709551000n);
	});

	it('a model switched mid-run: the majority, with the others and the count shown', () => {
		const samples = [0, 1, 2, 3, 4].map((i) =>
			sample(i, spec(i, {model: i < 3 ? 'modelA' : 'modelB', prompt: `p${i}`})),
		);
		const result = session({manifests: [], sampling: {total: 5, samples}, imageNames: ['a', 'b', 'c', 'd', 'e']});
		expect(result.stats.sd_model).toBe('modelA');
		const sources = sourcesOf(result);
		expect(sources.fields.sd_model).toEqual({from: 'png', agree: 3, of: 5, others: [['modelB', 2]]});
		expect(describeFieldSource(sources.fields.sd_model!)).toBe(
			"from the images' parameters, 3 of 5 agree; others: modelB (2)",
		);
		// Different prompts: the first image's, marked as such; not a seed sweep.
		expect(result.stats.resolved_prompt).toBe('p0');
		expect(sources.fields.resolved_prompt!.note).toBe(
			"the first image's; the sampled images carry 5 different ones",
		);
		expect(result.stats.is_seed_sweep).toBe(0);
	});

	it('images without parameters: the reason counted, the header size used, nothing invented', () => {
		const samples = [
			sample(0, null),
			sample(1, null),
			sample(2, null, {problem: 'its "parameters" chunk of 10 MB is over the 1 MB limit and was not read'}),
		];
		const result = session({manifests: [], sampling: {total: 3, samples}, imageNames: ['a', 'b', 'c']});
		expect(result.stats).toMatchObject({sd_model: null, steps: null, seed_mode: null, width: 26, height: 38});
		const sources = sourcesOf(result);
		expect(sources.fields.width).toMatchObject({from: 'header', agree: 3, of: 3});
		expect(sources.notes).toEqual([
			'2 of 3 sampled images: no parameters in the image',
			'1 of 3 sampled images: its "parameters" chunk of 10 MB is over the 1 MB limit and was not read',
		]);
		expect(result.bookkeeping.origins).toBe('header');
	});

	it('an old image with only a model hash: the hash, labelled as one', () => {
		const samples = [sample(0, spec(0, {model: undefined, modelHash: '2c02b20a'}))];
		expect(session({manifests: [], sampling: {total: 1, samples}, imageNames: ['a']}).stats.sd_model).toBe(
			'hash 2c02b20a',
		);
	});

	it('ComfyUI graphs: read when unambiguous, else the reason', () => {
		const graph = {
			'3': {
				class_type: 'KSampler',
				inputs: {
					seed: 156680208700286,
					steps: 20,
					cfg: 8,
					sampler_name: 'euler',
					scheduler: 'normal',
					denoise: 1,
					model: ['10', 0],
					positive: ['6', 0],
					negative: ['7', 0],
					latent_image: ['5', 0],
				},
			},
			'4': {class_type: 'CheckpointLoaderSimple', inputs: {ckpt_name: 'sd_xl_base_1.0.safetensors'}},
			'10': {class_type: 'LoraLoader', inputs: {model: ['4', 0], lora_name: 'x'}},
			'5': {class_type: 'EmptyLatentImage', inputs: {width: 1024, height: 1024, batch_size: 1}},
			'6': {class_type: 'CLIPTextEncode', inputs: {text: 'a majestic lion'}},
			'7': {class_type: 'CLIPTextEncode', inputs: {text: 'blurry'}},
		};
		const comfy = (position: number, text: string): ImageSample => ({
			...sample(position, null),
			comfyPrompt: text,
			problem: null,
		});
		const read = session({
			manifests: [],
			sampling: {total: 1, samples: [comfy(0, JSON.stringify(graph))]},
			imageNames: ['a'],
		});
		expect(read.stats).toMatchObject({
			sd_model: 'sd_xl_base_1.0.safetensors',
			sampler_name: 'euler',
			steps: 20,
			cfg_scale: 8,
			seed_base: 156680208700286,
			width: 1024,
			height: 1024,
			resolved_prompt: 'a majestic lion',
			negative_prompt: 'blurry',
		});
		expect(read.bookkeeping.origins).toBe('comfyui');

		const two = {...graph, '9': graph['3']};
		const unread = session({
			manifests: [],
			sampling: {total: 2, samples: [comfy(0, JSON.stringify(two)), comfy(1, '{not json')]},
			imageNames: ['a', 'b'],
		});
		expect(unread.stats.sd_model).toBeNull();
		expect(sourcesOf(unread).notes).toEqual([
			'1 of 2 sampled images: parameters from ComfyUI not read: 2 sampler nodes, none of them is "the" sampler',
			'1 of 2 sampled images: parameters from ComfyUI not read: its graph is not valid JSON',
		]);
	});
});

describe('source precedence', () => {
	const legacy: LegacyInput = {
		manifests: [{kind: 'phase1', fileName: 'metadata.json', bytes: enc(PHASE1)}],
		sampling: {total: 1, samples: [sample(0, {prompt: 'p', model: 'fromImage'})]},
		imageNames: ['a.png'],
	};

	it('a readable manifest.json wins: the legacy facts are not used, the row is the manifest row', () => {
		const manifest = {
			snapshot: {
				version: '2.0',
				runtime_info: {sd_model_checkpoint: 'fromManifest'},
				generation_params: {num_images: 3},
			},
			images: [],
		};
		const withLegacy = session(legacy, 1, {kind: 'bytes', bytes: enc(manifest), mtimeNs: 1n});
		const without = computeSession({
			...{
				sessionId: '2025-10-12_140322_portraits',
				sessionPath: '/results/2025-10-12_140322_portraits',
				nowMs: NOW,
			},
			manifest: {kind: 'bytes', bytes: enc(manifest), mtimeNs: 1n},
			images: [{name: 'a.png', mtimeNs: BigInt(NOW - 1000) * 1_000_000n}],
		});
		expect(withLegacy).toEqual(without);
		expect(withLegacy.bookkeeping.sources_json).toBeUndefined();
	});

	it("an unreadable manifest.json keeps today's rule (filesystem row and the reason)", () => {
		const result = session(legacy, 1, {kind: 'bytes', bytes: enc('{"snapshot": {'), mtimeNs: 1n});
		expect(result.bookkeeping.manifest_state).toBe('unreadable');
		expect(result.stats.sd_model).toBeNull();
		expect(result.bookkeeping.sources_json).toBeUndefined();
	});

	it('without legacy facts a folder without manifest.json is the filesystem row, as before', () => {
		const result = computeSession({
			sessionId: 's',
			sessionPath: '/r/s',
			manifest: {kind: 'missing'},
			images: [],
			nowMs: NOW,
		});
		expect(result.bookkeeping).toEqual({
			session_id: 's',
			last_activity_ms: null,
			fingerprint: null,
			manifest_state: 'missing',
			manifest_status: null,
			images_recorded: null,
			error: null,
		});
	});

	it('the first readable older manifest is used; a second one is noted', () => {
		const both: LegacyInput = {
			manifests: [
				{kind: 'phase1', fileName: 'metadata.json', bytes: enc(PHASE1)},
				{kind: 'v1', fileName: 'portraits_manifest.json', bytes: enc(v1Manifest(2))},
			],
			sampling: null,
			imageNames: [],
		};
		const result = session(both);
		expect(result.stats.images_expected).toBe(12);
		expect(sourcesOf(result).notes).toEqual([
			'portraits_manifest.json not read: metadata.json already describes this session',
		]);
	});
});
