/**
 * The filter is query text (core/query.ts): what `/` types, what the filter pane writes, and what `sdstats list
 * --filter` takes, so what you see is what you can paste into a script. A text that does not parse keeps the
 * last query that did, and the error (with its position) is shown where it is typed.
 */
import {formatQuery, parseQuery, sameTerm, type Query, type QueryError, type QueryTerm} from '../core/query.js';
import {compileQuery} from './query-match.js';
import {notePositions, positionsIn} from './list-positions.js';
import {wordHits} from './search-index.js';
import type {SessionView} from './session-view.js';

export type Filter = {
	text: string;
	/** The last query that parsed (the one in force). */
	query: Query;
	error: QueryError | null;
};

export const EMPTY_FILTER: Filter = {text: '', query: {terms: []}, error: null};

export function filterFromText(text: string, previous: Filter = EMPTY_FILTER): Filter {
	const parsed = parseQuery(text);
	return parsed.ok ? {text, query: parsed.query, error: null} : {text, query: previous.query, error: parsed.error};
}

export function filterFromQuery(query: Query): Filter {
	return {text: formatQuery(query), query, error: null};
}

export function isFilterActive(filter: Filter): boolean {
	return filter.query.terms.length > 0;
}

/**
 * The rows `test` lets through, in order: `rows.filter(test)`, made cheap for the explorer's 100,000 rows. When
 * every row passes (the first letter typed often matches them all) the result is `rows` itself, as lists are never
 * changed in place; otherwise the result is made at its final size. Growing an array by push to 100,000 entries cost
 * 10-13 ms, four times the tests themselves.
 */
export function keepMatching<T>(rows: readonly T[], test: (row: T) => boolean): readonly T[] {
	const n = rows.length;
	const passed = new Uint8Array(n);
	let count = 0;
	for (let i = 0; i < n; i++) {
		if (test(rows[i]!)) {
			passed[i] = 1;
			count++;
		}
	}
	if (count === n) return rows;
	const kept = new Array<T>(count);
	let at = 0;
	for (let i = 0; i < n && at < count; i++) if (passed[i] === 1) kept[at++] = rows[i]!;
	return kept;
}

/**
 * The rows of `rows`, a list made from `base` (a sort of it, a filter of that: see list-positions.ts), that
 * `query` lets through, in the list's own order. The rows are looked at in base order, the one the processor's
 * cache likes, and plain words are found through the base list's search index (search-index.ts); the result's
 * positions are recorded, so the next letter typed narrows it the same way. A list without recorded positions
 * is filtered row by row in its own order.
 */
export function filterList(
	base: readonly SessionView[],
	rows: readonly SessionView[],
	query: Query,
	nowMs: number,
): readonly SessionView[] {
	const at = positionsIn(rows, base);
	if (at === null) return keepMatching(rows, compileQuery(query, nowMs));
	const n = base.length;
	// The candidates: the base rows in the list (every one for a sort of the base list), then those every term
	// lets through. Words first, a search each; the other terms test only the rows still in.
	const passed = new Uint8Array(n);
	if (rows.length === n) passed.fill(1);
	else for (let i = 0; i < at.length; i++) passed[at[i]!] = 1;
	const others: QueryTerm[] = [];
	for (const term of query.terms) {
		if (term.kind !== 'word') {
			others.push(term);
			continue;
		}
		const hits = wordHits(base, term.text.toLowerCase());
		const wanted = term.negate ? 0 : 1;
		for (let k = 0; k < n; k++) if (hits[k] !== wanted) passed[k] = 0;
	}
	const test = others.length > 0 ? compileQuery({terms: others}, nowMs) : null;
	let count = 0;
	for (let k = 0; k < n; k++) {
		if (passed[k] === 1) {
			if (test === null || test(base[k]!)) count++;
			else passed[k] = 0;
		}
	}
	if (count === rows.length) return rows;
	const kept = new Array<SessionView>(count);
	const keptAt = new Uint32Array(count);
	let j = 0;
	for (let i = 0; i < rows.length && j < count; i++) {
		const position = at[i]!;
		if (passed[position] === 1) {
			kept[j] = rows[i]!;
			keptAt[j++] = position;
		}
	}
	notePositions(kept, base, keptAt);
	return kept;
}

/** The status line's description: the query text in force. */
export function describeFilter(filter: Filter): string {
	return formatQuery(filter.query);
}

/**
 * True when every session `next` matches also matches `previous` (one more letter typed, one more term):
 * then the rows shown can be filtered again instead of all of them.
 */
export function narrows(previous: Query, next: Query): boolean {
	const a = previous.terms;
	const b = next.terms;
	if (a.length === 0 || b.length < a.length) return false;
	for (let i = 0; i < a.length - 1; i++) if (!sameTerm(a[i]!, b[i]!)) return false;
	const last: QueryTerm = a[a.length - 1]!;
	const grown: QueryTerm = b[a.length - 1]!;
	if (sameTerm(last, grown)) return true;
	// A positive word that got longer only matches fewer sessions.
	return (
		last.kind === 'word' &&
		grown.kind === 'word' &&
		!last.negate &&
		!grown.negate &&
		grown.text.toLowerCase().includes(last.text.toLowerCase())
	);
}
