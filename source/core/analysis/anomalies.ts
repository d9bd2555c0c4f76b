/**
 * What deserves a look in a session: image files the manifest does not list and entries whose file is gone,
 * empty or cut-off images, a first image older than the folder's own timestamp, and sessions that repeat another
 * one (same resolved prompt, model and parameters).
 *
 * Pure functions over facts the caller gathered (names, sizes, the last bytes of PNG files, timestamps, rows).
 */
import {epochMsFromIso} from '../iso-time.js';
import type {Int64} from '../types.js';
import {baseName} from './base-name.js';

export type AnomalyCode =
	| 'unlisted_images'
	| 'missing_images'
	| 'zero_byte_images'
	| 'truncated_png'
	| 'image_before_folder'
	| 'duplicate_session';

/** One finding, with a message for people. `items` names what it is about (file names, session ids), when any. */
export type Anomaly = {code: AnomalyCode; message: string; items?: string[]};

/** How many names a message spells out before "and N more". */
const NAMES_IN_MESSAGE = 3;

function plural(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}

function nameList(names: readonly string[]): string {
	const shown = names.slice(0, NAMES_IN_MESSAGE).join(', ');
	return names.length > NAMES_IN_MESSAGE ? `${shown} and ${names.length - NAMES_IN_MESSAGE} more` : shown;
}

// ---- files against the manifest ----------------------------------------------------------------------------------

export type FileComparison = {
	/** Image files on disk that no manifest entry names, sorted. */
	notInManifest: string[];
	/** File names the manifest lists that are not on disk, in manifest order, each once. */
	missingFiles: string[];
	anomalies: Anomaly[];
};

export type FileComparisonOptions = {
	/**
	 * The session is still running: the generator writes each image before its manifest entry, so one image the
	 * manifest does not list yet is normal and not reported.
	 */
	running?: boolean;
};

/**
 * Image files on disk against the manifest's `images[].filename`. A manifest name written with a folder counts
 * by its last segment. Null names (entries without a filename) are ignored.
 */
export function compareFilesWithManifest(
	imageNamesOnDisk: Iterable<string>,
	manifestFilenames: Iterable<string | null>,
	options: FileComparisonOptions = {},
): FileComparison {
	const onDisk = new Set(imageNamesOnDisk);
	const listed = new Set<string>();
	const missingFiles: string[] = [];
	for (const filename of manifestFilenames) {
		if (filename === null) continue;
		const name = onDisk.has(filename) ? filename : baseName(filename);
		if (listed.has(name)) continue;
		listed.add(name);
		if (!onDisk.has(name)) missingFiles.push(filename);
	}
	const notInManifest = [...onDisk].filter((name) => !listed.has(name)).sort();
	const anomalies: Anomaly[] = [];
	if (notInManifest.length > (options.running ? 1 : 0)) {
		anomalies.push({
			code: 'unlisted_images',
			message: `${plural(notInManifest.length, 'image file')} ${notInManifest.length === 1 ? 'is' : 'are'} not listed in the manifest: ${nameList(notInManifest)}`,
			items: notInManifest,
		});
	}
	if (missingFiles.length > 0) {
		anomalies.push({
			code: 'missing_images',
			message: `${plural(missingFiles.length, 'manifest entry', 'manifest entries')} name${missingFiles.length === 1 ? 's' : ''} a file that is not on disk: ${nameList(missingFiles)}`,
			items: missingFiles,
		});
	}
	return {notInManifest, missingFiles, anomalies};
}

// ---- the image files themselves ----------------------------------------------------------------------------------

export type ImageFileFacts = {
	name: string;
	size: Int64;
	/** The file's last bytes (12 are enough), read by the caller for PNG files; absent: not checked. */
	tailBytes?: Uint8Array;
};

export type ImageFileCheck = {
	zeroByte: string[];
	/** PNG files whose last bytes are not the IEND chunk: cut off while being written, or damaged. */
	truncatedPng: string[];
	anomalies: Anomaly[];
};

/** The IEND chunk that ends every complete PNG: length 0, type `IEND`, its CRC. */
export const PNG_END = Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82);

const PNG_NAME = /\.png$/i;

/** Whether `tail` (the last bytes of a file) ends with the PNG end marker. */
export function endsWithPngEnd(tail: Uint8Array): boolean {
	if (tail.length < PNG_END.length) return false;
	const offset = tail.length - PNG_END.length;
	for (let i = 0; i < PNG_END.length; i++) if (tail[offset + i] !== PNG_END[i]) return false;
	return true;
}

/** Zero-byte images, and PNG files (checked when their last bytes are given) that lack the end marker. */
export function checkImageFiles(facts: Iterable<ImageFileFacts>): ImageFileCheck {
	const zeroByte: string[] = [];
	const truncatedPng: string[] = [];
	for (const fact of facts) {
		if (BigInt(fact.size) === 0n) {
			zeroByte.push(fact.name);
			continue;
		}
		if (fact.tailBytes !== undefined && PNG_NAME.test(fact.name) && !endsWithPngEnd(fact.tailBytes))
			truncatedPng.push(fact.name);
	}
	zeroByte.sort();
	truncatedPng.sort();
	const anomalies: Anomaly[] = [];
	if (zeroByte.length > 0) {
		anomalies.push({
			code: 'zero_byte_images',
			message: `${plural(zeroByte.length, 'image')} ${zeroByte.length === 1 ? 'is' : 'are'} empty (0 bytes): ${nameList(zeroByte)}`,
			items: zeroByte,
		});
	}
	if (truncatedPng.length > 0) {
		anomalies.push({
			code: 'truncated_png',
			message: `${plural(truncatedPng.length, 'PNG file')} ${truncatedPng.length === 1 ? 'lacks' : 'lack'} the end marker (cut off or damaged): ${nameList(truncatedPng)}`,
			items: truncatedPng,
		});
	}
	return {zeroByte, truncatedPng, anomalies};
}

// ---- timestamps --------------------------------------------------------------------------------------------------

/** The folder name is written at run start in local time, to the second: a minute of slack by default. */
export const FOLDER_TIME_TOLERANCE_MS = 60_000;

/** "2 h 05 min", "3 min 20 s", "45 s", "3 d 4 h". */
export function describeDuration(ms: number): string {
	const seconds = Math.round(Math.abs(ms) / 1000);
	const days = Math.floor(seconds / 86_400);
	const hours = Math.floor((seconds % 86_400) / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	const rest = seconds % 60;
	if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
	if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
	if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
	return `${rest} s`;
}

/**
 * The first image is older than the folder's own timestamp (both local ISO times, as the stats row holds them):
 * the images were copied in from elsewhere, the clock was wrong, or the folder was renamed. Null when fine or
 * when either time is absent or unreadable.
 */
export function firstImageBeforeFolder(
	folderCreatedIso: string | null,
	firstImageIso: string | null,
	toleranceMs = FOLDER_TIME_TOLERANCE_MS,
): Anomaly | null {
	if (!folderCreatedIso || !firstImageIso) return null;
	const folderMs = epochMsFromIso(folderCreatedIso);
	const imageMs = epochMsFromIso(firstImageIso);
	if (!Number.isFinite(folderMs) || !Number.isFinite(imageMs)) return null;
	const earlier = folderMs - imageMs;
	if (earlier <= toleranceMs) return null;
	return {
		code: 'image_before_folder',
		message: `the first image (${firstImageIso}) is ${describeDuration(earlier)} older than the folder's timestamp (${folderCreatedIso})`,
	};
}

// ---- duplicate sessions ------------------------------------------------------------------------------------------

/** The `session_stats` columns that make two sessions the same run. */
export type SessionIdentityRow = {
	session_id: string;
	resolved_prompt: string | null;
	sd_model: string | null;
	width: number | null;
	height: number | null;
	steps: number | null;
	cfg_scale: number | null;
	sampler_name: string | null;
	generation_mode: string | null;
	seed_base: Int64 | null;
};

export type DuplicateGroup = {
	/** Sessions sharing prompt, model and parameters, sorted by id (so by their timestamp prefix). */
	sessionIds: string[];
	resolved_prompt: string;
	sd_model: string | null;
};

const IDENTITY_COLUMNS = [
	'sd_model',
	'width',
	'height',
	'steps',
	'cfg_scale',
	'sampler_name',
	'generation_mode',
	'seed_base',
] as const;

function identityKey(row: SessionIdentityRow): string {
	const parts: unknown[] = [row.resolved_prompt];
	for (const column of IDENTITY_COLUMNS) {
		const value = row[column];
		// 7 and 7.0 are the same cfg; a bigint seed compares by its digits.
		parts.push(typeof value === 'bigint' ? `${value}n` : value);
	}
	return JSON.stringify(parts);
}

/**
 * Groups of two or more sessions with the same resolved prompt, model and parameters, ordered by their first
 * session id. Rows without a resolved prompt (no manifest, unreadable) are never grouped.
 */
export function duplicateSessions(rows: Iterable<SessionIdentityRow>): DuplicateGroup[] {
	const groups = new Map<string, DuplicateGroup>();
	for (const row of rows) {
		if (row.resolved_prompt === null || row.resolved_prompt === '') continue;
		const key = identityKey(row);
		const group = groups.get(key);
		if (group) group.sessionIds.push(row.session_id);
		else
			groups.set(key, {
				sessionIds: [row.session_id],
				resolved_prompt: row.resolved_prompt,
				sd_model: row.sd_model,
			});
	}
	const result = [...groups.values()].filter((g) => g.sessionIds.length > 1);
	for (const group of result) group.sessionIds.sort();
	return result.sort((a, b) => (a.sessionIds[0]! < b.sessionIds[0]! ? -1 : 1));
}

/** The anomaly a session gets for being in a duplicate group (null when it is in none). */
export function duplicateSessionAnomaly(sessionId: string, groups: readonly DuplicateGroup[]): Anomaly | null {
	const group = groups.find((g) => g.sessionIds.includes(sessionId));
	if (!group) return null;
	const others = group.sessionIds.filter((id) => id !== sessionId);
	return {
		code: 'duplicate_session',
		message: `same prompt, model and parameters as ${plural(others.length, 'other session')}: ${nameList(others)}`,
		items: others,
	};
}
