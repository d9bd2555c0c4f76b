/**
 * From a draft (a folder's time, label, state, manifest and image count) to a demo session, and the manifests
 * the drafts are built from.
 */
import type {SessionState} from '../core/types.js';
import {buildManifest, type ManifestSpec, type SessionSpec} from './corpus.js';
import {between, pick, subset, type Random} from './random.js';
import {CFGS, MODELS, NEGATIVES, SAMPLERS, SCHEDULERS, SIZES, STEPS, type Theme} from './vocabulary.js';
import {STATUS_SINCE, before, folderName, isoTimestamp, localMs, type When} from './when.js';

export type DemoSession = {
	spec: SessionSpec;
	/** The state the session is built to have when computed with the default 10-minute stall window. */
	state: SessionState;
	/** Sessions whose times follow the clock: the newest write is put `lastWriteAgoMs` before "now" on every open. */
	live?: {lastWriteAgoMs: number; intervalMs: number};
};

export type ParamOptions = {
	model?: string;
	sampler?: string;
	samplerKey?: 'sampler' | 'sampler_name';
	apiExtras?: Record<string, unknown>;
};

/** Generation parameters shared by every demo manifest: model, api_params, timestamp. */
export function baseManifest(rand: Random, when: When, options: ParamOptions = {}): ManifestSpec {
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
export function trimmed(theme: Theme, cap: number): Record<string, string[]> {
	const lists = Object.entries(theme.placeholders).map(([name, values]) => [name, [...values]] as [string, string[]]);
	const product = (): number => lists.reduce((p, [, v]) => p * v.length, 1);
	while (product() > cap) {
		const longest = lists.reduce((a, b) => (b[1].length > a[1].length ? b : a));
		if (longest[1].length <= 2) break;
		longest[1].pop();
	}
	return Object.fromEntries(lists);
}

export function themedManifest(
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
export const intervalFor = (rand: Random, manifest: ManifestSpec): number => {
	const steps = Number(manifest.apiParams?.steps ?? 30);
	return 2500 + steps * 160 + between(rand, 0, 1500);
};

export type Draft = {
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

export function toDemoSession(draft: Draft, name = folderName(draft.when, draft.label)): DemoSession {
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

/** A manifest as the generator would have written it mid-run, cut off after `fraction` of its bytes. */
export function truncatedManifest(name: string, spec: ManifestSpec, recorded: number, fraction: number): string {
	const full = JSON.stringify(buildManifest(name, spec, recorded), null, 2);
	return full.slice(0, Math.floor(full.length * fraction));
}

/** A draft as the hand-made sessions write it: cadence and start delay may be left to the PRNG. */
export type DraftInput = Omit<Draft, 'intervalMs' | 'startDelayMs'> & {intervalMs?: number; startDelayMs?: number};

/** A list of drafts and the `add` that fills in a draft's cadence and start delay from `rand` when it names none. */
export function draftCollector(rand: Random): {drafts: Draft[]; add: (draft: DraftInput) => void} {
	const drafts: Draft[] = [];
	const add = (draft: DraftInput): void => {
		const manifest = draft.manifest && !('raw' in draft.manifest) ? draft.manifest : undefined;
		drafts.push({
			...draft,
			intervalMs: draft.intervalMs ?? (manifest ? intervalFor(rand, manifest) : between(rand, 6000, 9000)),
			startDelayMs: draft.startDelayMs ?? between(rand, 8000, 25000),
		});
	};
	return {drafts, add};
}
