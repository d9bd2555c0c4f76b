/**
 * Fuzzing the calculator with damaged manifests: realistic manifests from the corpus builder, mutated with a
 * seeded PRNG (truncation at every position, type swaps, huge and odd numbers, deep nesting, NaN/Infinity,
 * BOM, invalid UTF-8, UTF-16, duplicate keys, control characters, byte flips). `computeSession` must never
 * throw, must give either a readable row or a reason, every numeric field must be a finite number, an
 * in-range bigint or null, and every row must be storable. Each case is also differential: the default reader
 * (JSON.parse with the exact reader as fallback) must give the exact reader's document and the same row.
 */
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {readManifestExact} from '../../source/core/manifest.js';
import {readManifestFast} from '../../source/core/manifest-fast.js';
import {canonicalManifest} from '../helpers/manifest-canonical.js';
import type {SessionComputation} from '../../source/core/types.js';
import {buildManifest, type ManifestSpec} from '../../source/demo/corpus.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';
import {prng} from './support.js';

const SEED = 0xf022;
const STRUCTURED_ITERATIONS = 3000;
const BYTE_ITERATIONS = 3000;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

type Rng = ReturnType<typeof prng>;
const NOW = Date.UTC(2025, 10, 20, 12);

const SPECS: ManifestSpec[] = [
	{numImages: 6, status: 'completed', variations: {Hair: ['bob', 'braids'], Expression: ['smile', 'frown', 'wink']}},
	{
		numImages: 32,
		status: 'ongoing',
		seedMode: 'progressive',
		variations: {Pose: ['a', 'b', 'c', 'd']},
		apiParams: {width: '512', height: 768.0, steps: 20, cfg_scale: 6.5, sampler_name: 'Euler a'},
	},
	{
		mode: 'combinatorial',
		status: null,
		variations: {A: ['1', '2'], B: ['x', 'y', 'z']},
		generationExtras: {max_images: 4},
	},
	{mode: 'random', seedList: [1, 2, 3], status: 'aborted', topLevelExtras: {images_requested: 10}},
	{numImages: 3, model: 'ünïcödé 模型 🎨', prompt: 'line\nbreak "quoted" \\ back', status: 'in_progress'},
];

const NUMERIC_STATS = [
	'seed_base',
	'width',
	'height',
	'steps',
	'cfg_scale',
	'images_expected',
	'images_actual',
	'completion_percentage',
	'is_seed_sweep',
	'stats_version',
] as const;
const TEXT_STATS = [
	'session_id',
	'session_path',
	'sd_model',
	'template_version',
	'generation_mode',
	'seed_mode',
	'resolved_prompt',
	'negative_prompt',
	'sampler_name',
	'placeholders_json',
	'variations_summary_json',
	'session_created_at',
	'manifest_generated_at',
	'first_image_created_at',
	'last_image_created_at',
	'stats_computed_at',
] as const;

/** Why the result breaks the contract, or null. */
function contractProblem(result: SessionComputation): string | null {
	const {stats, bookkeeping} = result;
	if (bookkeeping.manifest_state === 'ok') {
		if (bookkeeping.error !== null) return `ok with an error: ${bookkeeping.error}`;
	} else if (bookkeeping.manifest_state === 'unreadable') {
		if (typeof bookkeeping.error !== 'string' || bookkeeping.error.trim() === '')
			return 'unreadable without a reason';
		if (!bookkeeping.error.startsWith('manifest.json: '))
			return `reason without the file name: ${bookkeeping.error}`;
	} else {
		return `manifest_state ${bookkeeping.manifest_state} for a manifest that exists`;
	}
	const numbers: Array<[string, unknown]> = [
		...NUMERIC_STATS.map((k) => [k, stats[k]] as [string, unknown]),
		['images_recorded', bookkeeping.images_recorded],
		['last_activity_ms', bookkeeping.last_activity_ms],
	];
	for (const [key, value] of numbers) {
		if (value === null) continue;
		if (typeof value === 'number') {
			if (!Number.isFinite(value)) return `${key} is ${value}`;
		} else if (typeof value === 'bigint') {
			if (value > INT64_MAX || value < INT64_MIN) return `${key} is ${value} (beyond 64 bits)`;
		} else {
			return `${key} is a ${typeof value}`;
		}
	}
	for (const key of TEXT_STATS) {
		const value = stats[key];
		if (value !== null && typeof value !== 'string') return `${key} is a ${typeof value}`;
	}
	for (const key of ['placeholders_json', 'variations_summary_json'] as const) {
		const value = stats[key];
		if (value !== null) {
			try {
				JSON.parse(value);
			} catch {
				return `${key} is not JSON: ${value.slice(0, 80)}`;
			}
		}
	}
	if (stats.images_actual !== 2) return `images_actual ${stats.images_actual}`;
	return null;
}

function run(bytes: Uint8Array, read?: typeof readManifestExact): SessionComputation {
	return computeSession(
		{
			sessionId: '20251112_210411-fuzz',
			sessionPath: '/results/20251112_210411-fuzz',
			manifest: {kind: 'bytes', bytes, mtimeNs: 1_762_981_451_123_456_789n},
			images: [
				{name: 'a.png', mtimeNs: 1_762_981_451_000_000_000n},
				{name: 'b.png', mtimeNs: 1_762_981_456_000_000_000n},
			],
			nowMs: NOW,
		},
		read,
	);
}

/** How many cases the fast path answered itself (it must be exercised, not always declining). */
const fastAnswered = {count: 0};

/** Why the default reader differs from the exact one on these bytes, or null. */
function differentialProblem(bytes: Uint8Array, result: SessionComputation): string | null {
	const fast = readManifestFast(bytes);
	const exact = readManifestExact(bytes);
	if (fast !== null) {
		fastAnswered.count++;
		if (JSON.stringify(canonicalManifest(fast)) !== JSON.stringify(canonicalManifest(exact)))
			return 'the fast path read another document than the exact reader';
	}
	const reference = run(bytes, readManifestExact);
	const toText = (value: unknown): string =>
		JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
	if (toText(result) !== toText(reference))
		return `row differs from the exact reader's: ${toText(result).slice(0, 200)} vs ${toText(reference).slice(0, 200)}`;
	return null;
}

// ---- structured mutations: edit the manifest as a value, with raw tokens JSON cannot express ----

const RAW_TOKENS = [
	'NaN',
	'Infinity',
	'-Infinity',
	'1e400',
	'-1e400',
	'1e-400',
	'1180591620717411303424',
	/* 2^70 */ '-1180591620717411303424',
	`1${'0'.repeat(400)}`,
	`-${'9'.repeat(400)}`,
	'9223372036854775807',
	'9223372036854775808',
	'-9223372036854775809',
	'-1',
	'-0',
	'-0.0',
	'0.5',
	'2.5',
	'-3.75',
	'1e2',
	'1E+2',
	'7.0',
	'4.9e-324',
	'1.7976931348623157e308',
	'0',
];
const ODD_STRINGS = [
	'',
	' 12 ',
	'+7',
	'-3',
	'2.5',
	'1e400',
	'1e2',
	'NaN',
	'Infinity',
	'0x10',
	'１２',
	'\u0000',
	'\u001b[2J',
	'\ud800',
	'true',
	'9'.repeat(30),
	' ',
	'\t8\n',
];

type Slot = {parent: Record<string, unknown> | unknown[]; key: string | number};

function slots(value: unknown, out: Slot[] = []): Slot[] {
	if (Array.isArray(value)) {
		value.forEach((item, index) => {
			out.push({parent: value, key: index});
			slots(item, out);
		});
	} else if (value !== null && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			out.push({parent: value as Record<string, unknown>, key});
			slots(item, out);
		}
	}
	return out;
}

function randomValue(rng: Rng, rawTokens: string[]): unknown {
	const raw = (text: string): string => {
		rawTokens.push(text);
		return `\u0001RAW${rawTokens.length - 1}\u0001`;
	};
	switch (rng.int(0, 12)) {
		case 0:
			return raw(rng.pick(RAW_TOKENS));
		case 1:
			return rng.pick(ODD_STRINGS);
		case 2:
			return rng.chance(0.5);
		case 3:
			return null;
		case 4:
			return [];
		case 5:
			return {};
		case 6:
			return [rng.int(-5, 5), 'x', null];
		case 7: {
			const depth = rng.pick([5, 50, 999, 1000, 1001, 5000]);
			return raw('['.repeat(depth) + ']'.repeat(depth));
		}
		case 8:
			return rng.int(-1_000_000, 1_000_000);
		case 9:
			return rng.next() * 1e6 - 5e5;
		case 10:
			return {used: rng.chance(0.5) ? 'not a list' : [1, 'two', null, [3]], available: 5};
		case 11:
			return raw(`"${'\\ud83d'.repeat(rng.int(1, 3))}"`);
		default:
			return 'x'.repeat(rng.int(0, 3000));
	}
}

/** The keys the calculator reads: mutated more often than random ones. */
const HOT_PATHS = [
	['snapshot'],
	['snapshot', 'generation_params'],
	['snapshot', 'generation_params', 'num_images'],
	['snapshot', 'generation_params', 'max_images'],
	['snapshot', 'generation_params', 'mode'],
	['snapshot', 'generation_params', 'seed_mode'],
	['snapshot', 'generation_params', 'base_seed'],
	['snapshot', 'generation_params', 'seed_base'],
	['snapshot', 'generation_params', 'seed_list'],
	['snapshot', 'api_params'],
	['snapshot', 'api_params', 'width'],
	['snapshot', 'api_params', 'height'],
	['snapshot', 'api_params', 'steps'],
	['snapshot', 'api_params', 'cfg_scale'],
	['snapshot', 'api_params', 'sampler_name'],
	['snapshot', 'api_params', 'sampler'],
	['snapshot', 'variations'],
	['snapshot', 'runtime_info', 'sd_model_checkpoint'],
	['snapshot', 'resolved_template', 'prompt'],
	['snapshot', 'timestamp'],
	['snapshot', 'version'],
	['status'],
	['images'],
	['images_requested'],
];

const NUMERIC_PATHS = HOT_PATHS.filter((keys) =>
	[
		'num_images',
		'max_images',
		'base_seed',
		'seed_base',
		'width',
		'height',
		'steps',
		'cfg_scale',
		'images_requested',
	].includes(keys[keys.length - 1]!),
);

function setPath(root: Record<string, unknown>, keys: string[], value: unknown): void {
	let current: Record<string, unknown> = root;
	for (const key of keys.slice(0, -1)) {
		const next = current[key];
		if (next === null || typeof next !== 'object' || Array.isArray(next)) {
			current[key] = {};
		}
		current = current[key] as Record<string, unknown>;
	}
	current[keys[keys.length - 1]!] = value;
}

function structuredMutation(rng: Rng): {bytes: Buffer; description: string} {
	const spec = rng.pick(SPECS);
	// A deep copy: the builder shares the spec's objects (apiParams), and edits must not leak into the next case.
	const manifest = structuredClone(buildManifest('20251112_210411-fuzz', spec, rng.int(0, 6)));
	const rawTokens: string[] = [];
	const notes: string[] = [];
	const edits = rng.int(1, 4);
	for (let e = 0; e < edits; e++) {
		const value = randomValue(rng, rawTokens);
		const shown = (): string =>
			(JSON.stringify(value) ?? 'undefined')
				.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => `raw ${rawTokens[Number(i)]!}`)
				.slice(0, 60);
		if (rng.chance(0.3)) {
			// A number-shaped field given an odd number (huge, negative, fractional, non-finite).
			const keys = rng.pick(NUMERIC_PATHS);
			const token = rng.chance(0.7) ? rng.pick(RAW_TOKENS) : JSON.stringify(rng.pick(ODD_STRINGS));
			rawTokens.push(token);
			setPath(manifest, keys, `\u0001RAW${rawTokens.length - 1}\u0001`);
			notes.push(`${keys.join('.')} = raw ${token.slice(0, 40)}`);
		} else if (rng.chance(0.6)) {
			const keys = rng.pick(HOT_PATHS);
			setPath(manifest, keys, value);
			notes.push(`${keys.join('.')} = ${shown()}`);
		} else {
			const all = slots(manifest);
			const slot = rng.pick(all);
			(slot.parent as Record<string | number, unknown>)[slot.key] = value;
			notes.push(`[${String(slot.key)}] = ${shown()}`);
		}
	}
	let text = JSON.stringify(manifest, null, rng.chance(0.5) ? 2 : undefined);
	text = text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => rawTokens[Number(i)]!);
	if (rng.chance(0.15)) {
		// A duplicate key: the last one wins, as in Python.
		text = text.replace(/^\{/, `{"snapshot": ${rng.chance(0.5) ? '[]' : '{"version": "dup"}'}, `);
		notes.push('duplicate snapshot key first');
	}
	if (rng.chance(0.1)) {
		text = `${text.slice(0, -1)}, "snapshot": 5}`;
		notes.push('duplicate snapshot key last');
	}
	return {bytes: Buffer.from(text), description: notes.join('; ')};
}

// ---- byte mutations ----

function byteMutation(rng: Rng, base: Buffer): {bytes: Buffer; description: string} {
	let bytes = Buffer.from(base);
	const notes: string[] = [];
	const count = rng.int(1, 3);
	for (let m = 0; m < count; m++) {
		const kind = rng.int(0, 10);
		const at = rng.int(0, Math.max(0, bytes.length - 1));
		switch (kind) {
			case 0:
				bytes = bytes.subarray(0, at);
				notes.push(`truncate at ${at}`);
				break;
			case 1:
				bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
				notes.push('BOM');
				break;
			case 2: {
				const bad = rng.pick([
					[0xff],
					[0xc3],
					[0xc0, 0xaf],
					[0xed, 0xa0, 0x80],
					[0xf4, 0x90, 0x80, 0x80],
					[0xe2, 0x82],
					[0x80],
				]);
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
				notes.push(`invalid UTF-8 ${bad.map((b) => b.toString(16)).join(' ')} at ${at}`);
				break;
			}
			case 3: {
				const encoding = rng.pick(['utf16le', 'utf16be'] as const);
				const le = Buffer.from(bytes.toString('utf8'), 'utf16le');
				if (encoding === 'utf16be') le.swap16();
				bytes = rng.chance(0.5)
					? Buffer.concat([Buffer.from(encoding === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff]), le])
					: le;
				notes.push(encoding);
				break;
			}
			case 4: {
				const control = rng.int(0, 31);
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([control]), bytes.subarray(at)]);
				notes.push(`control 0x${control.toString(16)} at ${at}`);
				break;
			}
			case 5:
			case 6: {
				const flips = rng.int(1, 5);
				for (let f = 0; f < flips; f++) {
					const i = rng.int(0, Math.max(0, bytes.length - 1));
					if (bytes.length > 0) bytes[i] = rng.int(0, 255);
				}
				notes.push(`${flips} byte flips`);
				break;
			}
			case 7: {
				const insert = Buffer.from(Array.from({length: rng.int(1, 16)}, () => rng.int(0, 255)));
				bytes = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]);
				notes.push(`insert ${insert.length} random bytes at ${at}`);
				break;
			}
			case 8: {
				const token = rng.pick([
					'NaN',
					'Infinity',
					'-Infinity',
					'1e400',
					'{',
					'[',
					'"',
					'\\',
					',',
					':',
					'}',
					']',
					'\\u',
					'\\ud800',
					'tru',
					'nul',
				]);
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(token), bytes.subarray(at)]);
				notes.push(`insert ${JSON.stringify(token)} at ${at}`);
				break;
			}
			case 9: {
				const end = rng.int(at, Math.min(bytes.length, at + 200));
				bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]);
				notes.push(`delete ${at}..${end}`);
				break;
			}
			default: {
				const nul = Buffer.alloc(rng.int(1, 64));
				bytes = rng.chance(0.5) ? Buffer.concat([bytes, nul]) : Buffer.concat([bytes.subarray(0, at), nul]);
				notes.push(`NUL bytes (${nul.length})`);
			}
		}
	}
	return {bytes, description: notes.join('; ')};
}

const workspace = makeWorkspace('sdstats-fuzz-', {oneFile: true});
const opened = openDatabase(workspace.dbPath, 'create');
const repository = new StatsRepository(opened.db);
afterAll(() => opened.db.close());

/** Runs one case; returns a failure description or null. The row is stored too (it must be storable). */
function check(bytes: Uint8Array, description: string, index: number): string | null {
	let result: SessionComputation;
	try {
		result = run(bytes);
	} catch (error) {
		return `#${index} threw ${(error as Error).name}: ${(error as Error).message.slice(0, 200)} [${description}]`;
	}
	const problem = contractProblem(result) ?? differentialProblem(bytes, result);
	if (problem) return `#${index} ${problem} [${description}]`;
	try {
		const sessionId = `fuzz-${index % 50}`;
		repository.save(
			{
				stats: {...result.stats, session_id: sessionId, session_path: path.join('/results', sessionId)},
				bookkeeping: {...result.bookkeeping, session_id: sessionId},
			},
			'fp',
		);
	} catch (error) {
		return `#${index} cannot be stored: ${(error as Error).message.slice(0, 200)} [${description}]`;
	}
	return null;
}

describe('manifest fuzzing', () => {
	it('truncation at every byte position of realistic manifests: never throws, a row or a reason', () => {
		const failures: string[] = [];
		let cases = 0;
		for (const [i, spec] of SPECS.entries()) {
			const full = Buffer.from(
				JSON.stringify(buildManifest('20251112_210411-fuzz', spec, 2), null, i % 2 === 0 ? 2 : undefined),
			);
			for (let cut = 0; cut <= full.length; cut++) {
				const failure = check(full.subarray(0, cut), `spec ${i} cut at ${cut}/${full.length}`, cases++);
				if (failure) failures.push(failure);
			}
		}
		expect(cases).toBeGreaterThan(3000);
		expect(failures.slice(0, 10), `${failures.length} of ${cases} cases failed`).toEqual([]);
	}, 120_000);

	it(`${STRUCTURED_ITERATIONS} seeded structured mutations (type swaps, huge/negative/fractional numbers, NaN/Infinity, deep nesting, duplicate keys): never throws, a row or a reason, finite numbers`, () => {
		const rng = prng(SEED);
		const failures: string[] = [];
		const states = {ok: 0, unreadable: 0};
		for (let i = 0; i < STRUCTURED_ITERATIONS; i++) {
			const {bytes, description} = structuredMutation(rng);
			const failure = check(bytes, description, i);
			if (failure) failures.push(failure);
			else states[run(bytes).bookkeeping.manifest_state as 'ok' | 'unreadable']++;
		}
		// Both outcomes must actually be exercised.
		expect(states.ok).toBeGreaterThan(STRUCTURED_ITERATIONS / 10);
		expect(states.unreadable).toBeGreaterThan(10);
		expect(fastAnswered.count, 'cases the fast path answered').toBeGreaterThan(STRUCTURED_ITERATIONS / 10);
		expect(
			failures.slice(0, 10),
			`${failures.length} of ${STRUCTURED_ITERATIONS} cases failed (seed ${SEED})`,
		).toEqual([]);
	}, 120_000);

	it(`${BYTE_ITERATIONS} seeded byte mutations (truncation, BOM, invalid UTF-8, UTF-16, control characters, byte flips, NUL bytes): never throws, a row or a reason`, () => {
		const rng = prng(SEED + 1);
		const bases = SPECS.map((spec, i) =>
			Buffer.from(
				JSON.stringify(buildManifest('20251112_210411-fuzz', spec, 3), null, i % 2 === 0 ? 2 : undefined),
			),
		);
		const failures: string[] = [];
		for (let i = 0; i < BYTE_ITERATIONS; i++) {
			const {bytes, description} = byteMutation(rng, rng.pick(bases));
			const failure = check(bytes, description, i);
			if (failure) failures.push(failure);
		}
		expect(
			failures.slice(0, 10),
			`${failures.length} of ${BYTE_ITERATIONS} cases failed (seed ${SEED + 1})`,
		).toEqual([]);
	}, 120_000);

	it('a manifest with a BOM, NaN and Infinity literals is read as Python reads it (a row, not a reason)', () => {
		const text =
			'\ufeff{"snapshot": {"generation_params": {"num_images": NaN, "max_images": Infinity, "seed_base": -Infinity}, "api_params": {"cfg_scale": NaN, "width": 1e400}}, "status": "completed"}';
		const {stats, bookkeeping} = run(Buffer.from(text));
		expect(bookkeeping).toMatchObject({manifest_state: 'ok', error: null, manifest_status: 'completed'});
		expect(stats).toMatchObject({images_expected: 0, seed_base: -1, cfg_scale: null, width: null});
	});

	it('integers too large for a double (2^1024 and beyond) in real-valued fields give null, never Infinity', () => {
		for (const literal of [`1${'0'.repeat(400)}`, `-${'9'.repeat(330)}`, `"1${'0'.repeat(400)}"`]) {
			const text = `{"snapshot": {"api_params": {"cfg_scale": ${literal}, "width": ${literal}, "steps": ${literal}}, "generation_params": {"num_images": ${literal}, "seed_base": ${literal}}}}`;
			const result = run(Buffer.from(text));
			expect(contractProblem(result), literal.slice(0, 12)).toBeNull();
			expect(result.stats.cfg_scale, literal.slice(0, 12)).toBeNull();
		}
	});
});
