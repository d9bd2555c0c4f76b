/**
 * Shapes shared by every layer. `SessionStatsRow` is one row of the design's `session_stats` table, column for
 * column; `SessionBookkeeping` is what sdstats keeps beside it in its own table.
 */

import type {LegacyInput} from './legacy-session.js';

/** An SQLite INTEGER: a number while it is exact in a double, a bigint beyond 2^53. */
export type Int64 = number | bigint;

export const STATS_VERSION = 1;

export type SessionStatsRow = {
	session_id: string;
	session_path: string;
	sd_model: string | null;
	template_version: string | null;
	generation_mode: string | null;
	seed_mode: string | null;
	seed_base: Int64 | null;
	resolved_prompt: string | null;
	negative_prompt: string | null;
	width: number | null;
	height: number | null;
	steps: number | null;
	cfg_scale: number | null;
	sampler_name: string | null;
	images_expected: Int64 | null;
	images_actual: number;
	completion_percentage: number | null;
	is_seed_sweep: 0 | 1;
	placeholders_json: string | null;
	variations_summary_json: string | null;
	session_created_at: string | null;
	manifest_generated_at: string | null;
	first_image_created_at: string | null;
	last_image_created_at: string | null;
	stats_computed_at: string;
	stats_version: number;
};

/**
 * The columns of session_stats, in DDL order, each with what fills it: `manifest`, what a manifest.json says
 * (for a session without one, the older plans and the images' parameters, whose sources core/sources.ts
 * records); `sdstats`, what sdstats finds on disk or works out (the names, image counts and times, completion,
 * when and by which version it was computed). The one declaration of the column set: the compiler checks it
 * against SessionStatsRow both ways (no column missing, none extra).
 */
export const SESSION_STATS_COLUMN_SOURCES = {
	session_id: 'sdstats',
	session_path: 'sdstats',
	sd_model: 'manifest',
	template_version: 'manifest',
	generation_mode: 'manifest',
	seed_mode: 'manifest',
	seed_base: 'manifest',
	resolved_prompt: 'manifest',
	negative_prompt: 'manifest',
	width: 'manifest',
	height: 'manifest',
	steps: 'manifest',
	cfg_scale: 'manifest',
	sampler_name: 'manifest',
	images_expected: 'manifest',
	images_actual: 'sdstats',
	completion_percentage: 'sdstats',
	is_seed_sweep: 'manifest',
	placeholders_json: 'manifest',
	variations_summary_json: 'manifest',
	session_created_at: 'sdstats',
	manifest_generated_at: 'manifest',
	first_image_created_at: 'sdstats',
	last_image_created_at: 'sdstats',
	stats_computed_at: 'sdstats',
	stats_version: 'sdstats',
} as const satisfies Record<keyof SessionStatsRow, 'manifest' | 'sdstats'>;

export type SessionStatsColumn = keyof typeof SESSION_STATS_COLUMN_SOURCES;

/** The columns of session_stats, in DDL order: what a table must have to be ours. */
export const SESSION_STATS_COLUMNS = Object.keys(SESSION_STATS_COLUMN_SOURCES) as readonly SessionStatsColumn[];

/** The columns a manifest.json fills (the others are the filesystem's: counts, dates of images, computed at). */
export const MANIFEST_COLUMNS: readonly SessionStatsColumn[] = SESSION_STATS_COLUMNS.filter(
	(column) => SESSION_STATS_COLUMN_SOURCES[column] === 'manifest',
);

/** Whether the manifest could be read when the session was last computed. */
export type ManifestState = 'ok' | 'missing' | 'unreadable';

export type SessionBookkeeping = {
	session_id: string;
	manifest_state: ManifestState;
	/** The manifest's top-level `status` string as written (ongoing, in_progress, completed, aborted…), or null. */
	manifest_status: string | null;
	/** Entries in the manifest's top-level `images` list; null when it is not a list. */
	images_recorded: number | null;
	/** Why the manifest could not be used, e.g. `manifest.json: unexpected end of input at byte 57`. */
	error: string | null;
	/** Folder and manifest fingerprint at the time of the compute; null forces a new read next time. */
	fingerprint: string | null;
	/** Newest manifest or image modification time (epoch ms): drives running vs stalled. */
	last_activity_ms: number | null;
	/**
	 * Image files of 0 bytes at the time of the compute (the plain stat already gives the size, so this costs
	 * nothing). Absent or null when not known: image facts without sizes, a folder without images, rows written
	 * before schema version 2. Read it as 0.
	 */
	zero_byte_images?: number | null;
	/**
	 * For a session without a usable manifest.json: where each value of its row came from (a SourcesRecord as
	 * JSON, see sources.ts). Absent or null for manifest.json sessions, whose values are all the manifest's.
	 */
	sources_json?: string | null;
	/** The sources of that record, space-separated (`v1 png`), for the `source:` filter; null for manifest.json rows. */
	origins?: string | null;
};

/** What the filesystem says about one image file (already known to be an image by name). */
export type ImageFact = {
	name: string;
	/**
	 * Modification time in nanoseconds since the epoch. Exact for the oldest and newest image (the only ones
	 * rendered); the others may be rounded to the microsecond.
	 */
	mtimeNs: bigint;
	/** Size in bytes from the same stat; absent when the caller did not look (then it never counts as empty). */
	size?: number;
};

/** What the calculator is given about the manifest file. */
export type ManifestInput =
	| {kind: 'missing'}
	| {kind: 'bytes'; bytes: Uint8Array; mtimeNs: bigint}
	/** The file exists but could not be read (permission denied, a directory named manifest.json…). */
	| {kind: 'unreadable'; reason: string; mtimeNs: bigint | null};

export type SessionInput = {
	sessionId: string;
	sessionPath: string;
	manifest: ManifestInput;
	images: readonly ImageFact[];
	/**
	 * Older manifests and the images' parameters, read when there is no manifest.json (scan/ decides); the
	 * calculator fills the row from them field by field. Absent: the filesystem-only row, as before.
	 */
	legacy?: LegacyInput;
	/** Wall-clock time of the compute, epoch ms. */
	nowMs: number;
};

export type SessionComputation = {
	stats: SessionStatsRow;
	bookkeeping: SessionBookkeeping;
};

/** The derived state of a session, first match wins (see state.ts). */
export const SESSION_STATES = [
	'no_manifest',
	'unreadable',
	'running',
	'stalled',
	'aborted',
	'complete',
	'over',
	'empty',
	'partial',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** The user's triage of a session, from the web UI's session_metadata (all null when there is no row). */
export type TriageColumns = {
	has_metadata: 0 | 1;
	is_favorite: number | null;
	is_test: number | null;
	is_complete: number | null;
	user_rating: string | null;
	user_note: string | null;
	/** JSON array text as the web UI stores it. */
	tags: string | null;
};

/** A cached session as read back: every stats column plus the bookkeeping (absent when another tool wrote it). */
export type StoredSession = SessionStatsRow &
	TriageColumns &
	Omit<SessionBookkeeping, 'session_id' | 'manifest_state'> & {
		/** Null for a row another tool wrote, which has no bookkeeping. */
		manifest_state: ManifestState | null;
		/**
		 * The name of the results root the session belongs to, set by whoever loads rows of several roots (the
		 * database does not know the user's roots); absent otherwise.
		 */
		root_name?: string;
		/**
		 * The explorer's key for the row when its folder name is also cached in another root (roots with caches
		 * of their own may hold the same name): set by the loader of several roots on those rows only; the list
		 * keys every other row by its session_id (see view/session-view.ts rowKeyOf).
		 */
		row_key?: string;
	};

/**
 * A session as the explorer's list holds it: the columns the list shows, sorts and filters on, and nothing
 * else. 100,000 of these must fit comfortably in memory; details fetch the full row when shown. This union is
 * the one place the set is written: the store's reader (stats-repository.ts) is typed against it, so adding a
 * column here fails to compile until the store says how to read it.
 */
export type ListedSession = Pick<
	StoredSession,
	| 'session_id'
	| 'session_path'
	| 'sd_model'
	| 'generation_mode'
	| 'width'
	| 'height'
	| 'steps'
	| 'cfg_scale'
	| 'sampler_name'
	| 'images_expected'
	| 'images_actual'
	| 'completion_percentage'
	| 'is_seed_sweep'
	| 'session_created_at'
	| 'resolved_prompt'
	| 'manifest_state'
	| 'manifest_status'
	| 'error'
	| 'last_activity_ms'
	// Not stats_computed_at: only the details show it (from the whole row), and without it a recompute that
	// changes nothing lands rows equal to the listed ones, which the list keeps instead of replacing (list.ts).
	// For the anomaly filter (is:anomaly) and the duplicate-session check.
	| 'images_recorded'
	| 'seed_base'
	| 'first_image_created_at'
	| 'zero_byte_images'
	// For the roll-ups' images per hour and last use.
	| 'last_image_created_at'
	// For the `source:` filter (core/sources.ts) and `root:`.
	| 'origins'
	| 'root_name'
	| 'row_key'
	| keyof TriageColumns
>;
