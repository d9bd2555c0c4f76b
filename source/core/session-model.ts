/**
 * Rows as the rest of the program sees them: the design's SessionStats model (JSON columns parsed, the sweep
 * flag a boolean) and the full record the commands print (every column plus state and bookkeeping).
 */
import {PyFloat, parsePythonJson, type JsonValue} from './python-json.js';
import {SESSION_STATS_COLUMNS, type SessionState, type SessionStatsRow, type StoredSession} from './types.js';
import {sourcesOfRow, type FieldSource} from './sources.js';

/** The design's model of a row: the stats columns, with the sweep flag a boolean and the JSON columns parsed. */
export type SessionStats = Omit<SessionStatsRow, 'is_seed_sweep' | 'placeholders_json' | 'variations_summary_json'> & {
	is_seed_sweep: boolean;
	placeholders: Record<string, number>;
	variations_summary: Record<string, unknown[]>;
};

/** The session_stats columns of a stored row, in DDL order, without its bookkeeping and triage. */
function statsColumnsOf(row: StoredSession): SessionStatsRow {
	return Object.fromEntries(SESSION_STATS_COLUMNS.map((c) => [c, row[c]])) as unknown as SessionStatsRow;
}

/** A stored JSON column as a value; malformed text (another writer's) reads as null. */
export function parseJsonColumn(text: string | null): JsonValue {
	if (text === null) return null;
	try {
		return parsePythonJson(Buffer.from(text, 'utf8'));
	} catch {
		return null;
	}
}

/** Maps and bigints → plain objects and numbers/strings a TypeScript caller expects. */
function toPlain(value: JsonValue): unknown {
	if (value instanceof Map) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of value) out[k] = toPlain(v);
		return out;
	}
	if (Array.isArray(value)) return value.map(toPlain);
	if (value instanceof PyFloat) return value.value;
	return value;
}

export function toSessionStats(row: StoredSession): SessionStats {
	const {is_seed_sweep, placeholders_json, variations_summary_json, ...columns} = statsColumnsOf(row);
	const placeholders = toPlain(parseJsonColumn(placeholders_json));
	const summary = toPlain(parseJsonColumn(variations_summary_json));
	return {
		...columns,
		is_seed_sweep: is_seed_sweep === 1,
		placeholders: (placeholders && typeof placeholders === 'object' ? placeholders : {}) as Record<string, number>,
		variations_summary: (summary && typeof summary === 'object' ? summary : {}) as Record<string, unknown[]>,
	};
}

/** Tags as stored by the web UI (a JSON array of strings); anything else reads as no tags. */
export function parseTags(text: string | null): string[] {
	if (!text) return [];
	try {
		const parsed: unknown = JSON.parse(text);
		return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
	} catch {
		return [];
	}
}

/**
 * The record `list --json` and `show --json` print: every session_stats column, then state and bookkeeping,
 * then the user's triage from session_metadata. A session without a metadata row reads as the web UI reads it:
 * its defaults (not a test, complete, not a favourite, no rating, note or tags); `has_metadata` says whether
 * a row exists.
 */
export type SessionRecord = SessionStatsRowRecord & {
	state: SessionState;
	manifest_status: string | null;
	images_recorded: number | null;
	error: string | null;
	has_metadata: boolean;
	is_favorite: boolean;
	is_test: boolean;
	is_complete: boolean;
	user_rating: string | null;
	user_note: string | null;
	tags: string[];
	/**
	 * Where each value came from, by column (`{"sd_model": {"from": "png", "agree": 10, "of": 10}}`): manifest,
	 * v1, phase1, png (the images' parameters), comfyui, header (image sizes). Columns not listed come from the
	 * files or are null.
	 */
	sources: Record<string, FieldSource>;
	/** What could not be read, and why (a session without manifest.json); empty otherwise. */
	source_notes: string[];
	/** The name of its results root (each --root, or IMAGE_FOLDERS' name); null when the caller did not say. */
	root: string | null;
};

type SessionStatsRowRecord = Omit<
	SessionStatsRow,
	'placeholders_json' | 'variations_summary_json' | 'is_seed_sweep'
> & {
	is_seed_sweep: boolean;
	placeholders_json: JsonValue;
	variations_summary_json: JsonValue;
};

/**
 * A flag as the web UI reads it: its default without a row (its upsert's values for a new row), else the
 * stored value's truth (Python's bool(); NULL is false).
 */
const flag = (value: number | null, present: boolean, absent: boolean): boolean => (present ? Boolean(value) : absent);

export function toSessionRecord(row: StoredSession, state: SessionState): SessionRecord {
	const columns = statsColumnsOf(row);
	const present = row.has_metadata === 1;
	return {
		...columns,
		is_seed_sweep: row.is_seed_sweep === 1,
		placeholders_json: parseJsonColumn(row.placeholders_json),
		variations_summary_json: parseJsonColumn(row.variations_summary_json),
		state,
		manifest_status: row.manifest_status,
		images_recorded: row.images_recorded,
		error: row.error,
		has_metadata: present,
		is_favorite: flag(row.is_favorite, present, false),
		is_test: flag(row.is_test, present, false),
		is_complete: flag(row.is_complete, present, true),
		user_rating: row.user_rating,
		user_note: row.user_note,
		tags: present ? parseTags(row.tags) : [],
		...sourceColumns(row),
		root: row.root_name ?? null,
	};
}

function sourceColumns(row: StoredSession): Pick<SessionRecord, 'sources' | 'source_notes'> {
	const record = sourcesOfRow(row);
	const sampling =
		record.sampled !== undefined && record.images !== undefined && record.sampled < record.images
			? [
					`parameters read from ${record.sampled} of ${record.images} images (a sample; \`sdstats compute --deep\` reads them all)`,
				]
			: [];
	return {sources: record.fields, source_notes: [...record.notes, ...sampling]};
}
