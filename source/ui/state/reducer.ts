/**
 * Every state transition of the explorer. Pure: no I/O, no clock (times arrive in actions). Work that scales
 * with the number of sessions (sorting, filtering) happens only when rows, the sort or the filter change, and a
 * filter that only narrows (one more typed letter) filters the rows already shown instead of all of them.
 */
import type {SessionState} from '../../core/types.js';
import {INCOMPLETE_STATES} from '../../core/state.js';
import type {ListedSession} from '../../store/stats-repository.js';
import {EMPTY_FILTER, compileFilter, filterFromQuery, filterFromText, isFilterActive, narrows, type Filter} from '../../view/filter.js';
import type {Query} from '../../core/query.js';
import {FILTER_PANE_ITEMS, acceptsCharacter, applyTyped, currentText, cycleItem, hasIncomplete, setIncomplete, toggleItem} from '../model/filter-pane.js';
import {toSessionView, type SessionView} from '../../view/session-view.js';
import {DEFAULT_SORT, INCOMPLETE_SORT, SORT_KEYS, baseOrder, sortViews, type SortSpec} from '../../view/sort.js';
import {listHeightOf, screenOf} from './screen.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {dispatchKey, splitChunk} from '../keys.js';
import {buildDetails, detailsInsightLines} from '../model/details.js';
import {helpLines} from '../views/help-lines.js';
import type {Action, ExplorerState, Mode, TriageIntent, TriageRequest, Viewport} from './types.js';
import type {TriagePatch} from '../../store/metadata-repository.js';
import type {ViewSettings} from '../data/view-store.js';
import {formatQuery} from '../../core/query.js';
import {nextGroupBy, queryWithin, rollup} from '../../view/rollup.js';

export type InitialOptions = {
	viewport: Viewport;
	nowMs: number;
	stallWindowMs: number;
	info: ExplorerState['info'];
	sort?: SortSpec;
	filter?: Filter;
	hiddenColumns?: readonly string[];
	savedViews?: Record<string, ViewSettings>;
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
		anyTriage: false,
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
		detailsInsight: null,
		helpScroll: 0,
		filterPane: null,
		sortPane: null,
		input: null,
		tagsInUse: [],
		triageRequest: null,
		undo: [],
		exportRequest: null,
		rates: new Map(),
		groups: null,
		hiddenColumns: new Set(options.hiddenColumns ?? []),
		savedViews: options.savedViews ?? {},
		viewsRevision: 0,
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

function applyFilter(rows: readonly SessionView[], filter: Filter, nowMs: number): readonly SessionView[] {
	// No filter: the rows themselves (lists are never changed in place), not a copy of 100,000.
	if (!isFilterActive(filter)) return rows;
	const test = compileFilter(filter, nowMs);
	return rows.filter(test);
}

/** The session under the cursor, if one is shown. */
export function selectedId(state: ExplorerState): string | null {
	return state.shown[state.cursorIndex]?.id ?? null;
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
	return placeCursor({...followCursor(state), sort, sorted, shown: applyFilter(sorted, state.filter, state.nowMs)}, state.shown[state.cursorIndex]);
}

/** A new filter; a text that does not parse keeps the rows of the last query that did (the error is shown). */
function withFilter(state: ExplorerState, filter: Filter): ExplorerState {
	if (filter.query === state.filter.query) return {...state, filter};
	const shown = narrows(state.filter.query, filter.query) ? applyFilter(state.shown, filter, state.nowMs) : applyFilter(state.sorted, filter, state.nowMs);
	return placeCursor({...followCursor(state), filter, shown}, state.shown[state.cursorIndex]);
}

const withText = (state: ExplorerState, text: string): ExplorerState => withFilter(state, filterFromText(text, state.filter));
const withQuery = (state: ExplorerState, query: Query): ExplorerState => withFilter(state, filterFromQuery(query));

function withRows(state: ExplorerState, all: SessionView[]): ExplorerState {
	const sorted = sortViews(all, state.sort);
	return placeCursor({...state, all, sorted, shown: applyFilter(sorted, state.filter, state.nowMs), imagesWidth: imagesWidthOf(all), anyTriage: all.some((v) => v.row.has_metadata === 1)});
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
		next = {...next, all, sorted, imagesWidth: Math.max(state.imagesWidth, imagesWidthOf([...updates.values()])), anyTriage: state.anyTriage || [...updates.values()].some((v) => v.row.has_metadata === 1)};
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

const OVERLAYS = new Set<Mode>(['help', 'confirm', 'tag-input', 'note-input', 'command', 'export']);

function openOverlay(state: ExplorerState, mode: Mode): ExplorerState {
	return {...state, previousMode: OVERLAYS.has(state.mode) ? state.previousMode : state.mode, mode};
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
	// One sort and one filter pass over all rows (not a filter in the old order, then a sort and another filter).
	const filter = filterFromQuery(setIncomplete(state.filter.query, on));
	const sorted = sortViews(state.all, sort);
	return placeCursor({...followCursor(state), sortBeforeIncomplete, sort, sorted, filter, shown: applyFilter(sorted, filter, state.nowMs)}, state.shown[state.cursorIndex]);
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
		case 'tag-input':
		case 'note-input':
		case 'command':
		case 'export':
			return {...state, mode: state.previousMode, input: null};
		case 'groups':
			return {...state, mode: 'list', groups: null};
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
	const lines = [
		...buildDetails(view, state.detailsRow, width, {nowMs: state.nowMs, stallWindowMs: state.stallWindowMs, dbPath: state.info.dbPath, stale: state.stale.has(view.id)}),
		...detailsInsightLines(state.detailsInsight, view.id, width),
	];
	// The same bound the view uses: at the bottom every remaining line fits.
	const max = Math.max(0, lines.length - screen.bodyHeight);
	return {...state, detailsScroll: Math.max(0, Math.min(max, wanted))};
}

// ---------------------------------------------------------------------------------------------------------------
// Triage (session_metadata), typed inputs, the `:` command line, exports and remembered views

/** The sessions a triage or export acts on: the marked ones when there are marks, else the selected one. */
function targetsOf(state: ExplorerState): SessionView[] {
	if (state.marks.size > 0) return state.all.filter((v) => state.marks.has(v.id));
	const selected = state.shown[state.cursorIndex];
	return selected ? [selected] : [];
}

const FLAG_FIELD = {favorite: 'is_favorite', test: 'is_test', complete: 'is_complete'} as const;
const FLAG_LABEL = {favorite: '★ favourite', test: 'test', complete: 'complete'} as const;

/** Resolves a key's intent against the targets: a toggle sets when any target lacks it, clears when all have it. */
function triage(state: ExplorerState, intent: TriageIntent): ExplorerState {
	if (state.info.readonly) return {...state, message: 'the database is read-only: triage is off'};
	// One change at a time: the next waits until the pending one has landed or failed (each is undone alone).
	if (state.triageRequest) return {...state, message: `a change is still being saved (${state.triageRequest.label}); try again when it lands`};
	const targets = targetsOf(state);
	if (targets.length === 0) return {...state, message: 'no session selected'};
	const count = targets.length === 1 ? '1 session' : `${targets.length} sessions`;
	let patch: TriagePatch;
	let label: string;
	switch (intent.kind) {
		case 'toggle': {
			const all = targets.every((v) => v.triage[intent.flag]);
			patch = {kind: 'flag', field: FLAG_FIELD[intent.flag], value: all ? 0 : 1};
			label = `${all ? 'cleared' : 'set'} ${FLAG_LABEL[intent.flag]} on ${count}`;
			break;
		}
		case 'rating':
			patch = {kind: 'rating', value: intent.value};
			label = intent.value === null ? `cleared the rating of ${count}` : `rated ${count} ${intent.value}`;
			break;
		case 'tag': {
			const tag = intent.tag.trim();
			if (tag === '') return {...state, message: 'no tag given'};
			const all = targets.every((v) => v.triage.tags.includes(tag));
			patch = {kind: 'tag', tag, present: !all};
			label = `${all ? 'removed' : 'added'} tag ${tag} ${all ? 'from' : 'to'} ${count}`;
			break;
		}
		case 'note':
			patch = {kind: 'note', value: intent.value};
			label = intent.value === null || intent.value.trim() === '' ? `cleared the note of ${count}` : `noted ${count}`;
			break;
	}
	const request: TriageRequest = {id: state.nextRequestId, kind: 'apply', label, targets: targets.map((v) => ({session_id: v.id, session_path: v.row.session_path})), patch};
	return {...state, triageRequest: request, nextRequestId: state.nextRequestId + 1};
}

const COMMANDS = ['save', 'load', 'delete', 'hide', 'show', 'columns', 'views'] as const;
const HIDEABLE_COLUMNS = ['created', 'model', 'state', 'images', 'completion', 'bar', 'mode', 'sweep', 'size', 'steps', 'cfg', 'sampler', 'flags'];

function currentSettings(state: ExplorerState): ViewSettings {
	return {sort: state.sort, filter: formatQuery(state.filter.query), hidden: [...state.hiddenColumns]};
}

/** Applies a saved view: its sort, its filter and its hidden columns. */
export function applyView(state: ExplorerState, settings: ViewSettings): ExplorerState {
	const filtered = withText(state, settings.filter);
	return withSort({...filtered, hiddenColumns: new Set(settings.hidden)}, settings.sort);
}

/** Candidates for Tab in the current input. */
function completionsFor(state: ExplorerState, purpose: 'tag-input' | 'note-input' | 'command', text: string): string[] {
	if (purpose === 'tag-input') return state.tagsInUse.filter((t) => t.toLowerCase().startsWith(text.toLowerCase()));
	if (purpose !== 'command') return [];
	const [command = '', ...rest] = text.split(/\s+/);
	if (rest.length === 0) return COMMANDS.filter((c) => c.startsWith(command)).map((c) => `${c} `);
	const argument = rest.join(' ');
	const pool = command === 'load' || command === 'delete' ? Object.keys(state.savedViews) : command === 'hide' || command === 'show' ? HIDEABLE_COLUMNS : [];
	return pool.filter((p) => p.startsWith(argument)).map((p) => `${command} ${p}`);
}

function runCommand(state: ExplorerState, text: string): ExplorerState {
	const [command = '', ...rest] = text.trim().split(/\s+/);
	const argument = rest.join(' ');
	const back = {...state, mode: state.previousMode, input: null};
	switch (command) {
		case '':
			return back;
		case 'save':
			if (!/^[\w.-]{1,40}$/.test(argument)) return {...back, message: 'save NAME: letters, digits, . _ - (up to 40)'};
			return {...back, savedViews: {...state.savedViews, [argument]: currentSettings(state)}, viewsRevision: state.viewsRevision + 1, message: `saved the view ${argument}`};
		case 'load': {
			const settings = state.savedViews[argument];
			if (!settings) return {...back, message: `no saved view named ${argument} (saved: ${Object.keys(state.savedViews).join(', ') || 'none'})`};
			return {...applyView(back, settings), viewsRevision: state.viewsRevision + 1, message: `loaded the view ${argument}`};
		}
		case 'delete': {
			if (!state.savedViews[argument]) return {...back, message: `no saved view named ${argument}`};
			const {[argument]: _gone, ...savedViews} = state.savedViews;
			return {...back, savedViews, viewsRevision: state.viewsRevision + 1, message: `deleted the view ${argument}`};
		}
		case 'views':
			return {...back, message: `saved views: ${Object.keys(state.savedViews).join(', ') || 'none'}`};
		case 'hide':
		case 'show': {
			if (!HIDEABLE_COLUMNS.includes(argument)) return {...back, message: `${command} COLUMN: one of ${HIDEABLE_COLUMNS.join(', ')}`};
			const hidden = new Set(state.hiddenColumns);
			if (command === 'hide') hidden.add(argument);
			else hidden.delete(argument);
			return {...back, hiddenColumns: hidden, viewsRevision: state.viewsRevision + 1};
		}
		case 'columns':
			return {...back, message: `hidden columns: ${[...state.hiddenColumns].join(', ') || 'none'} (:hide COLUMN, :show COLUMN)`};
		default:
			return {...back, message: `unknown command ${command} (commands: ${COMMANDS.join(', ')})`};
	}
}

function inputAction(state: ExplorerState, action: Action): ExplorerState {
	const input = state.input ?? {text: '', completions: []};
	const purpose = state.mode as 'tag-input' | 'note-input' | 'command';
	switch (action.type) {
		case 'input-type': {
			// Notes may hold any text the user types; nothing from a paste reaches the terminal raw.
			const text = input.text + sanitizeLine(action.text);
			return {...state, input: {text, completions: completionsFor(state, purpose, text)}};
		}
		case 'input-delete': {
			const text = [...input.text].slice(0, -1).join('');
			return {...state, input: {text, completions: completionsFor(state, purpose, text)}};
		}
		case 'input-complete': {
			const [first] = input.completions;
			if (first === undefined) return state;
			// Several candidates: complete their common prefix; one: take it.
			const prefix = input.completions.reduce((a, b) => {
				let i = 0;
				while (i < a.length && i < b.length && a[i] === b[i]) i++;
				return a.slice(0, i);
			}, first);
			const text = prefix.length > input.text.length ? prefix : first;
			return {...state, input: {text, completions: completionsFor(state, purpose, text)}};
		}
		case 'input-submit': {
			const closed = {...state, mode: state.previousMode, input: null};
			if (purpose === 'command') return runCommand(state, input.text);
			if (purpose === 'tag-input') return triage(closed, {kind: 'tag', tag: input.text});
			return triage(closed, {kind: 'note', value: input.text.trim() === '' ? null : input.text});
		}
		default:
			return state;
	}
}

/** The reducer the app uses: keys go through the key table first, against the latest state. */
const TEXT_MODES = new Set<Mode>(['filter-input', 'tag-input', 'note-input', 'command']);

export function explorerReducer(state: ExplorerState, action: Action): ExplorerState {
	if (action.type !== 'key') return reducer(state, action);
	// Several keys in one chunk (fast typing, a slow link): each is taken in turn, in the mode it meets.
	if ([...action.input].length > 1 && !action.key.ctrl && !action.key.meta) {
		const keys = splitChunk(action.input, action.key, TEXT_MODES.has(state.mode));
		if (keys.length > 1 || keys[0]?.input !== action.input) {
			let next = state;
			for (const {input, key} of keys) next = explorerReducer(next, {type: 'key', input, key});
			return next;
		}
	}
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
		case 'tick': {
			// Time alone moves a run from running to stalled: re-derive the states that depend on the clock.
			const moved = s.all.filter((v) => (v.state === 'running' || v.state === 'stalled') && toSessionView(v.row, action.nowMs, s.stallWindowMs).state !== v.state);
			if (moved.length === 0) return s;
			return updateRows(s, moved.map((v) => v.row), [], action.nowMs);
		}
		case 'groups-open': {
			const by = s.groups?.by ?? 'model';
			return {...s, mode: 'groups', groups: {by, rows: rollup(s.shown, by, s.nowMs), focus: 0}};
		}
		case 'groups-switch': {
			if (!s.groups) return s;
			const by = nextGroupBy(s.groups.by, action.step);
			return {...s, groups: {by, rows: rollup(s.shown, by, s.nowMs), focus: 0}};
		}
		case 'groups-move': {
			if (!s.groups) return s;
			const focus = Math.max(0, Math.min(s.groups.rows.length - 1, s.groups.focus + action.delta));
			return {...s, groups: {...s.groups, focus}};
		}
		case 'groups-apply': {
			const group = s.groups?.rows[s.groups.focus];
			if (!group) return {...s, mode: 'list', groups: null};
			// The list narrows to the group within what it showed: the current query plus the group's own terms.
			return {...withText({...s, mode: 'list', groups: null}, queryWithin(s.filter.query, group)), message: `${group.sessions} session${group.sessions === 1 ? '' : 's'} of ${group.label}`};
		}
		case 'rates': {
			const rates = new Map(s.rates);
			for (const [id, rate] of action.rates) rates.set(id, rate);
			return {...s, rates};
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
		case 'triage':
			return triage(s, action.intent);
		case 'triage-applied': {
			if (s.triageRequest?.id !== action.requestId) return s;
			const done = {...s, triageRequest: null, tagsInUse: action.tags.length > 0 ? action.tags : s.tagsInUse};
			if (action.error) return {...done, message: `triage failed, not saved: ${action.error}`};
			const undo = action.snapshots ? [...s.undo, {label: action.label, snapshots: action.snapshots}].slice(-50) : s.undo;
			return {...updateRows(done, action.rows, [], s.nowMs), undo, message: action.label};
		}
		case 'triage-locked': {
			if (s.triageRequest?.id !== action.requestId) return s;
			return {...s, message: `saving (${s.triageRequest.label}): session_metadata is locked by another program (the web UI?); retrying, keys still work`};
		}
		case 'undo': {
			if (s.triageRequest) return {...s, message: `a change is still being saved (${s.triageRequest.label}); undo when it lands`};
			const last = s.undo.at(-1);
			if (!last) return {...s, message: 'nothing to undo'};
			const request: TriageRequest = {id: s.nextRequestId, kind: 'restore', label: `undone: ${last.label}`, snapshots: last.snapshots};
			return {...s, undo: s.undo.slice(0, -1), triageRequest: request, nextRequestId: s.nextRequestId + 1};
		}
		case 'input-open': {
			if ((action.purpose === 'tag-input' || action.purpose === 'note-input') && s.info.readonly) return {...s, message: 'the database is read-only: triage is off'};
			if (action.purpose !== 'command' && targetsOf(s).length === 0) return {...s, message: 'no session selected'};
			// A note starts from the selected session's note, so it can be edited rather than retyped.
			const note = action.purpose === 'note-input' && s.marks.size === 0 ? (s.shown[s.cursorIndex]?.triage.note ?? '') : '';
			const text = sanitizeLine(note);
			return {...openOverlay(s, action.purpose), input: {text, completions: completionsFor(s, action.purpose, text)}};
		}
		case 'input-type':
		case 'input-delete':
		case 'input-complete':
		case 'input-submit':
			return inputAction(s, action);
		case 'export-open':
			return openOverlay(s, 'export');
		case 'export-choose': {
			const ids = s.marks.size > 0 ? s.shown.filter((v) => s.marks.has(v.id)).map((v) => v.id) : s.shown.map((v) => v.id);
			if (ids.length === 0) return {...s, mode: s.previousMode, message: 'nothing to export'};
			return {...s, mode: s.previousMode, exportRequest: {id: s.nextRequestId, format: action.format, sessionIds: ids}, nextRequestId: s.nextRequestId + 1};
		}
		case 'export-done':
			return {...s, exportRequest: null, message: action.message};
		case 'tags-loaded':
			return {...s, tagsInUse: action.tags};
		case 'views-loaded-from-file':
			return {...s, savedViews: action.saved, message: action.warning ?? s.message};
		case 'details-loaded':
			return {...s, detailsRow: action.row};
		case 'insight-loaded':
			return {...s, detailsInsight: {sessionId: action.sessionId, insight: action.insight, error: action.error}};
		case 'key':
			return explorerReducer(s, action);
	}
}

/** Counts already made, per list of sessions (lists are replaced, never changed, so a list's counts hold). */
const countsByList = new WeakMap<readonly SessionView[], ReadonlyMap<SessionState, number>>();

/**
 * Counts per state over every cached session, for the header. Remembered per list: the header draws on every
 * key, and counting 100,000 rows each time cost a few milliseconds of every frame.
 */
export function stateCounts(views: readonly SessionView[]): ReadonlyMap<SessionState, number> {
	let counts = countsByList.get(views);
	if (counts === undefined) {
		const made = new Map<SessionState, number>();
		for (const v of views) made.set(v.state, (made.get(v.state) ?? 0) + 1);
		counts = made;
		countsByList.set(views, counts);
	}
	return counts;
}

export {INCOMPLETE_STATES};
