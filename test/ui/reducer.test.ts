/**
 * The reducer on its own: pure transitions from `initialState` through key and direct actions. The list
 * pipeline's invariant (shown = sorted filtered, sorted = all sorted) is checked after every step.
 */
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {INCOMPLETE_STATES} from '../../source/core/state.js';
import {FILTER_PANE_ITEMS} from '../../source/ui/model/filter-pane.js';
import {EMPTY_FILTER} from '../../source/view/filter.js';
import {compileQuery} from '../../source/view/query-match.js';
import {hasIncomplete} from '../../source/ui/model/filter-pane.js';
import {formatQuery} from '../../source/core/query.js';
import {explorerReducer, initialState, reducer} from '../../source/ui/state/reducer.js';
import type {Action, ExplorerState} from '../../source/ui/state/types.js';
import type {ListedSession, StoredSession} from '../../source/core/types.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import {key} from '../helpers/ink-key.js';
import {toSessionView} from '../../source/view/session-view.js';
import {sortPrepared} from '../../source/view/sort.js';
import {hasSearchIndex} from '../../source/view/search-index.js';
import {positionsIn} from '../../source/view/list-positions.js';

const K = {
	down: key({downArrow: true}),
	up: key({upArrow: true}),
	left: key({leftArrow: true}),
	right: key({rightArrow: true}),
	enter: key({return: true}),
	escape: key({escape: true, meta: true}),
	backspace: key({delete: true}),
	ctrlH: key({backspace: true}),
	ctrlC: key({ctrl: true}),
};

/** Sends keys: a string is one printable key each character, a Key object a named key. */
function press(state: ExplorerState, ...keys: Array<string | Key | [string, Key]>): ExplorerState {
	let s = state;
	for (const k of keys) {
		let action: Action;
		if (typeof k === 'string') {
			for (const c of k) {
				s = explorerReducer(s, {type: 'key', input: c, key: key({shift: /[A-Z]/.test(c)})});
				checkPipeline(s);
			}
			continue;
		}
		if (Array.isArray(k)) action = {type: 'key', input: k[0], key: k[1]};
		else action = {type: 'key', input: '', key: k};
		s = explorerReducer(s, action);
		checkPipeline(s);
	}
	return s;
}

function ids(views: ReadonlyArray<{id: string}>): string[] {
	return views.map((v) => v.id);
}

/** What `shown` must be, whatever path (narrowing or not) the reducer took to get there. */
function checkPipeline(s: ExplorerState): void {
	const test = compileQuery(s.filter.query, s.nowMs);
	expect(ids(s.shown)).toEqual(ids(s.sorted.filter(test)));
	expect(new Set(ids(s.sorted))).toEqual(new Set(ids(s.all)));
	if (s.shown.length > 0) {
		expect(s.cursorIndex).toBeGreaterThanOrEqual(0);
		expect(s.cursorIndex).toBeLessThan(s.shown.length);
		expect(s.cursorId).toBe(s.shown[s.cursorIndex]!.id);
	}
}

const STALL_WINDOW_MS = 10 * 60_000;

function emptyState(viewport = {columns: 100, rows: 30}): ExplorerState {
	return initialState({
		viewport,
		nowMs: TEST_NOW,
		stallWindowMs: STALL_WINDOW_MS,
		info: {root: '/results', dbPath: '/db/sessions.db', notice: null, readonly: false},
	});
}

function loaded(rows: StoredSession[] = sampleSessions(), viewport = {columns: 100, rows: 30}): ExplorerState {
	const s = reducer(emptyState(viewport), {type: 'rows-loaded', rows, complete: true, nowMs: TEST_NOW});
	checkPipeline(s);
	return s;
}

/** Recomputed (or another program's) rows landing in the list, and sessions gone. */
function landed(s: ExplorerState, rows: ListedSession[], removedIds: string[] = []): ExplorerState {
	return reducer(s, {type: 'rows-updated', rows, removedIds, nowMs: TEST_NOW});
}

const nameOf = (s: ExplorerState): string => s.shown[s.cursorIndex]!.name;
const shownNames = (s: ExplorerState): string[] => s.shown.map((v) => v.name);

/** Moves the cursor (by keys) onto the session with this display name. */
function moveToName(state: ExplorerState, name: string): ExplorerState {
	let s = press(state, 'g');
	for (let i = 0; i < s.shown.length && nameOf(s) !== name; i++) s = press(s, 'j');
	expect(nameOf(s)).toBe(name);
	return s;
}

/** Moves the filter pane's focus by keys. */
function focusPane(s: ExplorerState, index: number): ExplorerState {
	let next = s;
	while (next.filterPane!.focus < index) next = press(next, K.down);
	while (next.filterPane!.focus > index) next = press(next, K.up);
	expect(next.filterPane!.focus).toBe(index);
	return next;
}

/** The sort pane, by keys: focus the column, pick the direction, apply. */
function sortBy(state: ExplorerState, column: string, direction: 'asc' | 'desc'): ExplorerState {
	let s = press(state, 's');
	const order = [
		'created',
		'name',
		'model',
		'state',
		'images',
		'completion',
		'mode',
		'sweep',
		'size',
		'steps',
		'cfg',
		'sampler',
	];
	const target = order.indexOf(column);
	while (s.sortPane!.focus > target) s = press(s, K.up);
	while (s.sortPane!.focus < target) s = press(s, K.down);
	s = press(s, direction === 'asc' ? K.left : K.right, K.enter);
	expect(s.sort).toEqual({key: column, direction});
	expect(s.mode).toBe('list');
	return s;
}

describe('the reducer is pure', () => {
	it('does not change the state it is given and answers the same action the same way', () => {
		const s = loaded();
		const before = structuredClone(s);
		const actions: Action[] = [
			{type: 'key', input: 'j', key: key()},
			{type: 'key', input: ' ', key: key()},
			{type: 'key', input: 'i', key: key()},
			{type: 'key', input: 'a', key: key()},
			{
				type: 'rows-updated',
				rows: [storedSession('20251114_100000-partial_illu', {numImages: 10, images: 10, status: 'completed'})],
				removedIds: ['20251113_100000-over_run'],
				nowMs: TEST_NOW,
			},
		];
		for (const action of actions) {
			const a = explorerReducer(s, action);
			const b = explorerReducer(s, action);
			expect(a).not.toBe(s);
			expect(structuredClone(a)).toEqual(structuredClone(b));
		}
		expect(structuredClone(s)).toEqual(before);
	});

	it('starts empty, in the list, loading, sorted newest first', () => {
		const start = initialState({
			viewport: {columns: 80, rows: 24},
			nowMs: TEST_NOW,
			stallWindowMs: 600_000,
			info: {root: '/r', dbPath: '/d', notice: null, readonly: false},
		});
		expect(start.mode).toBe('list');
		expect(start.shown).toEqual([]);
		expect(start.loading).toBe(true);
		expect(start.sort).toEqual({key: 'created', direction: 'desc'});
		expect(start.filter).toEqual(EMPTY_FILTER);
		const s = loaded();
		expect(s.loading).toBe(false);
		expect(shownNames(s)[0]).toBe('running_now');
		expect(shownNames(s).at(-1)).toBe('legacy.prompt');
	});
});

describe('cursor stability', () => {
	it('keeps the cursor on its session when the sort changes', () => {
		let s = moveToName(loaded(), 'partial_illu');
		for (const [column, direction] of [
			['name', 'asc'],
			['completion', 'asc'],
			['images', 'desc'],
			['state', 'desc'],
			['created', 'asc'],
		] as const) {
			s = sortBy(s, column, direction);
			expect(nameOf(s), `${column} ${direction}`).toBe('partial_illu');
		}
	});

	it('keeps the cursor on the first session when the sort changes before the cursor was ever moved', () => {
		let s = loaded();
		expect(nameOf(s)).toBe('running_now');
		s = sortBy(s, 'name', 'asc');
		expect(shownNames(s)[0]).not.toBe('running_now');
		expect(nameOf(s)).toBe('running_now');
	});

	it('keeps the cursor on its session while a filter that still shows it is typed', () => {
		let s = moveToName(loaded(), 'partial_illu');
		s = press(s, '/', 'fox');
		expect(shownNames(s)).toEqual(['partial_illu']);
		expect(nameOf(s)).toBe('partial_illu');
		s = press(s, K.escape, K.escape);
		expect(s.mode).toBe('list');
		expect(s.shown.length).toBe(10);
		expect(nameOf(s)).toBe('partial_illu');
	});

	it('puts the cursor on the nearest shown row when its session is filtered out', () => {
		// The last row filtered out: the row above it is the nearest.
		let s = press(loaded(), 'G');
		expect(nameOf(s)).toBe('legacy.prompt');
		s = press(s, '/', 'complete');
		expect(shownNames(s)).toEqual(['complete_pony']);
		expect(nameOf(s)).toBe('complete_pony');

		// A row in the middle filtered out by one change: one of its neighbours in the list takes the cursor.
		s = moveToName(loaded(), 'empty_run');
		const order = shownNames(s);
		const i = order.indexOf('empty_run');
		s = focusPane(
			press(s, 'f'),
			FILTER_PANE_ITEMS.findIndex((item) => item.kind === 'number' && item.bound === 'min'),
		);
		// completion ≥ 1 hides the empty session (0%) and the two without a known completion.
		s = press(s, '1');
		expect(shownNames(s)).toEqual(order.filter((n) => !['empty_run', 'broken', 'legacy.prompt'].includes(n)));
		expect([order[i - 1], order[i + 1]]).toContain(nameOf(s));
		s = press(s, K.enter);
		expect([order[i - 1], order[i + 1]]).toContain(nameOf(s));
	});

	it('keeps the cursor on its session when recomputed rows move it in the sort', () => {
		let s = sortBy(loaded(), 'completion', 'asc');
		s = moveToName(s, 'partial_illu');
		const before = s.cursorIndex;
		s = landed(s, [
			storedSession('20251114_100000-partial_illu', {numImages: 10, images: 20, status: 'completed'}),
		]);
		checkPipeline(s);
		expect(s.cursorIndex).not.toBe(before);
		expect(nameOf(s)).toBe('partial_illu');
		expect(s.shown[s.cursorIndex]!.completion).toBe(200);
	});

	it('updates rows in place and keeps the cursor when the sort does not move them', () => {
		let s = moveToName(loaded(), 'empty_run');
		s = landed(s, [storedSession('20251112_100000-empty_run', {numImages: 5, images: 5, status: 'completed'})]);
		checkPipeline(s);
		expect(nameOf(s)).toBe('empty_run');
		expect(s.shown[s.cursorIndex]!.state).toBe('complete');
		expect(s.shown[s.cursorIndex]!.row.images_actual).toBe(5);
	});

	it('moves the cursor to the nearest row and drops the mark when the cursor session is removed', () => {
		let s = moveToName(loaded(), 'over_run');
		s = press(s, ' ');
		s = moveToName(s, 'over_run');
		expect(s.marks.has('20251113_100000-over_run')).toBe(true);
		s = landed(s, [], ['20251113_100000-over_run']);
		checkPipeline(s);
		expect(shownNames(s)).not.toContain('over_run');
		expect(['partial_illu', 'empty_run']).toContain(nameOf(s));
		expect(s.marks.size).toBe(0);
	});

	it('keeps the views of recomputed rows equal to the listed ones (regression: a recompute of everything replaced all 100,000 rows and copied the list at every landing)', () => {
		let s = moveToName(loaded(), 'over_run');
		const before = s;
		const equal = s.all.map((v) => ({...v.row}));
		s = landed(s, equal);
		checkPipeline(s);
		// Only the cursor's row is replaced (its details and pictures are read again); the others keep their views.
		const cursorId = before.shown[before.cursorIndex]!.id;
		for (const [i, view] of s.all.entries()) {
			if (view.id === cursorId) expect(view).not.toBe(before.all[i]);
			else expect(view).toBe(before.all[i]);
		}
		expect(ids(s.shown)).toEqual(ids(before.shown));
		expect(nameOf(s)).toBe('over_run');

		// A row that differs in any field is replaced.
		const other = s.all.find((v) => v.id !== cursorId)!;
		s = landed(s, [{...other.row, images_recorded: (other.row.images_recorded ?? 0) + 1}]);
		checkPipeline(s);
		const replaced = s.all.find((v) => v.id === other.id)!;
		expect(replaced).not.toBe(other);
		expect(replaced.row.images_recorded).toBe((other.row.images_recorded ?? 0) + 1);
	});

	it('takes a recomputed row that is unchanged off the stale list', () => {
		let s = loaded();
		const row = s.all[2]!.row;
		s = reducer(s, {type: 'stale-checked', stale: [row.session_id], newOnDisk: []});
		expect(s.stale.has(row.session_id)).toBe(true);
		s = landed(s, [{...row}]);
		expect(s.stale.has(row.session_id)).toBe(false);
	});

	it('adds recomputed sessions that were not cached yet, in order, without moving the cursor', () => {
		let s = moveToName(loaded(), 'over_run');
		s = landed(s, [storedSession('20251120_115900-brand_new', {numImages: 2, images: 2, status: 'completed'})]);
		checkPipeline(s);
		expect(shownNames(s)[0]).toBe('brand_new');
		expect(s.all.length).toBe(11);
		expect(nameOf(s)).toBe('over_run');
	});
});

describe('what the list keeps ready at 100,000 rows', () => {
	function viewsLoaded(rows: StoredSession[] = sampleSessions()): ExplorerState {
		const views = rows.map((row) => toSessionView(row, TEST_NOW, STALL_WINDOW_MS));
		const s = reducer(emptyState(), {type: 'views-loaded', views, nowMs: TEST_NOW});
		checkPipeline(s);
		return s;
	}

	it("makes the i preset's order and the search index with the last page of loading (regression: made in slices after loading, the slices ran within the first keys)", () => {
		const s = viewsLoaded();
		expect(sortPrepared(s.all, 'completion')).toBe(true);
		expect(hasSearchIndex(s.all)).toBe(true);
		expect(positionsIn(s.sorted, s.all)).not.toBeNull();
	});

	it('keeps the positions and the search index when recomputed rows are swapped in place, and finds a row by its new model', () => {
		// No filter in force: nothing searches the new list before the checks below.
		let s = viewsLoaded();
		const before = s;
		const target = s.all.find((v) => v.name === 'empty_run')!;
		s = landed(s, [
			storedSession(target.id, {
				numImages: 5,
				images: 5,
				status: 'completed',
				model: 'zebraMix_v1.safetensors',
			}),
		]);
		checkPipeline(s);
		// Swapped in place: the same order, new lists.
		expect(s.all).not.toBe(before.all);
		expect(ids(s.all)).toEqual(ids(before.all));
		expect(positionsIn(s.sorted, s.all)).not.toBeNull();
		expect(hasSearchIndex(s.all)).toBe(true);
		s = press(s, '/', 'zebramix');
		expect(shownNames(s)).toEqual(['empty_run']);
	});

	it('finds words in rows added by a recompute (the index is made again for the new list)', () => {
		let s = viewsLoaded();
		s = landed(s, [storedSession('20251120_115900-brand_new', {numImages: 2, images: 2, status: 'completed'})]);
		checkPipeline(s);
		s = press(s, '/', 'brand');
		expect(shownNames(s)).toEqual(['brand_new']);
		expect(hasSearchIndex(s.all)).toBe(true);
	});
});

describe('marks', () => {
	it('Space marks and moves down, again unmarks; a marks every shown row; u clears', () => {
		let s = press(loaded(), ' ');
		expect([...s.marks]).toEqual(['20251120_115500-running_now']);
		expect(nameOf(s)).toBe('complete_pony');
		s = press(s, ' ');
		expect(s.marks.size).toBe(2);
		s = press(s, 'k', ' ');
		expect([...s.marks]).toEqual(['20251120_115500-running_now']);
		expect(nameOf(s)).toBe('partial_illu');
		// `a` marks what is shown, not what the filter hides.
		s = press(s, 'u', '/', 'run', K.enter, 'a');
		expect(new Set(s.marks)).toEqual(new Set(s.shown.map((v) => v.id)));
		expect(s.marks.size).toBe(shownNames(s).length);
		expect(s.marks.size).toBeLessThan(10);
		s = press(s, 'u');
		expect(s.marks.size).toBe(0);
	});

	it('Space on the last row marks it and stays', () => {
		const s = press(loaded(), 'G', ' ');
		expect(nameOf(s)).toBe('legacy.prompt');
		expect(s.marks.has('2025-10-14_163854_legacy.prompt')).toBe(true);
	});
});

describe('the incomplete preset', () => {
	it('shows only partial, stalled, aborted, empty and running sessions, lowest completion first; i again restores', () => {
		let s = sortBy(loaded(), 'name', 'asc');
		const before = shownNames(s);
		s = press(s, 'i');
		expect(hasIncomplete(s.filter.query)).toBe(true);
		expect(s.shown.length).toBe(5);
		for (const v of s.shown) expect(INCOMPLETE_STATES.has(v.state)).toBe(true);
		expect(new Set(s.shown.map((v) => v.state))).toEqual(
			new Set(['partial', 'stalled', 'aborted', 'empty', 'running']),
		);
		const completions = s.shown.map((v) => v.completion);
		expect(completions).toEqual([...completions].sort((a, b) => a - b));
		expect(shownNames(s)[0]).toBe('empty_run');
		// 25% twice: the newer (running_now) first.
		expect(shownNames(s)).toEqual(['empty_run', 'aborted_run', 'running_now', 'stalled_run', 'partial_illu']);
		s = press(s, 'i');
		expect(hasIncomplete(s.filter.query)).toBe(false);
		expect(s.sort).toEqual({key: 'name', direction: 'asc'});
		expect(shownNames(s)).toEqual(before);
	});

	it('turning i off finds the very rows of the sort and text filter it left, without ordering and filtering again', () => {
		const typed = press(sortBy(loaded(), 'completion', 'desc'), '/', 'r', K.enter);
		expect(typed.shown.length).toBeGreaterThan(0);
		const on = press(typed, 'i');
		expect(on.shown).not.toBe(typed.shown);
		const off = press(on, 'i');
		// checkPipeline (run by press) proves they still are the sorted rows the filter lets through.
		expect(off.sort).toEqual({key: 'completion', direction: 'desc'});
		expect(off.sorted).toBe(typed.sorted);
		expect(off.shown).toBe(typed.shown);
	});

	it('Esc in the list leaves the preset', () => {
		let s = press(loaded(), 'i');
		s = press(s, K.escape);
		expect(hasIncomplete(s.filter.query)).toBe(false);
		expect(s.shown.length).toBe(10);
		expect(s.sort).toEqual({key: 'created', direction: 'desc'});
	});

	it('n and N jump to the next and previous incomplete session, wrapping around', () => {
		let s = moveToName(loaded(), 'complete_pony');
		s = press(s, 'n');
		expect(nameOf(s)).toBe('partial_illu');
		s = press(s, 'n');
		expect(nameOf(s)).toBe('empty_run');
		s = press(s, 'N');
		expect(nameOf(s)).toBe('partial_illu');
		s = press(s, 'N');
		expect(nameOf(s)).toBe('running_now');
		s = press(s, 'N');
		// Wraps to the last incomplete session.
		expect(nameOf(s)).toBe('aborted_run');
		expect(s.message).toMatch(/wrapped/);
	});
});

describe('the filter pane', () => {
	const stateFocus = (state: string): number =>
		FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'state' && i.state === state);

	const focus = focusPane;

	it('applies each change live; Esc restores the filter as it was when the pane opened', () => {
		let s = press(loaded(), '/', 'run', K.enter);
		const opened = s.filter;
		const shownBefore = shownNames(s);
		s = press(s, 'f');
		expect(s.mode).toBe('filter-pane');
		s = focus(s, stateFocus('stalled'));
		s = press(s, ' ');
		expect(shownNames(s)).toEqual(['stalled_run']);
		s = focus(s, stateFocus('running'));
		s = press(s, ' ');
		expect(shownNames(s)).toEqual(['running_now', 'stalled_run']);
		s = press(s, K.escape);
		expect(s.mode).toBe('list');
		expect(s.filter).toEqual(opened);
		expect(shownNames(s)).toEqual(shownBefore);
	});

	it('Enter keeps the changes', () => {
		let s = press(loaded(), 'f');
		s = focus(s, stateFocus('complete'));
		s = press(s, ' ', K.enter);
		expect(s.mode).toBe('list');
		expect(shownNames(s)).toEqual(['complete_pony', 'sweep']);
		expect(formatQuery(s.filter.query)).toBe('state:complete');
	});

	it('filters completion and created ranges from typed bounds', () => {
		let s = press(loaded(), 'f');
		s = focus(
			s,
			FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'number' && i.bound === 'min'),
		);
		s = press(s, '25');
		expect(formatQuery(s.filter.query)).toContain('completion:>=25');
		s = focus(
			s,
			FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'number' && i.bound === 'max'),
		);
		s = press(s, '99');
		expect(new Set(shownNames(s))).toEqual(new Set(['running_now', 'partial_illu', 'stalled_run']));
		s = press(s, K.backspace, K.ctrlH);
		expect(formatQuery(s.filter.query)).not.toContain('completion:<=');
		s = focus(
			s,
			FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'date' && i.bound === 'min'),
		);
		s = press(s, '2025-11-14');
		expect(formatQuery(s.filter.query)).toContain('created:>=2025-11-14');
		expect(shownNames(s)).toEqual(['running_now', 'complete_pony', 'partial_illu']);
		s = focus(
			s,
			FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'date' && i.bound === 'max'),
		);
		s = press(s, '2025-11-15');
		expect(shownNames(s)).toEqual(['complete_pony', 'partial_illu']);
	});

	it('Esc restores the incomplete preset, sort included, when the pane turned it off', () => {
		let s = press(loaded(), 'i');
		const presetOrder = shownNames(s);
		s = press(s, 'f');
		expect(FILTER_PANE_ITEMS[0]!.kind).toBe('incomplete');
		s = press(s, ' ');
		expect(hasIncomplete(s.filter.query)).toBe(false);
		s = press(s, K.escape);
		expect(hasIncomplete(s.filter.query)).toBe(true);
		expect(s.sort).toEqual({key: 'completion', direction: 'asc'});
		expect(shownNames(s)).toEqual(presetOrder);
	});
});

describe('the text filter', () => {
	it('Backspace returns to the rows of the text typed a moment ago without filtering again (kept per sorted list)', () => {
		const typedR = press(loaded(), '/', 'r');
		const typedRu = press(typedR, 'u');
		const back = press(typedRu, K.backspace);
		// The very rows found for "r" (checkPipeline, run by press, proves they still match a fresh filter).
		expect(back.shown).toBe(typedR.shown);
		// A new order is a new list: nothing kept from the old one is used.
		const resorted = sortBy(press(back, K.enter), 'completion', 'asc');
		expect(resorted.shown).not.toBe(typedR.shown);
	});

	it('narrows letter by letter and widens again on delete, always matching a fresh filter', () => {
		let s = press(loaded(), '/');
		const counts: number[] = [];
		for (const c of 'run') {
			s = press(s, c);
			counts.push(s.shown.length);
		}
		for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
		expect(shownNames(s)).toEqual(['running_now', 'over_run', 'empty_run', 'stalled_run', 'aborted_run']);
		s = press(s, 'n');
		expect(shownNames(s)).toEqual(['running_now']);
		s = press(s, K.backspace, K.ctrlH, K.backspace, K.backspace);
		expect(s.filter.text).toBe('');
		expect(s.shown.length).toBe(10);
		// Words match anywhere, in any order, over name, model and prompt.
		s = press(s, 'snow fox');
		expect(shownNames(s)).toEqual(['partial_illu']);
		s = press(s, K.escape);
		expect(s.filter.text).toBe('');
		expect(s.mode).toBe('filter-input');
		s = press(s, 'PONY');
		expect(shownNames(s)).toEqual(['complete_pony']);
	});

	it('matches the model and the prompt, not only the name', () => {
		let s = press(loaded(), '/', 'ponydiffusion');
		expect(shownNames(s)).toEqual(['complete_pony']);
		s = press(s, K.escape, 'red fox');
		expect(shownNames(s)).toEqual(['partial_illu']);
	});

	it('keeps the cursor on its session through a filter that matches nothing', () => {
		let s = moveToName(loaded(), 'partial_illu');
		s = press(s, '/', 'jkq/?');
		expect(s.shown).toEqual([]);
		expect(s.quitting).toBe(false);
		s = press(s, K.escape);
		expect(s.filter.text).toBe('');
		expect(nameOf(s)).toBe('partial_illu');
	});
});

describe('recompute requests', () => {
	it('r asks for the selected session, or the marked ones', () => {
		let s = moveToName(loaded(), 'over_run');
		s = press(s, 'r');
		expect(s.jobRequest).toEqual({id: 1, scope: 'sessions', sessionIds: ['20251113_100000-over_run']});
		s = reducer(s, {type: 'job-request-taken'});
		s = reducer(s, {type: 'job-started', requestId: 1, label: '1 session', total: 1, startedAtMs: TEST_NOW});
		// A second request while one runs is refused with a message.
		s = press(s, 'r');
		expect(s.jobRequest).toBeNull();
		expect(s.message).toMatch(/already running/);
		s = reducer(s, {type: 'job-finished', message: 'done'});
		s = press(s, 'g', ' ', ' ', 'r');
		expect(s.jobRequest?.scope).toBe('sessions');
		expect(new Set(s.jobRequest?.scope === 'sessions' ? s.jobRequest.sessionIds : [])).toEqual(
			new Set(['20251120_115500-running_now', '20251115_100000-complete_pony']),
		);
		expect(s.jobRequest?.id).toBe(2);
	});

	it('R asks; s chooses stale, a all, Esc nothing', () => {
		let s = press(loaded(), 'R');
		expect(s.mode).toBe('confirm');
		expect(press(s, 's').jobRequest).toEqual({id: 1, scope: 'stale'});
		expect(press(s, 's').mode).toBe('list');
		expect(press(s, 'a').jobRequest).toEqual({id: 1, scope: 'all'});
		const none = press(s, K.escape);
		expect(none.jobRequest).toBeNull();
		expect(none.mode).toBe('list');
		s = press(loaded(), K.enter, 'R');
		expect(s.mode).toBe('confirm');
		expect(press(s, K.escape).mode).toBe('details');
	});

	it('Esc cancels a running job; Ctrl-C cancels first and quits the second time', () => {
		let s = reducer(loaded(), {
			type: 'job-started',
			requestId: 1,
			label: 'all sessions',
			total: 10,
			startedAtMs: TEST_NOW,
		});
		const cancelled = press(s, K.escape);
		expect(cancelled.job?.cancelling).toBe(true);
		expect(cancelled.quitting).toBe(false);
		s = press(s, ['c', K.ctrlC]);
		expect(s.job?.cancelling).toBe(true);
		expect(s.quitting).toBe(false);
		s = press(s, ['c', K.ctrlC]);
		expect(s.quitting).toBe(true);
	});

	it('keys keep working while a job runs', () => {
		let s = reducer(loaded(), {
			type: 'job-started',
			requestId: 1,
			label: 'all sessions',
			total: 10,
			startedAtMs: TEST_NOW,
		});
		s = press(s, 'j', 'j');
		expect(nameOf(s)).toBe('partial_illu');
		s = press(s, '/', 'pony', K.enter);
		expect(shownNames(s)).toEqual(['complete_pony']);
		expect(s.job).not.toBeNull();
	});
});

describe('scrolling', () => {
	it('pages by the list height and keeps the cursor row visible', () => {
		const rows = Array.from({length: 60}, (_, i) =>
			storedSession(`20251119_${String(235959 - i * 100).padStart(6, '0')}-s${String(i).padStart(2, '0')}`, {
				numImages: 1,
				images: 1,
				status: 'completed',
			}),
		);
		let s = loaded(rows, {columns: 80, rows: 24});
		// 24 rows: 1 kept free, 2 header, 2 footer, 1 column header → 18 list rows; a page moves 17.
		s = press(s, ['', key({pageDown: true})]);
		s = press(s, ['', key({pageDown: true})]);
		expect(nameOf(s)).toBe('s34');
		expect(s.cursorIndex - s.scrollTop).toBeLessThan(18);
		expect(s.cursorIndex).toBeGreaterThanOrEqual(s.scrollTop);
		s = press(s, ['u', key({ctrl: true})]);
		expect(nameOf(s)).toBe('s25');
		s = press(s, ['d', key({ctrl: true})], ['d', key({ctrl: true})]);
		expect(nameOf(s)).toBe('s43');
		s = press(s, 'G');
		expect(s.scrollTop).toBe(60 - 18);
		s = press(s, ['', key({pageUp: true})]);
		expect(nameOf(s)).toBe('s42');
		s = press(s, 'g');
		expect(s.scrollTop).toBe(0);
	});
});

describe('regression: the demo opened with its cursor in the middle of the list (first compute of an empty cache)', () => {
	const fill = (pressKey: boolean) => {
		let s = reducer(emptyState(), {type: 'rows-loaded', rows: [], complete: true, nowMs: TEST_NOW});
		// The compute lands the oldest session first, then newer ones that sort above it.
		const sessions = sampleSessions();
		const oldestFirst = [...sessions].sort((a, b) => a.session_id.localeCompare(b.session_id));
		s = landed(s, oldestFirst.slice(0, 1));
		const firstLanded = s.shown[s.cursorIndex]!.id;
		if (pressKey) s = explorerReducer(s, {type: 'key', input: 'x', key: key()});
		s = landed(s, oldestFirst.slice(1));
		// While the compute runs the cursor keeps its session (item 16 below).
		const whileFilling = s.shown[s.cursorIndex]!.id;
		s = reducer(s, {type: 'job-finished', message: 'recomputed'});
		return {s, firstLanded, whileFilling};
	};

	it('goes to the top when that compute ends and no key was pressed', () => {
		const {s, firstLanded, whileFilling} = fill(false);
		expect(whileFilling).toBe(firstLanded);
		expect(s.shown[0]!.id).not.toBe(firstLanded);
		expect(s.cursorIndex).toBe(0);
		expect(s.scrollTop).toBe(0);
		expect(s.cursorId).toBe(s.shown[0]!.id);
	});

	it('stays on its session when a key was pressed while it filled', () => {
		const {s, firstLanded} = fill(true);
		expect(s.shown[s.cursorIndex]!.id).toBe(firstLanded);
		expect(s.cursorIndex).toBeGreaterThan(0);
	});
});

describe('regression: a new session arriving above the cursor does not take it (issue 11 item 16)', () => {
	it("keeps the cursor on the first row's session when a newer one arrives before any key", () => {
		let s = reducer(emptyState(), {type: 'rows-loaded', rows: sampleSessions(), complete: true, nowMs: TEST_NOW});
		const first = s.shown[s.cursorIndex]!.id;
		expect(s.cursorIndex).toBe(0);
		s = landed(s, [
			storedSession('20251120_115959-newest', {numImages: 2, images: 1, status: 'ongoing', idleMinutes: 0}),
		]);
		expect(s.shown[0]!.id).toBe('20251120_115959-newest');
		expect(s.shown[s.cursorIndex]!.id).toBe(first);
		expect(s.cursorIndex).toBe(1);
		// A key now acts on the session the user saw selected.
		s = explorerReducer(s, {type: 'key', input: ' ', key: key()});
		expect([...s.marks]).toEqual([first]);
	});
});
