/**
 * The stats calculator: one pure function from a session's facts to its `session_stats` row and bookkeeping.
 * `compute`, the explorer and the tests all call this; no other module knows the rules.
 */
import {completionPercentage} from './rounding.js';
import {isoFromEpochMs, isoFromMtimeNs} from './iso-time.js';
import {readManifest, type ManifestDocument, type ManifestReadResult} from './manifest.js';
import {computeLegacy, type LegacyInput} from './legacy-session.js';
import {pythonDumps} from './python-dumps.js';
import type {JsonObject} from './python-json.js';
import {createdAtFromFolderName, createdAtFromTimestamp} from './session-name.js';
import {
	INT64_MAX,
	asCount,
	asInt64,
	asList,
	asObject,
	asReal,
	asSafeInteger,
	asString,
	compareInt64,
	getPath,
	usedVariations,
	type UsedVariation,
} from './values.js';
import {
	STATS_VERSION,
	type ImageFact,
	type Int64,
	type SessionBookkeeping,
	type SessionComputation,
	type SessionInput,
	type SessionStatsRow,
} from './types.js';

const SUMMARY_VALUES_PER_PLACEHOLDER = 10;

function placeholdersJson(placeholders: readonly UsedVariation[]): string {
	return pythonDumps(new Map(placeholders.map((p) => [p.name, p.used.length])));
}

function variationsSummaryJson(placeholders: readonly UsedVariation[]): string {
	return pythonDumps(new Map(placeholders.map((p) => [p.name, p.used.slice(0, SUMMARY_VALUES_PER_PLACEHOLDER)])));
}

/** The product of used counts, exact below 2^63 - 1 and saturated there. */
function combinationCount(placeholders: readonly UsedVariation[]): Int64 {
	let product = 1n;
	for (const {used} of placeholders) {
		if (used.length === 0) continue;
		product *= BigInt(used.length);
		if (product >= INT64_MAX) return INT64_MAX;
	}
	return product <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(product) : product;
}

/**
 * images_expected: the planned count the generator writes (`num_images`), else the migrated manifests'
 * `images_requested`, else the combinatorial product capped by `max_images`, else `max_images`, else 0.
 */
export function expectedImages(document: ManifestDocument, placeholders: readonly UsedVariation[]): Int64 {
	const params = document.snapshot.get('generation_params');
	const numImages = asCount(getPath(params, 'num_images'));
	if (numImages !== undefined) return numImages;
	const requested = asCount(document.imagesRequested);
	if (requested !== undefined) return requested;
	const maxImages = asCount(getPath(params, 'max_images'));
	if (asString(getPath(params, 'mode')) === 'combinatorial') {
		const product = combinationCount(placeholders);
		return maxImages !== undefined && maxImages > 0 && compareInt64(maxImages, product) < 0 ? maxImages : product;
	}
	return maxImages ?? 0;
}

function isSeedSweep(snapshot: JsonObject, seedMode: string, placeholders: readonly UsedVariation[]): boolean {
	const seedList = asList(getPath(snapshot, 'generation_params', 'seed_list'));
	if (seedList !== undefined && seedList.length > 0) return true;
	return seedMode === 'progressive' && placeholders.filter((p) => p.used.length > 1).length <= 1;
}

function imageTimes(images: readonly ImageFact[]): {first: bigint | null; last: bigint | null} {
	let first: bigint | null = null;
	let last: bigint | null = null;
	for (const {mtimeNs} of images) {
		if (first === null || mtimeNs < first) first = mtimeNs;
		if (last === null || mtimeNs > last) last = mtimeNs;
	}
	return {first, last};
}

const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n);

/** The row a session gets from the filesystem alone (no manifest, or one that could not be read). */
function filesystemRow(input: SessionInput): SessionStatsRow {
	const {first, last} = imageTimes(input.images);
	return {
		session_id: input.sessionId,
		session_path: input.sessionPath,
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
		images_actual: input.images.length,
		completion_percentage: null,
		is_seed_sweep: 0,
		placeholders_json: null,
		variations_summary_json: null,
		session_created_at: createdAtFromFolderName(input.sessionId),
		manifest_generated_at: null,
		first_image_created_at: first === null ? null : isoFromMtimeNs(first),
		last_image_created_at: last === null ? null : isoFromMtimeNs(last),
		stats_computed_at: isoFromEpochMs(input.nowMs),
		stats_version: STATS_VERSION,
	};
}

function manifestRow(input: SessionInput, document: ManifestDocument): SessionStatsRow {
	const {snapshot} = document;
	const params = snapshot.get('generation_params');
	const api = asObject(snapshot.get('api_params'));
	const placeholders = usedVariations(snapshot);
	const seedMode = asString(getPath(params, 'seed_mode')) ?? 'unknown';
	const imagesExpected = expectedImages(document, placeholders);
	const timestamp = asString(snapshot.get('timestamp')) ?? null;
	const row = filesystemRow(input);
	return {
		...row,
		sd_model: asString(getPath(snapshot, 'runtime_info', 'sd_model_checkpoint')) ?? 'unknown',
		template_version: asString(snapshot.get('version')) ?? 'unknown',
		generation_mode: asString(getPath(params, 'mode')) ?? 'unknown',
		seed_mode: seedMode,
		seed_base: asInt64(getPath(params, 'seed_base')) ?? asInt64(getPath(params, 'base_seed')) ?? -1,
		resolved_prompt: asString(getPath(snapshot, 'resolved_template', 'prompt')) ?? '',
		negative_prompt: asString(getPath(snapshot, 'resolved_template', 'negative')) ?? '',
		width: asSafeInteger(api?.get('width')) ?? null,
		height: asSafeInteger(api?.get('height')) ?? null,
		steps: asSafeInteger(api?.get('steps')) ?? null,
		cfg_scale: asReal(api?.get('cfg_scale')) ?? null,
		sampler_name: asString(api?.get('sampler_name')) ?? asString(api?.get('sampler')) ?? null,
		images_expected: imagesExpected,
		completion_percentage: completionPercentage(row.images_actual, imagesExpected),
		is_seed_sweep: isSeedSweep(snapshot, seedMode, placeholders) ? 1 : 0,
		placeholders_json: placeholdersJson(placeholders),
		variations_summary_json: variationsSummaryJson(placeholders),
		session_created_at: row.session_created_at ?? (timestamp === null ? null : createdAtFromTimestamp(timestamp)),
		manifest_generated_at: timestamp,
	};
}

/**
 * A session with no manifest.json, filled from its older manifest and its images' parameters. Its state stays
 * `no_manifest` (what is missing is the record of the run), but its row carries whatever could be read, and
 * the sources say where each value came from.
 */
function legacyComputation(
	input: SessionInput,
	legacy: LegacyInput,
	base: Omit<SessionBookkeeping, 'manifest_state' | 'manifest_status' | 'images_recorded' | 'error'>,
): SessionComputation {
	const {fields, sources} = computeLegacy(legacy);
	const row = {...filesystemRow(input), ...fields};
	if (row.images_expected !== null)
		row.completion_percentage = completionPercentage(row.images_actual, row.images_expected);
	if (row.session_created_at === null && row.manifest_generated_at !== null)
		row.session_created_at = createdAtFromTimestamp(row.manifest_generated_at);
	return {
		stats: row,
		bookkeeping: {
			...base,
			manifest_state: 'missing',
			manifest_status: null,
			images_recorded: null,
			error: null,
			sources_json: JSON.stringify(sources),
			origins: sources.origins.length > 0 ? sources.origins.join(' ') : 'files',
		},
	};
}

function lastActivityMs(input: SessionInput): number | null {
	let newest: bigint | null = imageTimes(input.images).last;
	const {manifest} = input;
	const manifestMtime = manifest.kind === 'missing' ? null : manifest.mtimeNs;
	if (manifestMtime !== null && (newest === null || manifestMtime > newest)) newest = manifestMtime;
	return newest === null ? null : nsToMs(newest);
}

/** Image files of 0 bytes; undefined when no fact carries a size (the caller did not look). */
function zeroByteImages(images: readonly ImageFact[]): number | undefined {
	let count = 0;
	let sized = false;
	for (const {size} of images) {
		if (size === undefined) continue;
		sized = true;
		if (size === 0) count++;
	}
	return sized ? count : undefined;
}

/**
 * Computes a session. An unreadable manifest yields the filesystem-only row with the reason in the bookkeeping;
 * the store decides whether an earlier good row is kept instead (it is, when there is one). `read` is the
 * manifest reader: the default one, or the exact (Python-compatible) one alone for the differential tests.
 */
export function computeSession(
	input: SessionInput,
	read: (bytes: Uint8Array) => ManifestReadResult = readManifest,
): SessionComputation {
	const zeroBytes = zeroByteImages(input.images);
	const base = {
		session_id: input.sessionId,
		last_activity_ms: lastActivityMs(input),
		fingerprint: null,
		// Only when the sizes are known, so callers that give no sizes get the bookkeeping they always got.
		...(zeroBytes === undefined ? {} : {zero_byte_images: zeroBytes}),
	};
	const {manifest} = input;
	if (manifest.kind === 'missing') {
		if (input.legacy) return legacyComputation(input, input.legacy, base);
		return {
			stats: filesystemRow(input),
			bookkeeping: {
				...base,
				manifest_state: 'missing',
				manifest_status: null,
				images_recorded: null,
				error: null,
			},
		};
	}
	const result = manifest.kind === 'bytes' ? read(manifest.bytes) : ({ok: false, reason: manifest.reason} as const);
	if (!result.ok) {
		return {
			stats: filesystemRow(input),
			bookkeeping: {
				...base,
				manifest_state: 'unreadable',
				manifest_status: null,
				images_recorded: null,
				error: result.reason,
			},
		};
	}
	return {
		stats: manifestRow(input, result.document),
		bookkeeping: {
			...base,
			manifest_state: 'ok',
			manifest_status: result.document.status,
			images_recorded: result.document.imagesRecorded,
			error: null,
		},
	};
}
