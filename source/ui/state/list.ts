/**
 * The list slice: rows arriving (all, in base order → sorted → shown), the cursor kept on its session, moving,
 * marks, the `i` preset and the `/` text filter. Work that scales with the number of sessions (sorting,
 * filtering) happens only when rows, the sort or the filter change, and a filter that only narrows (one more
 * typed letter) filters the rows already shown instead of all of them. Over 400 lines: the caches that make
 * those keys cheap at 100,000 rows live beside the transitions that use them.
 */
import {hasIncomplete, setIncomplete} from '../model/filter-pane.js';
import type {Query} from '../../core/query.js';
import type {ListedSession} from '../../core/types.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {filterFromQuery, filterFromText, isFilterActive, filterList, narrows, type Filter} from '../../view/filter.js';
import {rowKeyOf, toSessionView, type SessionView} from '../../view/session-view.js';
import {notePositions, positionsIn} from '../../view/list-positions.js';
import {carrySearchIndex, makeSearchIndex} from '../../view/search-index.js';
import {stateOf} from '../../core/state.js';
import {INCOMPLETE_SORT, baseOrder, prepareSort, sortValueOf, sortViews, type SortSpec} from '../../view/sort.js';
import type {ViewSettings} from '../data/view-store.js';
import {imagesText, isHideableColumn} from '../model/columns.js';
import {applyEdit, deleteBackward, insertText, lineOf, recall, remember, type EditLine} from '../model/line-editor.js';
import {listHeightOf} from './screen.js';
import {detailsLinesOf, detailsWidthOf, selectedId, selectedView} from './selectors.js';
import type {DetailsLine} from '../model/details.js';
import type {ExplorerState, ListAction} from './types.js';

function imagesWidthOf(views: readonly SessionView[]): number {
	let widest = 6;
	for (const v of views) {
		const text = imagesText(v.row.images_actual, v.row.images_expected);
		if (text.length > widest) widest = text.length;
	}
	return Math.min(13, Math.max(9, widest));
}

/**
 * The last few results of text-only filters over one sorted list (by its identity): Backspace while typing
 * returns to a text filtered a moment ago, and finds it here instead of filtering 100,000 rows again. Only
 * queries of plain words are kept: their result does not depend on the time.
 */
const textResults = new WeakMap<readonly SessionView[], Map<string, readonly SessionView[]>>();
const TEXT_RESULTS_KEPT = 8;

function textKey(filter: Filter): string | null {
	return filter.query.terms.every((t) => t.kind === 'word') ? JSON.stringify(filter.query.terms) : null;
}

/** The rows of `rows` (a list made from the base list `all`) the filter lets through. */
function applyFilter(
	all: readonly SessionView[],
	rows: readonly SessionView[],
	filter: Filter,
	nowMs: number,
): readonly SessionView[] {
	// No filter: the rows themselves (lists are never changed in place), not a copy of 100,000.
	if (!isFilterActive(filter)) return rows;
	return filterList(all, rows, filter.query, nowMs);
}

function rememberText(sorted: readonly SessionView[], key: string, shown: readonly SessionView[]): void {
	let results = textResults.get(sorted);
	if (!results) textResults.set(sorted, (results = new Map()));
	if (results.size >= TEXT_RESULTS_KEPT) results.delete(results.keys().next().value!);
	results.set(key, shown);
}

/** The rows of a sorted list a filter lets through: kept from a moment ago for a text-only filter. */
function filterSorted(
	all: readonly SessionView[],
	sorted: readonly SessionView[],
	filter: Filter,
	nowMs: number,
): readonly SessionView[] {
	const key = isFilterActive(filter) ? textKey(filter) : null;
	const kept = key === null ? undefined : textResults.get(sorted)?.get(key);
	if (kept) return kept;
	const shown = applyFilter(all, sorted, filter, nowMs);
	if (key !== null) rememberText(sorted, key, shown);
	return shown;
}

/**
 * The last few orders of one base list (by its identity), by sort: turning `i` off, or going back to a sort,
 * finds the very list it left, and with it the filter results kept for that list (textResults), instead of
 * ordering and filtering 100,000 rows again (the slowest keys at 100,000 rows).
 */
const sortedLists = new WeakMap<readonly SessionView[], Map<string, SessionView[]>>();
const SORTED_LISTS_KEPT = 2;

function sortedOf(all: readonly SessionView[], sort: SortSpec): SessionView[] {
	const key = `${sort.key}:${sort.direction}`;
	let lists = sortedLists.get(all);
	const kept = lists?.get(key);
	if (kept) return kept;
	const sorted = sortViews(all, sort);
	if (!lists) sortedLists.set(all, (lists = new Map()));
	if (lists.size >= SORTED_LISTS_KEPT) lists.delete(lists.keys().next().value!);
	lists.set(key, sorted);
	return sorted;
}

/**
 * The sorted rows the filter lets through: kept from a moment ago, or found among the rows shown when the new
 * filter only narrows the old one (one more letter), or among all of them.
 */
function filteredView(state: ExplorerState, filter: Filter): readonly SessionView[] {
	if (!isFilterActive(filter)) return state.sorted;
	const key = textKey(filter);
	const kept = key === null ? undefined : textResults.get(state.sorted)?.get(key);
	if (kept) return kept;
	const shown = narrows(state.filter.query, filter.query)
		? applyFilter(state.all, state.shown, filter, state.nowMs)
		: applyFilter(state.all, state.sorted, filter, state.nowMs);
	if (key !== null) rememberText(state.sorted, key, shown);
	return shown;
}

/** Keeps the cursor on its session, or on the nearest position when the session is no longer shown. */
function placeCursor(state: ExplorerState, previous?: SessionView): ExplorerState {
	const {shown} = state;
	let index = -1;
	if (!state.cursorMoved) index = 0;
	else if (state.cursorId !== null) {
		// The common case: the cursor did not move in the list.
		if (shown[state.cursorIndex]?.id === state.cursorId) index = state.cursorIndex;
		// A new order or filter of the same row objects: found by identity (100,000 id comparisons cost ≈5 ms);
		// absent by identity means not shown, as each session has one view object.
		else if (previous?.id === state.cursorId) index = shown.indexOf(previous);
		else index = shown.findIndex((v) => v.id === state.cursorId);
	}
	if (index < 0) index = Math.min(Math.max(0, state.cursorIndex), Math.max(0, shown.length - 1));
	// With nothing shown the cursor keeps its session, so it comes back on it when the filter is relaxed.
	return scrollIntoView({...state, cursorIndex: index, cursorId: shown[index]?.id ?? state.cursorId});
}

export function scrollIntoView(state: ExplorerState): ExplorerState {
	const height = listHeightOf(state);
	let top = state.scrollTop;
	if (state.cursorIndex < top) top = state.cursorIndex;
	if (state.cursorIndex >= top + height) top = state.cursorIndex - height + 1;
	top = Math.max(0, Math.min(top, Math.max(0, state.shown.length - height)));
	return top === state.scrollTop ? state : {...state, scrollTop: top};
}

/** Sorting and filtering are the user's doing: from then on the cursor follows its session, wherever it goes. */
function followCursor(state: ExplorerState): ExplorerState {
	if (state.cursorMoved) return state;
	return {...state, cursorMoved: true, cursorId: state.shown[state.cursorIndex]?.id ?? state.cursorId};
}

export function withSort(state: ExplorerState, sort: SortSpec): ExplorerState {
	const sorted = sortedOf(state.all, sort);
	return placeCursor(
		{...followCursor(state), sort, sorted, shown: filterSorted(state.all, sorted, state.filter, state.nowMs)},
		state.shown[state.cursorIndex],
	);
}

/** A new filter; a text that does not parse keeps the rows of the last query that did (the error is shown). */
function withFilter(state: ExplorerState, filter: Filter): ExplorerState {
	if (filter.query === state.filter.query) return {...state, filter};
	const shown = filteredView(state, filter);
	return placeCursor({...followCursor(state), filter, shown}, state.shown[state.cursorIndex]);
}

export const withText = (state: ExplorerState, text: string): ExplorerState =>
	withFilter(state, filterFromText(text, state.filter));
export const withQuery = (state: ExplorerState, query: Query): ExplorerState =>
	withFilter(state, filterFromQuery(query));

function withRows(state: ExplorerState, all: SessionView[]): ExplorerState {
	const sorted = sortViews(all, state.sort);
	return placeCursor({
		...state,
		all,
		sorted,
		shown: applyFilter(all, sorted, state.filter, state.nowMs),
		imagesWidth: imagesWidthOf(all),
		anyTriage: all.some((v) => v.row.has_metadata === 1),
	});
}

function viewsOf(rows: readonly ListedSession[], state: ExplorerState, nowMs: number): SessionView[] {
	return rows.map((row) => toSessionView(row, nowMs, state.stallWindowMs));
}

/** Whether a recomputed session changes place: in the base order (created, name) or in the current sort. */
function movesInSort(sort: SortSpec, old: SessionView, next: SessionView): boolean {
	if (old.created !== next.created || old.name !== next.name) return true;
	return !Object.is(sortValueOf(sort.key, old), sortValueOf(sort.key, next));
}

/**
 * Recomputed rows land here. When none of them moves in the base order or in the current sort, they are
 * swapped in place (cheap, no re-sort); otherwise the list is rebuilt.
 */
export function updateRows(
	before: ExplorerState,
	rows: readonly ListedSession[],
	removedIds: readonly string[],
	nowMs: number,
	unchangedIds: readonly string[] = [],
): ExplorerState {
	// Once the list is on screen, the cursor stays on its session when sessions arrive above it: a key pressed
	// at that moment must act on the session the user sees selected (issue 11 item 16).
	const state = before.loading ? before : followCursor(before);
	const incoming = new Map(rows.map((row) => [rowKeyOf(row), row]));
	const removed = new Set(removedIds);
	// The views being replaced, found in one pass over the rows: not a map of every row built at each landing
	// (100,000 entries every 100 ms of a recompute of everything).
	const known = new Map<string, SessionView>();
	if (incoming.size > 0) for (const v of state.all) if (incoming.has(v.id)) known.set(v.id, v);
	// A row equal to the one listed keeps its view: a recompute that changes nothing replaces nothing (at 100,000
	// sessions every replaced row was old-generation garbage, and every landing a copy of the whole list). The
	// cursor's row is replaced all the same: its details and pictures are read again when their row changes.
	const cursorId = state.shown[state.cursorIndex]?.id;
	const changedRows = rows.filter((row) => {
		const id = rowKeyOf(row);
		const old = known.get(id);
		return (
			old === undefined ||
			id === cursorId ||
			!sameRow(old.row, row) ||
			// The same row at a later time (withNow): a running session may have stalled since.
			stateOf(row, nowMs, state.stallWindowMs) !== old.state
		);
	});
	const updates = new Map(viewsOf(changedRows, state, nowMs).map((v) => [v.id, v]));
	const added = [...updates.values()].filter((v) => !known.has(v.id));
	// Sessions stored again unchanged are listed already: never new on disk, but no longer stale either.
	const stale = withoutIds(state.stale, [...incoming.keys(), ...removed, ...unchangedIds]);
	const newOnDisk = state.newOnDisk.some((id) => incoming.has(id))
		? state.newOnDisk.filter((id) => !incoming.has(id))
		: state.newOnDisk;
	if (updates.size === 0 && removed.size === 0) {
		return stale === state.stale && newOnDisk === state.newOnDisk && nowMs === state.nowMs
			? state
			: {...state, nowMs, stale, newOnDisk};
	}
	let next: ExplorerState = {
		...state,
		nowMs,
		stale,
		newOnDisk,
		marks: removed.size > 0 ? withoutIds(state.marks, removed) : state.marks,
	};
	const inPlace =
		added.length === 0 &&
		removed.size === 0 &&
		[...updates.values()].every((v) => !movesInSort(state.sort, known.get(v.id)!, v));
	if (inPlace) {
		const swap = (v: SessionView): SessionView => updates.get(v.id) ?? v;
		const all = state.all.map(swap);
		const sorted = state.sorted.map(swap);
		// The same order as before: the rows sit where they sat in the base list, under the same names.
		const positions = positionsIn(state.sorted, state.all);
		if (positions !== null) notePositions(sorted, all, positions);
		carrySearchIndex(state.all, all);
		const changed = [...updates.values()];
		next = {
			...next,
			all,
			sorted,
			imagesWidth: Math.max(state.imagesWidth, imagesWidthOf(changed)),
			anyTriage: state.anyTriage || changed.some((v) => v.row.has_metadata === 1),
		};
		return placeCursor({...next, shown: applyFilter(all, sorted, state.filter, state.nowMs)});
	}
	const all = baseOrder([...state.all.filter((v) => !removed.has(v.id) && !updates.has(v.id)), ...updates.values()]);
	return withRows(next, all);
}

/** Whether two listed rows hold the same values, field by field (Int64 wide integers are bigints: `===`). */
function sameRow(a: ListedSession, b: ListedSession): boolean {
	const left = a as unknown as Record<string, unknown>;
	const right = b as unknown as Record<string, unknown>;
	let fields = 0;
	for (const key in right) {
		fields++;
		const x = left[key];
		const y = right[key];
		// NaN is never stored, but a row equal to itself must stay so.
		if (x !== y && !(x !== x && y !== y)) return false;
	}
	let before = 0;
	for (const _ in left) before++;
	return before === fields;
}

function withoutIds(set: ReadonlySet<string>, ids: Iterable<string>): ReadonlySet<string> {
	let copy: Set<string> | null = null;
	for (const id of ids) {
		if (set.has(id)) {
			copy ??= new Set(set);
			copy.delete(id);
		}
	}
	return copy ?? set;
}

export function moveTo(state: ExplorerState, index: number): ExplorerState {
	if (state.shown.length === 0) return state;
	const clamped = Math.max(0, Math.min(state.shown.length - 1, index));
	return scrollIntoView({...state, cursorIndex: clamped, cursorId: state.shown[clamped]!.id, cursorMoved: true});
}

function jumpIncomplete(state: ExplorerState, direction: 1 | -1): ExplorerState {
	const n = state.shown.length;
	for (let step = 1; step <= n; step++) {
		const index = (((state.cursorIndex + step * direction) % n) + n) % n;
		if (state.shown[index]!.incomplete) {
			const wrapped = direction === 1 ? index <= state.cursorIndex : index >= state.cursorIndex;
			return {...moveTo(state, index), message: wrapped ? 'search wrapped around' : null};
		}
	}
	return {...state, message: 'no incomplete session shown'};
}

/**
 * The state at a new time: runs whose stall window passed become stalled (and stalled runs that wrote again
 * running), and ages are counted from it.
 */
/** The sessions of a list whose state moves with the clock (running or stalled), found once per list. */
const liveByList = new WeakMap<readonly SessionView[], readonly SessionView[]>();
function liveViewsOf(all: readonly SessionView[]): readonly SessionView[] {
	let live = liveByList.get(all);
	if (live === undefined) {
		live = all.filter((v) => v.state === 'running' || v.state === 'stalled');
		liveByList.set(all, live);
	}
	return live;
}

export function withNow(state: ExplorerState, nowMs: number): ExplorerState {
	if (nowMs === state.nowMs) return state;
	// Every key runs this (it acts at the time it was pressed): the live sessions only, not 100,000 rows a key.
	const moved = liveViewsOf(state.all).filter(
		(v) =>
			(v.state === 'running' || v.state === 'stalled') && stateOf(v.row, nowMs, state.stallWindowMs) !== v.state,
	);
	if (moved.length === 0) return {...state, nowMs};
	return updateRows(
		state,
		moved.map((v) => v.row),
		[],
		nowMs,
	);
}

export function toggleIncomplete(state: ExplorerState): ExplorerState {
	const on = !hasIncomplete(state.filter.query);
	const sort = on ? INCOMPLETE_SORT : (state.sortBeforeIncomplete ?? state.sort);
	const sortBeforeIncomplete = on ? state.sort : null;
	// One sort and one filter pass over all rows (not a filter in the old order, then a sort and another filter).
	const filter = filterFromQuery(setIncomplete(state.filter.query, on));
	const sorted = sortedOf(state.all, sort);
	return placeCursor(
		{
			...followCursor(state),
			sortBeforeIncomplete,
			sort,
			sorted,
			filter,
			shown: filterSorted(state.all, sorted, filter, state.nowMs),
		},
		state.shown[state.cursorIndex],
	);
}

/** Esc on the list or in the filter: the text filter goes, and with it the `i` preset and the sort it switched. */
export function clearFilter(state: ExplorerState): ExplorerState {
	return hasIncomplete(state.filter.query) ? withText(toggleIncomplete(state), '') : withText(state, '');
}

/** Applies a saved view: its sort, its filter and its hidden columns (names no column has are dropped). */
export function applyView(state: ExplorerState, settings: ViewSettings): ExplorerState {
	const filtered = withText(state, settings.filter);
	return withSort({...filtered, hiddenColumns: new Set(settings.hidden.filter(isHideableColumn))}, settings.sort);
}

/** The `/` input as a line: the filter's text and the cursor in it (kept within the text, whatever changed it). */
function filterLine(state: ExplorerState): EditLine {
	const length = [...state.filter.text].length;
	return {text: state.filter.text, cursor: Math.min(state.filterCursor, length)};
}

function withFilterLine(state: ExplorerState, line: EditLine): ExplorerState {
	const filtered = line.text === state.filter.text ? state : withText(state, line.text);
	return {...filtered, filterCursor: line.cursor};
}

export function listReducer(state: ExplorerState, action: ListAction): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'rows-loaded':
			return withRows(
				{
					...s,
					nowMs: action.nowMs,
					loading: !action.complete,
					// The first read of the cache found nothing: a first compute will fill the list.
					fillingUntouched: action.rows.length === 0 && s.all.length === 0,
				},
				baseOrder(viewsOf(action.rows, s, action.nowMs)),
			);
		case 'views-loaded': {
			const loaded = withRows({...s, nowMs: action.nowMs, loading: false}, baseOrder(action.views));
			// The `i` preset sorts by completion, and `/` searches names, models and prompts: both made ready now,
			// with the last page of loading, so the first keys find them (made in slices after loading instead, the
			// slices ran within the first keys).
			prepareSort(loaded.all, INCOMPLETE_SORT.key);
			makeSearchIndex(loaded.all);
			return loaded;
		}
		case 'rows-updated': {
			const next = updateRows(s, action.rows, action.removedIds, action.nowMs, action.unchangedIds);
			// Rows equal to the listed ones leave the list as it was; the details' full row may still have changed.
			const id = selectedId(next);
			const landed = id !== null && action.rows.some((row) => rowKeyOf(row) === id);
			return landed ? {...next, selectedLanded: next.selectedLanded + 1} : next;
		}
		case 'resize':
			return scrollIntoView({...s, viewport: action.viewport});
		case 'tick':
			return withNow(s, action.nowMs);
		case 'clock': {
			// Nothing is redrawn when nothing on screen changes with the time (ages in days, no running session).
			const moved = withNow(s, action.nowMs);
			if (moved.all !== s.all) return moved;
			const view = selectedView(s);
			const detailsShown =
				view !== undefined && (s.mode === 'details' || detailsWidthOf(s) !== s.viewport.columns);
			if (!detailsShown) return s;
			const width = detailsWidthOf(s);
			const same = (a: readonly DetailsLine[], b: readonly DetailsLine[]): boolean =>
				a.length === b.length && a.every((line, i) => line.text === b[i]!.text);
			return same(detailsLinesOf(s, view, width), detailsLinesOf(moved, view, width)) ? s : moved;
		}
		case 'move':
			return moveTo(s, s.cursorIndex + action.delta);
		case 'move-page': {
			const height = listHeightOf(s);
			const step = action.half ? Math.max(1, Math.floor(height / 2)) : Math.max(1, height - 1);
			return moveTo(s, s.cursorIndex + step * action.direction);
		}
		case 'move-edge':
			return moveTo(s, action.edge === 'top' ? 0 : s.shown.length - 1);
		case 'toggle-incomplete':
			return toggleIncomplete(s);
		case 'jump-incomplete':
			return jumpIncomplete(s, action.direction);
		case 'mark-toggle': {
			const id = selectedId(s);
			if (id === null) return s;
			const marks = new Set(s.marks);
			if (marks.has(id)) marks.delete(id);
			else marks.add(id);
			return moveTo({...s, marks}, s.cursorIndex + 1);
		}
		case 'mark-all':
			return {...s, marks: new Set([...s.marks, ...s.shown.map((v) => v.id)])};
		case 'mark-clear':
			return {...s, marks: new Set()};
		case 'filter-input-open': {
			// Typing goes on after what is there: a space first, so the new word is a new term.
			const filter =
				s.filter.text === '' || /\s$/.test(s.filter.text) ? s.filter : {...s.filter, text: `${s.filter.text} `};
			return {
				...s,
				mode: 'filter-input',
				filter,
				filterCursor: [...filter.text].length,
				filterHistory: {...s.filterHistory, at: null},
			};
		}
		case 'filter-input-type': {
			// Typed or pasted text is terminal input too: no escape sequences or bidi controls get into the filter.
			const text = sanitizeLine(action.text);
			return text === '' ? s : withFilterLine(s, insertText(filterLine(s), text));
		}
		case 'filter-input-delete':
			return withFilterLine(s, deleteBackward(filterLine(s)));
		case 'filter-input-edit':
			return withFilterLine(s, applyEdit(filterLine(s), action.edit));
		case 'filter-input-history': {
			const recalled = recall(s.filterHistory, s.filter.text, action.step);
			if (!recalled) return s;
			return withFilterLine({...s, filterHistory: recalled.history}, lineOf(recalled.text));
		}
		case 'filter-input-escape':
			// First Esc clears what was typed, a second one closes the input.
			if (s.filter.text === '') return {...s, mode: 'list'};
			return {...clearFilter(s), filterCursor: 0};
		case 'filter-input-submit':
			return {...s, mode: 'list', filterHistory: remember(s.filterHistory, s.filter.text.trim())};
	}
}
