import {describe, expect, test} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {JsonSyntaxError, parsePythonJson} from '../../source/core/python-json.js';
import type {
	ImageFact,
	ManifestInput,
	SessionBookkeeping,
	SessionComputation,
	SessionStatsRow,
} from '../../source/core/types.js';
import {buildManifest} from '../../source/demo/corpus.js';

// ---- fixtures -------------------------------------------------------------------------------------------------

/** 2025-11-12T22:00:00.250 UTC: the clock reading of every compute below. */
const NOW_MS = Date.UTC(2025, 10, 12, 22, 0, 0, 250);
const NOW_ISO = '2025-11-12T22:00:00.250000';
/** 2025-11-12T21:04:11 UTC. */
const FIRST_IMAGE_NS = 1762981451_000000000n;
const IMAGE_STEP_NS = 5_000_000_000n;
/** 2025-11-12T21:10:00 UTC. */
const MANIFEST_MTIME_NS = 1762981800_000000000n;
const ROOT = '/results';
/** A folder name without a timestamp, so session_created_at can only come from the manifest. */
const PLAIN_ID = 'portrait';

const INT64_MAX = 9223372036854775807n;

function imageFacts(count: number, firstNs = FIRST_IMAGE_NS, stepNs = IMAGE_STEP_NS): ImageFact[] {
	return Array.from({length: count}, (_, i) => ({
		name: `portrait_${String(i).padStart(4, '0')}_seed-${1000 + i}.png`,
		mtimeNs: firstNs + BigInt(i) * stepNs,
	}));
}

type ManifestSource = Record<string, unknown> | string | Uint8Array;

function manifestBytes(source: ManifestSource): Uint8Array {
	if (source instanceof Uint8Array) return source;
	if (typeof source === 'string') return Buffer.from(source, 'utf8');
	return Buffer.from(JSON.stringify(source));
}

type RunOptions = {sessionId?: string; images?: number | ImageFact[]; manifestMtimeNs?: bigint; nowMs?: number};

function run(source: ManifestSource, options: RunOptions = {}): SessionComputation {
	const sessionId = options.sessionId ?? PLAIN_ID;
	const images = typeof options.images === 'number' ? imageFacts(options.images) : (options.images ?? []);
	return computeSession({
		sessionId,
		sessionPath: `${ROOT}/${sessionId}`,
		manifest: {kind: 'bytes', bytes: manifestBytes(source), mtimeNs: options.manifestMtimeNs ?? MANIFEST_MTIME_NS},
		images,
		nowMs: options.nowMs ?? NOW_MS,
	});
}

function runWith(manifest: ManifestInput, options: RunOptions = {}): SessionComputation {
	const sessionId = options.sessionId ?? PLAIN_ID;
	const images = typeof options.images === 'number' ? imageFacts(options.images) : (options.images ?? []);
	return computeSession({
		sessionId,
		sessionPath: `${ROOT}/${sessionId}`,
		manifest,
		images,
		nowMs: options.nowMs ?? NOW_MS,
	});
}

/** A manifest with the given snapshot and extra top-level keys. */
const withSnapshot = (
	snapshot: Record<string, unknown>,
	top: Record<string, unknown> = {},
): Record<string, unknown> => ({
	snapshot,
	...top,
});
const withParams = (
	generationParams: Record<string, unknown>,
	snapshot: Record<string, unknown> = {},
	top: Record<string, unknown> = {},
) => withSnapshot({generation_params: generationParams, ...snapshot}, top);
const withApi = (apiParams: unknown) => withSnapshot({api_params: apiParams});

/** `used` lists of the given lengths, as placeholder entries P0, P1… */
function variationsOfLengths(...lengths: number[]): Record<string, unknown> {
	return Object.fromEntries(
		lengths.map((length, i) => [`P${i}`, {available: [], used: Array.from({length}, (_, k) => k), count: length}]),
	);
}

const HAIR_EXPRESSION = {
	Hair: {available: ['blonde', 'red', 'black', 'silver'], used: ['blonde', 'red', 'black'], count: 4},
	Expression: {available: ['smile', 'frown'], used: ['smile', 'frown'], count: 2},
};

function pick(row: SessionStatsRow, keys: readonly string[]): Record<string, unknown> {
	return Object.fromEntries(keys.map((key) => [key, row[key as keyof SessionStatsRow]]));
}

function expectFields(row: SessionStatsRow, expected: Partial<SessionStatsRow>): void {
	expect(pick(row, Object.keys(expected))).toEqual(expected);
}

/** The row the filesystem alone gives: no manifest fields. */
function filesystemRow(overrides: Partial<SessionStatsRow>): SessionStatsRow {
	return {
		session_id: PLAIN_ID,
		session_path: `${ROOT}/${PLAIN_ID}`,
		sd_model: null,
		template_version: null,
		generation_mode: null,
		seed_mode: null,
		seed_base: null,
		resolved_prompt: null,
		negative_prompt: null,
		width: null,
		height: null,
		steps: null,
		cfg_scale: null,
		sampler_name: null,
		images_expected: null,
		images_actual: 0,
		completion_percentage: null,
		is_seed_sweep: 0,
		placeholders_json: null,
		variations_summary_json: null,
		session_created_at: null,
		manifest_generated_at: null,
		first_image_created_at: null,
		last_image_created_at: null,
		stats_computed_at: NOW_ISO,
		stats_version: 1,
		...overrides,
	};
}

type Case = [name: string, manifest: ManifestSource, expected: Partial<SessionStatsRow>, options?: RunOptions];

function runCases(cases: Case[]): void {
	test.each(cases)('%s', (_name, manifest, expected, options) => {
		const {stats, bookkeeping} = run(manifest, options);
		expect(bookkeeping.manifest_state).toBe('ok');
		expect(bookkeeping.error).toBeNull();
		expectFields(stats, expected);
	});
}

// ---- rule 2 and the defaults ----------------------------------------------------------------------------------

describe('a manifest with an empty snapshot: every default', () => {
	test('the full row', () => {
		const {stats, bookkeeping} = run({snapshot: {}});
		expect(stats).toEqual({
			session_id: 'portrait',
			session_path: '/results/portrait',
			sd_model: 'unknown',
			template_version: 'unknown',
			generation_mode: 'unknown',
			seed_mode: 'unknown',
			seed_base: -1,
			resolved_prompt: '',
			negative_prompt: '',
			width: null,
			height: null,
			steps: null,
			cfg_scale: null,
			sampler_name: null,
			images_expected: 0,
			images_actual: 0,
			completion_percentage: 0,
			is_seed_sweep: 0,
			placeholders_json: '{}',
			variations_summary_json: '{}',
			session_created_at: null,
			manifest_generated_at: null,
			first_image_created_at: null,
			last_image_created_at: null,
			stats_computed_at: NOW_ISO,
			stats_version: 1,
		} satisfies SessionStatsRow);
		expect(bookkeeping).toEqual({
			session_id: 'portrait',
			manifest_state: 'ok',
			manifest_status: null,
			images_recorded: null,
			error: null,
			fingerprint: null,
			last_activity_ms: 1762981800000,
		} satisfies SessionBookkeeping);
	});

	test('session_id is the folder name and session_path the given absolute path', () => {
		const {stats, bookkeeping} = computeSession({
			sessionId: '20251112_210411-Hassaku fantasy',
			sessionPath: '/srv/sd/results/20251112_210411-Hassaku fantasy',
			manifest: {kind: 'bytes', bytes: Buffer.from('{"snapshot": {}}'), mtimeNs: MANIFEST_MTIME_NS},
			images: [],
			nowMs: NOW_MS,
		});
		expect(stats.session_id).toBe('20251112_210411-Hassaku fantasy');
		expect(stats.session_path).toBe('/srv/sd/results/20251112_210411-Hassaku fantasy');
		expect(bookkeeping.session_id).toBe('20251112_210411-Hassaku fantasy');
	});

	test('the same input gives the same output (pure)', () => {
		const manifest = buildManifest(PLAIN_ID, {variations: {Hair: ['a', 'b']}, numImages: 4}, 2);
		expect(run(manifest, {images: 2})).toEqual(run(manifest, {images: 2}));
	});
});

// ---- rule 5: fields ---------------------------------------------------------------------------------------------

describe('sd_model, template_version, generation_mode, seed_mode', () => {
	runCases([
		[
			'sd_model from runtime_info',
			withSnapshot({runtime_info: {sd_model_checkpoint: 'illustriousXL_v01.safetensors [a1b2c3d4e5]'}}),
			{sd_model: 'illustriousXL_v01.safetensors [a1b2c3d4e5]'},
		],
		[
			'sd_model: a number is the wrong type',
			withSnapshot({runtime_info: {sd_model_checkpoint: 42}}),
			{sd_model: 'unknown'},
		],
		[
			'sd_model: a boolean is the wrong type',
			withSnapshot({runtime_info: {sd_model_checkpoint: true}}),
			{sd_model: 'unknown'},
		],
		['sd_model: null', withSnapshot({runtime_info: {sd_model_checkpoint: null}}), {sd_model: 'unknown'}],
		['sd_model: a list', withSnapshot({runtime_info: {sd_model_checkpoint: ['m']}}), {sd_model: 'unknown'}],
		[
			'sd_model: runtime_info is not an object',
			withSnapshot({runtime_info: 'model.safetensors'}),
			{sd_model: 'unknown'},
		],
		[
			'sd_model: runtime_info is a list',
			withSnapshot({runtime_info: [{sd_model_checkpoint: 'm'}]}),
			{sd_model: 'unknown'},
		],
		[
			'sd_model: top-level sd_model_checkpoint is not read',
			withSnapshot({sd_model_checkpoint: 'm'}),
			{sd_model: 'unknown'},
		],
		['template_version from snapshot.version', withSnapshot({version: '2.0'}), {template_version: '2.0'}],
		['template_version: a number is the wrong type', withSnapshot({version: 2}), {template_version: 'unknown'}],
		['template_version: null', withSnapshot({version: null}), {template_version: 'unknown'}],
		['template_version: an object', withSnapshot({version: {major: 2}}), {template_version: 'unknown'}],
		[
			'generation_mode and seed_mode',
			withParams({mode: 'random', seed_mode: 'fixed'}),
			{generation_mode: 'random', seed_mode: 'fixed'},
		],
		[
			'generation_mode combinatorial, seed_mode progressive',
			withParams({mode: 'combinatorial', seed_mode: 'progressive'}),
			{generation_mode: 'combinatorial', seed_mode: 'progressive'},
		],
		[
			'mode and seed_mode of the wrong type',
			withParams({mode: 5, seed_mode: ['fixed']}),
			{generation_mode: 'unknown', seed_mode: 'unknown'},
		],
		[
			'mode and seed_mode null',
			withParams({mode: null, seed_mode: null}),
			{generation_mode: 'unknown', seed_mode: 'unknown'},
		],
		[
			'generation_params is not an object',
			withSnapshot({generation_params: 'combinatorial'}),
			{generation_mode: 'unknown', seed_mode: 'unknown', seed_base: -1, images_expected: 0},
		],
		[
			'generation_params is a list',
			withSnapshot({generation_params: [{mode: 'random'}]}),
			{generation_mode: 'unknown', seed_mode: 'unknown', seed_base: -1},
		],
		[
			'strings are kept as written (unicode, spaces)',
			withSnapshot({version: ' v2 ', runtime_info: {sd_model_checkpoint: 'モデル'}}),
			{template_version: ' v2 ', sd_model: 'モデル'},
		],
	]);
});

describe('seed_base', () => {
	runCases([
		['seed_base', withParams({seed_base: 1234}), {seed_base: 1234}],
		['base_seed (the other spelling)', withParams({base_seed: 4321}), {seed_base: 4321}],
		['seed_base wins over base_seed', withParams({seed_base: 1, base_seed: 2}), {seed_base: 1}],
		['seed_base wins over base_seed in either key order', withParams({base_seed: 2, seed_base: 1}), {seed_base: 1}],
		['null seed_base falls back to base_seed', withParams({seed_base: null, base_seed: 7}), {seed_base: 7}],
		['null seed_base and no base_seed: -1', withParams({seed_base: null}), {seed_base: -1}],
		['null base_seed: -1', withParams({base_seed: null}), {seed_base: -1}],
		['neither: -1', withParams({}), {seed_base: -1}],
		['zero is a seed', withParams({seed_base: 0, base_seed: 5}), {seed_base: 0}],
		['an explicit -1', withParams({seed_base: -1, base_seed: 5}), {seed_base: -1}],
		['a negative seed', withParams({seed_base: -42}), {seed_base: -42}],
		['a 32-bit seed', withParams({seed_base: 4294967295}), {seed_base: 4294967295}],
		['a numeric string', withParams({seed_base: '1234'}), {seed_base: 1234}],
		['a numeric string for base_seed', withParams({base_seed: '99'}), {seed_base: 99}],
		['a non-numeric string falls back to base_seed', withParams({seed_base: 'abc', base_seed: 9}), {seed_base: 9}],
		['a fraction is the wrong type', withParams({seed_base: 12.5}), {seed_base: -1}],
		['a fraction falls back to base_seed', withParams({seed_base: 12.5, base_seed: 3}), {seed_base: 3}],
		['a list is the wrong type', withParams({seed_base: [1], base_seed: 3}), {seed_base: 3}],
		['an object is the wrong type', withParams({seed_base: {v: 1}}), {seed_base: -1}],
		['NaN is absent', '{"snapshot": {"generation_params": {"seed_base": NaN, "base_seed": 5}}}', {seed_base: 5}],
		['Infinity is absent', '{"snapshot": {"generation_params": {"seed_base": Infinity}}}', {seed_base: -1}],
		['-Infinity is absent', '{"snapshot": {"generation_params": {"base_seed": -Infinity}}}', {seed_base: -1}],
		[
			'beyond 2^53: kept exactly as a bigint',
			'{"snapshot": {"generation_params": {"seed_base": 9007199254740993}}}',
			{seed_base: 9007199254740993n},
		],
		[
			'beyond 2^53 in base_seed',
			'{"snapshot": {"generation_params": {"base_seed": 9007199254740993}}}',
			{seed_base: 9007199254740993n},
		],
		[
			'beyond 2^53 as a numeric string',
			withParams({seed_base: '9007199254740993'}),
			{seed_base: 9007199254740993n},
		],
		[
			'2^53 - 1 stays a number',
			'{"snapshot": {"generation_params": {"seed_base": 9007199254740991}}}',
			{seed_base: 9007199254740991},
		],
		[
			'the largest int64',
			'{"snapshot": {"generation_params": {"seed_base": 9223372036854775807}}}',
			{seed_base: 9223372036854775807n},
		],
		[
			'the smallest int64',
			'{"snapshot": {"generation_params": {"seed_base": -9223372036854775808}}}',
			{seed_base: -9223372036854775808n},
		],
		[
			'2^64 - 1 does not fit SQLite: absent',
			'{"snapshot": {"generation_params": {"seed_base": 18446744073709551615}}}',
			{seed_base: -1},
		],
		[
			'2^64 - 1 falls back to base_seed',
			'{"snapshot": {"generation_params": {"seed_base": 18446744073709551615, "base_seed": 42}}}',
			{seed_base: 42},
		],
		[
			'2^63 does not fit',
			'{"snapshot": {"generation_params": {"seed_base": 9223372036854775808}}}',
			{seed_base: -1},
		],
		[
			'-2^63 - 1 does not fit',
			'{"snapshot": {"generation_params": {"seed_base": -9223372036854775809}}}',
			{seed_base: -1},
		],
		[
			'2^64 - 1 as a string does not fit either',
			withParams({seed_base: '18446744073709551615', base_seed: 8}),
			{seed_base: 8},
		],
		[
			'duplicate keys: the last seed_base wins',
			'{"snapshot": {"generation_params": {"seed_base": 1, "seed_base": 2}}}',
			{seed_base: 2},
		],
	]);
});

describe('prompts', () => {
	runCases([
		[
			'prompt and negative',
			withSnapshot({resolved_template: {prompt: 'masterpiece, 1girl, {Hair}', negative: 'lowres'}}),
			{resolved_prompt: 'masterpiece, 1girl, {Hair}', negative_prompt: 'lowres'},
		],
		[
			'newlines and unicode are kept',
			withSnapshot({resolved_template: {prompt: 'a\nb "q" 日本', negative: 'café'}}),
			{resolved_prompt: 'a\nb "q" 日本', negative_prompt: 'café'},
		],
		[
			'wrong types are absent',
			withSnapshot({resolved_template: {prompt: 5, negative: ['x']}}),
			{resolved_prompt: '', negative_prompt: ''},
		],
		[
			'null prompts',
			withSnapshot({resolved_template: {prompt: null, negative: null}}),
			{resolved_prompt: '', negative_prompt: ''},
		],
		[
			'resolved_template is a string',
			withSnapshot({resolved_template: 'prompt'}),
			{resolved_prompt: '', negative_prompt: ''},
		],
		[
			'only the prompt',
			withSnapshot({resolved_template: {prompt: 'p'}}),
			{resolved_prompt: 'p', negative_prompt: ''},
		],
		[
			'the key is "negative", not "negative_prompt"',
			withSnapshot({resolved_template: {prompt: 'p', negative_prompt: 'n'}}),
			{negative_prompt: ''},
		],
	]);
});

describe('api_params', () => {
	runCases([
		[
			"the generator's api_params",
			withApi({width: 832, height: 1216, steps: 30, cfg_scale: 7, sampler: 'DPM++ 2M', scheduler: 'Karras'}),
			{width: 832, height: 1216, steps: 30, cfg_scale: 7, sampler_name: 'DPM++ 2M'},
		],
		['a fractional cfg_scale', withApi({cfg_scale: 7.5}), {cfg_scale: 7.5}],
		[
			'numeric strings count as numbers',
			withApi({width: '512', height: '768', steps: '25', cfg_scale: '7.5'}),
			{width: 512, height: 768, steps: 25, cfg_scale: 7.5},
		],
		['an integer string for cfg_scale', withApi({cfg_scale: '7'}), {cfg_scale: 7}],
		['a non-numeric width is absent', withApi({width: 'wide', height: 768}), {width: null, height: 768}],
		['a fractional steps is not an integer', withApi({steps: 30.5}), {steps: null}],
		['a fractional string width is not an integer', withApi({width: '512.5'}), {width: null}],
		['a non-numeric cfg_scale is absent', withApi({cfg_scale: 'high'}), {cfg_scale: null}],
		['"NaN" as a string is not a number', withApi({cfg_scale: 'NaN'}), {cfg_scale: null}],
		[
			'null values',
			withApi({width: null, height: null, steps: null, cfg_scale: null, sampler_name: null}),
			{width: null, height: null, steps: null, cfg_scale: null, sampler_name: null},
		],
		[
			'lists and objects are the wrong type',
			withApi({width: [512], height: {v: 768}, steps: [30], cfg_scale: {v: 7}}),
			{width: null, height: null, steps: null, cfg_scale: null},
		],
		['a boolean is not a number', withApi({cfg_scale: true, steps: false}), {cfg_scale: null, steps: null}],
		[
			'NaN and infinities are absent',
			'{"snapshot": {"api_params": {"width": NaN, "height": Infinity, "steps": -Infinity, "cfg_scale": NaN}}}',
			{width: null, height: null, steps: null, cfg_scale: null},
		],
		[
			'a float that overflows to infinity is absent',
			'{"snapshot": {"api_params": {"cfg_scale": 1e400}}}',
			{cfg_scale: null},
		],
		['sampler_name', withApi({sampler_name: 'Euler a'}), {sampler_name: 'Euler a'}],
		['sampler (the other spelling)', withApi({sampler: 'DPM++ 2M'}), {sampler_name: 'DPM++ 2M'}],
		[
			'sampler_name wins over sampler',
			withApi({sampler: 'DPM++ 2M', sampler_name: 'Euler a'}),
			{sampler_name: 'Euler a'},
		],
		[
			'a sampler_name of the wrong type falls back to sampler',
			withApi({sampler_name: 5, sampler: 'DDIM'}),
			{sampler_name: 'DDIM'},
		],
		[
			'a null sampler_name falls back to sampler',
			withApi({sampler_name: null, sampler: 'DDIM'}),
			{sampler_name: 'DDIM'},
		],
		['a sampler of the wrong type', withApi({sampler: 7}), {sampler_name: null}],
		['neither sampler key', withApi({width: 512}), {sampler_name: null}],
		[
			'api_params is a list',
			withApi([{width: 512}]),
			{width: null, height: null, steps: null, cfg_scale: null, sampler_name: null},
		],
		[
			'api_params is a string',
			withApi('512x768'),
			{width: null, height: null, steps: null, cfg_scale: null, sampler_name: null},
		],
		[
			'api_params is null',
			withApi(null),
			{width: null, height: null, steps: null, cfg_scale: null, sampler_name: null},
		],
		[
			'duplicate keys: the last width wins',
			'{"snapshot": {"api_params": {"width": 512, "width": 1024}}}',
			{width: 1024},
		],
		[
			'duplicate api_params: the last object wins',
			'{"snapshot": {"api_params": {"width": 512}, "api_params": {"height": 640}}}',
			{width: null, height: 640},
		],
	]);
});

describe('placeholders_json and variations_summary_json', () => {
	runCases([
		[
			'Hair × Expression',
			withSnapshot({variations: HAIR_EXPRESSION}),
			{
				placeholders_json: '{"Hair": 3, "Expression": 2}',
				variations_summary_json: '{"Hair": ["blonde", "red", "black"], "Expression": ["smile", "frown"]}',
			},
		],
		['no variations key', withSnapshot({}), {placeholders_json: '{}', variations_summary_json: '{}'}],
		[
			'an empty variations object',
			withSnapshot({variations: {}}),
			{placeholders_json: '{}', variations_summary_json: '{}'},
		],
		[
			'variations is a list',
			withSnapshot({variations: []}),
			{placeholders_json: '{}', variations_summary_json: '{}'},
		],
		[
			'variations is a non-empty list',
			withSnapshot({variations: [{used: ['a']}]}),
			{placeholders_json: '{}', variations_summary_json: '{}'},
		],
		[
			'variations is a string',
			withSnapshot({variations: 'Hair'}),
			{placeholders_json: '{}', variations_summary_json: '{}'},
		],
		[
			'variations is null',
			withSnapshot({variations: null}),
			{placeholders_json: '{}', variations_summary_json: '{}'},
		],
		[
			'an entry that is a string counts 0',
			withSnapshot({variations: {Hair: 'blonde', Mood: {used: ['calm', 'angry']}}}),
			{
				placeholders_json: '{"Hair": 0, "Mood": 2}',
				variations_summary_json: '{"Hair": [], "Mood": ["calm", "angry"]}',
			},
		],
		[
			'entries of other wrong types count 0',
			withSnapshot({variations: {A: null, B: 3, C: ['x', 'y'], D: true}}),
			{
				placeholders_json: '{"A": 0, "B": 0, "C": 0, "D": 0}',
				variations_summary_json: '{"A": [], "B": [], "C": [], "D": []}',
			},
		],
		[
			'used that is not a list counts 0',
			withSnapshot({
				variations: {
					A: {used: 'blonde'},
					B: {used: {x: 1}},
					C: {used: null},
					D: {available: ['a']},
					E: {used: 2},
				},
			}),
			{
				placeholders_json: '{"A": 0, "B": 0, "C": 0, "D": 0, "E": 0}',
				variations_summary_json: '{"A": [], "B": [], "C": [], "D": [], "E": []}',
			},
		],
		[
			'an empty used list',
			withSnapshot({variations: {Hair: {available: ['a', 'b'], used: [], count: 2}}}),
			{placeholders_json: '{"Hair": 0}', variations_summary_json: '{"Hair": []}'},
		],
		[
			'the count is the used list, not available or count',
			withSnapshot({variations: {Hair: {available: ['a', 'b', 'c', 'd'], used: ['a'], count: 4}}}),
			{placeholders_json: '{"Hair": 1}', variations_summary_json: '{"Hair": ["a"]}'},
		],
		[
			'the summary keeps the first 10 used values',
			withSnapshot({
				variations: {N: {used: ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11', 'v12']}},
			}),
			{
				placeholders_json: '{"N": 12}',
				variations_summary_json: '{"N": ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"]}',
			},
		],
		[
			'exactly 10 used values',
			withSnapshot({variations: {N: {used: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}}}),
			{placeholders_json: '{"N": 10}', variations_summary_json: '{"N": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}'},
		],
		[
			'used values of any JSON type',
			withSnapshot({variations: {Hair: {used: [1, 'two', null, true, {k: 'v'}, 'café']}}}),
			{
				placeholders_json: '{"Hair": 6}',
				variations_summary_json: '{"Hair": [1, "two", null, true, {"k": "v"}, "caf\\u00e9"]}',
			},
		],
		[
			'non-ASCII names and values are escaped as json.dumps does',
			withSnapshot({variations: {髪: {used: ['金髪', '😀']}, 'a"b': {used: ['back\\slash']}}}),
			{
				placeholders_json: '{"\\u9aea": 2, "a\\"b": 1}',
				variations_summary_json:
					'{"\\u9aea": ["\\u91d1\\u9aea", "\\ud83d\\ude00"], "a\\"b": ["back\\\\slash"]}',
			},
		],
		[
			'manifest order is kept, integer-like names included',
			'{"snapshot": {"variations": {"2": {"used": ["x"]}, "1": {"used": ["y", "z"]}, "b": {"used": []}, "a": {"used": ["w"]}}}}',
			{
				placeholders_json: '{"2": 1, "1": 2, "b": 0, "a": 1}',
				variations_summary_json: '{"2": ["x"], "1": ["y", "z"], "b": [], "a": ["w"]}',
			},
		],
		[
			'a duplicate placeholder keeps its first position and its last value',
			'{"snapshot": {"variations": {"Hair": {"used": ["a"]}, "Mood": {"used": ["m"]}, "Hair": {"used": ["b", "c"]}}}}',
			{
				placeholders_json: '{"Hair": 2, "Mood": 1}',
				variations_summary_json: '{"Hair": ["b", "c"], "Mood": ["m"]}',
			},
		],
		[
			'NaN and Infinity among used values are null',
			'{"snapshot": {"variations": {"X": {"used": [NaN, Infinity, 1]}}}}',
			{placeholders_json: '{"X": 3}', variations_summary_json: '{"X": [null, null, 1]}'},
		],
		[
			'big integers among used values keep their digits',
			'{"snapshot": {"variations": {"Seed": {"used": [18446744073709551615, 2]}}}}',
			{placeholders_json: '{"Seed": 2}', variations_summary_json: '{"Seed": [18446744073709551615, 2]}'},
		],
		[
			'fractional floats among used values',
			'{"snapshot": {"variations": {"W": {"used": [0.5, 1.25, 1e-05, 1e+16]}}}}',
			{placeholders_json: '{"W": 4}', variations_summary_json: '{"W": [0.5, 1.25, 1e-05, 1e+16]}'},
		],
	]);

	test('whole-number floats among used values are written as Python writes floats ("1.0")', () => {
		// Python: json.dumps({"W": json.loads('{"used": [1.0, 2.0, 0.5]}')["used"][:10]}) == '{"W": [1.0, 2.0, 0.5]}'
		const {stats} = run('{"snapshot": {"variations": {"W": {"used": [1.0, 2.0, 0.5]}}}}');
		expect(stats.placeholders_json).toBe('{"W": 3}');
		expect(stats.variations_summary_json).toBe('{"W": [1.0, 2.0, 0.5]}');
	});
});

// ---- rule 6: images_expected ------------------------------------------------------------------------------------

describe('images_expected', () => {
	runCases([
		// num_images first
		['num_images', withParams({mode: 'random', num_images: 6}), {images_expected: 6}],
		[
			'num_images wins over the combinatorial product',
			withParams({mode: 'combinatorial', num_images: 4}, {variations: HAIR_EXPRESSION}),
			{images_expected: 4},
		],
		[
			'num_images wins over images_requested',
			withParams({num_images: 4}, {}, {images_requested: 9}),
			{images_expected: 4},
		],
		['num_images wins over max_images', withParams({num_images: 4, max_images: 9}), {images_expected: 4}],
		['num_images as a numeric string', withParams({num_images: '6'}), {images_expected: 6}],
		[
			'num_images 0 is a non-negative integer',
			withParams({num_images: 0, max_images: 9}, {}, {images_requested: 5}),
			{images_expected: 0, completion_percentage: 0},
			{images: 3},
		],
		[
			'num_images -1 falls through to images_requested',
			withParams({num_images: -1}, {}, {images_requested: 12}),
			{images_expected: 12},
		],
		[
			'num_images -1 falls through to max_images',
			withParams({mode: 'random', num_images: -1, max_images: 8}),
			{images_expected: 8},
		],
		['num_images -1 falls through to 0', withParams({mode: 'random', num_images: -1}), {images_expected: 0}],
		[
			'num_images -1 falls through to the combinatorial product',
			withParams({mode: 'combinatorial', num_images: -1}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'a fractional num_images falls through',
			withParams({num_images: 2.5}, {}, {images_requested: 4}),
			{images_expected: 4},
		],
		[
			'a null num_images falls through',
			withParams({num_images: null}, {}, {images_requested: 4}),
			{images_expected: 4},
		],
		[
			'a non-numeric num_images falls through',
			withParams({mode: 'random', num_images: 'six', max_images: 8}),
			{images_expected: 8},
		],
		[
			'a list num_images falls through',
			withParams({num_images: [6]}, {}, {images_requested: 4}),
			{images_expected: 4},
		],
		[
			'a NaN num_images falls through',
			'{"images_requested": 4, "snapshot": {"generation_params": {"num_images": NaN}}}',
			{images_expected: 4},
		],
		[
			'an Infinity num_images falls through',
			'{"snapshot": {"generation_params": {"num_images": Infinity, "max_images": 3}}}',
			{images_expected: 3},
		],
		[
			'a num_images beyond 2^53 is exact',
			'{"snapshot": {"generation_params": {"num_images": 9007199254740993}}}',
			{images_expected: 9007199254740993n, completion_percentage: 0},
			{images: 3},
		],
		[
			'the largest int64 num_images',
			'{"snapshot": {"generation_params": {"num_images": 9223372036854775807}}}',
			{images_expected: INT64_MAX},
		],
		[
			'num_images outside generation_params is not read',
			withSnapshot({num_images: 6}, {num_images: 6}),
			{images_expected: 0},
		],
		// images_requested (top level)
		['images_requested', withSnapshot({}, {images_requested: 12}), {images_expected: 12}],
		['images_requested as a numeric string', withSnapshot({}, {images_requested: '12'}), {images_expected: 12}],
		['images_requested 0', withParams({max_images: 5}, {}, {images_requested: 0}), {images_expected: 0}],
		[
			'a negative images_requested falls through',
			withParams({mode: 'random', max_images: 7}, {}, {images_requested: -3}),
			{images_expected: 7},
		],
		[
			'a fractional images_requested falls through',
			withParams({mode: 'random', max_images: 7}, {}, {images_requested: 1.5}),
			{images_expected: 7},
		],
		[
			'images_requested wins over the combinatorial product',
			withParams({mode: 'combinatorial'}, {variations: HAIR_EXPRESSION}, {images_requested: 10}),
			{images_expected: 10},
		],
		[
			'images_requested inside the snapshot is not read',
			withSnapshot({images_requested: 12}),
			{images_expected: 0},
		],
		[
			'images_requested inside generation_params is not read',
			withParams({images_requested: 12}),
			{images_expected: 0},
		],
		[
			'duplicate images_requested: the last wins',
			'{"images_requested": 3, "snapshot": {}, "images_requested": 9}',
			{images_expected: 9},
		],
		// combinatorial
		[
			'combinatorial: the product of used counts',
			withParams({mode: 'combinatorial'}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'combinatorial: capped by max_images',
			withParams({mode: 'combinatorial', max_images: 4}, {variations: HAIR_EXPRESSION}),
			{images_expected: 4},
		],
		[
			'combinatorial: max_images above the product',
			withParams({mode: 'combinatorial', max_images: 10}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'combinatorial: max_images equal to the product',
			withParams({mode: 'combinatorial', max_images: 6}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'combinatorial: max_images 0 is no cap',
			withParams({mode: 'combinatorial', max_images: 0}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'combinatorial: a negative max_images is no cap',
			withParams({mode: 'combinatorial', max_images: -1}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		[
			'combinatorial: max_images as a numeric string',
			withParams({mode: 'combinatorial', max_images: '4'}, {variations: HAIR_EXPRESSION}),
			{images_expected: 4},
		],
		[
			'combinatorial: a non-numeric max_images is no cap',
			withParams({mode: 'combinatorial', max_images: 'four'}, {variations: HAIR_EXPRESSION}),
			{images_expected: 6},
		],
		['combinatorial: no placeholders gives 1', withParams({mode: 'combinatorial'}), {images_expected: 1}],
		[
			'combinatorial: no placeholders, max_images above 1',
			withParams({mode: 'combinatorial', max_images: 5}),
			{images_expected: 1},
		],
		[
			'combinatorial: variations is a list',
			withParams({mode: 'combinatorial'}, {variations: []}),
			{images_expected: 1},
		],
		[
			'combinatorial: placeholders with no used values are skipped',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(3, 0, 4)}),
			{images_expected: 12},
		],
		[
			'combinatorial: only empty placeholders gives 1',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(0, 0)}),
			{images_expected: 1},
		],
		[
			'combinatorial: a string entry counts as no used values',
			withParams({mode: 'combinatorial'}, {variations: {A: 'x', B: {used: ['b1', 'b2']}}}),
			{images_expected: 2},
		],
		[
			'combinatorial: single-value placeholders',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(1, 1, 5)}),
			{images_expected: 5},
		],
		[
			'combinatorial: the product above 2^53 is exact',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(1000, 1000, 1000, 1000, 1000, 10)}),
			{images_expected: 10000000000000000n},
		],
		[
			'combinatorial: 9e18 is exact',
			withParams(
				{mode: 'combinatorial'},
				{variations: variationsOfLengths(1000, 1000, 1000, 1000, 1000, 1000, 9)},
			),
			{images_expected: 9000000000000000000n},
		],
		[
			'combinatorial: an exact product just below 2^63 - 1',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(1019, 1205, 1442, 4883, 2516, 424)}),
			{images_expected: 9223371657126428480n},
		],
		[
			'combinatorial: just above 2^63 - 1 saturates',
			withParams({mode: 'combinatorial'}, {variations: variationsOfLengths(1019, 1205, 1442, 4883, 2516, 425)}),
			{images_expected: INT64_MAX},
		],
		[
			'combinatorial: 7 placeholders of 1000 used values saturate',
			withParams(
				{mode: 'combinatorial'},
				{variations: variationsOfLengths(1000, 1000, 1000, 1000, 1000, 1000, 1000)},
			),
			{
				images_expected: INT64_MAX,
				completion_percentage: 0,
				placeholders_json:
					'{"P0": 1000, "P1": 1000, "P2": 1000, "P3": 1000, "P4": 1000, "P5": 1000, "P6": 1000}',
			},
			{images: 5},
		],
		[
			'combinatorial: 1e19 saturates',
			withParams(
				{mode: 'combinatorial'},
				{variations: variationsOfLengths(1000, 1000, 1000, 1000, 1000, 1000, 10)},
			),
			{images_expected: INT64_MAX},
		],
		[
			'combinatorial: a saturated product is still capped by max_images',
			withParams(
				{mode: 'combinatorial', max_images: 100},
				{variations: variationsOfLengths(1000, 1000, 1000, 1000, 1000, 1000, 1000)},
			),
			{images_expected: 100},
		],
		// not combinatorial
		[
			'random: max_images',
			withParams({mode: 'random', max_images: 20}, {variations: HAIR_EXPRESSION}),
			{images_expected: 20},
		],
		['no mode: max_images', withParams({max_images: 20}), {images_expected: 20}],
		[
			'random: max_images as a numeric string',
			withParams({mode: 'random', max_images: '20'}),
			{images_expected: 20},
		],
		['random: max_images 0', withParams({mode: 'random', max_images: 0}), {images_expected: 0}],
		['random: a negative max_images gives 0', withParams({mode: 'random', max_images: -5}), {images_expected: 0}],
		['random: nothing gives 0', withParams({mode: 'random'}, {variations: HAIR_EXPRESSION}), {images_expected: 0}],
		['nothing at all gives 0', withSnapshot({}), {images_expected: 0}],
	]);
});

// ---- rule 7: completion_percentage ------------------------------------------------------------------------------

describe('completion_percentage', () => {
	const cases: Array<[actual: number, expected: number, percent: number]> = [
		// Ties go to even on the binary value
		[1, 32, 3.12],
		[3, 32, 9.38],
		[5, 32, 15.62],
		[7, 32, 21.88],
		[11, 32, 34.38],
		[13, 32, 40.62],
		[15, 32, 46.88],
		[29, 32, 90.62],
		[1, 800, 0.12],
		[3, 800, 0.38],
		[5, 800, 0.62],
		[9, 800, 1.12],
		[7, 800, 0.88],
		// Ordinary cases
		[2, 3, 66.67],
		[1, 3, 33.33],
		[1, 7, 14.29],
		[1, 6, 16.67],
		[5, 6, 83.33],
		[3, 6, 50],
		[6, 6, 100],
		[0, 6, 0],
		[1, 64, 1.56],
		[999, 1000, 99.9],
		// Above 100 %
		[7, 6, 116.67],
		[12, 6, 200],
		[33, 32, 103.12],
		// Nothing expected
		[0, 0, 0],
		[3, 0, 0],
	];
	test.each(cases)('%s of %s → %s', (actual, expected, percent) => {
		const {stats} = run(withParams({num_images: expected}), {images: actual});
		expect(stats.images_actual).toBe(actual);
		expect(stats.images_expected).toBe(expected);
		expect(stats.completion_percentage).toBe(percent);
	});
});

// ---- rule 8: is_seed_sweep --------------------------------------------------------------------------------------

describe('is_seed_sweep', () => {
	runCases([
		[
			'a non-empty seed_list',
			withParams({seed_mode: 'fixed', seed_list: [1, 2, 3]}, {variations: HAIR_EXPRESSION}),
			{is_seed_sweep: 1},
		],
		['a one-seed seed_list', withParams({seed_list: [5]}), {is_seed_sweep: 1}],
		['a seed_list of any values', withParams({seed_mode: 'random', seed_list: [null]}), {is_seed_sweep: 1}],
		[
			'an empty seed_list falls through (fixed)',
			withParams({seed_mode: 'fixed', seed_list: []}),
			{is_seed_sweep: 0},
		],
		[
			'an empty seed_list falls through (progressive)',
			withParams({seed_mode: 'progressive', seed_list: []}),
			{is_seed_sweep: 1},
		],
		['a seed_list that is not a list', withParams({seed_mode: 'fixed', seed_list: '1,2,3'}), {is_seed_sweep: 0}],
		['a seed_list that is an object', withParams({seed_mode: 'fixed', seed_list: {a: 1}}), {is_seed_sweep: 0}],
		[
			'seed_list outside generation_params is not read',
			withSnapshot({seed_list: [1, 2]}, {seed_list: [1, 2]}),
			{is_seed_sweep: 0},
		],
		['progressive, no placeholders', withParams({seed_mode: 'progressive'}), {is_seed_sweep: 1}],
		[
			'progressive, one placeholder with several values',
			withParams({seed_mode: 'progressive'}, {variations: variationsOfLengths(3)}),
			{is_seed_sweep: 1},
		],
		[
			'progressive, one multi-valued placeholder and single-valued ones',
			withParams({seed_mode: 'progressive'}, {variations: variationsOfLengths(1, 5, 1, 0)}),
			{is_seed_sweep: 1},
		],
		[
			'progressive, only single-valued placeholders',
			withParams({seed_mode: 'progressive'}, {variations: variationsOfLengths(1, 1)}),
			{is_seed_sweep: 1},
		],
		[
			'progressive, two multi-valued placeholders',
			withParams({seed_mode: 'progressive'}, {variations: HAIR_EXPRESSION}),
			{is_seed_sweep: 0},
		],
		[
			'progressive, two placeholders of two values',
			withParams({seed_mode: 'progressive'}, {variations: variationsOfLengths(2, 2)}),
			{is_seed_sweep: 0},
		],
		[
			'progressive, a string entry does not count',
			withParams({seed_mode: 'progressive'}, {variations: {A: 'x,y,z', B: {used: ['1', '2']}}}),
			{is_seed_sweep: 1},
		],
		['fixed', withParams({seed_mode: 'fixed'}), {is_seed_sweep: 0}],
		['random', withParams({seed_mode: 'random'}, {variations: variationsOfLengths(3)}), {is_seed_sweep: 0}],
		['no seed_mode', withParams({}), {is_seed_sweep: 0}],
		['seed_mode is case-sensitive', withParams({seed_mode: 'Progressive'}), {is_seed_sweep: 0}],
		['seed_mode of the wrong type', withParams({seed_mode: 1}), {is_seed_sweep: 0}],
	]);
});

// ---- rule 9 and 10: times ---------------------------------------------------------------------------------------

describe('session_created_at and manifest_generated_at', () => {
	const TS = '2025-11-12T21:04:11.482913';
	runCases([
		[
			'dashed folder name wins over the timestamp',
			withSnapshot({timestamp: TS}),
			{session_created_at: '2025-10-14T17:33:20', manifest_generated_at: TS},
			{sessionId: '2025-10-14_173320_portrait'},
		],
		[
			'compact folder name wins over the timestamp',
			withSnapshot({timestamp: TS}),
			{session_created_at: '2025-10-14T17:33:20', manifest_generated_at: TS},
			{sessionId: '20251014_173320-portrait'},
		],
		[
			'folder name with no timestamp: the timestamp cut to seconds',
			withSnapshot({timestamp: TS}),
			{session_created_at: '2025-11-12T21:04:11', manifest_generated_at: TS},
		],
		[
			'a timestamp without a fraction',
			withSnapshot({timestamp: '2025-11-12T21:04:11'}),
			{session_created_at: '2025-11-12T21:04:11', manifest_generated_at: '2025-11-12T21:04:11'},
		],
		[
			'an impossible folder date: the timestamp',
			withSnapshot({timestamp: TS}),
			{session_created_at: '2025-11-12T21:04:11'},
			{sessionId: '2025-02-30_120000_portrait'},
		],
		[
			'an impossible folder time: the timestamp',
			withSnapshot({timestamp: TS}),
			{session_created_at: '2025-11-12T21:04:11'},
			{sessionId: '20251014_246000-portrait'},
		],
		[
			'no timestamp and no folder time: NULL',
			withSnapshot({}),
			{session_created_at: null, manifest_generated_at: null},
		],
		[
			'no timestamp, folder time',
			withSnapshot({}),
			{session_created_at: '2025-10-14T17:33:20', manifest_generated_at: null},
			{sessionId: '20251014_173320'},
		],
		[
			'a timestamp of the wrong type',
			withSnapshot({timestamp: 1762981451}),
			{session_created_at: null, manifest_generated_at: null},
		],
		[
			'an unparseable timestamp is still written as it is',
			withSnapshot({timestamp: 'yesterday'}),
			{session_created_at: null, manifest_generated_at: 'yesterday'},
		],
		[
			'top-level timestamp is not read',
			withSnapshot({}, {timestamp: TS}),
			{session_created_at: null, manifest_generated_at: null},
		],
	]);
});

describe('image times, stats_computed_at, stats_version', () => {
	test('first and last image times are the oldest and newest mtimes, whatever the order', () => {
		const images: ImageFact[] = [
			{name: 'b.png', mtimeNs: 1762981460_000000000n},
			{name: 'a.png', mtimeNs: 1762981451_123456789n},
			{name: 'c.jpg', mtimeNs: 1762981499_500000000n},
			{name: 'd.webp', mtimeNs: 1762981455_000000000n},
		];
		const {stats} = run(withSnapshot({}), {images});
		expect(stats.images_actual).toBe(4);
		expect(stats.first_image_created_at).toBe('2025-11-12T21:04:11.123457');
		expect(stats.last_image_created_at).toBe('2025-11-12T21:04:59.500000');
	});

	test('one image: first = last', () => {
		const {stats} = run(withSnapshot({}), {images: [{name: 'a.png', mtimeNs: 1762981451_000000000n}]});
		expect(stats.first_image_created_at).toBe('2025-11-12T21:04:11');
		expect(stats.last_image_created_at).toBe('2025-11-12T21:04:11');
	});

	test('microseconds rounded half to even from the double mtime', () => {
		const images: ImageFact[] = [
			{name: 'a.png', mtimeNs: 1762981451_007812500n},
			{name: 'b.png', mtimeNs: 1762981452_023437500n},
		];
		const {stats} = run(withSnapshot({}), {images});
		expect(stats.first_image_created_at).toBe('2025-11-12T21:04:11.007812');
		expect(stats.last_image_created_at).toBe('2025-11-12T21:04:12.023438');
	});

	test('a fraction that rounds to zero microseconds is not written', () => {
		const {stats} = run(withSnapshot({}), {images: [{name: 'a.png', mtimeNs: 1762981451_000000400n}]});
		expect(stats.first_image_created_at).toBe('2025-11-12T21:04:11');
	});

	test('no images: NULL image times', () => {
		const {stats} = run(withSnapshot({}));
		expect(stats.images_actual).toBe(0);
		expect(stats.first_image_created_at).toBeNull();
		expect(stats.last_image_created_at).toBeNull();
	});

	test('stats_computed_at is now, microseconds only when non-zero', () => {
		expect(run(withSnapshot({}), {nowMs: NOW_MS}).stats.stats_computed_at).toBe('2025-11-12T22:00:00.250000');
		expect(run(withSnapshot({}), {nowMs: Date.UTC(2025, 10, 12, 22, 0, 0)}).stats.stats_computed_at).toBe(
			'2025-11-12T22:00:00',
		);
		expect(run(withSnapshot({}), {nowMs: Date.UTC(2025, 10, 12, 22, 0, 0, 7)}).stats.stats_computed_at).toBe(
			'2025-11-12T22:00:00.007000',
		);
	});

	test('stats_version is 1', () => {
		expect(run(withSnapshot({})).stats.stats_version).toBe(1);
		expect(runWith({kind: 'missing'}, {images: 1}).stats.stats_version).toBe(1);
	});
});

// ---- rule 11: bookkeeping ---------------------------------------------------------------------------------------

describe('bookkeeping', () => {
	test.each([
		['ongoing', 'ongoing'],
		['in_progress', 'in_progress'],
		['completed', 'completed'],
		['aborted', 'aborted'],
	])('status %s', (status, expected) => {
		expect(run(withSnapshot({}, {status})).bookkeeping.manifest_status).toBe(expected);
	});

	test('no status, or one of the wrong type', () => {
		expect(run(withSnapshot({})).bookkeeping.manifest_status).toBeNull();
		expect(run(withSnapshot({}, {status: 42})).bookkeeping.manifest_status).toBeNull();
		expect(run(withSnapshot({}, {status: null})).bookkeeping.manifest_status).toBeNull();
		expect(run(withSnapshot({status: 'ongoing'})).bookkeeping.manifest_status).toBeNull();
	});

	test('duplicate status: the last wins', () => {
		expect(run('{"status": "ongoing", "snapshot": {}, "status": "completed"}').bookkeeping.manifest_status).toBe(
			'completed',
		);
	});

	test('images_recorded counts the top-level images list', () => {
		expect(
			run(withSnapshot({}, {images: [{filename: 'a.png'}, {filename: 'b.png'}, {filename: 'c.png'}]})).bookkeeping
				.images_recorded,
		).toBe(3);
		expect(run(withSnapshot({}, {images: []})).bookkeeping.images_recorded).toBe(0);
		expect(run(withSnapshot({}, {images: [1, 'x', null, [], {}]})).bookkeeping.images_recorded).toBe(5);
		expect(run(withSnapshot({})).bookkeeping.images_recorded).toBeNull();
		expect(run(withSnapshot({}, {images: 'a.png'})).bookkeeping.images_recorded).toBeNull();
		expect(run(withSnapshot({}, {images: {a: 1}})).bookkeeping.images_recorded).toBeNull();
		expect(run(withSnapshot({}, {images: 3})).bookkeeping.images_recorded).toBeNull();
		expect(run(withSnapshot({images: [1, 2]})).bookkeeping.images_recorded).toBeNull();
	});

	test('images_recorded with duplicate images keys: the last wins', () => {
		expect(run('{"images": [1, 2, 3], "snapshot": {}, "images": [4]}').bookkeeping.images_recorded).toBe(1);
		expect(run('{"images": [1, 2, 3], "snapshot": {}, "images": "none"}').bookkeeping.images_recorded).toBeNull();
	});

	test('images_recorded does not change images_actual (that is the files)', () => {
		const {stats, bookkeeping} = run(withParams({num_images: 10}, {}, {images: [1, 2, 3, 4]}), {images: 2});
		expect(stats.images_actual).toBe(2);
		expect(bookkeeping.images_recorded).toBe(4);
	});

	test('last_activity_ms is the newest manifest or image mtime', () => {
		// Manifest newer than the images
		expect(
			run(withSnapshot({}), {images: 3, manifestMtimeNs: 1762981800_000000000n}).bookkeeping.last_activity_ms,
		).toBe(1762981800000);
		// An image newer than the manifest
		const images = imageFacts(3, 1762981900_000000000n);
		expect(
			run(withSnapshot({}), {images, manifestMtimeNs: 1762981800_000000000n}).bookkeeping.last_activity_ms,
		).toBe(1762981910000);
		// No images
		expect(run(withSnapshot({}), {manifestMtimeNs: 1762981800_123456789n}).bookkeeping.last_activity_ms).toBe(
			1762981800123,
		);
	});
});

// ---- rule 4: reading the manifest ---------------------------------------------------------------------------

describe('unreadable manifests', () => {
	/** A 57-byte manifest cut off after a member. */
	const TRUNCATED_57 = '{"snapshot":{"version": "2.0", "timestamp": "2025-11-12",';

	test('the 57-byte example is 57 bytes', () => {
		expect(Buffer.byteLength(TRUNCATED_57)).toBe(57);
	});

	test.each<[string, string | number[], string]>([
		['truncated', TRUNCATED_57, 'manifest.json: unexpected end of input at byte 57'],
		[
			'truncated right after opening the snapshot',
			'{"snapshot": {',
			'manifest.json: unexpected end of input at byte 14',
		],
		[
			'truncated inside a string',
			'{"snapshot": {"version": "2.',
			'manifest.json: unexpected end of input at byte 28',
		],
		[
			'truncated inside the images list',
			'{"snapshot": {}, "images": [{"filename": "a.png"}, {"filen',
			'manifest.json: unexpected end of input at byte 58',
		],
		['an empty file', '', 'manifest.json: unexpected end of input at byte 0'],
		['whitespace only', ' \n', 'manifest.json: unexpected end of input at byte 2'],
		['truncated top-level list', '[', 'manifest.json: unexpected end of input at byte 1'],
		['snapshot missing', '{}', 'manifest.json: "snapshot" is missing'],
		[
			'snapshot missing, other keys present',
			'{"status": "ongoing", "images": []}',
			'manifest.json: "snapshot" is missing',
		],
		['snapshot is a list', '{"snapshot": []}', 'manifest.json: "snapshot" is a list, not an object'],
		['snapshot is null', '{"snapshot": null}', 'manifest.json: "snapshot" is null, not an object'],
		['snapshot is a string', '{"snapshot": "x"}', 'manifest.json: "snapshot" is a string, not an object'],
		['snapshot is a number', '{"snapshot": 5}', 'manifest.json: "snapshot" is a number, not an object'],
		['snapshot is a boolean', '{"snapshot": true}', 'manifest.json: "snapshot" is a boolean, not an object'],
		['snapshot is NaN (null)', '{"snapshot": NaN}', 'manifest.json: "snapshot" is null, not an object'],
		[
			'a duplicate snapshot that is a list',
			'{"snapshot": {}, "snapshot": []}',
			'manifest.json: "snapshot" is a list, not an object',
		],
		['the top level is a list', '[{"snapshot": {}}]', 'manifest.json: the top level is a list, not an object'],
		['the top level is a string', '"manifest"', 'manifest.json: the top level is a string, not an object'],
		['the top level is a number', '42', 'manifest.json: the top level is a number, not an object'],
		['the top level is a negative number', '-1', 'manifest.json: the top level is a number, not an object'],
		['the top level is a boolean', 'true', 'manifest.json: the top level is a boolean, not an object'],
		['the top level is null', 'null', 'manifest.json: the top level is null, not an object'],
		// A syntax error anywhere wins over a type error, as in Python (which reads the whole document first)
		['a list with a syntax error', '[1, 2', 'manifest.json: unexpected end of input at byte 5'],
		[
			'a syntax error after a good snapshot',
			'{"snapshot": {}, "images": [1 2]}',
			"manifest.json: expected ',' or ']' at byte 30",
		],
		[
			'a syntax error in an unused key',
			'{"snapshot": {}, "other": [1 2]}',
			"manifest.json: expected ',' or ']' at byte 29",
		],
		[
			'a control character in an unused key',
			'{"snapshot": {}, "other": "a\tb"}',
			'manifest.json: control character in string at byte 28',
		],
		[
			'an invalid escape in the images list',
			'{"snapshot": {}, "images": ["\\x"]}',
			'manifest.json: invalid escape in string at byte 29',
		],
		[
			'a snapshot missing but a syntax error later',
			'{"status": "ongoing", }',
			'manifest.json: expected a property name in double quotes at byte 22',
		],
		['trailing data', '{"snapshot": {}} {}', 'manifest.json: extra data after the JSON value at byte 17'],
		[
			'invalid UTF-8',
			[...Buffer.from('{"snapshot": {"version": "'), 0xff, ...Buffer.from('"}}')],
			'manifest.json: invalid UTF-8 at byte 26',
		],
		['single quotes', "{'snapshot': {}}", 'manifest.json: expected a property name in double quotes at byte 1'],
	])('%s', (_name, text, reason) => {
		const bytes = typeof text === 'string' ? Buffer.from(text) : Uint8Array.from(text);
		const {stats, bookkeeping} = run(bytes, {images: 2});
		expect(bookkeeping).toEqual({
			session_id: PLAIN_ID,
			manifest_state: 'unreadable',
			manifest_status: null,
			images_recorded: null,
			error: reason,
			fingerprint: null,
			last_activity_ms: 1762981800000,
		} satisfies SessionBookkeeping);
		expect(stats).toEqual(
			filesystemRow({
				images_actual: 2,
				first_image_created_at: '2025-11-12T21:04:11',
				last_image_created_at: '2025-11-12T21:04:16',
			}),
		);
	});

	test('deep nesting anywhere gives a reason, not a stack overflow', () => {
		const deep = '['.repeat(100_000) + ']'.repeat(100_000);
		for (const text of [
			`{"snapshot": {"variations": ${deep}}}`,
			`{"snapshot": {}, "other": ${deep}}`,
			`{"snapshot": {}, "images": ${deep}}`,
			`{"snapshot": {}, "images": [${deep}]}`,
			deep,
		]) {
			const {bookkeeping} = run(text);
			expect(bookkeeping.manifest_state).toBe('unreadable');
			expect(bookkeeping.error).toMatch(/^manifest\.json: nesting deeper than 1000 levels at byte \d+$/);
		}
	});

	test('an unreadable manifest keeps the folder-name creation time', () => {
		const {stats} = run('{', {sessionId: '2025-10-14_173320_portrait'});
		expect(stats.session_created_at).toBe('2025-10-14T17:33:20');
		expect(stats.session_id).toBe('2025-10-14_173320_portrait');
	});

	test('a manifest the filesystem would not let us read', () => {
		const {stats, bookkeeping} = runWith(
			{kind: 'unreadable', reason: 'manifest.json: permission denied', mtimeNs: 1762981900_000000000n},
			{images: 1, sessionId: '20251014_173320-portrait'},
		);
		expect(bookkeeping).toEqual({
			session_id: '20251014_173320-portrait',
			manifest_state: 'unreadable',
			manifest_status: null,
			images_recorded: null,
			error: 'manifest.json: permission denied',
			fingerprint: null,
			last_activity_ms: 1762981900000,
		} satisfies SessionBookkeeping);
		expect(stats).toEqual(
			filesystemRow({
				session_id: '20251014_173320-portrait',
				session_path: '/results/20251014_173320-portrait',
				images_actual: 1,
				session_created_at: '2025-10-14T17:33:20',
				first_image_created_at: '2025-11-12T21:04:11',
				last_image_created_at: '2025-11-12T21:04:11',
			}),
		);
	});

	test('an unreadable manifest with no known mtime', () => {
		const {bookkeeping} = runWith(
			{kind: 'unreadable', reason: 'manifest.json: is a directory', mtimeNs: null},
			{images: 2},
		);
		expect(bookkeeping.last_activity_ms).toBe(1762981456000);
		expect(bookkeeping.error).toBe('manifest.json: is a directory');
		const none = runWith({kind: 'unreadable', reason: 'manifest.json: is a directory', mtimeNs: null});
		expect(none.bookkeeping.last_activity_ms).toBeNull();
	});
});

describe('reading the manifest as Python does', () => {
	test('a UTF-8 BOM is accepted', () => {
		const text = '{"status": "completed", "snapshot": {"version": "2.0", "generation_params": {"num_images": 4}}}';
		const {stats, bookkeeping} = run(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), {
			images: 2,
		});
		expect(bookkeeping.manifest_state).toBe('ok');
		expect(bookkeeping.manifest_status).toBe('completed');
		expectFields(stats, {template_version: '2.0', images_expected: 4, completion_percentage: 50});
	});

	test('a BOM does not shift error offsets: they count bytes of the file', () => {
		const {bookkeeping} = run(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"snapshot": {')]));
		expect(bookkeeping.error).toBe('manifest.json: unexpected end of input at byte 17');
	});

	test('offsets count bytes, not characters', () => {
		const {bookkeeping} = run('{"snapshot": {"resolved_template": {"prompt": "日本"}, ');
		// 47 ASCII bytes before the prompt text, 6 bytes of CJK, then `"}, ` (4 bytes)
		expect(bookkeeping.error).toBe('manifest.json: unexpected end of input at byte 57');
	});

	test('pretty-printed manifests (indent=2) read the same', () => {
		const manifest = withParams({num_images: 6, seed_base: 7}, {version: '2.0'}, {status: 'ongoing'});
		const compact = run(manifest, {images: 3});
		const pretty = run(Buffer.from(JSON.stringify(manifest, null, 2)), {images: 3});
		expect(pretty).toEqual(compact);
	});

	// The same malformed bytes get the same reason whether they sit in a key that is built (snapshot), one that is
	// only validated (an unknown key, the images list) or are read by parsePythonJson: the reason describes the file.
	test.each([
		['{"a" 1}'],
		['{"a": 1 "b": 2}'],
		['{"a": 1,}'],
		["{'a': 1}"],
		['[1 2]'],
		['[1,]'],
		['[1}'],
		['{]'],
		['{"a": }'],
		['"a\tb"'],
		['"\\x"'],
		['"\\u12x"'],
		['tru'],
		['truex'],
		['nan'],
		['-'],
		['-x'],
		['01'],
		['1.'],
		['+1'],
		['.5'],
		['\f1'],
		['"a\nb'],
		['[1, "b'],
		['{"a": [1, {"b": "c\\'],
	])('a syntax error reads the same in every part of the manifest: %j', (fragment) => {
		// Three documents of the same length with the fragment at the same offset.
		const built = `{"snapshot": {"x": ${fragment}}} `;
		const skipped = `{"unused__": {"x": ${fragment}}} `;
		const counted = `{"images":  [{"x": ${fragment}}]}`;
		let parsed = '';
		try {
			parsePythonJson(Buffer.from(built));
		} catch (error) {
			if (!(error instanceof JsonSyntaxError)) throw error;
			parsed = `manifest.json: ${error.message}`;
		}
		expect(parsed).not.toBe('');
		expect({
			built: run(built).bookkeeping.error,
			skipped: run(skipped).bookkeeping.error,
			counted: run(counted).bookkeeping.error,
		}).toEqual({built: parsed, skipped: parsed, counted: parsed});
	});

	test('a duplicate snapshot: the last one wins', () => {
		const {stats} = run('{"snapshot": {"version": "1.0"}, "snapshot": {"version": "2.0"}}');
		expect(stats.template_version).toBe('2.0');
	});

	test('a duplicate snapshot: a list first, an object last', () => {
		const {stats, bookkeeping} = run('{"snapshot": [], "snapshot": {"version": "2.0"}}');
		expect(bookkeeping.manifest_state).toBe('ok');
		expect(stats.template_version).toBe('2.0');
	});

	test('duplicate keys inside generation_params: the last wins', () => {
		const {stats} = run(
			'{"snapshot": {"generation_params": {"num_images": 3, "mode": "random", "num_images": 6}}}',
			{images: 3},
		);
		expectFields(stats, {images_expected: 6, completion_percentage: 50});
	});

	test('NaN and Infinity in fields are absent', () => {
		const text =
			'{"status": NaN, "images_requested": Infinity, "snapshot": {"version": NaN, "timestamp": -Infinity,' +
			' "runtime_info": {"sd_model_checkpoint": Infinity}, "generation_params": {"mode": NaN, "seed_mode": NaN,' +
			' "seed_base": NaN, "num_images": -Infinity, "max_images": NaN, "seed_list": NaN},' +
			' "resolved_template": {"prompt": NaN, "negative": Infinity}, "api_params": {"width": NaN, "cfg_scale": Infinity, "sampler_name": NaN}}}';
		const {stats, bookkeeping} = run(text, {images: 1});
		expect(bookkeeping.manifest_state).toBe('ok');
		expect(bookkeeping.manifest_status).toBeNull();
		expectFields(stats, {
			sd_model: 'unknown',
			template_version: 'unknown',
			generation_mode: 'unknown',
			seed_mode: 'unknown',
			seed_base: -1,
			resolved_prompt: '',
			negative_prompt: '',
			width: null,
			cfg_scale: null,
			sampler_name: null,
			images_expected: 0,
			completion_percentage: 0,
			is_seed_sweep: 0,
			manifest_generated_at: null,
			session_created_at: null,
		});
	});

	test('whitespace and key order do not matter; unknown keys are ignored', () => {
		const text =
			'\n\t{ "theme_name" : null , "images" : [ ] ,\r\n "snapshot" : { "fixed_placeholders" : { } ,' +
			' "generation_params" : { "num_images" : 2 } } , "extra" : { "deep" : [ [ 1 ] ] } }\n';
		const {stats, bookkeeping} = run(text, {images: 2});
		expect(bookkeeping.images_recorded).toBe(0);
		expectFields(stats, {images_expected: 2, completion_percentage: 100});
	});
});

// ---- missing manifest -----------------------------------------------------------------------------------------

describe('missing manifest', () => {
	test('a row with what the filesystem tells', () => {
		const images = imageFacts(3, 1762981451_500000000n);
		const {stats, bookkeeping} = runWith({kind: 'missing'}, {images, sessionId: '2025-10-14_173320_portrait'});
		expect(stats).toEqual(
			filesystemRow({
				session_id: '2025-10-14_173320_portrait',
				session_path: '/results/2025-10-14_173320_portrait',
				images_actual: 3,
				session_created_at: '2025-10-14T17:33:20',
				first_image_created_at: '2025-11-12T21:04:11.500000',
				last_image_created_at: '2025-11-12T21:04:21.500000',
			}),
		);
		expect(bookkeeping).toEqual({
			session_id: '2025-10-14_173320_portrait',
			manifest_state: 'missing',
			manifest_status: null,
			images_recorded: null,
			error: null,
			fingerprint: null,
			last_activity_ms: 1762981461500,
		} satisfies SessionBookkeeping);
	});

	test('no timestamp in the folder name: NULL session_created_at', () => {
		const {stats} = runWith({kind: 'missing'}, {images: 1});
		expect(stats.session_created_at).toBeNull();
		expect(stats.images_expected).toBeNull();
		expect(stats.completion_percentage).toBeNull();
	});

	test('an invalid folder date gives NULL', () => {
		const {stats} = runWith({kind: 'missing'}, {images: 1, sessionId: '2023-02-29_120000_x'});
		expect(stats.session_created_at).toBeNull();
	});
});

// ---- the design's own cases and the realistic example -----------------------------------------------------------

describe("the design's test cases", () => {
	test('combinatorial Hair × Expression with 6 images', () => {
		const sessionId = '20251112_210411-hair-expression';
		const manifest = buildManifest(
			sessionId,
			{
				mode: 'combinatorial',
				variations: {Hair: ['blonde', 'red', 'black'], Expression: ['smile', 'frown']},
			},
			6,
		);
		const {stats, bookkeeping} = run(Buffer.from(JSON.stringify(manifest, null, 2)), {sessionId, images: 6});
		expectFields(stats, {
			images_expected: 6,
			images_actual: 6,
			completion_percentage: 100,
			is_seed_sweep: 0,
			placeholders_json: '{"Hair": 3, "Expression": 2}',
			variations_summary_json: '{"Hair": ["blonde", "red", "black"], "Expression": ["smile", "frown"]}',
			generation_mode: 'combinatorial',
			seed_mode: 'progressive',
		});
		expect(bookkeeping.manifest_status).toBe('completed');
		expect(bookkeeping.images_recorded).toBe(6);
	});

	test('progressive seeds over a single placeholder is a seed sweep', () => {
		const sessionId = '20251112_210411-sweep';
		const manifest = buildManifest(
			sessionId,
			{
				mode: 'random',
				seedMode: 'progressive',
				numImages: 4,
				variations: {Hair: ['blonde', 'red', 'black', 'silver']},
			},
			4,
		);
		const {stats} = run(manifest, {sessionId, images: 4});
		expectFields(stats, {
			is_seed_sweep: 1,
			seed_mode: 'progressive',
			images_expected: 4,
			completion_percentage: 100,
		});
	});

	test('a seed list is a seed sweep', () => {
		const manifest = buildManifest(
			PLAIN_ID,
			{seedMode: 'fixed', seedList: [11, 22, 33], variations: {A: ['1', '2'], B: ['x', 'y']}},
			3,
		);
		expect(run(manifest, {images: 3}).stats.is_seed_sweep).toBe(1);
	});
});

describe('the realistic example', () => {
	test('a generator manifest: num_images 6, 3 images recorded, 3 files', () => {
		const sessionId = '20251112_210411-portrait';
		const manifest = buildManifest(
			sessionId,
			{
				numImages: 6,
				status: 'ongoing',
				variations: {Hair: ['blonde', 'red', 'black'], Expression: ['smile', 'frown']},
			},
			3,
		);
		const {stats, bookkeeping} = computeSession({
			sessionId,
			sessionPath: `/results/${sessionId}`,
			manifest: {
				kind: 'bytes',
				bytes: Buffer.from(JSON.stringify(manifest, null, 2)),
				mtimeNs: 1762981461_000000000n,
			},
			images: imageFacts(3),
			nowMs: NOW_MS,
		});
		expect(stats).toEqual({
			session_id: sessionId,
			session_path: `/results/${sessionId}`,
			sd_model: 'illustriousXL_v01.safetensors [a1b2c3d4e5]',
			template_version: '2.0',
			generation_mode: 'combinatorial',
			seed_mode: 'progressive',
			seed_base: 1000,
			resolved_prompt: 'masterpiece, best quality, 1girl, {Hair}, {Expression}',
			negative_prompt: 'lowres, bad anatomy, blurry',
			width: 832,
			height: 1216,
			steps: 30,
			cfg_scale: 7,
			sampler_name: 'DPM++ 2M',
			images_expected: 6,
			images_actual: 3,
			completion_percentage: 50,
			is_seed_sweep: 0,
			placeholders_json: '{"Hair": 3, "Expression": 2}',
			variations_summary_json: '{"Hair": ["blonde", "red", "black"], "Expression": ["smile", "frown"]}',
			session_created_at: '2025-11-12T21:04:11',
			manifest_generated_at: '2025-11-12T21:04:11.482913',
			first_image_created_at: '2025-11-12T21:04:11',
			last_image_created_at: '2025-11-12T21:04:21',
			stats_computed_at: NOW_ISO,
			stats_version: 1,
		} satisfies SessionStatsRow);
		expect(bookkeeping).toEqual({
			session_id: sessionId,
			manifest_state: 'ok',
			manifest_status: 'ongoing',
			images_recorded: 3,
			error: null,
			fingerprint: null,
			last_activity_ms: 1762981461000,
		} satisfies SessionBookkeeping);
	});

	test('the same run, finished with all six images', () => {
		const sessionId = '20251112_210411-portrait';
		const manifest = buildManifest(
			sessionId,
			{numImages: 6, variations: {Hair: ['blonde', 'red', 'black'], Expression: ['smile', 'frown']}},
			6,
		);
		const {stats, bookkeeping} = run(manifest, {sessionId, images: 6});
		expectFields(stats, {images_expected: 6, images_actual: 6, completion_percentage: 100});
		expect(bookkeeping.manifest_status).toBe('completed');
		expect(bookkeeping.images_recorded).toBe(6);
	});

	test('a manifest from before 2025-11-11: no status key', () => {
		const manifest = buildManifest(PLAIN_ID, {numImages: 6, status: null}, 2);
		const {bookkeeping} = run(manifest, {images: 2});
		expect(bookkeeping.manifest_status).toBeNull();
		expect(bookkeeping.images_recorded).toBe(2);
	});

	test('a migrated manifest: images_requested and max_images', () => {
		const manifest = buildManifest(
			PLAIN_ID,
			{mode: 'random', topLevelExtras: {images_requested: 8}, generationExtras: {max_images: 20}},
			2,
		);
		expectFields(run(manifest, {images: 2}).stats, {images_expected: 8, completion_percentage: 25});
	});
});
