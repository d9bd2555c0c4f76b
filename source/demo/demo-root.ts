/**
 * The built-in demo results root behind `sdstats --demo`: about seventy session folders that cover every state,
 * both folder-name formats, seed sweeps, several models and samplers, hostile text and non-session clutter.
 *
 * It is generated deterministically (a seeded PRNG, fixed dates in the names) into a cache folder on first use,
 * and regenerated when DEMO_VERSION changes or one of its session folders is gone (archived or trashed in an
 * earlier demo). Every call refreshes the "live" sessions' modification times so the running ones are still
 * running, and a stalled one stalled, whenever the demo is opened.
 *
 * Every demo starts fresh: `startFreshDemo` also forgets the previous run's cache and triage (the demo's own
 * sessions.db folder) and its remembered view, so a key pressed in one demo never shapes the next one's first
 * impression.
 */
import fs from 'node:fs';
import path from 'node:path';
import {isImageName, MANIFEST_NAME} from '../core/images.js';
import type {SessionState} from '../core/types.js';
import {TINY_PNG, buildManifest, writeSession, type ManifestSpec, type SessionSpec} from './corpus.js';

/** Bump when the demo's content changes: an older demo folder is then replaced on next use. */
export const DEMO_VERSION = 2;

/** The stamp file inside the demo results root (hidden, so never a session) holding DEMO_VERSION. */
export const DEMO_STAMP_FILE = '.sdstats-demo-version';

export type DemoSession = {
	spec: SessionSpec;
	/** The state the session is built to have when computed with the default 10-minute stall window. */
	state: SessionState;
	/** Sessions whose times follow the clock: the newest write is put `lastWriteAgoMs` before "now" on every open. */
	live?: {lastWriteAgoMs: number; intervalMs: number};
};

// ---------------------------------------------------------------------------------------------------------------
// Where the demo lives

/** `$XDG_CACHE_HOME/sdstats/demo`, else `<home>/.cache/sdstats/demo`, else `<tmp>/sdstats-demo`. Pure. */
export function demoBaseDir(env: Record<string, string | undefined>, homedir: string, tmpdir: string): string {
	const xdg = env.XDG_CACHE_HOME;
	// The XDG spec: a relative path in the variable is invalid and must be ignored.
	if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'sdstats', 'demo');
	if (homedir) return path.join(homedir, '.cache', 'sdstats', 'demo');
	return path.join(tmpdir, 'sdstats-demo');
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic variety

/** mulberry32: a tiny seeded PRNG, so the same DEMO_VERSION always yields the same demo. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const between = (rand: Random, low: number, high: number): number => low + Math.floor(rand() * (high - low + 1));

/** 2..n distinct values of `values`, in their original order. */
function subset(rand: Random, values: readonly string[], min = 2): string[] {
	const count = between(rand, Math.min(min, values.length), values.length);
	const chosen = new Set<number>();
	while (chosen.size < count) chosen.add(Math.floor(rand() * values.length));
	return [...chosen].sort((a, b) => a - b).map((i) => values[i]!);
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const MODELS = [
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'hassakuXL_v13.safetensors [9f0c1b2a33]',
	'animagine-xl-3.1.safetensors [e3c47aedb0]',
	'sd_xl_base_1.0.safetensors [31e35c80fc]',
] as const;

const SAMPLERS = ['DPM++ 2M', 'Euler a', 'DPM++ SDE', 'UniPC', 'DDIM'] as const;
const SCHEDULERS = ['Karras', 'Normal', 'Exponential', 'SGM Uniform'] as const;
const SIZES: ReadonlyArray<readonly [number, number]> = [
	[832, 1216],
	[832, 1216],
	[1216, 832],
	[1024, 1024],
	[896, 1152],
	[768, 1344],
];
const STEPS = [20, 24, 28, 30, 30, 35, 40] as const;
const CFGS = [4.5, 5, 6, 7, 7, 7.5, 9] as const;

type Theme = {label: string; prompt: string; placeholders: Record<string, string[]>};

const THEMES: readonly Theme[] = [
	{
		label: 'facial_expressions',
		prompt: 'masterpiece, best quality, 1girl, upper body, {Expression}, {Angle}, simple background',
		placeholders: {
			Expression: ['smiling', 'crying', 'angry', 'surprised', 'embarrassed', 'smug', 'sleepy', 'determined'],
			Angle: ['front view', 'from side', 'from above'],
		},
	},
	{
		label: 'Hassaku-fantasy',
		prompt: 'masterpiece, 1girl, {Outfit}, standing in {Location}, dramatic lighting, detailed background',
		placeholders: {
			Outfit: ['mage robe', 'knight armor', 'ranger cloak', 'priestess dress', 'thief leathers'],
			Location: ['ancient library', 'crystal cave', 'ruined castle', 'floating islands'],
		},
	},
	{
		label: 'portrait',
		prompt: 'portrait of a woman, {Hair}, {Lighting}, 85mm, shallow depth of field',
		placeholders: {
			Hair: [
				'long black hair',
				'short silver hair',
				'red braid',
				'blonde twintails',
				'blue bob cut',
				'messy brown hair',
			],
			Lighting: ['rim light', 'golden hour', 'studio softbox'],
		},
	},
	{
		label: 'cyberpunk_city',
		prompt: 'cyberpunk city street, neon signs, {Time}, {Shot}, highly detailed',
		placeholders: {
			Time: ['dusk', 'midnight', 'heavy rain'],
			Shot: ['wide shot', 'street level', 'aerial view', 'alley close-up'],
		},
	},
	{
		label: 'forest_spirit',
		prompt: 'a {Creature} forest spirit, {Season}, glowing particles, ethereal',
		placeholders: {
			Creature: ['fox', 'deer', 'owl', 'wolf'],
			Season: ['spring blossoms', 'summer canopy', 'autumn leaves', 'first snow'],
		},
	},
	{
		label: 'armor_study',
		prompt: 'full body, knight in {Armor}, {Pose}, {Color} cape, concept art',
		placeholders: {
			Armor: ['plate armor', 'samurai armor', 'scale mail', 'gothic armor', 'bone armor'],
			Pose: ['standing', 'kneeling', 'sword raised'],
			Color: ['crimson', 'navy'],
		},
	},
	{
		label: 'cafe_scene',
		prompt: '1girl sitting in a cozy cafe, holding {Drink}, {Weather} outside the window',
		placeholders: {
			Drink: ['a latte', 'green tea', 'hot chocolate', 'an iced coffee'],
			Weather: ['sunny', 'rainy', 'snowy'],
		},
	},
	{
		label: 'outfit_variations',
		prompt: 'masterpiece, 1girl, full body, wearing {Outfit}, {Background}',
		placeholders: {
			Outfit: [
				'school uniform',
				'kimono',
				'hoodie and jeans',
				'maid outfit',
				'business suit',
				'sundress',
				'track suit',
				'gothic lolita',
			],
			Background: ['white background', 'city street', 'beach', 'classroom'],
		},
	},
	{
		label: 'landscape_moods',
		prompt: 'scenic {Landscape}, {Weather}, volumetric light, matte painting',
		placeholders: {
			Landscape: ['mountain lake', 'desert canyon', 'rice terraces', 'fjord', 'tundra', 'bamboo forest'],
			Weather: ['clear sky', 'fog', 'thunderstorm', 'aurora'],
		},
	},
	{
		label: 'character_sheet',
		prompt: 'character reference sheet, {View}, {Expression}, white background',
		placeholders: {
			View: ['front', 'side', 'back'],
			Expression: ['neutral', 'happy', 'angry', 'sad'],
		},
	},
	{
		label: 'mecha_designs',
		prompt: 'giant {Mecha} mecha, {Palette} color scheme, hangar, industrial',
		placeholders: {
			Mecha: ['humanoid', 'quadruped', 'tank', 'winged', 'spider'],
			Palette: ['white and red', 'olive drab', 'black and gold'],
		},
	},
	{
		label: 'witch_workshop',
		prompt: 'witch brewing {Potion} in her workshop, {Light}, cluttered shelves',
		placeholders: {
			Potion: [
				'a love potion',
				'liquid starlight',
				'a sleeping draught',
				'dragon fire',
				'a healing tonic',
				'shadow ink',
			],
			Light: ['candlelight', 'moonlight'],
		},
	},
];

const NEGATIVES = [
	'lowres, bad anatomy, bad hands, text, error, missing fingers, worst quality, jpeg artifacts, signature, watermark',
	'lowres, bad anatomy, blurry',
	'score_4, score_5, score_6, lowres, bad hands, watermark',
	'(worst quality:1.4), (low quality:1.4), monochrome, extra digits',
];

// ---------------------------------------------------------------------------------------------------------------
// Names and times

type When = readonly [year: number, month: number, day: number, hour: number, minute: number, second: number];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Folders named from 2025-10-20 on use the generator's newer compact format. */
const COMPACT_SINCE: When = [2025, 10, 20, 0, 0, 0];
/** Manifests from 2025-11-11 on carry a top-level `status`. */
const STATUS_SINCE: When = [2025, 11, 11, 0, 0, 0];

const before = (a: When, b: When): boolean => {
	for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
	return false;
};

/** The folder's clock reading as epoch ms, read as local time the way the generator named it. */
function localMs([y, mo, d, h, mi, s]: When): number {
	return new Date(y, mo - 1, d, h, mi, s).getTime();
}

function compactName([y, mo, d, h, mi, s]: When, label: string): string {
	const stamp = `${pad(y, 4)}${pad(mo)}${pad(d)}_${pad(h)}${pad(mi)}${pad(s)}`;
	return label ? `${stamp}-${label}` : stamp;
}

function dashedName([y, mo, d, h, mi, s]: When, label: string): string {
	return `${pad(y, 4)}-${pad(mo)}-${pad(d)}_${pad(h)}${pad(mi)}${pad(s)}_${label}.prompt`;
}

function folderName(when: When, label: string): string {
	return before(when, COMPACT_SINCE) ? dashedName(when, label) : compactName(when, label);
}

function isoTimestamp([y, mo, d, h, mi, s]: When, micros: number): string {
	return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(micros, 6)}`;
}

function addDays([y, mo, d]: When, days: number, hour: number, minute: number, second: number): When {
	const date = new Date(Date.UTC(y, mo - 1, d + days));
	return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, second];
}

// ---------------------------------------------------------------------------------------------------------------
// Building sessions

type ParamOptions = {
	model?: string;
	sampler?: string;
	samplerKey?: 'sampler' | 'sampler_name';
	apiExtras?: Record<string, unknown>;
};

/** Generation parameters shared by every demo manifest: model, api_params, timestamp. */
function baseManifest(rand: Random, when: When, options: ParamOptions = {}): ManifestSpec {
	const [width, height] = pick(rand, SIZES);
	const samplerKey = options.samplerKey ?? (before(when, [2025, 11, 1, 0, 0, 0]) ? 'sampler' : 'sampler_name');
	return {
		model: options.model ?? pick(rand, MODELS),
		negative: pick(rand, NEGATIVES),
		baseSeed: between(rand, 1, 4_294_967_295),
		timestamp: isoTimestamp(when, between(rand, 0, 999_999)),
		apiParams: {
			width,
			height,
			steps: pick(rand, STEPS),
			cfg_scale: pick(rand, CFGS),
			[samplerKey]: options.sampler ?? pick(rand, SAMPLERS),
			scheduler: pick(rand, SCHEDULERS),
			batch_size: 1,
			...options.apiExtras,
		},
		status: before(when, STATUS_SINCE) ? null : 'completed',
	};
}

/** A theme's placeholders trimmed so the full product stays at most `cap` (each keeps at least two values). */
function trimmed(theme: Theme, cap: number): Record<string, string[]> {
	const lists = Object.entries(theme.placeholders).map(([name, values]) => [name, [...values]] as [string, string[]]);
	const product = (): number => lists.reduce((p, [, v]) => p * v.length, 1);
	while (product() > cap) {
		const longest = lists.reduce((a, b) => (b[1].length > a[1].length ? b : a));
		if (longest[1].length <= 2) break;
		longest[1].pop();
	}
	return Object.fromEntries(lists);
}

function themedManifest(
	rand: Random,
	when: When,
	theme: Theme,
	mode: 'combinatorial' | 'random',
	options: ParamOptions = {},
): ManifestSpec {
	const base = baseManifest(rand, when, options);
	if (mode === 'combinatorial') {
		const variations = trimmed(theme, 40);
		const numImages = Object.values(variations).reduce((p, v) => p * v.length, 1);
		return {
			...base,
			prompt: theme.prompt,
			mode,
			seedMode: pick(rand, ['progressive', 'fixed']),
			variations,
			numImages,
		};
	}
	const variations = Object.fromEntries(
		Object.entries(theme.placeholders).map(([name, values]) => [name, subset(rand, values)]),
	);
	return {
		...base,
		prompt: theme.prompt,
		mode,
		seedMode: pick(rand, ['random', 'progressive']),
		variations,
		available: theme.placeholders,
		numImages: pick(rand, [20, 25, 30, 40, 50]),
	};
}

/** Image cadence: a few seconds per image, slower with more steps. */
const intervalFor = (rand: Random, manifest: ManifestSpec): number => {
	const steps = Number(manifest.apiParams?.steps ?? 30);
	return 2500 + steps * 160 + between(rand, 0, 1500);
};

type Draft = {
	when: When;
	label: string;
	state: SessionState;
	manifest: ManifestSpec | {raw: string} | null;
	images: number;
	imageNames?: string[];
	realPng?: boolean;
	extraFiles?: Record<string, string>;
	intervalMs: number;
	/** Milliseconds from the folder's time to the first image (model load, first steps). */
	startDelayMs: number;
	live?: {lastWriteAgoMs: number};
	/** Manifest written this long after the last image (a run that died after writing it). */
	manifestDelayMs?: number;
};

function toDemoSession(draft: Draft, name = folderName(draft.when, draft.label)): DemoSession {
	const firstImageMs = localMs(draft.when) + draft.startDelayMs;
	const lastImageMs = firstImageMs + Math.max(0, draft.images - 1) * draft.intervalMs;
	const spec: SessionSpec = {
		name,
		manifest: draft.manifest,
		images: draft.images,
		firstImageMs,
		imageIntervalMs: draft.intervalMs,
		manifestMtimeMs: lastImageMs + (draft.manifestDelayMs ?? 0),
	};
	if (draft.imageNames) spec.imageNames = draft.imageNames;
	if (draft.realPng) spec.realPng = true;
	if (draft.extraFiles) spec.extraFiles = draft.extraFiles;
	const session: DemoSession = {spec, state: draft.state};
	if (draft.live) session.live = {lastWriteAgoMs: draft.live.lastWriteAgoMs, intervalMs: draft.intervalMs};
	return session;
}

const theme = (label: string): Theme => THEMES.find((t) => t.label === label)!;

/** A manifest as the generator would have written it mid-run, cut off after `fraction` of its bytes. */
function truncatedManifest(name: string, spec: ManifestSpec, recorded: number, fraction: number): string {
	const full = JSON.stringify(buildManifest(name, spec, recorded), null, 2);
	return full.slice(0, Math.floor(full.length * fraction));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Hand-made sessions: every state, the edge cases, the hostile text. */
function specialDrafts(rand: Random): Draft[] {
	const drafts: Draft[] = [];
	const add = (
		draft: Omit<Draft, 'intervalMs' | 'startDelayMs'> & {intervalMs?: number; startDelayMs?: number},
	): void => {
		const manifest = draft.manifest && !('raw' in draft.manifest) ? draft.manifest : undefined;
		drafts.push({
			...draft,
			intervalMs: draft.intervalMs ?? (manifest ? intervalFor(rand, manifest) : between(rand, 6000, 9000)),
			startDelayMs: draft.startDelayMs ?? between(rand, 8000, 25000),
		});
	};

	// Running: ongoing, last write a few minutes before "now" (refreshed on every open).
	{
		const when: When = [2025, 11, 16, 21, 40, 12];
		const m = themedManifest(rand, when, theme('outfit_variations'), 'random', {model: MODELS[0]});
		add({
			when,
			label: 'sunset_rooftop_batch',
			state: 'running',
			manifest: {...m, numImages: 120, status: 'ongoing'},
			images: 47,
			live: {lastWriteAgoMs: 1 * MINUTE},
		});
	}
	{
		const when: When = [2025, 11, 16, 22, 15, 3];
		const m = baseManifest(rand, when, {model: MODELS[2], sampler: 'Euler a'});
		const variations = {Expression: theme('facial_expressions').placeholders.Expression!};
		add({
			when,
			label: 'expression_sweep_pony',
			state: 'running',
			manifest: {
				...m,
				prompt: 'score_9, score_8_up, 1girl, close-up, {Expression}',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations,
				numImages: 40,
				status: 'ongoing',
			},
			images: 12,
			live: {lastWriteAgoMs: 4 * MINUTE},
		});
	}
	// Stalled: ongoing, but silent for hours. One follows the clock (always ~3 h behind), one keeps its old times.
	{
		const when: When = [2025, 11, 16, 14, 2, 51];
		const m = themedManifest(rand, when, theme('landscape_moods'), 'combinatorial');
		add({
			when,
			label: 'landscape_moods_overnight',
			state: 'stalled',
			manifest: {...m, status: 'ongoing'},
			images: 9,
			live: {lastWriteAgoMs: 3 * HOUR + 12 * MINUTE},
		});
	}
	{
		const when: When = [2025, 11, 15, 3, 12, 40];
		const m = themedManifest(rand, when, theme('mecha_designs'), 'combinatorial');
		add({when, label: 'mecha_designs_oom', state: 'stalled', manifest: {...m, status: 'ongoing'}, images: 6});
	}
	// Aborted: fewer images than planned, one with none at all.
	{
		const when: When = [2025, 11, 13, 19, 5, 33];
		const m = themedManifest(rand, when, theme('armor_study'), 'combinatorial');
		add({when, label: 'armor_study_ctrl_c', state: 'aborted', manifest: {...m, status: 'aborted'}, images: 7});
	}
	{
		const when: When = [2025, 11, 12, 8, 30, 0];
		const m = themedManifest(rand, when, theme('cafe_scene'), 'random');
		add({
			when,
			label: 'cafe_scene_wrong_model',
			state: 'aborted',
			manifest: {...m, numImages: 24, status: 'aborted'},
			images: 0,
		});
	}
	{
		const when: When = [2025, 11, 14, 23, 48, 9];
		const m = themedManifest(rand, when, theme('outfit_variations'), 'random');
		add({
			when,
			label: 'outfits_random_60',
			state: 'aborted',
			manifest: {...m, numImages: 60, status: 'aborted'},
			images: 45,
		});
	}
	// Empty: a manifest that says completed, and no image.
	{
		const when: When = [2025, 11, 14, 10, 1, 17];
		const m = themedManifest(rand, when, theme('witch_workshop'), 'combinatorial');
		add({when, label: 'witch_workshop_empty_output_dir', state: 'empty', manifest: m, images: 0});
	}
	{
		const when: When = [2025, 11, 11, 16, 44, 2];
		const m = baseManifest(rand, when);
		add({
			when,
			label: 'typo_in_placeholder',
			state: 'empty',
			manifest: {
				...m,
				prompt: 'masterpiece, 1girl, {Expresion}',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {},
				numImages: 0,
			},
			images: 0,
		});
	}
	// Over: a re-run into the same folder added images (annotated copies do not count).
	{
		const when: When = [2025, 11, 12, 20, 10, 45];
		const m = themedManifest(rand, when, theme('character_sheet'), 'combinatorial');
		add({when, label: 'character_sheet_rerun', state: 'over', manifest: {...m, recordImages: 12}, images: 16});
	}
	{
		const when: When = [2025, 11, 15, 11, 22, 6];
		const m = themedManifest(rand, when, theme('cyberpunk_city'), 'combinatorial');
		const extraFiles = Object.fromEntries(
			[0, 1, 2].map((i) => [
				`cyberpunk_city_resumed_${pad(i, 4)}_seed-${(m.baseSeed ?? 0) + i}_annotated.png`,
				'',
			]),
		);
		add({
			when,
			label: 'cyberpunk_city_resumed',
			state: 'over',
			manifest: {...m, recordImages: 12},
			images: 14,
			extraFiles,
		});
	}
	// No manifest: legacy folders holding only images (old WebUI names, mixed extensions).
	{
		const when: When = [2025, 10, 7, 20, 30, 15];
		const seeds = Array.from({length: 12}, () => between(rand, 1, 4_294_967_295));
		const exts = ['png', 'png', 'png', 'jpg', 'webp', 'PNG'];
		const imageNames = seeds.map((seed, i) => `${pad(i, 5)}-${seed}.${exts[i % exts.length]}`);
		add({
			when,
			label: 'old_portraits',
			state: 'no_manifest',
			manifest: null,
			images: imageNames.length,
			imageNames,
			extraFiles: {
				'prompt.txt': 'portrait of a woman, long black hair, rim light\nNegative prompt: lowres\n',
				'.DS_Store': '',
			},
		});
	}
	{
		const when: When = [2025, 10, 9, 11, 2, 44];
		const imageNames = Array.from({length: 5}, (_, i) => `sketch_${pad(i + 1, 3)}.png`);
		add({
			when,
			label: 'pencil_sketches',
			state: 'no_manifest',
			manifest: null,
			images: 5,
			imageNames,
			realPng: true,
		});
	}
	{
		const when: When = [2025, 10, 28, 23, 15, 0];
		const imageNames = Array.from({length: 20}, (_, i) => `imported_${pad(i, 4)}.webp`);
		add({when, label: 'imported_from_laptop', state: 'no_manifest', manifest: null, images: 20, imageNames});
	}
	// Unreadable: truncated mid-write, a list, an object without snapshot.
	{
		const when: When = [2025, 11, 16, 20, 45, 12];
		const name = folderName(when, 'night_market_truncated');
		const m = themedManifest(rand, when, theme('cyberpunk_city'), 'combinatorial');
		const spec = {...m, status: 'ongoing'};
		add({
			when,
			label: 'night_market_truncated',
			state: 'unreadable',
			manifest: {raw: truncatedManifest(name, spec, 5, 0.57)},
			images: 5,
		});
	}
	{
		const when: When = [2025, 11, 4, 15, 12, 0];
		add({when, label: 'manifest_list_bug', state: 'unreadable', manifest: {raw: '[]\n'}, images: 3});
	}
	{
		const when: When = [2025, 10, 29, 9, 33, 21];
		const name = folderName(when, 'half_migrated');
		const m = themedManifest(rand, when, theme('forest_spirit'), 'combinatorial');
		const {snapshot: _snapshot, ...rest} = buildManifest(name, m, 4);
		add({
			when,
			label: 'half_migrated',
			state: 'unreadable',
			manifest: {raw: JSON.stringify({...rest, status: 'completed'}, null, 2)},
			images: 4,
		});
	}
	// Text that must show inert: CJK and emoji in the name, terminal escapes in the prompt and the model.
	{
		const when: When = [2025, 11, 10, 10, 15, 0];
		const m = baseManifest(rand, when, {model: MODELS[4]});
		add({
			when,
			label: '桜の肖像_🌸_portrait',
			state: 'complete',
			manifest: {
				...m,
				prompt: '桜の木の下の少女, {表情}, 🌸 petals, soft light',
				negative: '低品質, blurry',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {表情: ['笑顔', '泣き顔', '驚き'], 季節: ['春', '夏']},
				numImages: 6,
			},
			images: 6,
			realPng: true,
		});
	}
	{
		const when: When = [2025, 11, 8, 3, 13, 37];
		const m = baseManifest(rand, when, {
			model: 'evil\u001b[2K\u001b[1Gmerge_v2\u001b]0;model\u0007.safetensors [0badc0de00]',
		});
		add({
			when,
			label: 'terminal_escape_check',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'masterpiece, \u001b]0;pwned\u0007 1girl, \u001b[2J\u001b[H{Mood}, \u001b]52;c;ZWNobyBoaQ==\u0007 smile, \u202Egnp.exe\u202C, first line\rOVERWRITTEN',
				negative: 'lowres, \u001b[31mred\u001b[0m, \u0007bell',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Mood: ['calm', '\u001b[5mblinking\u001b[0m', 'tired\u202E'], Place: ['park', 'room']},
				numImages: 6,
			},
			images: 6,
		});
	}
	// Named only by its timestamp.
	{
		const when: When = [2025, 10, 20, 12, 0, 0];
		const m = themedManifest(rand, when, theme('portrait'), 'random');
		add({when, label: '', state: 'complete', manifest: m, images: m.numImages!});
	}
	// Seed sweeps: a few combinations times an explicit seed list.
	{
		const when: When = [2025, 11, 5, 14, 20, 0];
		const m = baseManifest(rand, when, {model: MODELS[3], sampler: 'DPM++ SDE'});
		add({
			when,
			label: 'seed_sweep_hassaku',
			state: 'complete',
			manifest: {
				...m,
				prompt: '1girl, {Outfit}, cherry blossoms',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Outfit: ['kimono', 'hakama', 'yukata']},
				seedList: [1000, 1001, 1002],
				numImages: 9,
			},
			images: 9,
		});
	}
	{
		const when: When = [2025, 11, 9, 17, 3, 30];
		const m = baseManifest(rand, when, {model: MODELS[5], sampler: 'DDIM'});
		add({
			when,
			label: 'seed_sweep_sdxl_base',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'a lighthouse on a cliff, {Weather}, {Time}',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Weather: ['storm', 'calm'], Time: ['dawn', 'night']},
				seedList: [42, 1337, 2024, 7777, 31337],
				numImages: 20,
			},
			images: 20,
		});
	}
	{
		const when: When = [2025, 11, 13, 9, 41, 5];
		const m = baseManifest(rand, when, {model: MODELS[4], sampler: 'UniPC'});
		add({
			when,
			label: 'seed_sweep_animagine',
			state: 'partial',
			manifest: {
				...m,
				prompt: '1boy, {Hair}, school uniform',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Hair: ['black hair', 'white hair']},
				seedList: [7, 8, 9, 10],
				numImages: 8,
			},
			images: 5,
		});
	}
	// Progressive runs over a single placeholder (seed sweeps by the calculator's rule).
	{
		const when: When = [2025, 10, 31, 13, 0, 7];
		const m = baseManifest(rand, when, {sampler: 'Euler a'});
		const poses = [
			'standing',
			'sitting',
			'lying down',
			'jumping',
			'running',
			'crouching',
			'leaning on wall',
			'arms crossed',
			'waving',
			'looking back',
		];
		add({
			when,
			label: 'pose_library',
			state: 'complete',
			manifest: {
				...m,
				prompt: '1girl, full body, {Pose}',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {Pose: poses},
				numImages: 10,
			},
			images: 10,
		});
	}
	{
		const when: When = [2025, 10, 15, 22, 10, 10];
		const m = baseManifest(rand, when, {model: MODELS[2]});
		add({
			when,
			label: 'hair_colors_progressive',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'score_9, 1girl, {HairColor} hair',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {HairColor: ['pink', 'green', 'silver', 'purple', 'orange', 'teal']},
				numImages: 6,
			},
			images: 6,
		});
	}
	// Migrated manifests: the planned count in top-level images_requested, no num_images.
	const migrated: Array<[When, string, string, number]> = [
		[[2025, 10, 10, 19, 25, 44], 'migrated_fantasy', 'Hassaku-fantasy', 20],
		[[2025, 10, 14, 17, 33, 20], 'migrated_portrait', 'portrait', 18],
		[[2025, 10, 17, 8, 5, 55], 'migrated_city', 'cyberpunk_city', 7],
	];
	for (const [when, label, themeLabel, written] of migrated) {
		const {numImages, ...m} = themedManifest(rand, when, theme(themeLabel), 'combinatorial');
		const requested = numImages!;
		add({
			when,
			label,
			state: written === requested ? 'complete' : 'partial',
			manifest: {...m, topLevelExtras: {images_requested: requested}},
			images: written,
		});
	}
	// max_images caps: a combinatorial product above the cap, and a random run with only max_images.
	{
		const when: When = [2025, 11, 2, 12, 12, 12];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('outfit_variations'), 'combinatorial');
		add({
			when,
			label: 'outfits_capped',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 16}},
			images: 16,
		});
	}
	{
		const when: When = [2025, 11, 6, 21, 0, 40];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('landscape_moods'), 'combinatorial');
		add({
			when,
			label: 'landscapes_capped',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 12}},
			images: 12,
		});
	}
	{
		const when: When = [2025, 10, 26, 15, 45, 0];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('forest_spirit'), 'random');
		add({
			when,
			label: 'forest_spirit_random_max',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 15}},
			images: 15,
		});
	}
	// A manifest with a UTF-8 BOM and a Python NaN, as Python's json writes and reads it.
	{
		const when: When = [2025, 10, 22, 18, 18, 18];
		const name = folderName(when, 'witch_workshop_bom');
		const m = themedManifest(rand, when, theme('witch_workshop'), 'combinatorial', {
			apiExtras: {denoising_strength: 0.5},
		});
		const count = m.numImages!;
		const text = JSON.stringify(buildManifest(name, m, count), null, 2).replace(
			'"denoising_strength": 0.5',
			'"denoising_strength": NaN',
		);
		add({
			when,
			label: 'witch_workshop_bom',
			state: 'complete',
			manifest: {raw: `\uFEFF${text}`},
			images: count,
			intervalMs: intervalFor(rand, m),
		});
	}
	// A long random run: the one big folder.
	{
		const when: When = [2025, 11, 7, 1, 0, 0];
		const m = themedManifest(rand, when, theme('facial_expressions'), 'random', {
			model: MODELS[0],
			sampler: 'DPM++ 2M',
		});
		add({when, label: 'expressions_random_200', state: 'complete', manifest: {...m, numImages: 200}, images: 200});
	}
	return drafts;
}

/** Everyday sessions spread over six weeks: mostly complete, some partial. */
function ordinaryDrafts(rand: Random, count: number): Draft[] {
	const drafts: Draft[] = [];
	const start: When = [2025, 10, 6, 0, 0, 0];
	for (let k = 0; k < count; k++) {
		const when = addDays(
			start,
			Math.floor((k * 41) / count),
			between(rand, 8, 23),
			between(rand, 0, 59),
			between(rand, 0, 59),
		);
		const t = THEMES[(k * 5) % THEMES.length]!;
		const manifest = themedManifest(rand, when, t, rand() < 0.75 ? 'combinatorial' : 'random');
		const expected = manifest.numImages!;
		const partial = k % 6 === 3;
		const images = partial ? Math.max(1, Math.floor(expected * (0.3 + rand() * 0.55))) : expected;
		drafts.push({
			when,
			label: t.label,
			state: partial ? 'partial' : 'complete',
			manifest,
			images,
			intervalMs: intervalFor(rand, manifest),
			startDelayMs: between(rand, 8000, 25000),
		});
	}
	return drafts;
}

/** Every demo session, in a fixed order. Deterministic: same DEMO_VERSION, same sessions. */
export function demoSessions(): DemoSession[] {
	const rand = prng(0x5d57a75 + DEMO_VERSION);
	const drafts = [...specialDrafts(rand), ...ordinaryDrafts(rand, 38)];
	const sessions = drafts.map((d) => toDemoSession(d));
	const seen = new Set<string>();
	for (const {spec} of sessions) {
		if (seen.has(spec.name)) throw new Error(`demo: duplicate session name ${spec.name}`);
		seen.add(spec.name);
	}
	return sessions;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing and refreshing

/** Writes the whole demo (sessions and clutter) into `root`, which may not exist yet. */
export function writeDemoRoot(root: string): void {
	fs.mkdirSync(root, {recursive: true});
	for (const {spec} of demoSessions()) {
		// Real (1×1) PNG files: images viewers can open, and that the anomaly checks find whole.
		const folder = writeSession(root, {...spec, realPng: true});
		// Side files get the session's times too, so the whole tree is reproducible.
		for (const name of Object.keys(spec.extraFiles ?? {}))
			setMtime(path.join(folder, name), spec.manifestMtimeMs ?? 0);
	}
	// Two damaged images for the anomaly checks (is:anomaly, details): one empty, one cut off before its end.
	const damaged = demoSessions().find((d) => d.spec.name.endsWith('-armor_study_ctrl_c'));
	if (damaged) {
		const folder = path.join(root, damaged.spec.name);
		const images = fs
			.readdirSync(folder)
			.filter((n) => n.endsWith('.png'))
			.sort();
		const keepTime = (file: string, write: () => void): void => {
			const {mtimeMs} = fs.statSync(file);
			write();
			setMtime(file, mtimeMs);
		};
		if (images[2])
			keepTime(path.join(folder, images[2]), () => fs.writeFileSync(path.join(folder, images[2]!), ''));
		if (images[3])
			keepTime(path.join(folder, images[3]), () =>
				fs.writeFileSync(path.join(folder, images[3]!), TINY_PNG.subarray(0, 40)),
			);
	}
	// Things a results root holds that are not sessions.
	writeSession(path.join(root, 'dryrun'), {
		name: '20251112_230000-dryrun_test',
		manifest: {numImages: 2, timestamp: '2025-11-12T23:00:00.000000'},
		images: 2,
		firstImageMs: localMs([2025, 11, 12, 23, 0, 10]),
	});
	const clutterMs = localMs([2025, 11, 16, 23, 59, 0]);
	const writeClutter = (file: string, content: string): void => {
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
		setMtime(file, clutterMs);
	};
	writeClutter(path.join(root, 'batch_log.txt'), 'queue drained at 2025-11-16 23:59\n');
	writeClutter(path.join(root, '.thumbnails', '20251110_101500', 'thumb_0000.webp'), '');
	writeClutter(path.join(root, '.thumbnails', 'index.json'), '{}\n');
}

function hasCurrentStamp(root: string): boolean {
	try {
		return fs.readFileSync(path.join(root, DEMO_STAMP_FILE), 'utf8').trim() === String(DEMO_VERSION);
	} catch {
		return false;
	}
}

/** The demo of this version, with every one of its session folders still there. */
function isCompleteDemo(root: string): boolean {
	return hasCurrentStamp(root) && demoSessions().every(({spec}) => fs.existsSync(path.join(root, spec.name)));
}

function setMtime(file: string, ms: number): void {
	fs.utimesSync(file, ms / 1000, ms / 1000);
}

/**
 * Moves the live sessions' times along with the clock: images keep their cadence and end `lastWriteAgoMs`
 * before `nowMs`, and the manifest is written with the last image. Folders the user removed are skipped.
 */
export function refreshLiveSessions(root: string, nowMs: number): void {
	for (const {spec, live} of demoSessions()) {
		if (!live) continue;
		const folder = path.join(root, spec.name);
		let names: string[];
		try {
			names = fs.readdirSync(folder).filter(isImageName).sort();
		} catch {
			continue;
		}
		const lastMs = nowMs - live.lastWriteAgoMs;
		names.forEach((name, i) =>
			setMtime(path.join(folder, name), lastMs - (names.length - 1 - i) * live.intervalMs),
		);
		const manifest = path.join(folder, MANIFEST_NAME);
		if (fs.existsSync(manifest)) setMtime(manifest, lastMs);
	}
}

/** Where the demo's results root is under `baseDir`. */
export const demoRootOf = (baseDir: string): string => path.join(baseDir, 'results');

/**
 * The demo results root under `baseDir`, generated when missing or from another DEMO_VERSION, its live sessions
 * refreshed for `nowMs`. Never touches the database, whose default place is returned as `dbPath`.
 */
export function prepareDemoRoot(baseDir: string, nowMs: number): {root: string; dbPath: string} {
	const root = demoRootOf(baseDir);
	const dbPath = path.join(baseDir, 'metadata', 'sessions.db');
	if (!isCompleteDemo(root)) {
		// Built beside the root and renamed into place: an interrupted generation never looks finished.
		const staging = path.join(baseDir, `results.partial-${process.pid}`);
		fs.rmSync(staging, {recursive: true, force: true});
		writeDemoRoot(staging);
		fs.writeFileSync(path.join(staging, DEMO_STAMP_FILE), `${DEMO_VERSION}\n`);
		fs.rmSync(root, {recursive: true, force: true});
		try {
			fs.renameSync(staging, root);
		} catch (error) {
			fs.rmSync(staging, {recursive: true, force: true});
			// Another sdstats --demo finished first: its demo is as good as ours.
			if (!hasCurrentStamp(root)) throw error;
		}
	}
	refreshLiveSessions(root, nowMs);
	return {root, dbPath};
}

/**
 * `sdstats --demo`: the demo root as `prepareDemoRoot` leaves it, and nothing of an earlier demo run: its
 * database folder (cache, triage, the web UI's user data, companions) and the files in `forget` (the remembered
 * view) are removed, so the explorer starts on an empty cache and computes it, as on a first run.
 */
export function startFreshDemo(
	baseDir: string,
	nowMs: number,
	forget: readonly string[] = [],
): {root: string; dbPath: string} {
	const prepared = prepareDemoRoot(baseDir, nowMs);
	fs.rmSync(path.dirname(prepared.dbPath), {recursive: true, force: true});
	for (const file of forget) fs.rmSync(file, {force: true});
	return prepared;
}
