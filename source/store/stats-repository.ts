/**
 * The only place that speaks SQL to session_stats and sdstats_session_state. Statements are prepared once.
 * A session's stats row and its bookkeeping are always written in the same transaction.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import type {Int64, ManifestState, SessionBookkeeping, SessionComputation, SessionStatsRow} from '../core/types.js';
import {SESSION_STATS_COLUMNS} from './schema.js';
import {StringInterner} from '../core/string-interner.js';
import {dataVersionOf} from './db.js';

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
	};

export type SavedComputation = {result: SessionComputation; fingerprint: string | null};

/**
 * A session as the explorer's list holds it: the columns the list shows, sorts and filters on, and nothing
 * else. 100,000 of these must fit comfortably in memory; details fetch the full row when shown.
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
	| 'stats_computed_at'
	// For the anomaly filter (is:anomaly) and the duplicate-session check.
	| 'images_recorded'
	| 'seed_base'
	| 'first_image_created_at'
	| 'zero_byte_images'
	// For the roll-ups' images per hour and last use.
	| 'last_image_created_at'
	| keyof TriageColumns
>;

/**
 * `zeroBytes` is `b.zero_byte_images`, or `NULL` on a database still at schema version 1 (opened read-only, so
 * never migrated). The rowid stays the last column: `listPage` reads it as LISTED_ROWID.
 */
const selectListed = (zeroBytes: string): string => `SELECT
	s.session_id, s.session_path, s.sd_model, s.generation_mode, s.width, s.height, s.steps, s.cfg_scale, s.sampler_name,
	CAST(s.images_expected AS TEXT), s.images_actual, s.completion_percentage, s.is_seed_sweep, s.session_created_at,
	s.resolved_prompt, b.manifest_state, b.manifest_status, b.error, b.last_activity_ms, s.stats_computed_at,
	m.session_id IS NOT NULL, m.is_favorite, m.is_test, m.is_complete, m.user_rating, m.user_note, m.tags,
	b.images_recorded, CAST(s.seed_base AS TEXT), s.first_image_created_at, ${zeroBytes}, s.last_image_created_at, s.rowid
FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
LEFT JOIN session_metadata m ON m.session_id = s.session_id`;

/** Position of the rowid in a listed tuple (the last column). */
const LISTED_ROWID = 32;
/** Position of session_path in a listed tuple. */
const LISTED_PATH = 1;

type ListedTuple = [
	string, string, string | null, string | null, number | null, number | null, number | null, number | null, string | null, string | null,
	number | null, number | null, number | null, string | null, string | null, ManifestState | null, string | null, string | null, number | null, string,
	number, number | null, number | null, number | null, string | null, string | null, string | null,
	number | null, string | null, string | null, number | null, string | null,
	number,
];

/**
 * Tuples (`raw()`) turned into objects by hand: cheaper than letting the driver name every column. Columns
 * that repeat across sessions (model, sampler, mode, states, compute time, prompt, tags) share one copy.
 */
function fromTuple(t: ListedTuple, shared: StringInterner): ListedSession {
	return {
		session_id: t[0],
		session_path: t[1],
		sd_model: shared.intern(t[2]),
		generation_mode: shared.intern(t[3]),
		width: t[4],
		height: t[5],
		steps: t[6],
		cfg_scale: t[7],
		sampler_name: shared.intern(t[8]),
		images_expected: parseInt64(t[9]),
		images_actual: t[10] ?? 0,
		completion_percentage: t[11],
		is_seed_sweep: t[12] ? 1 : 0,
		session_created_at: t[13],
		resolved_prompt: shared.intern(t[14]),
		manifest_state: shared.intern(t[15]),
		manifest_status: shared.intern(t[16]),
		error: t[17],
		last_activity_ms: t[18],
		stats_computed_at: shared.intern(t[19]),
		has_metadata: t[20] ? 1 : 0,
		is_favorite: t[21],
		is_test: t[22],
		is_complete: t[23],
		user_rating: shared.intern(t[24]),
		user_note: t[25],
		tags: shared.intern(t[26]),
		images_recorded: t[27],
		seed_base: parseInt64(t[28]),
		first_image_created_at: t[29],
		zero_byte_images: t[30],
		last_image_created_at: t[31],
	};
}

/** What a compute needs to decide whether a session changed. */
export type StoredMark = {fingerprint: string | null; stats_version: number | null};

/** The stored marks of a root as a compare needs them: by session, and every session's id. */
export type StoredMarks = {
	get(sessionId: string): StoredMark | undefined;
	has(sessionId: string): boolean;
	keys(): Iterable<string>;
};


const INSERT_COLUMNS = SESSION_STATS_COLUMNS.join(', ');
const INSERT_VALUES = SESSION_STATS_COLUMNS.map((c) => `@${c}`).join(', ');
const UPDATE_SET = SESSION_STATS_COLUMNS.filter((c) => c !== 'session_id')
	.map((c) => `${c} = excluded.${c}`)
	.join(', ');

// Wide integers come back as text so no digit is lost, without turning every integer into a BigInt.
const selectSession = (zeroBytes: string): string => `SELECT
	s.session_id, s.session_path, s.sd_model, s.template_version, s.generation_mode, s.seed_mode,
	CAST(s.seed_base AS TEXT) AS seed_base,
	s.resolved_prompt, s.negative_prompt, s.width, s.height, s.steps, s.cfg_scale, s.sampler_name,
	CAST(s.images_expected AS TEXT) AS images_expected,
	s.images_actual, s.completion_percentage, s.is_seed_sweep, s.placeholders_json, s.variations_summary_json,
	s.session_created_at, s.manifest_generated_at, s.first_image_created_at, s.last_image_created_at,
	s.stats_computed_at, s.stats_version,
	b.manifest_state, b.manifest_status, b.images_recorded, b.error, b.fingerprint, b.last_activity_ms,
	${zeroBytes} AS zero_byte_images,
	m.session_id IS NOT NULL AS has_metadata, m.is_favorite, m.is_test, m.is_complete, m.user_rating, m.user_note, m.tags
FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
LEFT JOIN session_metadata m ON m.session_id = s.session_id`;

type RawSession = Omit<StoredSession, 'seed_base' | 'images_expected' | 'is_seed_sweep' | 'has_metadata'> & {
	has_metadata: number;
	seed_base: string | null;
	images_expected: string | null;
	is_seed_sweep: number | null;
};

function parseInt64(text: string | null): Int64 | null {
	if (text === null) return null;
	if (!/^-?\d+$/.test(text)) {
		// A REAL or text someone else stored in an INTEGER column: keep what a number can say.
		const value = Number(text);
		return Number.isFinite(value) ? Math.trunc(value) : null;
	}
	return text.length <= 15 ? Number(text) : toInt64(BigInt(text));
}

function toInt64(big: bigint): Int64 {
	return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function fromRaw(raw: RawSession): StoredSession {
	return {
		...raw,
		seed_base: parseInt64(raw.seed_base),
		images_expected: parseInt64(raw.images_expected),
		is_seed_sweep: raw.is_seed_sweep ? 1 : 0,
		images_actual: raw.images_actual ?? 0,
		has_metadata: raw.has_metadata ? 1 : 0,
	};
}

/** FNV-1a over both strings' UTF-16 units, with a separator between them. */
function signatureHash(first: string, second: string): number {
	let hash = 0x811c9dc5;
	const text = `${first}\u0000${second}`;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	return hash >>> 0;
}

/** The start every session path of a root shares (the filesystem root itself already ends in a separator). */
function rootPrefix(root: string): string {
	const base = path.resolve(root);
	return base.endsWith(path.sep) ? base : `${base}${path.sep}`;
}

/** The index range holding every path under the root: from its prefix to just past it. */
function rootRange(root: string): [string, string] {
	const prefix = rootPrefix(root);
	return [prefix, `${prefix.slice(0, -1)}${String.fromCharCode(path.sep.charCodeAt(0) + 1)}`];
}

/**
 * Whether a path is a folder directly under the root. A string test, not `path.dirname(...) === root`: it runs
 * for each of 100,000 rows while the explorer loads, and path calls resolve the working folder every time.
 */
export function directlyUnder(prefix: string, sessionPath: string): boolean {
	return sessionPath.length > prefix.length && sessionPath.startsWith(prefix) && !sessionPath.includes(path.sep, prefix.length);
}

export class StatsRepository {
	private readonly upsertStats: Database.Statement;
	private readonly upsertState: Database.Statement;
	private readonly recordUnreadable: Database.Statement;
	private readonly deleteStats: Database.Statement;
	private readonly deleteState: Database.Statement;
	private readonly selectOne: Database.Statement<[string], RawSession>;
	private readonly selectAll: Database.Statement<[], RawSession>;
	private readonly selectMarks: Database.Statement<[string, string], [string, string, string | null, number | null]>;
	private readonly selectMarkOne: Database.Statement<[string], [string, string, string | null, number | null]>;
	private readonly selectIds: Database.Statement<[string, string], [string, string]>;
	private readonly hasStats: Database.Statement<[string], {one: number}>;
	private readonly countAll: Database.Statement<[], {n: number}>;
	private readonly selectVersions: Database.Statement<[string, string, number, number], [string, string, string | null, number]>;
	private readonly selectListedOne: Database.Statement<[string], ListedTuple>;
	private readonly selectNewest: Database.Statement<[string, string, number], ListedTuple>;
	private readonly selectPage: Database.Statement<[string, string, number, number], ListedTuple>;
	private readonly writeBatch: Database.Transaction<(items: readonly SavedComputation[]) => void>;
	private readonly deleteBatch: Database.Transaction<(ids: readonly string[]) => number>;
	private readonly shared = new StringInterner();
	private readonly claimCache: Database.Statement;

	constructor(private readonly db: Database.Database) {
		// A database at schema version 1 opened read-only (list, show) has no zero_byte_images column yet: it
		// reads as NULL, and is written only where the column exists (every writer has migrated).
		const hasZeroBytes = db
			.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('sdstats_session_state')")
			.all()
			.some((c) => c.name === 'zero_byte_images');
		const zeroBytes = hasZeroBytes ? 'b.zero_byte_images' : 'NULL';
		const zeroColumn = hasZeroBytes ? ', zero_byte_images' : '';
		const zeroValue = hasZeroBytes ? ', @zero_byte_images' : '';
		const zeroUpdate = hasZeroBytes ? ', zero_byte_images = excluded.zero_byte_images' : '';
		// When a failed read knows no sizes (the folder could not be listed), the last count stays.
		const zeroKeep = hasZeroBytes ? ', zero_byte_images = coalesce(excluded.zero_byte_images, zero_byte_images)' : '';
		const SELECT_LISTED = selectListed(zeroBytes);
		const SELECT_SESSION = selectSession(zeroBytes);
		this.upsertStats = db.prepare(
			`INSERT INTO session_stats (${INSERT_COLUMNS}) VALUES (${INSERT_VALUES}) ON CONFLICT(session_id) DO UPDATE SET ${UPDATE_SET}`,
		);
		this.upsertState = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, manifest_status, images_recorded, error, fingerprint, last_activity_ms${zeroColumn})
			 VALUES (@session_id, @manifest_state, @manifest_status, @images_recorded, @error, @fingerprint, @last_activity_ms${zeroValue})
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = excluded.manifest_state, manifest_status = excluded.manifest_status,
			   images_recorded = excluded.images_recorded, error = excluded.error, fingerprint = excluded.fingerprint,
			   last_activity_ms = excluded.last_activity_ms${zeroUpdate}`,
		);
		// An unreadable manifest keeps the previous good row and its status; only the reason and the retry flag
		// change (and the count of empty images, a fact about the files read now).
		this.recordUnreadable = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, error, fingerprint, last_activity_ms${zeroColumn})
			 VALUES (@session_id, 'unreadable', @error, NULL, @last_activity_ms${zeroValue})
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = 'unreadable', error = excluded.error, fingerprint = NULL,
			   last_activity_ms = excluded.last_activity_ms${zeroKeep}`,
		);
		this.deleteStats = db.prepare('DELETE FROM session_stats WHERE session_id = ?');
		this.deleteState = db.prepare('DELETE FROM sdstats_session_state WHERE session_id = ?');
		this.selectOne = db.prepare(`${SELECT_SESSION} WHERE s.session_id = ?`);
		this.selectAll = db.prepare(`${SELECT_SESSION} ORDER BY s.session_created_at DESC, s.session_id DESC`);
		this.selectMarks = db
			.prepare<[string, string], [string, string, string | null, number | null]>(
				`SELECT s.session_id, s.session_path, b.fingerprint, s.stats_version
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 WHERE s.session_path > ? AND s.session_path < ?`,
			)
			.raw(true);
		this.selectMarkOne = db
			.prepare<[string], [string, string, string | null, number | null]>(
				`SELECT s.session_id, s.session_path, b.fingerprint, s.stats_version
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 WHERE s.session_id = ?`,
			)
			.raw(true);
		this.selectIds = db.prepare<[string, string], [string, string]>('SELECT session_id, session_path FROM session_stats WHERE session_path > ? AND session_path < ?').raw(true);
		// A row computed from a readable manifest: template_version is never NULL in one (it defaults to "unknown").
		this.hasStats = db.prepare('SELECT 1 AS one FROM session_stats WHERE session_id = ? AND template_version IS NOT NULL');
		this.countAll = db.prepare('SELECT COUNT(*) AS n FROM session_stats');
		this.selectListedOne = db.prepare<[string], ListedTuple>(`${SELECT_LISTED} WHERE s.session_id = ?`).raw(true);
		this.selectVersions = db
			.prepare<[string, string, number, number], [string, string, string | null, number]>(
				`SELECT s.session_id, s.stats_computed_at,
				   ifnull(b.fingerprint, '') || ':' || ifnull(b.error, '') || ':' || ifnull(m.updated_at, ''), s.rowid
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 LEFT JOIN session_metadata m ON m.session_id = s.session_id
				 WHERE s.session_path > ? AND s.session_path < ? AND s.rowid > ? ORDER BY s.rowid LIMIT ?`,
			)
			.raw(true);
		// Rows of one root: session_path between "<root>/" and "<root>0" ('0' sorts right after '/').
		this.selectNewest = db
			.prepare<[string, string, number], ListedTuple>(
				`${SELECT_LISTED} WHERE s.session_path > ? AND s.session_path < ? ORDER BY s.session_created_at DESC, s.session_id DESC LIMIT ?`,
			)
			.raw(true);
		this.selectPage = db
			.prepare<[string, string, number, number], ListedTuple>(`${SELECT_LISTED} WHERE s.session_path > ? AND s.session_path < ? AND s.rowid > ? ORDER BY s.rowid LIMIT ?`)
			.raw(true);
		// Write transactions are deferred, and their first statement claims sdstats' own file only: BEGIN
		// IMMEDIATE would also take the write lock of the attached sessions.db, so a compute would block the web UI
		// (and wait on it).
		this.claimCache = db.prepare('DELETE FROM main.sdstats_session_state WHERE 0');
		this.writeBatch = db.transaction((items: readonly SavedComputation[]) => {
			this.claimCache.run();
			for (const {result, fingerprint} of items) this.writeOne(result, fingerprint);
		});
		this.deleteBatch = db.transaction((ids: readonly string[]) => {
			this.claimCache.run();
			let removed = 0;
			for (const id of ids) {
				removed += this.deleteStats.run(id).changes;
				this.deleteState.run(id);
			}
			return removed;
		});
	}

	/** Stores one computed session: stats and bookkeeping together. */
	save(result: SessionComputation, fingerprint: string | null): void {
		this.saveMany([{result, fingerprint}]);
	}

	/**
	 * Stores a batch in one transaction. An unreadable manifest never replaces an existing stats row: the row
	 * stays, the reason is recorded, and the fingerprint is cleared so the next compute reads it again.
	 */
	saveMany(items: readonly SavedComputation[]): void {
		this.writeBatch.deferred(items);
	}

	private writeOne({stats, bookkeeping}: SessionComputation, fingerprint: string | null): void {
		// Only an earlier *good* row (from a readable manifest) is kept; a filesystem-only row is refreshed.
		if (bookkeeping.manifest_state === 'unreadable' && this.hasStats.get(stats.session_id)) {
			this.recordUnreadable.run({
				session_id: bookkeeping.session_id,
				error: bookkeeping.error,
				last_activity_ms: bookkeeping.last_activity_ms,
				zero_byte_images: bookkeeping.zero_byte_images ?? null,
			});
			return;
		}
		this.upsertStats.run(stats);
		const stored: SessionBookkeeping = {
			...bookkeeping,
			// A session that could not be read is tried again next time whatever its fingerprint says.
			fingerprint: bookkeeping.manifest_state === 'unreadable' ? null : fingerprint,
			zero_byte_images: bookkeeping.zero_byte_images ?? null,
		};
		this.upsertState.run(stored);
	}

	/** Removes a session's stats and bookkeeping; never its session_metadata. Returns whether a row existed. */
	delete(sessionId: string): boolean {
		return this.deleteMany([sessionId]) > 0;
	}

	deleteMany(sessionIds: readonly string[]): number {
		return this.deleteBatch.deferred(sessionIds);
	}

	get(sessionId: string): StoredSession | undefined {
		const raw = this.selectOne.get(sessionId);
		return raw ? fromRaw(raw) : undefined;
	}

	/** Every cached session, newest `session_created_at` first. */
	listAll(): StoredSession[] {
		return this.selectAll.all().map(fromRaw);
	}

	/** The newest sessions of one root: the explorer's first screenful, before the rest loads. */
	listNewest(root: string, limit: number): ListedSession[] {
		const [low, high] = rootRange(root);
		const prefix = rootPrefix(root);
		return this.selectNewest
			.all(low, high, limit)
			.filter((tuple) => directlyUnder(prefix, tuple[LISTED_PATH]))
			.map((tuple) => fromTuple(tuple, this.shared));
	}

	/** One page of a root's sessions in storage order; pass the returned cursor back for the next page. */
	listPage(root: string, after: number, limit: number): {rows: ListedSession[]; next: number | null} {
		const [low, high] = rootRange(root);
		const raw = this.selectPage.all(low, high, after, limit);
		const prefix = rootPrefix(root);
		const rows: ListedSession[] = [];
		for (const tuple of raw) if (directlyUnder(prefix, tuple[LISTED_PATH])) rows.push(fromTuple(tuple, this.shared));
		return {rows, next: raw.length < limit ? null : raw[raw.length - 1]![LISTED_ROWID]};
	}

	/**
	 * A cheap signature of every row of a root (when computed, the bookkeeping, the triage's last change), to
	 * see what another process changed without reading whole rows. Kept as a 32-bit hash: 100,000 signature
	 * strings were 20 MB of the explorer's memory, and a collision only delays showing one foreign change.
	 * Paged like listPage, so a caller can yield between pages: all 100,000 at once held the explorer's
	 * thread for ≈0.3 s.
	 */
	versionsPage(root: string, after: number, limit: number): {entries: Array<[string, number]>; next: number | null} {
		const [low, high] = rootRange(root);
		const raw = this.selectVersions.all(low, high, after, limit);
		const entries = raw.map(([id, computedAt, state]): [string, number] => [id, signatureHash(computedAt, state ?? '')]);
		return {entries, next: raw.length < limit ? null : raw[raw.length - 1]![3]};
	}

	/**
	 * Changes whenever another connection commits to any file this one reads (SQLite's data_version of each,
	 * the web UI's sessions.db included): the cue to look for their writes.
	 */
	dataVersion(): string {
		return dataVersionOf(this.db);
	}

	/** The list's lean rows of the given sessions (those that exist). */
	getListed(sessionIds: readonly string[]): ListedSession[] {
		const rows: ListedSession[] = [];
		for (const id of sessionIds) {
			const tuple = this.selectListedOne.get(id);
			if (tuple) rows.push(fromTuple(tuple, this.shared));
		}
		return rows;
	}

	/** The given sessions; ids without a row are reported missing. */
	getMany(sessionIds: readonly string[]): {rows: StoredSession[]; missing: string[]} {
		const rows: StoredSession[] = [];
		const missing: string[] = [];
		for (const id of sessionIds) {
			const row = this.get(id);
			if (row) rows.push(row);
			else missing.push(id);
		}
		return {rows, missing};
	}

	/**
	 * The same marks, read one session at a time as they are asked for: for a worker comparing the disk with
	 * 100,000 sessions, which then holds their ids, not 100,000 marks.
	 */
	markLookup(root: string): StoredMarks {
		const [low, high] = rootRange(root);
		const prefix = rootPrefix(root);
		const get = (sessionId: string): StoredMark | undefined => {
			const row = this.selectMarkOne.get(sessionId);
			return row && directlyUnder(prefix, row[1]) ? {fingerprint: row[2], stats_version: row[3]} : undefined;
		};
		const selectIds = this.selectIds;
		return {
			get,
			has: (sessionId) => get(sessionId) !== undefined,
			*keys() {
				for (const [sessionId, sessionPath] of selectIds.iterate(low, high)) if (directlyUnder(prefix, sessionPath)) yield sessionId;
			},
		};
	}

	/** What the last compute saw of each session of the root: to tell, by fingerprint, what changed since. */
	marks(root: string): Map<string, StoredMark> {
		const [low, high] = rootRange(root);
		const prefix = rootPrefix(root);
		const marks = new Map<string, StoredMark>();
		for (const [sessionId, sessionPath, fingerprint, statsVersion] of this.selectMarks.iterate(low, high)) {
			if (directlyUnder(prefix, sessionPath)) marks.set(sessionId, {fingerprint, stats_version: statsVersion});
		}
		return marks;
	}

	count(): number {
		return this.countAll.get()!.n;
	}
}
