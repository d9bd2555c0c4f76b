/**
 * The panes slice: details (its full row, folder insight and live rates, and scrolling), help, the sort pane,
 * the filter pane, the groups view, and Esc — going back from any of them.
 */
import {previewsBack} from './previews.js';
import {rowKeyOf} from '../../view/session-view.js';
import {nextGroupBy, queryWithin, rollup} from '../../view/rollup.js';
import {
	FILTER_PANE_ITEMS,
	acceptsCharacter,
	applyTyped,
	currentText,
	cycleItem,
	hasIncomplete,
	toggleItem,
} from '../model/filter-pane.js';
import {adjacentSection, helpLines, helpSectionStart} from '../model/help-lines.js';
import {cancelJob} from './jobs.js';
import {clearFilter, scrollIntoView, toggleIncomplete, withQuery, withSort, withText} from './list.js';
import {openOverlay} from './overlays.js';
import {screenOf} from './screen.js';
import {detailsTextHeight} from './previews.js';
import {
	choiceOptions,
	detailsLinesOf,
	detailsWidthOf,
	scrollLimit,
	selectedId,
	selectedView,
	sortKeysOf,
} from './selectors.js';
import type {ExplorerState, PaneAction} from './types.js';

type FilterPaneAction = Extract<PaneAction, {type: `filter-pane-${string}`}>;

function filterPaneReducer(state: ExplorerState, action: FilterPaneAction): ExplorerState {
	if (action.type === 'filter-pane-open') {
		const filterPane = {
			focus: 0,
			saved: state.filter,
			savedSort: state.sort,
			savedSortBeforeIncomplete: state.sortBeforeIncomplete,
			savedCursorId: selectedId(state) ?? state.cursorId,
			savedScrollTop: state.scrollTop,
			editing: null,
		};
		return {...state, mode: 'filter-pane', filterPane};
	}
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
			if (item.kind === 'choice')
				return withQuery(state, cycleItem(state.filter.query, item, 1, choiceOptions(state, item.field)));
			return withQuery({...state, filterPane: {...pane, editing: null}}, toggleItem(state.filter.query, item));
		case 'filter-pane-cycle':
			if (item.kind === 'incomplete') return toggleIncomplete(state);
			if (item.kind === 'choice')
				return withQuery(
					state,
					cycleItem(state.filter.query, item, action.delta, choiceOptions(state, item.field)),
				);
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
	}
}

/** Esc: each mode's way back. On the list it cancels a recompute, then clears the filter. */
export function back(state: ExplorerState): ExplorerState {
	switch (state.mode) {
		case 'grid':
		case 'image':
			return previewsBack(state);
		case 'details':
			return {...state, mode: 'list'};
		case 'help':
		case 'confirm':
		case 'action-confirm':
			return {...state, mode: state.previousMode};
		case 'sort-pane':
			return state.sortPane
				? withSort({...state, mode: 'list', sortPane: null}, state.sortPane.saved)
				: {...state, mode: 'list'};
		case 'filter-pane': {
			const pane = state.filterPane;
			if (!pane) return {...state, mode: 'list'};
			// Undo everything the pane did: the filter, the sort the incomplete preset may have switched, the cursor.
			const restored = withSort(
				{
					...state,
					mode: 'list',
					filterPane: null,
					filter: pane.saved,
					sortBeforeIncomplete: pane.savedSortBeforeIncomplete,
					cursorId: pane.savedCursorId,
					cursorMoved: true,
				},
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
			if (hasIncomplete(state.filter.query) || state.filter.text !== '') return clearFilter(state);
			return {...state, message: 'q quits'};
	}
}

/** Scroll offsets stay within the content (the same lines the views draw), so ↑ responds at once after End. */
function withScroll(state: ExplorerState, wanted: number): ExplorerState {
	const screen = screenOf(state);
	if (screen.kind !== 'normal') return state;
	if (state.mode === 'help') {
		const max = scrollLimit(helpLines(state.viewport.columns).length, screen.bodyHeight);
		return {...state, helpScroll: Math.max(0, Math.min(max, wanted))};
	}
	const view = selectedView(state);
	if (!view || !state.detailsRow || rowKeyOf(state.detailsRow) !== view.id) return state;
	const width = detailsWidthOf(state);
	const max = scrollLimit(
		detailsLinesOf(state, view, width).length,
		detailsTextHeight(state, width, screen.bodyHeight),
	);
	return {...state, detailsScroll: Math.max(0, Math.min(max, wanted))};
}

export function panesReducer(state: ExplorerState, action: PaneAction): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'details-loaded':
			return {...s, detailsRow: action.row};
		case 'insight-loaded':
			return {...s, detailsInsight: {sessionId: action.sessionId, insight: action.insight, error: action.error}};
		case 'rates': {
			const rates = new Map(s.rates);
			for (const [id, rate] of action.rates) rates.set(id, rate);
			return {...s, rates};
		}
		case 'open-details':
			if (!selectedId(s)) return {...s, message: 'no session selected'};
			return {...s, mode: 'details', detailsScroll: s.mode === 'details' ? s.detailsScroll : 0};
		case 'back':
			return back(s);
		case 'help-open': {
			// Help opens at the keys of the mode it was asked from.
			const from = s.mode === 'help' ? s.previousMode : s.mode;
			return withScroll({...openOverlay(s, 'help'), helpScroll: 0}, helpSectionStart(s.viewport.columns, from));
		}
		case 'help-section': {
			const start = adjacentSection(s.viewport.columns, s.helpScroll, action.step);
			return start === null ? s : withScroll(s, start);
		}
		case 'scroll':
			return withScroll(s, (s.mode === 'help' ? s.helpScroll : s.detailsScroll) + action.delta);
		case 'scroll-edge':
			return withScroll(s, action.edge === 'top' ? 0 : Number.MAX_SAFE_INTEGER);

		case 'sort-pane-open':
			return {
				...s,
				mode: 'sort-pane',
				sortPane: {
					focus: Math.max(0, sortKeysOf(s).indexOf(s.sort.key)),
					direction: s.sort.direction,
					saved: s.sort,
				},
			};
		case 'sort-pane-move':
			if (!s.sortPane) return s;
			return {
				...s,
				sortPane: {
					...s.sortPane,
					focus: Math.max(0, Math.min(sortKeysOf(s).length - 1, s.sortPane.focus + action.delta)),
				},
			};
		case 'sort-pane-direction': {
			if (!s.sortPane) return s;
			const direction = action.direction ?? (s.sortPane.direction === 'asc' ? 'desc' : 'asc');
			return {...s, sortPane: {...s.sortPane, direction}};
		}
		case 'sort-pane-apply': {
			if (!s.sortPane) return s;
			const key = sortKeysOf(s)[s.sortPane.focus]!;
			// Choosing the column already sorted on reverses it, as the column keys of k9s and ncdu do.
			const direction =
				key === s.sort.key && s.sortPane.direction === s.sort.direction
					? s.sort.direction === 'asc'
						? 'desc'
						: 'asc'
					: s.sortPane.direction;
			return withSort({...s, mode: 'list', sortPane: null}, {key, direction});
		}

		case 'filter-pane-open':
		case 'filter-pane-move':
		case 'filter-pane-toggle':
		case 'filter-pane-cycle':
		case 'filter-pane-type':
		case 'filter-pane-delete':
		case 'filter-pane-apply':
			return filterPaneReducer(s, action);

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
			const narrowed = withText({...s, mode: 'list', groups: null}, queryWithin(s.filter.query, group));
			return {
				...narrowed,
				message: `${group.sessions} session${group.sessions === 1 ? '' : 's'} of ${group.label}`,
			};
		}
	}
}
