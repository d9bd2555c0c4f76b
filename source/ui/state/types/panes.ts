/** The panes' state (sort and filter panes) and the panes slice's actions (state/panes.ts). */
import type {StoredSession} from '../../../core/types.js';
import type {SessionInsight} from '../../../jobs/session-insight.js';
import type {Filter} from '../../../view/filter.js';
import type {SortSpec} from '../../../view/sort.js';

export type FilterPaneState = {
	/** Index of the focused row of the pane. */
	focus: number;
	/** The filter, sort and cursor when the pane opened, restored by Esc. */
	saved: Filter;
	savedSort: SortSpec;
	savedSortBeforeIncomplete: SortSpec | null;
	savedCursorId: string | null;
	savedScrollTop: number;
	/** Text being typed into a range field. */
	editing: string | null;
};

export type SortPaneState = {focus: number; direction: 'asc' | 'desc'; saved: SortSpec};
/** Details, help, the sort and filter panes, groups, and going back from any of them (state/panes.ts). */
export type PaneAction =
	/** The full row of the session whose details are on screen (the list holds lean rows). */
	| {type: 'details-loaded'; row: StoredSession | null}
	| {type: 'insight-loaded'; sessionId: string; insight: SessionInsight | null; error: string | null}
	| {type: 'rates'; rates: ReadonlyMap<string, number>}
	| {type: 'open-details'}
	| {type: 'back'}
	| {type: 'help-open'}
	/** The next (1) or previous (-1) section of the help. */
	| {type: 'help-section'; step: 1 | -1}
	| {type: 'scroll'; delta: number}
	| {type: 'scroll-edge'; edge: 'top' | 'bottom'}
	| {type: 'sort-pane-open'}
	| {type: 'sort-pane-move'; delta: number}
	| {type: 'sort-pane-direction'; direction?: 'asc' | 'desc'}
	| {type: 'sort-pane-apply'}
	| {type: 'filter-pane-open'}
	| {type: 'filter-pane-move'; delta: number}
	| {type: 'filter-pane-toggle'}
	| {type: 'filter-pane-cycle'; delta: 1 | -1}
	| {type: 'filter-pane-type'; text: string}
	| {type: 'filter-pane-delete'}
	| {type: 'filter-pane-apply'}
	| {type: 'groups-open'}
	| {type: 'groups-switch'; step: 1 | -1}
	| {type: 'groups-move'; delta: number}
	| {type: 'groups-apply'};
