/** The list slice's actions (state/list.ts). */
import type {ListedSession} from '../../../core/types.js';
import type {SessionView} from '../../../view/session-view.js';
import type {LineEdit} from '../../model/line-editor.js';
import type {Viewport} from './explorer-state.js';

/** Rows arriving, the clock and the terminal, and moving in the list (state/list.ts). */
export type ListAction =
	| {type: 'rows-loaded'; rows: readonly ListedSession[]; complete: boolean; nowMs: number}
	/** Every row, already turned into views page by page while loading (so no single step blocks for long). */
	| {type: 'views-loaded'; views: SessionView[]; nowMs: number}
	| {
			type: 'rows-updated';
			rows: readonly ListedSession[];
			removedIds: readonly string[];
			nowMs: number;
			/** Sessions stored again whose rows equal the listed ones (not in `rows`): they are no longer stale. */
			unchangedIds?: readonly string[];
	  }
	| {type: 'resize'; viewport: Viewport}
	/** The time moved on (a run may have passed its stall window): the state takes the new time. */
	| {type: 'tick'; nowMs: number}
	/** The once-a-second clock while details are on screen: taken only when what they show changes with it. */
	| {type: 'clock'; nowMs: number}
	| {type: 'move'; delta: number}
	| {type: 'move-page'; direction: 1 | -1; half: boolean}
	| {type: 'move-edge'; edge: 'top' | 'bottom'}
	| {type: 'toggle-incomplete'}
	| {type: 'jump-incomplete'; direction: 1 | -1}
	| {type: 'mark-toggle'}
	| {type: 'mark-all'}
	| {type: 'mark-clear'}
	| {type: 'filter-input-open'}
	| {type: 'filter-input-type'; text: string}
	| {type: 'filter-input-delete'}
	| {type: 'filter-input-edit'; edit: LineEdit}
	| {type: 'filter-input-history'; step: -1 | 1}
	| {type: 'filter-input-escape'}
	| {type: 'filter-input-submit'};
