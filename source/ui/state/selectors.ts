/**
 * What views, hooks and slices read from the state, computed in one place: the selected session, the targets of
 * an action, the header's counts, the filter pane's choices, and the details' lines (the view draws them and
 * the reducer bounds scrolling by the same ones, so the last line is always reachable).
 */
import type {ListedSession, SessionState} from '../../core/types.js';
import {rowKeyOf, type SessionView} from '../../view/session-view.js';
import {
	buildDetails,
	databaseText,
	detailsInsightLines,
	type DetailsContext,
	type DetailsLine,
} from '../model/details.js';
import {SORT_KEYS, type SortKey} from '../../view/sort.js';
import {screenOf} from './screen.js';
import type {ExplorerState, RootInfo} from './types.js';
import type {RootColumn} from '../model/columns.js';

/** The session under the cursor, if one is shown. */
export function selectedView(state: ExplorerState): SessionView | undefined {
	return state.shown[state.cursorIndex];
}

export function selectedId(state: ExplorerState): string | null {
	return selectedView(state)?.id ?? null;
}

/**
 * The rows the list shows for the given keys, the selected one left out: what a recompute's stored rows are
 * compared with (an equal row is not read again), while the selected row is always read again, so its details
 * show the new computed time.
 */
export function shownRowsOf(state: ExplorerState, keys: ReadonlySet<string>): Map<string, ListedSession> {
	const selected = selectedId(state);
	const rows = new Map<string, ListedSession>();
	for (const view of state.all) if (view.id !== selected && keys.has(view.id)) rows.set(view.id, view.row);
	return rows;
}

/** The sessions a triage or export acts on: the marked ones when there are marks, else the selected one. */
export function targetsOf(state: ExplorerState): SessionView[] {
	if (state.marks.size > 0) return state.all.filter((v) => state.marks.has(v.id));
	const selected = selectedView(state);
	return selected ? [selected] : [];
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

const rootCountsByList = new WeakMap<readonly SessionView[], ReadonlyMap<string, number>>();

/** Sessions per root (by name) over every cached session, for the header; remembered per list, as stateCounts. */
export function rootCounts(views: readonly SessionView[]): ReadonlyMap<string, number> {
	let counts = rootCountsByList.get(views);
	if (counts === undefined) {
		const made = new Map<string, number>();
		for (const v of views) {
			const name = v.row.root_name ?? '';
			made.set(name, (made.get(name) ?? 0) + 1);
		}
		counts = made;
		rootCountsByList.set(views, counts);
	}
	return counts;
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

/**
 * A running session's images per minute as the live poll last computed it (core/rate.ts, the definition `watch`
 * uses too); undefined until a poll sees it change.
 */
export function rateOf(state: ExplorerState, view: SessionView): number | undefined {
	return view.state === 'running' ? state.rates.get(view.id) : undefined;
}

/** Everything the details of a session show besides its rows: the clock, the database, staleness, the live rate. */
export function detailsContextOf(state: ExplorerState, view: SessionView): DetailsContext {
	// With several roots, the session's own root and caches.
	const root = (state.info.roots ?? []).length > 1 ? rootOfRow(state, view.row) : null;
	return {
		nowMs: state.nowMs,
		stallWindowMs: state.stallWindowMs,
		dbPath: root
			? databaseText(root.dbPath, root.sharedPath)
			: databaseText(state.info.dbPath, state.info.sharedPath ?? null),
		stale: state.stale.has(view.id),
		ratePerMinute: rateOf(state, view),
		...(root ? {root: {name: root.name, path: root.path, problem: state.rootProblems[root.name] ?? null}} : {}),
	};
}

/** Where the details are drawn: beside the list on a wide terminal, else over the whole width. */
export function detailsWidthOf(state: ExplorerState): number {
	const screen = screenOf(state);
	return screen.kind === 'normal' && screen.sideWidth > 0 ? screen.sideWidth : state.viewport.columns;
}

/** The lines of the details of `view` at `width`; until its full row arrives, its name and a loading line. */
export function detailsLinesOf(state: ExplorerState, view: SessionView, width: number): DetailsLine[] {
	const row = state.detailsRow;
	if (!row || rowKeyOf(row) !== view.id) return [{text: view.fullName, role: 'title'}, {text: 'loading details…'}];
	return [
		...buildDetails(view, row, width, detailsContextOf(state, view)),
		...detailsInsightLines(state.detailsInsight, view.id, width),
	];
}

/** The furthest a text of `lines` lines can scroll in `height` lines: at the bottom every remaining line fits. */
export function scrollLimit(lines: number, height: number): number {
	return Math.max(0, lines - height);
}

/**
 * The root a row belongs to (its name is on the row), with the caches its actions and marks go to; null when
 * the explorer was given no roots (a test's state) or the row names none.
 */
export function rootOfRow(state: ExplorerState, row: Pick<ListedSession, 'root_name'>): RootInfo | null {
	const roots = state.info.roots ?? [];
	return roots.find((root) => root.name === row.root_name) ?? (roots.length === 1 ? roots[0]! : null);
}

/** The root column's labels and unavailable roots; undefined with a single root (the column is not shown). */
export function rootColumnOf(
	state: Pick<ExplorerState, 'rootProblems'> & {info: Pick<ExplorerState['info'], 'roots'>},
): RootColumn | undefined {
	const roots = state.info.roots ?? [];
	if (roots.length < 2) return undefined;
	return {
		labels: new Map(roots.map((root) => [root.name, root.label])),
		unavailable: new Set(Object.keys(state.rootProblems)),
	};
}

/** The columns the sort pane offers: the root only when there are several (with one, every row ties). */
export function sortKeysOf(state: ExplorerState): readonly SortKey[] {
	return rootColumnOf(state) ? SORT_KEYS : SORT_KEYS_OF_ONE_ROOT;
}

const SORT_KEYS_OF_ONE_ROOT: readonly SortKey[] = SORT_KEYS.filter((key) => key !== 'root');
