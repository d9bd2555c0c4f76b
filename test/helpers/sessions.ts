/** Stored sessions for explorer tests, made by the real calculator from generator-like manifests. */
import path from 'node:path';
import {computeSession} from '../../source/core/calculator.js';
import {buildManifest, type ManifestSpec} from '../../source/demo/corpus.js';
import type {StoredSession} from '../../source/core/types.js';

export const TEST_ROOT = '/results';
export const TEST_NOW = Date.UTC(2025, 10, 20, 12, 0, 0);

export type RowSpec = ManifestSpec & {
	images?: number;
	/** No manifest at all. */
	noManifest?: boolean;
	/** Raw manifest text (e.g. truncated). */
	raw?: string;
	/** Minutes before TEST_NOW of the newest write. */
	idleMinutes?: number;
	/** The user's triage (a session_metadata row); none by default. */
	triage?: Partial<Pick<StoredSession, 'is_favorite' | 'is_test' | 'is_complete' | 'user_rating' | 'user_note'>> & {
		tags?: string[];
	};
};

export function storedSession(name: string, spec: RowSpec = {}, nowMs = TEST_NOW): StoredSession {
	const images = spec.images ?? spec.numImages ?? 0;
	const newest = nowMs - (spec.idleMinutes ?? 600) * 60_000;
	const imageFacts = Array.from({length: images}, (_, i) => ({
		name: `img_${i}.png`,
		mtimeNs: BigInt(newest - (images - 1 - i) * 5000) * 1_000_000n,
	}));
	const manifest = spec.noManifest
		? ({kind: 'missing'} as const)
		: ({
				kind: 'bytes',
				bytes: Buffer.from(spec.raw ?? JSON.stringify(buildManifest(name, spec, images))),
				mtimeNs: BigInt(newest) * 1_000_000n,
			} as const);
	const {stats, bookkeeping} = computeSession({
		sessionId: name,
		sessionPath: path.join(TEST_ROOT, name),
		manifest,
		images: imageFacts,
		nowMs,
	});
	return {
		...stats,
		manifest_state: bookkeeping.manifest_state,
		manifest_status: bookkeeping.manifest_status,
		images_recorded: bookkeeping.images_recorded,
		error: bookkeeping.error,
		fingerprint: 'fp',
		last_activity_ms: bookkeeping.last_activity_ms,
		has_metadata: spec.triage ? 1 : 0,
		is_favorite: spec.triage ? (spec.triage.is_favorite ?? 0) : null,
		is_test: spec.triage ? (spec.triage.is_test ?? 0) : null,
		is_complete: spec.triage ? (spec.triage.is_complete ?? 1) : null,
		user_rating: spec.triage?.user_rating ?? null,
		user_note: spec.triage?.user_note ?? null,
		tags: spec.triage ? JSON.stringify(spec.triage.tags ?? []) : null,
	};
}

/** A varied set: one session in each state, two models, a sweep, both name formats. */
export function sampleSessions(): StoredSession[] {
	return [
		storedSession('20251115_100000-complete_pony', {
			numImages: 4,
			images: 4,
			model: 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
			status: 'completed',
		}),
		storedSession('20251114_100000-partial_illu', {
			numImages: 10,
			images: 3,
			status: 'completed',
			prompt: 'a red fox in snow',
		}),
		storedSession('20251113_100000-over_run', {numImages: 2, images: 3, status: 'completed'}),
		storedSession('20251112_100000-empty_run', {numImages: 5, images: 0, status: 'completed'}),
		storedSession('20251120_115500-running_now', {numImages: 20, images: 5, status: 'ongoing', idleMinutes: 2}),
		storedSession('20251111_100000-stalled_run', {numImages: 20, images: 5, status: 'ongoing', idleMinutes: 300}),
		storedSession('20251110_100000-aborted_run', {numImages: 8, images: 1, status: 'aborted'}),
		storedSession('2025-10-14_163854_legacy.prompt', {noManifest: true, images: 3}),
		storedSession('20251109_100000-broken', {raw: '{"snapshot": {', images: 2}),
		storedSession('20251108_100000-sweep', {
			numImages: 6,
			images: 6,
			seedList: [1, 2, 3],
			variations: {Hair: ['a', 'b']},
			status: 'completed',
			apiParams: {width: 512, height: 768, steps: 20, cfg_scale: 6, sampler_name: 'Euler a'},
		}),
	];
}
