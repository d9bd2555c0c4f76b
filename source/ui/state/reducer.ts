/**
 * Every state transition of the explorer. Pure: no I/O, no clock (times arrive in actions). Work that scales
 * with the number of sessions (sorting, filtering) happens only when rows, the sort or the filter change, and a
 * filter that only narrows (one more typed letter) filters the rows already shown instead of all of them.
 */
import type {SessionState} from '../../core/types.js';
import {INCOMPLETE_STATES} from '../../core/state.js';
import type {ListedSession} from '../../store/stats-repository.js';
import {EMPTY_FILTER, compileFilter, filterFromQuery, filterFromText, narrows, type Filter} from '../../view/filter.js';
import type {Query} from '../../core/query.js';
import {FILTER_PANE_ITEMS, acceptsCharacter, applyTyped, currentText, cycleItem, hasIncomplete, setIncomplete, toggleItem} from '../model/filter-pane.js';
import {toSessionView, type SessionView} from '../../view/session-view.js';
import {DEFAULT_SORT, INCOMPLETE_SORT, SORT_KEYS, baseOrder, sortViews, type SortSpec} from '../../view/sort.js';
import {listHeightOf, screenOf} from './screen.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {dispatchKey} from '../keys.js';
import {buildDetails} from '../model/details.js';
import {helpLines} from '../views/help-lines.js';
import type {Action, ExplorerState, Mode, Viewport} from './types.js';

export type InitialOptions = {
	viewport: Viewport;
	nowMs: number;
	stallWindowMs: number;
	info: ExplorerState['info'];
	sort?: SortSpec;
	filter?: Filter;
};

export function initialState(options: InitialOptions): ExplorerState {
	return {
		info: options.info,
		mode: 'list',
		previousMode: 'list',
		viewport: options.viewport,
		nowMs: options.nowMs,
		stallWindowMs: options.stallWindowMs,
		all: [],
		sorted: [],
		shown: [],
		loading: true,
		imagesWidth: 9,
		sort: options.sort ?? DEFAULT_SORT,
		sortBeforeIncomplete: null,
		filter: options.filter ?? EMPTY_FILTER,
		cursorId: null,
		cursorMoved: false,
		cursorIndex: 0,
		scrollTop: 0,
		marks: new Set(),
		stale: new Set(),
		newOnDisk: [],
		staleChecked: false,
		rootProblem: null,
		detailsScroll: 0,
		detailsRow: null,
		helpScroll: 0,
		filterPane: null,
		sortPane: null,
		jobRequest: null,
		nextRequestId: 1,
		job: null,
		message: null,
		quitting: false,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// The list pipeline: all (base order) → sorted → shown, then the cursor is put back on its session.

function imagesWidthOf(views: readonly SessionView[]): number {
	let widest = 6;
	for (const v of views) {
		const text = `${v.row.images_actual}/${v.row.images_expected ?? '?'}`;
		if (text.length > widest) widest = text.length;
	}
	return Math.min(13, Math.max(9, widest));
}

function applyFilter(rows: readonly SessionView[], filter: Filter, nowMs: number): SessionView[] {
	const test = compileFilter(filter, nowMs);
	return rows.filter(test);
}

/** The session under the cursor, if one is shown. */
export function selectedId(state: ExplorerState): string | null {
	return state.shown[state.cursorIndex]?.id ?? null;
}

/** Keeps the cursor on its session, or on the nearest position when the session is no longer shown. */
function placeCursor(state: ExplorerState): ExplorerState {
	const {shown} = state;
	let index = -1;
	if (!state.cursorMoved) index = 0;
	else if (state.cursorId !== null) {
		// The common case: the cursor did not move in the list.
		if (shown[state.cursorIndex]?.id === state.cursorId) index = state.cursorIndex;
		else index = shown.findIndex((v) => v.id === state.cursorId);
	}
	if (index < 0) index = Math.min(Math.max(0, state.cursorIndex), Math.max(0, shown.length - 1));
	// With nothing shown the cursor keeps its session, so it comes back on it when the filter is relaxed.
	return scrollIntoView({...state, cursorIndex: index, cursorId: shown[index]?.id ?? state.cursorId});
}

function scrollIntoView(state: ExplorerState): ExplorerState {
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

function withSort(state: ExplorerState, sort: SortSpec): ExplorerState {
	const sorted = sortViews(state.all, sort);
	return placeCursor({...followCursor(state), sort, sorted, shown: applyFilter(sorted, state.filter, state.nowMs)});
}

/** A new filter; a text that does not parse keeps the rows of the last query that did (the error is shown). */
function withFilter(state: ExplorerState, filter: Filter): ExplorerState {
	if (filter.query === state.filter.query) return {...state, filter};
	const shown = narrows(state.filter.query, filter.query) ? applyFilter(state.shown, filter, state.nowMs) : applyFilter(state.sorted, filter, state.nowMs);
	return placeCursor({...followCursor(state), filter, shown});
}

const withText = (state: ExplorerState, text: string): ExplorerState => withFilter(state, filterFromText(text, state.filter));
const withQuery = (state: ExplorerState, query: Query): ExplorerState => withFilter(state, filterFromQuery(query));

function withRows(state: ExplorerState, all: SessionView[]): ExplorerState {
	const sorted = sortViews(all, state.sort);
	return placeCursor({...state, all, sorted, shown: applyFilter(sorted, state.filter, state.nowMs), imagesWidth: imagesWidthOf(all)});
}

function viewsOf(rows: readonly ListedSession[], state: ExplorerState, nowMs: number): SessionView[] {
	return rows.map((row) => toSessionView(row, nowMs, state.stallWindowMs));
}

/**
 * Recomputed rows land here. When none of them moves in the base order or in the current sort, they are
 * swapped in place (cheap, no re-sort); otherwise the list is rebuilt.
 */
function updateRows(state: ExplorerState, rows: readonly ListedSession[], removedIds: readonly string[], nowMs: number): ExplorerState {
	const updates = new Map(viewsOf(rows, state, nowMs).map((v) => [v.id, v]));
	const removed = new Set(removedIds);
	const known = new Map(state.all.map((v) => [v.id, v]));
	const added = [...updates.values()].filter((v) => !known.has(v.id));
	const sortKey = state.sort.key;
	const movesInSort = (old: SessionView, next: SessionView): boolean => {
		if (old.created !== next.created || old.name !== next.name) return true;
		switch (sortKey) {
			case 'completion':
				return !Object.is(old.completion, next.completion);
			case 'state':
				return old.state !== next.state;
			case 'images':
				return old.row.images_actual !== next.row.images_actual;
			case 'model':
				return old.model !== next.model;
			case 'mode':
				return old.mode !== next.mode;
			case 'sweep':
				return old.row.is_seed_sweep !== next.row.is_seed_sweep;
			case 'size':
				return !Object.is(old.area, next.area);
			case 'steps':
				return old.row.steps !== next.row.steps;
			case 'cfg':
				return old.row.cfg_scale !== next.row.cfg_scale;
			case 'sampler':
				return old.sampler !== next.sampler;
			default:
				return false;
		}
	};
	let next: ExplorerState = {
		...state,
		nowMs,
		stale: withoutIds(state.stale, [...updates.keys(), ...removed]),
		newOnDisk: state.newOnDisk.filter((id) => !updates.has(id)),
		marks: removed.size > 0 ? withoutIds(state.marks, removed) : state.marks,
	};
	const inPlace =
		added.length === 0 && removed.size === 0 && [...updates.values()].every((v) => !movesInSort(known.get(v.id)!, v));
	if (inPlace) {
		const swap = (v: SessionView): SessionView => updates.get(v.id) ?? v;
		const all = state.all.map(swap);
		const sorted = state.sorted.map(swap);
		next = {...next, all, sorted, imagesWidth: Math.max(state.imagesWidth, imagesWidthOf([...updates.values()]))};
		return placeCursor({...next, shown: applyFilter(sorted, state.filter, state.nowMs)});
	}
	const all = baseOrder([...state.all.filter((v) => !removed.has(v.id) && !updates.has(v.id)), ...updates.values()]);
	return withRows(next, all);
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

// ---------------------------------------------------------------------------------------------------------------
// Movement

function moveTo(state: ExplorerState, index: number): ExplorerState {
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

// ---------------------------------------------------------------------------------------------------------------

function openOverlay(state: ExplorerState, mode: Mode): ExplorerState {
	return {...state, previousMode: state.mode === 'help' || state.mode === 'confirm' ? state.previousMode : state.mode, mode};
}

type JobScope = {scope: 'sessions'; sessionIds: string[]} | {scope: 'stale'} | {scope: 'all'};

function requestJob(state: ExplorerState, request: JobScope): ExplorerState {
	if (state.job !== null || state.jobRequest !== null) return {...state, message: 'a recompute is already running (Esc cancels it)'};
	return {...state, jobRequest: {...request, id: state.nextRequestId}, nextRequestId: state.nextRequestId + 1};
}

function cancelJob(state: ExplorerState): ExplorerState {
	if (state.job === null || state.job.cancelling) return state;
	return {...state, job: {...state.job, cancelling: true}, message: 'cancelling after the current batch…'};
}

function toggleIncomplete(state: ExplorerState): ExplorerState {
	const on = !hasIncomplete(state.filter.query);
	const sort = on ? INCOMPLETE_SORT : (state.sortBeforeIncomplete ?? state.sort);
	const sortBeforeIncomplete = on ? state.sort : null;
	const filtered = withQuery({...state, sortBeforeIncomplete}, setIncomplete(state.filter.query, on));
	return withSort(filtered, sort);
}

/** Models, modes or tags present in the data, most common first, for the filter pane's choices. */
export function choiceOptions(state: ExplorerState, field: 'model' | 'mode' | 'tag'): string[] {
	const counts = new Map<string, number>();
	const add = (value: string): void => {
		if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
	};
	for (const v of state.all) {
		if (field === 'tag') v.triage.tags.forEach(add);
		else add(field === 'model' ? v.model : v.mode);
	}
	return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value]) => value);
}

function filterPaneAction(state: ExplorerState, action: Action): ExplorerState {
	const pane = state.filterPane;
	if (!pane) return state;
	const item = FILTER_PANE_ITEMS[pane.focus]!;
	switch (action.type) {
		case 'filter-pane-move': {
			const focus = Math.max(0, Math.min(FILTER_PANE_ITEMS.length - 1, pane.focus + action.delta));
			return {...state, filterPane: {...pane, focus, editing: null}};
		}
		case 'filter-pane-toggle':
			if (item.kind === 'incomplete') return toggleIncomplete(state);
			if (item.kind === 'choice') return withQuery(state, cycleItem(state.filter.query, item, 1, choiceOptions(state, item.field)));
			return withQuery({...state, filterPane: {...pane, editing: null}}, toggleItem(state.filter.query, item));
		case 'filter-pane-cycle':
			if (item.kind === 'incomplete') return toggleIncomplete(state);
			if (item.kind === 'choice') return withQuery(state, cycleItem(state.filter.query, item, action.delta, choiceOptions(state, item.field)));
			return withQuery(state, cycleItem(state.filter.query, item, action.delta, []));
		case 'filter-pane-type': {
			if (![...action.text].every((c) => acceptsCharacter(item, c))) return state;
			const editing = (pane.editing ?? currentText(state.filter.query, item)) + action.text;
			return withQuery({...state, filterPane: {...pane, editing}}, applyTyped(state.filter.query, item, editing));
		}
		case 'filter-pane-delete': {
			if (item.kind !== 'number' && item.kind !== 'date') return state;
			const editing = (pane.editing ?? currentText(state.filter.query, item)).slice(0, -1);
			return withQuery({...state, filterPane: {...pane, editing}}, applyTyped(state.filter.query, item, editing));
		}
		case 'filter-pane-apply':
			return {...state, mode: 'list', filterPane: null};
		default:
			return state;
	}
}

function back(state: ExplorerState): ExplorerState {
	switch (state.mode) {
		case 'details':
			return {...state, mode: 'list'};
		case 'help':
			return {...state, mode: state.previousMode};
		case 'confirm':
			return {...state, mode: state.previousMode};
		case 'sort-pane':
			return state.sortPane ? withSort({...state, mode: 'list', sortPane: null}, state.sortPane.saved) : {...state, mode: 'list'};
		case 'filter-pane': {
			const pane = state.filterPane;
			if (!pane) return {...state, mode: 'list'};
			// Undo everything the pane did: the filter, the sort the incomplete preset may have switched, the cursor.
			const restored = withSort(
				{...state, mode: 'list', filterPane: null, filter: pane.saved, sortBeforeIncomplete: pane.savedSortBeforeIncomplete, cursorId: pane.savedCursorId, cursorMoved: true},
				pane.savedSort,
			);
			return scrollIntoView({...restored, scrollTop: pane.savedScrollTop});
		}
		case 'filter-input':
			return {...state, mode: 'list'};
		case 'list':
			if (state.job) return cancelJob(state);
			// Esc clears the filter (leaving the incomplete preset's sort too).
			if (hasIncomplete(state.filter.query)) return withText(toggleIncomplete(state), '');
			if (state.filter.text !== '') return withText(state, '');
			return {...state, message: 'q quits'};
	}
}

/** Scroll offsets stay within the content, so ↑ responds at once after End. */
function withScroll(state: ExplorerState, wanted: number): ExplorerState {
	const screen = screenOf(state);
	if (screen.kind !== 'normal') return state;
	if (state.mode === 'help') {
		const max = Math.max(0, helpLines(state.viewport.columns).length - screen.bodyHeight);
		return {...state, helpScroll: Math.max(0, Math.min(max, wanted))};
	}
	const view = state.shown[state.cursorIndex];
	if (!view || state.detailsRow?.session_id !== view.id) return state;
	const width = screen.sideWidth > 0 ? screen.sideWidth : state.viewport.columns;
	const lines = buildDetails(view, state.detailsRow, width, {nowMs: state.nowMs, stallWindowMs: state.stallWindowMs, dbPath: state.info.dbPath, stale: state.stale.has(view.id)});
	// The same bound the view uses: at the bottom every remaining line fits.
	const max = Math.max(0, lines.length - screen.bodyHeight);
	return {...state, detailsScroll: Math.max(0, Math.min(max, wanted))};
}

/** The reducer the app uses: keys go through the key table first, against the latest state. */
export function explorerReducer(state: ExplorerState, action: Action): ExplorerState {
	if (action.type !== 'key') return reducer(state, action);
	// A message lasts until the next key.
	const cleared = state.message !== null ? {...state, message: null} : state;
	const resolved = dispatchKey(cleared, action.input, action.key);
	return resolved === null ? cleared : reducer(cleared, resolved);
}

export function reducer(state: ExplorerState, action: Action): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'rows-loaded': {
			const all = baseOrder(viewsOf(action.rows, s, action.nowMs));
			return withRows({...s, nowMs: action.nowMs, loading: !action.complete}, all);
		}
		case 'views-loaded':
			return withRows({...s, nowMs: action.nowMs, loading: false}, baseOrder(action.views));
		case 'rows-updated':
			return updateRows(s, action.rows, action.removedIds, action.nowMs);
		case 'resize':
			return scrollIntoView({...s, viewport: action.viewport});
		case 'tick':
			return {...s, nowMs: action.nowMs};

		case 'move':
			return moveTo(s, s.cursorIndex + action.delta);
		case 'move-page': {
			const height = listHeightOf(s);
			const step = action.half ? Math.max(1, Math.floor(height / 2)) : Math.max(1, height - 1);
			return moveTo(s, s.cursorIndex + step * action.direction);
		}
		case 'move-edge':
			return moveTo(s, action.edge === 'top' ? 0 : s.shown.length - 1);

		case 'open-details':
			if (!selectedId(s)) return {...s, message: 'no session selected'};
			return {...s, mode: 'details', detailsScroll: s.mode === 'details' ? s.detailsScroll : 0};
		case 'back':
			return back(s);
		case 'quit':
			return {...s, quitting: true};
		case 'interrupt':
			if (s.job && !s.job.cancelling) return cancelJob(s);
			return {...s, quitting: true};

		case 'filter-input-open':
			// Typing goes on after what is there: a space first, so the new word is a new term.
			return {...s, mode: 'filter-input', filter: s.filter.text === '' || /\s$/.test(s.filter.text) ? s.filter : {...s.filter, text: `${s.filter.text} `}};
		case 'filter-input-type': {
			// Typed or pasted text is terminal input too: no escape sequences or bidi controls get into the filter.
			const text = sanitizeLine(action.text);
			return text === '' ? s : withText(s, s.filter.text + text);
		}
		case 'filter-input-delete':
			return withText(s, [...s.filter.text].slice(0, -1).join(''));
		case 'filter-input-escape':
			// First Esc clears what was typed, a second one closes the input.
			if (s.filter.text === '') return {...s, mode: 'list'};
			return hasIncomplete(s.filter.query) ? withText(toggleIncomplete(s), '') : withText(s, '');
		case 'filter-input-submit':
			return {...s, mode: 'list'};

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

		case 'sort-pane-open':
			return {
				...s,
				mode: 'sort-pane',
				sortPane: {focus: Math.max(0, SORT_KEYS.indexOf(s.sort.key)), direction: s.sort.direction, saved: s.sort},
			};
		case 'sort-pane-move':
			if (!s.sortPane) return s;
			return {...s, sortPane: {...s.sortPane, focus: Math.max(0, Math.min(SORT_KEYS.length - 1, s.sortPane.focus + action.delta))}};
		case 'sort-pane-direction': {
			if (!s.sortPane) return s;
			const direction = action.direction ?? (s.sortPane.direction === 'asc' ? 'desc' : 'asc');
			return {...s, sortPane: {...s.sortPane, direction}};
		}
		case 'sort-pane-apply': {
			if (!s.sortPane) return s;
			const key = SORT_KEYS[s.sortPane.focus]!;
			// Choosing the column already sorted on reverses it, as the column keys of k9s and ncdu do.
			const direction = key === s.sort.key && s.sortPane.direction === s.sort.direction ? (s.sort.direction === 'asc' ? 'desc' : 'asc') : s.sortPane.direction;
			return withSort({...s, mode: 'list', sortPane: null}, {key, direction});
		}

		case 'filter-pane-open':
			return {
				...s,
				mode: 'filter-pane',
				filterPane: {focus: 0, saved: s.filter, savedSort: s.sort, savedSortBeforeIncomplete: s.sortBeforeIncomplete, savedCursorId: selectedId(s) ?? s.cursorId, savedScrollTop: s.scrollTop, editing: null},
			};
		case 'filter-pane-move':
		case 'filter-pane-toggle':
		case 'filter-pane-cycle':
		case 'filter-pane-type':
		case 'filter-pane-delete':
		case 'filter-pane-apply':
			return filterPaneAction(s, action);

		case 'help-open':
			return {...openOverlay(s, 'help'), helpScroll: 0};
		case 'scroll': {
			const current = s.mode === 'help' ? s.helpScroll : s.detailsScroll;
			return withScroll(s, current + action.delta);
		}
		case 'scroll-edge':
			return withScroll(s, action.edge === 'top' ? 0 : Number.MAX_SAFE_INTEGER);

		case 'recompute-selection': {
			const id = selectedId(s);
			const ids = s.marks.size > 0 ? [...s.marks] : id !== null ? [id] : [];
			if (ids.length === 0) return {...s, message: 'nothing to recompute'};
			return requestJob(s, {scope: 'sessions', sessionIds: ids});
		}
		case 'confirm-open':
			if (s.job) return {...s, message: 'a recompute is already running (Esc cancels it)'};
			return openOverlay(s, 'confirm');
		case 'confirm-choose':
			return requestJob({...s, mode: s.previousMode}, {scope: action.scope});

		case 'job-request-taken':
			return {...s, jobRequest: null};
		case 'job-started':
			return {
				...s,
				job: {requestId: action.requestId, label: action.label, done: 0, total: action.total, current: null, startedAtMs: action.startedAtMs, updatedAtMs: action.startedAtMs, errors: 0, lastError: null, cancelling: false},
			};
		case 'job-progress':
			if (!s.job) return s;
			return {...s, job: {...s.job, done: action.done, total: action.total, current: action.current, errors: action.errors, lastError: action.lastError, updatedAtMs: action.nowMs}};
		case 'job-finished':
			return scrollIntoView({...s, job: null, message: action.message});

		case 'stale-checked':
			return {...s, stale: new Set(action.stale), newOnDisk: [...action.newOnDisk], staleChecked: true, rootProblem: action.rootProblem ?? null};
		case 'message':
			return {...s, message: action.text};
		case 'details-loaded':
			return {...s, detailsRow: action.row};
		case 'key':
			return explorerReducer(s, action);
	}
}

/** Counts per state over every cached session, for the header. */
export function stateCounts(views: readonly SessionView[]): Map<SessionState, number> {
	const counts = new Map<SessionState, number>();
	for (const v of views) counts.set(v.state, (counts.get(v.state) ?? 0) + 1);
	return counts;
}

export {INCOMPLETE_STATES};
