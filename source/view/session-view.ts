/**
 * A cached session as the explorer shows it (and `sdstats list` filters and sorts it): every string from disk
 * sanitized once, here, and the keys the list sorts and filters on computed once, so a keystroke over 100,000
 * rows does no string work per row.
 */
import {shortModelName} from '../core/model-name.js';
import {displayNameOf} from '../core/session-name.js';
import type {ListedSession, SessionState} from '../core/types.js';
import {lowerCase, memoizeString} from '../core/string-interner.js';
import {INCOMPLETE_STATES, stateOf} from '../core/state.js';
import {parseTags} from '../core/session-model.js';
import {sanitizeLine} from '../text/sanitize.js';

export type SessionView = {
	readonly id: string;
	readonly row: ListedSession;
	readonly state: SessionState;
	readonly incomplete: boolean;
	/** Display strings (sanitized). */
	readonly name: string;
	readonly fullName: string;
	readonly model: string;
	readonly sampler: string;
	readonly mode: string;
	readonly created: string;
	/** Numeric keys (NaN when unknown) for sorting and range filters. */
	readonly completion: number;
	readonly expected: number;
	readonly area: number;
	/** Lower-cased fields for the text filter (name, model, prompt) and the query language's field terms. */
	readonly nameLower: string;
	readonly modelLower: string;
	readonly promptLower: string;
	readonly samplerLower: string;
	/** The user's triage (session_metadata). */
	readonly triage: Triage;
};

/**
 * The user's triage as both tools read it: a session without a session_metadata row has the web UI's defaults
 * (not a favourite, not a test, complete, no rating, tags or note), so `X:yes` and `X:no` cover every session.
 */
export type Triage = {
	favorite: boolean;
	test: boolean;
	/** The web UI's "complete" flag (a user's mark, not the computed state): true unless someone set it off. */
	complete: boolean;
	rating: 'like' | 'dislike' | null;
	tags: readonly string[];
	note: string | null;
};

const NO_TRIAGE: Triage = {favorite: false, test: false, complete: true, rating: null, tags: [], note: null};

export function triageOf(
	row: Pick<
		ListedSession,
		'has_metadata' | 'is_favorite' | 'is_test' | 'is_complete' | 'user_rating' | 'user_note' | 'tags'
	>,
): Triage {
	if (!row.has_metadata) return NO_TRIAGE;
	return {
		// Truth as Python's bool() reads the column: a NULL the web UI never writes reads as false there too.
		favorite: Boolean(row.is_favorite),
		test: Boolean(row.is_test),
		complete: Boolean(row.is_complete),
		rating: row.user_rating === 'like' || row.user_rating === 'dislike' ? row.user_rating : null,
		tags: parseTags(row.tags),
		note: row.user_note,
	};
}

// Models, samplers and modes repeat across thousands of sessions: their display and lower-case forms are
// made once each and shared (the rows' own strings are shared by the repository).
const modelDisplay = memoizeString((model) => sanitizeLine(shortModelName(model)));
const plainDisplay = memoizeString((text) => sanitizeLine(text));
const sharedLower = memoizeString(lowerCase);

/** The list's key for a row: its session_id, unless the same name is cached in another root too (see row_key). */
export function rowKeyOf(row: Pick<ListedSession, 'session_id' | 'row_key'>): string {
	return row.row_key ?? row.session_id;
}

export function toSessionView(row: ListedSession, nowMs: number, stallWindowMs: number): SessionView {
	const state = stateOf(row, nowMs, stallWindowMs);
	const fullName = sanitizeLine(row.session_id);
	const model = row.sd_model === null ? sanitizeLine(shortModelName(null)) : modelDisplay(row.sd_model);
	return {
		id: rowKeyOf(row),
		row,
		state,
		incomplete: INCOMPLETE_STATES.has(state),
		name: sanitizeLine(displayNameOf(row.session_id)),
		fullName,
		model,
		sampler: plainDisplay(row.sampler_name ?? ''),
		mode: plainDisplay(row.generation_mode ?? ''),
		created: row.session_created_at ?? '',
		nameLower: lowerCase(row.session_id),
		modelLower: sharedLower(row.sd_model ?? ''),
		// Prompts repeat across a series (the repository shares them): so do their lower-case forms.
		promptLower: sharedLower(row.resolved_prompt ?? ''),
		samplerLower: sharedLower(row.sampler_name ?? ''),
		triage: triageOf(row),
		completion: row.completion_percentage ?? Number.NaN,
		expected: row.images_expected === null ? Number.NaN : Number(row.images_expected),
		area: row.width !== null && row.height !== null ? row.width * row.height : Number.NaN,
	};
}
