/**
 * Rows as the rest of the program sees them: the design's SessionStats model (JSON columns parsed, the sweep
 * flag a boolean) and the full record the commands print (every column plus state and bookkeeping).
 */
import {PyFloat, parsePythonJson, type JsonValue} from '../core/python-json.js';
import {deriveState} from '../core/state.js';
import type {Int64, SessionState, SessionStatsRow} from '../core/types.js';
import {SESSION_STATS_COLUMNS} from './schema.js';
import type {StoredSession} from './stats-repository.js';

export type SessionStats = {
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
	is_seed_sweep: boolean;
	placeholders: Record<string, number>;
	variations_summary: Record<string, unknown[]>;
	session_created_at: string | null;
	manifest_generated_at: string | null;
	first_image_created_at: string | null;
	last_image_created_at: string | null;
	stats_computed_at: string;
	stats_version: number;
};

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
	const placeholders = toPlain(parseJsonColumn(row.placeholders_json));
	const summary = toPlain(parseJsonColumn(row.variations_summary_json));
	return {
		session_id: row.session_id,
		session_path: row.session_path,
		sd_model: row.sd_model,
		template_version: row.template_version,
		generation_mode: row.generation_mode,
		seed_mode: row.seed_mode,
		seed_base: row.seed_base,
		resolved_prompt: row.resolved_prompt,
		negative_prompt: row.negative_prompt,
		width: row.width,
		height: row.height,
		steps: row.steps,
		cfg_scale: row.cfg_scale,
		sampler_name: row.sampler_name,
		images_expected: row.images_expected,
		images_actual: row.images_actual,
		completion_percentage: row.completion_percentage,
		is_seed_sweep: row.is_seed_sweep === 1,
		placeholders: (placeholders && typeof placeholders === 'object' ? placeholders : {}) as Record<string, number>,
		variations_summary: (summary && typeof summary === 'object' ? summary : {}) as Record<string, unknown[]>,
		session_created_at: row.session_created_at,
		manifest_generated_at: row.manifest_generated_at,
		first_image_created_at: row.first_image_created_at,
		last_image_created_at: row.last_image_created_at,
		stats_computed_at: row.stats_computed_at,
		stats_version: row.stats_version,
	};
}

export function stateOf(
	row: Pick<StoredSession, 'manifest_state' | 'sd_model' | 'images_expected' | 'manifest_status' | 'images_actual' | 'last_activity_ms'>,
	nowMs: number,
	stallWindowMs: number,
): SessionState {
	return deriveState(
		{
			// A row another tool wrote without our bookkeeping: judge it by what the row says.
			manifestState: row.manifest_state ?? (row.sd_model === null && row.images_expected === null ? 'missing' : 'ok'),
			manifestStatus: row.manifest_status,
			imagesActual: row.images_actual,
			imagesExpected: row.images_expected,
			lastActivityMs: row.last_activity_ms,
		},
		nowMs,
		stallWindowMs,
	);
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
};

type SessionStatsRowRecord = Omit<SessionStatsRow, 'placeholders_json' | 'variations_summary_json' | 'is_seed_sweep'> & {
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
	const columns = Object.fromEntries(SESSION_STATS_COLUMNS.map((c) => [c, row[c]])) as unknown as SessionStatsRow;
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
	};
}
