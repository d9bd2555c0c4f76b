/**
 * The only place that speaks SQL to session_stats and sdstats_session_state. Statements are prepared once.
 * A session's stats row and its bookkeeping are always written in the same transaction.
 *
 * Long on purpose: every SQL statement on session_stats and sdstats_session_state lives here and is prepared
 * together in one class, so the table's whole contract (columns, decoding, root ranges, signatures) is read in one place.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
	SESSION_STATS_COLUMNS,
	type Int64,
	type ListedSession,
	type ManifestState,
	type SessionBookkeeping,
	type SessionComputation,
	type StoredSession,
} from '../core/types.js';
import {StringInterner} from '../core/string-interner.js';
import {unreadableFingerprint} from '../core/unreadable-fingerprint.js';
import {dataVersionOf} from './db.js';
import {SESSION_METADATA_DDL} from './schema.js';
import {fnv1a32} from '../core/fnv1a.js';

export type SavedComputation = {result: SessionComputation; fingerprint: string | null};

/** A value as better-sqlite3 returns it from a raw row. */
type SqlValue = string | number | bigint | Buffer | null;

/** How one listed field is selected and turned back into its value. */
type ListedColumn<T> = {sql: string; decode: (value: SqlValue, shared: StringInterner) => T};

// Each helper names the SQL type the expression yields; the driver returns exactly that, so the casts only
// tell the compiler what SQLite already guarantees.
const asIs = <T extends SqlValue>(sql: string): ListedColumn<T> => ({sql, decode: (value) => value as T});
/** A column whose values repeat across sessions (model, sampler, states, prompt…): one shared copy each. */
const shared = <T extends string | null>(sql: string): ListedColumn<T> => ({
	sql,
	decode: (value, strings) => strings.intern(value as T),
});
const flag = (sql: string): ListedColumn<0 | 1> => ({sql, decode: (value) => (value ? 1 : 0)});
/** Wide integers are selected as text so no digit is lost (see parseInt64). */
const wideInteger = (column: string): ListedColumn<Int64 | null> => ({
	sql: `CAST(${column} AS TEXT)`,
	decode: (value) => parseInt64(value as string | null),
});

/**
 * How the explorer's list reads each field of ListedSession, by name. The compiler holds this to the type:
 * a field missing here, one too many, or a decoder of the wrong type fails to build. The SELECT list and the
 * decoder are both generated from it, in this order.
 */
// row_key is not read either: the loader of several roots sets it on the few rows that need it (no slot in the rest).
const LISTED: {[K in Exclude<keyof ListedSession, 'row_key'>]-?: ListedColumn<ListedSession[K]>} = {
	session_id: asIs('s.session_id'),
	session_path: asIs('s.session_path'),
	sd_model: shared('s.sd_model'),
	generation_mode: shared('s.generation_mode'),
	width: asIs('s.width'),
	height: asIs('s.height'),
	steps: asIs('s.steps'),
	cfg_scale: asIs('s.cfg_scale'),
	sampler_name: shared('s.sampler_name'),
	images_expected: wideInteger('s.images_expected'),
	images_actual: {sql: 's.images_actual', decode: (value) => (value as number | null) ?? 0},
	completion_percentage: asIs('s.completion_percentage'),
	is_seed_sweep: flag('s.is_seed_sweep'),
	session_created_at: asIs('s.session_created_at'),
	resolved_prompt: shared('s.resolved_prompt'),
	manifest_state: shared<ManifestState | null>('b.manifest_state'),
	manifest_status: shared('b.manifest_status'),
	error: asIs('b.error'),
	last_activity_ms: asIs('b.last_activity_ms'),
	has_metadata: flag('m.session_id IS NOT NULL'),
	is_favorite: asIs('m.is_favorite'),
	is_test: asIs('m.is_test'),
	is_complete: asIs('m.is_complete'),
	user_rating: shared('m.user_rating'),
	user_note: asIs('m.user_note'),
	tags: shared('m.tags'),
	images_recorded: asIs('b.images_recorded'),
	seed_base: wideInteger('s.seed_base'),
	first_image_created_at: asIs('s.first_image_created_at'),
	zero_byte_images: asIs<number | null>('b.zero_byte_images'),
	last_image_created_at: asIs('s.last_image_created_at'),
	origins: shared<string | null>('b.origins'),
	// Not stored: the loader of several roots names each row's root.
	root_name: {sql: 'NULL', decode: () => undefined},
};

const LISTED_NAMES = Object.keys(LISTED) as Array<Exclude<keyof ListedSession, 'row_key'>>;
const LISTED_DECODERS = LISTED_NAMES.map((name) => LISTED[name].decode);
/** session_path's position in a listed row: roots are checked before a row is decoded. */
const LISTED_PATH = LISTED_NAMES.indexOf('session_path');
/** The rowid is selected after the fields: the cursor of listPage. */
const LISTED_ROWID = LISTED_NAMES.length;
type ListedRow = SqlValue[];

/**
 * The listed fields. `hasZeroBytes` is false on a database still at schema version 1 (opened read-only, so
 * never migrated): zero_byte_images reads as NULL there; likewise `hasSources` and origins before version 3.
 */
const selectListed = (hasZeroBytes: boolean, hasSources: boolean): string => `SELECT
	${LISTED_NAMES.map((name) => ((name === 'zero_byte_images' && !hasZeroBytes) || (name === 'origins' && !hasSources) ? 'NULL' : LISTED[name].sql)).join(', ')}, s.rowid
FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
LEFT JOIN session_metadata m ON m.session_id = s.session_id`;

/**
 * Raw rows (`raw()`) decoded by name from LISTED: cheaper than letting the driver name every column. The object
 * is built by one literal naming every field, generated once from LISTED: assigned field by field in a loop, V8
 * turns an object of this many fields into a dictionary, ≈1.6 kB a row instead of ≈0.3 kB (measured: 130 MB of
 * the explorer's memory at 100,000 sessions). The generated text holds only LISTED's own names, quoted.
 */
const buildListed = new Function(
	'row',
	'strings',
	'decoders',
	`return {${LISTED_NAMES.map((name, i) => `${JSON.stringify(name)}: decoders[${i}](row[${i}], strings)`).join(', ')}};`,
) as (row: ListedRow, strings: StringInterner, decoders: typeof LISTED_DECODERS) => ListedSession;

function fromListedRow(row: ListedRow, strings: StringInterner): ListedSession {
	const listed = buildListed(row, strings, LISTED_DECODERS);
	listed.session_path = underSharedFolder(listed.session_path, listed.session_id, strings);
	return listed;
}

/** Whether a raw listed row holds exactly the values of a listed session (root_name is not stored: not compared). */
function sameAsListed(row: ListedRow, listed: ListedSession, strings: StringInterner): boolean {
	for (let i = 0; i < LISTED_NAMES.length; i++) {
		const name = LISTED_NAMES[i]!;
		if (name === 'root_name') continue;
		const stored: unknown = LISTED_DECODERS[i]!(row[i] as SqlValue, strings);
		const current: unknown = listed[name];
		// NaN is never stored, but a value equal to itself must compare so.
		if (stored !== current && !(stored !== stored && current !== current)) return false;
	}
	return true;
}

/**
 * The same path, as its folder (one shared copy per root) joined to the session's id: V8 keeps such a join as
 * two references (32 bytes) instead of a copy of every character, ≈60 bytes less for each of 100,000 rows.
 * Only when the path is exactly that join; any other path is kept as read.
 */
function underSharedFolder(sessionPath: string, sessionId: string, strings: StringInterner): string {
	const folderLength = sessionPath.length - sessionId.length;
	if (folderLength < 2 || !sessionPath.endsWith(sessionId) || sessionPath[folderLength - 1] !== path.sep)
		return sessionPath;
	return strings.intern(sessionPath.slice(0, folderLength)) + sessionId;
}

/** What a compute needs to decide whether a session changed. */
export type StoredMark = {fingerprint: string | null; stats_version: number | null};

/** The stored marks of a root as a compare needs them: by session, and every session's id. */
export type StoredMarks = {
	get(sessionId: string): StoredMark | undefined;
	has(sessionId: string): boolean;
	keys(): Iterable<string>;
	/**
	 * The stored marks walked in code-unit order of their ids (what `Array.prototype.sort()` gives a listing), or
	 * null when they cannot be (see MarkCursor). Lets a compare of a sorted listing skip the lookup by id.
	 */
	inOrder?(): MarkCursor | null;
};

/**
 * A walk over a root's stored (id, fingerprint) pairs in storage order: the index on session_path, which for
 * rows directly under the root (path = prefix + id) is the byte order of their ids, the code-unit order of a
 * sorted listing as long as no id holds a character beyond U+FFFF. Any pair out of that order, or any row
 * another program wrote whose path is not prefix + id, simply fails `next`, and the caller looks up by id from
 * there on: the walk only ever says "exactly this pair", never guesses.
 *
 * It holds the stored text of fingerprints() (`id SEP fingerprint SEP id SEP …`) and a position in it; made
 * only when no id or fingerprint holds the separator (the text then has exactly 2 × count − 1 of them: see
 * fieldsAreRows), so every field the walk compares is exactly one row's id or fingerprint.
 */
export class MarkCursor {
	private position = 0;
	private matched = 0;

	constructor(
		private readonly text: string,
		private readonly count: number,
		private readonly separator: string,
	) {}

	/**
	 * Whether the next stored pair is exactly this id with exactly this fingerprint (stored for the current stats
	 * version: another version's reads as none); if so, the walk moves past it. Neither may hold the separator
	 * (a listed folder name and a fingerprint never do).
	 */
	next(sessionId: string, fingerprint: string): boolean {
		const {text, separator} = this;
		if (sessionId === '' || fingerprint === '') return false;
		if (sessionId.includes(separator) || fingerprint.includes(separator)) return false;
		const idEnd = this.position + sessionId.length;
		if (!text.startsWith(sessionId, this.position) || !text.startsWith(separator, idEnd)) return false;
		const end = idEnd + separator.length + fingerprint.length;
		if (!text.startsWith(fingerprint, idEnd + separator.length)) return false;
		if (end !== text.length && !text.startsWith(separator, end)) return false;
		this.position = end + separator.length;
		this.matched++;
		return true;
	}

	/** Whether every stored pair was matched by `next`. */
	done(): boolean {
		return this.matched === this.count;
	}
}

const INSERT_COLUMNS = SESSION_STATS_COLUMNS.join(', ');
const INSERT_VALUES = SESSION_STATS_COLUMNS.map((c) => `@${c}`).join(', ');
const UPDATE_SET = SESSION_STATS_COLUMNS.filter((c) => c !== 'session_id')
	.map((c) => `${c} = excluded.${c}`)
	.join(', ');

/** session_stats columns holding integers that may not fit a double: read as text so no digit is lost. */
const WIDE_INTEGER_COLUMNS: ReadonlySet<string> = new Set(['seed_base', 'images_expected']);

const selectSession = (zeroBytes: string, sources: string): string => `SELECT
	${SESSION_STATS_COLUMNS.map((c) => (WIDE_INTEGER_COLUMNS.has(c) ? `CAST(s.${c} AS TEXT) AS ${c}` : `s.${c}`)).join(', ')},
	b.manifest_state, b.manifest_status, b.images_recorded, b.error, b.fingerprint, b.last_activity_ms,
	${zeroBytes} AS zero_byte_images, ${sources},
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
	return fnv1a32(`${first}\u0000${second}`);
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
	return (
		sessionPath.length > prefix.length &&
		sessionPath.startsWith(prefix) &&
		!sessionPath.includes(path.sep, prefix.length)
	);
}

/**
 * Whether the text fingerprints() reads (`id SEP fingerprint SEP id SEP fingerprint…`, an empty fingerprint for
 * none) splits into exactly `count` rows' ids and fingerprints: it does when it holds exactly 2 × count − 1
 * separators, i.e. when no id or fingerprint holds one (a path separator, which a session id never holds; a row
 * another program wrote might). Counted, not split: the split is made only if a lookup needs it.
 */
function fieldsAreRows(text: string, count: number, separator: string): boolean {
	if (count <= 0) return false;
	let separators = 0;
	for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + separator.length)) separators++;
	return separators === 2 * count - 1;
}

/**
 * That text split into fingerprints by id (one value out of SQLite instead of a row array and two strings per
 * session: a nothing-changed compute of 10,000 sessions read them in 38 → 28 ms, and left less for the garbage
 * collector), or null when two rows share an id (not possible with session_id the key): then row by row. An
 * empty fingerprint reads as none: sdstats never stores one, and neither matches a folder's (fingerprintMatches).
 */
function splitMarks(text: string, count: number, separator: string): Map<string, string | null> | null {
	const parts = text.split(separator);
	const byId = new Map<string, string | null>();
	for (let i = 0; i < parts.length; i += 2) byId.set(parts[i]!, parts[i + 1] || null);
	return byId.size === count ? byId : null;
}

/**
 * An empty stand-in for session_metadata, of its shape: what the reads of a StatsRepository made by
 * withoutTriage() join, so they never touch the file another program has locked.
 */
const TRIAGE_STAND_IN = 'sdstats_triage_unavailable';

export type StatsRepositoryOptions = {
	/** The table the reads join for triage (default session_metadata, wherever it is attached). */
	triageTable?: string;
};

export class StatsRepository {
	private readonly upsertStats: Database.Statement;
	private readonly upsertState: Database.Statement;
	private readonly recordUnreadable: Database.Statement;
	private readonly deleteStats: Database.Statement;
	private readonly deleteState: Database.Statement;
	private readonly selectOne: Database.Statement<[string], RawSession>;
	private readonly selectAll: Database.Statement<[], RawSession>;
	private readonly selectMarks: Database.Statement<
		[string, string, string, string],
		[string, string | null, number | null]
	>;
	private readonly selectFingerprints: Database.Statement<
		[number, string, string, string, string],
		[string, string | null]
	>;
	private readonly selectFingerprintText: Database.Statement<
		[string, number, string, string, string, string, string],
		[number, string | null]
	>;
	private readonly selectMarkOne: Database.Statement<[string], [string, string, string | null, number | null]>;
	private readonly selectIds: Database.Statement<[string, string], [string, string]>;
	private readonly hasStats: Database.Statement<[string], {one: number}>;
	private readonly countAll: Database.Statement<[], {n: number}>;
	private readonly selectVersions: Database.Statement<
		[string, string, number, number],
		[string, string, string | null, number]
	>;
	private readonly selectVersionOne: Database.Statement<[string], [string, string, string | null]>;
	private readonly selectListedOne: Database.Statement<[string], ListedRow>;
	private readonly selectNewest: Database.Statement<[string, string, number], ListedRow>;
	private readonly selectPage: Database.Statement<[string, string, number, number], ListedRow>;
	private readonly writeBatch: Database.Transaction<(items: readonly SavedComputation[]) => void>;
	private readonly deleteBatch: Database.Transaction<(ids: readonly string[]) => number>;
	private readonly shared = new StringInterner();
	private readonly claimCache: Database.Statement;
	private withoutTriageTwin: StatsRepository | null = null;

	constructor(
		private readonly db: Database.Database,
		options: StatsRepositoryOptions = {},
	) {
		const triageTable = options.triageTable ?? 'session_metadata';
		const joinTriage = (sql: string): string =>
			sql.replaceAll('LEFT JOIN session_metadata m ', `LEFT JOIN ${triageTable} m `);
		// A database at schema version 1 opened read-only (list, show) has no zero_byte_images column yet: it
		// reads as NULL, and is written only where the column exists (every writer has migrated).
		const hasZeroBytes = db
			.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('sdstats_session_state', 'main')")
			.all()
			.some((c) => c.name === 'zero_byte_images');
		const zeroBytes = hasZeroBytes ? 'b.zero_byte_images' : 'NULL';
		const zeroColumn = hasZeroBytes ? ', zero_byte_images' : '';
		const zeroValue = hasZeroBytes ? ', @zero_byte_images' : '';
		const zeroUpdate = hasZeroBytes ? ', zero_byte_images = excluded.zero_byte_images' : '';
		// When a failed read knows no sizes (the folder could not be listed), the last count stays.
		const zeroKeep = hasZeroBytes
			? ', zero_byte_images = coalesce(excluded.zero_byte_images, zero_byte_images)'
			: '';
		// Likewise the sources of rows without manifest.json (schema version 3).
		const hasSources = db
			.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('sdstats_session_state', 'main')")
			.all()
			.some((c) => c.name === 'sources_json');
		const sourcesColumns = hasSources ? ', origins, sources_json' : '';
		const sourcesValues = hasSources ? ', @origins, @sources_json' : '';
		const sourcesUpdate = hasSources ? ', origins = excluded.origins, sources_json = excluded.sources_json' : '';
		// Without statistics SQLite prefers the primary key's index, then reads each row for its fingerprint; the
		// covering index answers alone. Named only where it exists (a read-only database may predate version 4).
		const fingerprintIndex = db
			.prepare(
				"SELECT 1 FROM main.sqlite_master WHERE type = 'index' AND name = 'sdstats_session_state_fingerprint'",
			)
			.get()
			? 'INDEXED BY sdstats_session_state_fingerprint'
			: '';
		const SELECT_LISTED = joinTriage(selectListed(hasZeroBytes, hasSources));
		const SELECT_SESSION = joinTriage(
			selectSession(
				zeroBytes,
				hasSources ? 'b.origins, b.sources_json' : 'NULL AS origins, NULL AS sources_json',
			),
		);
		this.upsertStats = db.prepare(
			`INSERT INTO session_stats (${INSERT_COLUMNS}) VALUES (${INSERT_VALUES}) ON CONFLICT(session_id) DO UPDATE SET ${UPDATE_SET}`,
		);
		this.upsertState = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, manifest_status, images_recorded, error, fingerprint, last_activity_ms${zeroColumn}${sourcesColumns})
			 VALUES (@session_id, @manifest_state, @manifest_status, @images_recorded, @error, @fingerprint, @last_activity_ms${zeroValue}${sourcesValues})
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = excluded.manifest_state, manifest_status = excluded.manifest_status,
			   images_recorded = excluded.images_recorded, error = excluded.error, fingerprint = excluded.fingerprint,
			   last_activity_ms = excluded.last_activity_ms${zeroUpdate}${sourcesUpdate}`,
		);
		// An unreadable manifest keeps the previous good row and its status; only the reason and the retry flag
		// change (and the count of empty images, a fact about the files read now).
		this.recordUnreadable = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, error, fingerprint, last_activity_ms${zeroColumn})
			 VALUES (@session_id, 'unreadable', @error, @fingerprint, @last_activity_ms${zeroValue})
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = 'unreadable', error = excluded.error, fingerprint = excluded.fingerprint,
			   last_activity_ms = excluded.last_activity_ms${zeroKeep}`,
		);
		this.deleteStats = db.prepare('DELETE FROM session_stats WHERE session_id = ?');
		this.deleteState = db.prepare('DELETE FROM sdstats_session_state WHERE session_id = ?');
		this.selectOne = db.prepare(`${SELECT_SESSION} WHERE s.session_id = ?`);
		this.selectAll = db.prepare(`${SELECT_SESSION} ORDER BY s.session_created_at DESC, s.session_id DESC`);
		// "Directly under the root" is tested in SQL (no separator after the prefix), so paths never reach JS: the
		// nothing-changed compute reads only ids and fingerprints (about 5× faster than the rows with their paths),
		// from the two covering indexes of schema version 4 alone (MARKS_INDEXES).
		this.selectMarks = db
			.prepare<[string, string, string, string], [string, string | null, number | null]>(
				`SELECT s.session_id, b.fingerprint, s.stats_version
				 FROM session_stats s LEFT JOIN sdstats_session_state b ${fingerprintIndex} ON b.session_id = s.session_id
				 WHERE s.session_path > ? AND s.session_path < ? AND instr(substr(s.session_path, length(?) + 1), ?) = 0`,
			)
			.raw(true);
		this.selectFingerprints = db
			.prepare<[number, string, string, string, string], [string, string | null]>(
				`SELECT s.session_id, CASE WHEN s.stats_version = ? THEN b.fingerprint END
				 FROM session_stats s LEFT JOIN sdstats_session_state b ${fingerprintIndex} ON b.session_id = s.session_id
				 WHERE s.session_path > ? AND s.session_path < ? AND instr(substr(s.session_path, length(?) + 1), ?) = 0`,
			)
			.raw(true);
		// The same rows as one text, `id SEP fingerprint SEP id SEP fingerprint…` (an empty fingerprint for none),
		// with their count: see fingerprints(). The count is of the ids group_concat joins: a row whose id is NULL
		// (another program's, or a damaged file's) is left out of the text, and counted by count(*) it could make a
		// misaligned text pass fieldsAreRows (regression: an id holding separators beside a NULL id read as two).
		this.selectFingerprintText = db
			.prepare<[string, number, string, string, string, string, string], [number, string | null]>(
				`SELECT count(s.session_id), group_concat(s.session_id || ? || ifnull(CASE WHEN s.stats_version = ? THEN b.fingerprint END, ''), ?)
				 FROM session_stats s LEFT JOIN sdstats_session_state b ${fingerprintIndex} ON b.session_id = s.session_id
				 WHERE s.session_path > ? AND s.session_path < ? AND instr(substr(s.session_path, length(?) + 1), ?) = 0`,
			)
			.raw(true);
		this.selectMarkOne = db
			.prepare<[string], [string, string, string | null, number | null]>(
				`SELECT s.session_id, s.session_path, b.fingerprint, s.stats_version
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 WHERE s.session_id = ?`,
			)
			.raw(true);
		this.selectIds = db
			.prepare<[string, string], [string, string]>(
				'SELECT session_id, session_path FROM session_stats WHERE session_path > ? AND session_path < ?',
			)
			.raw(true);
		// A row computed from a readable manifest: template_version is never NULL in one (it defaults to "unknown").
		this.hasStats = db.prepare(
			'SELECT 1 AS one FROM session_stats WHERE session_id = ? AND template_version IS NOT NULL',
		);
		this.countAll = db.prepare('SELECT COUNT(*) AS n FROM session_stats');
		this.selectListedOne = db.prepare<[string], ListedRow>(`${SELECT_LISTED} WHERE s.session_id = ?`).raw(true);
		this.selectVersions = db
			.prepare<[string, string, number, number], [string, string, string | null, number]>(
				joinTriage(`SELECT s.session_id, s.stats_computed_at,
				   ifnull(b.fingerprint, '') || ':' || ifnull(b.error, '') || ':' || ifnull(m.updated_at, ''), s.rowid
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 LEFT JOIN session_metadata m ON m.session_id = s.session_id
				 WHERE +s.session_path > ? AND +s.session_path < ? AND s.rowid > ? ORDER BY s.rowid LIMIT ?`),
			)
			.raw(true);
		this.selectVersionOne = db
			.prepare<[string], [string, string, string | null]>(
				joinTriage(`SELECT s.session_id, s.stats_computed_at,
				   ifnull(b.fingerprint, '') || ':' || ifnull(b.error, '') || ':' || ifnull(m.updated_at, '')
				 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id
				 LEFT JOIN session_metadata m ON m.session_id = s.session_id
				 WHERE s.session_id = ?`),
			)
			.raw(true);
		// Rows of one root: session_path between "<root>/" and "<root>0" ('0' sorts right after '/'). Pages walk
		// the table in rowid order (and the newest come by the created_at index): the unary + keeps the planner off
		// the marks' path index there, which would sort the whole root again for every page.
		this.selectNewest = db
			.prepare<[string, string, number], ListedRow>(
				`${SELECT_LISTED} WHERE +s.session_path > ? AND +s.session_path < ? ORDER BY s.session_created_at DESC, s.session_id DESC LIMIT ?`,
			)
			.raw(true);
		this.selectPage = db
			.prepare<[string, string, number, number], ListedRow>(
				`${SELECT_LISTED} WHERE +s.session_path > ? AND +s.session_path < ? AND s.rowid > ? ORDER BY s.rowid LIMIT ?`,
			)
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

	/**
	 * Runs reads with no busy wait: a file another program holds locked (the web UI's sessions.db under an
	 * EXCLUSIVE lock) makes them throw SQLITE_BUSY at once instead of holding this thread for the busy timeout.
	 * For the explorer's screen, which then shows the triage it last read (ui/data/triage-reads.ts).
	 */
	withoutWaiting<T>(read: () => T): T {
		const before = Number(this.db.pragma('busy_timeout', {simple: true}));
		this.db.pragma('busy_timeout = 0');
		try {
			return read();
		} finally {
			this.db.pragma(`busy_timeout = ${before}`);
		}
	}

	/**
	 * The same reads on the same connection, joining an empty stand-in for session_metadata (a temporary table of
	 * its shape): the stats of sdstats' own file, never waiting on the file that holds the triage. Every row
	 * reads as one without a metadata row; the caller puts back the triage it last knew.
	 */
	withoutTriage(): StatsRepository {
		if (this.withoutTriageTwin) return this.withoutTriageTwin;
		this.db.exec(
			SESSION_METADATA_DDL.replace(
				'CREATE TABLE IF NOT EXISTS session_metadata',
				`CREATE TEMP TABLE IF NOT EXISTS ${TRIAGE_STAND_IN}`,
			),
		);
		this.withoutTriageTwin = new StatsRepository(this.db, {triageTable: `temp.${TRIAGE_STAND_IN}`});
		return this.withoutTriageTwin;
	}

	/** Stores one computed session: stats and bookkeeping together. */
	save(result: SessionComputation, fingerprint: string | null): void {
		this.saveMany([{result, fingerprint}]);
	}

	/**
	 * Stores a batch in one transaction. An unreadable manifest never replaces an existing stats row: the row
	 * stays, the reason is recorded, and the fingerprint is marked unreadable so the next compute reads it again.
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
				fingerprint: unreadableFingerprint(fingerprint),
				last_activity_ms: bookkeeping.last_activity_ms,
				zero_byte_images: bookkeeping.zero_byte_images ?? null,
			});
			return;
		}
		this.upsertStats.run(stats);
		// Every field named, not `{...bookkeeping, …}`: V8 made that spread of a row received from a compute worker
		// straight in the old generation, so each stored session left about 1 kB there that only a full collection
		// frees; a 100,000-session compute's heap swelled by tens of MB between them (issue 16).
		const stored: SessionBookkeeping = {
			session_id: bookkeeping.session_id,
			manifest_state: bookkeeping.manifest_state,
			manifest_status: bookkeeping.manifest_status,
			images_recorded: bookkeeping.images_recorded,
			error: bookkeeping.error,
			// A session that could not be read is tried again next time whatever its fingerprint says.
			fingerprint: bookkeeping.manifest_state === 'unreadable' ? unreadableFingerprint(fingerprint) : fingerprint,
			last_activity_ms: bookkeeping.last_activity_ms,
			zero_byte_images: bookkeeping.zero_byte_images ?? null,
			sources_json: bookkeeping.sources_json ?? null,
			origins: bookkeeping.origins ?? null,
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
			.filter((row) => directlyUnder(prefix, row[LISTED_PATH] as string))
			.map((row) => fromListedRow(row, this.shared));
	}

	/** One page of a root's sessions in storage order; pass the returned cursor back for the next page. */
	listPage(root: string, after: number, limit: number): {rows: ListedSession[]; next: number | null} {
		const [low, high] = rootRange(root);
		const raw = this.selectPage.all(low, high, after, limit);
		const prefix = rootPrefix(root);
		const rows: ListedSession[] = [];
		for (const row of raw)
			if (directlyUnder(prefix, row[LISTED_PATH] as string)) rows.push(fromListedRow(row, this.shared));
		return {rows, next: raw.length < limit ? null : (raw[raw.length - 1]![LISTED_ROWID] as number)};
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
		const entries = raw.map(([id, computedAt, state]): [string, number] => [
			id,
			signatureHash(computedAt, state ?? ''),
		]);
		return {entries, next: raw.length < limit ? null : raw[raw.length - 1]![3]};
	}

	/** The signatures (as versionsPage makes them) of the given sessions that have a row. */
	versionsOf(sessionIds: readonly string[]): Array<[string, number]> {
		const entries: Array<[string, number]> = [];
		for (const id of sessionIds) {
			const row = this.selectVersionOne.get(id);
			if (row) entries.push([row[0], signatureHash(row[1], row[2] ?? '')]);
		}
		return entries;
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
			const row = this.selectListedOne.get(id);
			if (row) rows.push(fromListedRow(row, this.shared));
		}
		return rows;
	}

	/**
	 * The list's lean rows of the given sessions that differ from what the list shows (`shown(id)`; undefined:
	 * not shown, always read), and the ids without a row. A row equal to the shown one is compared column by
	 * column on the driver's raw array and never built: a recompute that changes nothing then makes no row
	 * objects at all (built rows are allocated straight into the old generation once 100,000 listed rows have
	 * taught V8 that rows live long, so each was old-generation garbage: ≈50 MB over a recompute of 100,000).
	 */
	getListedChanged(
		sessionIds: readonly string[],
		shown: (sessionId: string) => ListedSession | undefined,
	): {rows: ListedSession[]; missing: string[]} {
		const rows: ListedSession[] = [];
		const missing: string[] = [];
		for (const id of sessionIds) {
			const row = this.selectListedOne.get(id);
			if (!row) {
				missing.push(id);
				continue;
			}
			const listed = shown(id);
			if (listed === undefined || !sameAsListed(row, listed, this.shared))
				rows.push(fromListedRow(row, this.shared));
		}
		return {rows, missing};
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
				for (const [sessionId, sessionPath] of selectIds.iterate(low, high))
					if (directlyUnder(prefix, sessionPath)) yield sessionId;
			},
		};
	}

	/**
	 * The marks a compute compares with the disk, read compactly: ids and fingerprints only, no array and object
	 * per row (with it a nothing-changed compute of 10,000 sessions took 44-89 ms less CPU than with marks()).
	 * A session's fingerprint is null when it is computed again whatever the disk says: none stored, or stats of
	 * another version than `statsVersion` (its mark then says no version).
	 */
	fingerprints(root: string, statsVersion: number): StoredMarks {
		const [low, high] = rootRange(root);
		const prefix = rootPrefix(root);
		let count = 0;
		let text: string | null = null;
		try {
			[count, text] = this.selectFingerprintText.get(
				path.sep,
				statsVersion,
				path.sep,
				low,
				high,
				prefix,
				path.sep,
			)!;
		} catch (error) {
			// A root so large its text passes SQLite's string limit ("string or blob too big"): read row by row.
			if (!/too big/i.test((error as Error).message)) throw error;
		}
		const rows = (): Map<string, string | null> => this.fingerprintRows(statsVersion, low, high, prefix);
		const asText = text !== null && fieldsAreRows(text, count, path.sep) ? text : null;
		// Split into a map only when a lookup by id is asked for: a compare that walks the text in order (inOrder)
		// and finds every session unchanged never builds one. Read row by row at once when the text cannot be split.
		let byId = asText === null ? rows() : null;
		const lookup = (): Map<string, string | null> => (byId ??= splitMarks(asText!, count, path.sep) ?? rows());
		return {
			get(sessionId) {
				const fingerprint = lookup().get(sessionId);
				if (fingerprint === undefined) return undefined;
				return {fingerprint, stats_version: fingerprint === null ? null : statsVersion};
			},
			has: (sessionId) => lookup().has(sessionId),
			keys: () => lookup().keys(),
			inOrder: () => (asText === null ? null : new MarkCursor(asText, count, path.sep)),
		};
	}

	/** fingerprints() read row by row: for a text that cannot be split (see fieldsAreRows). */
	private fingerprintRows(
		statsVersion: number,
		low: string,
		high: string,
		prefix: string,
	): Map<string, string | null> {
		const byId = new Map<string, string | null>();
		for (const [sessionId, fingerprint] of this.selectFingerprints.iterate(
			statsVersion,
			low,
			high,
			prefix,
			path.sep,
		))
			byId.set(sessionId, fingerprint);
		return byId;
	}

	/** What the last compute saw of each session of the root: to tell, by fingerprint, what changed since. */
	marks(root: string): Map<string, StoredMark> {
		const [low, high] = rootRange(root);
		const prefix = rootPrefix(root);
		const marks = new Map<string, StoredMark>();
		for (const [sessionId, fingerprint, statsVersion] of this.selectMarks.iterate(low, high, prefix, path.sep)) {
			marks.set(sessionId, {fingerprint, stats_version: statsVersion});
		}
		return marks;
	}

	count(): number {
		return this.countAll.get()!.n;
	}
}
