/**
 * The explorer's root reducer. Pure: no I/O, no clock (times arrive in actions). It only routes: a key goes
 * through the key table (keys.ts) against the state at that moment, every other action to the slice that owns
 * it — list.ts (rows, cursor, marks, the text filter), panes.ts (details, help, sort and filter panes, groups,
 * going back), jobs.ts (recomputes, stale check, quitting), triage.ts (triage, undo, export) and inputs.ts
 * (tag, note and `:` lines). Reads that views share live in selectors.ts. See ../README.md.
 */
import {EMPTY_FILTER, type Filter} from '../../view/filter.js';
import {DEFAULT_SORT, type SortSpec} from '../../view/sort.js';
import type {ViewSettings} from '../data/view-store.js';
import {isHideableColumn} from '../model/columns.js';
import {EMPTY_HISTORY} from '../model/line-editor.js';
import {dispatchKey, splitChunk} from '../keys.js';
import {inputsReducer} from './inputs.js';
import {jobsReducer} from './jobs.js';
import {listReducer, withNow} from './list.js';
import {panesReducer} from './panes.js';
import {initialPreviews, previewsReducer} from './previews.js';
import {triageReducer} from './triage.js';
import {cancelConfirm, sessionActionsReducer, stopAction, takeBackAction, undoesAction} from './session-actions.js';
import type {Action, ExplorerState, KeyAction, Mode, PreviewOutput, Viewport} from './types.js';

export {applyView} from './list.js';

export type InitialOptions = {
	viewport: Viewport;
	nowMs: number;
	stallWindowMs: number;
	info: ExplorerState['info'];
	sort?: SortSpec;
	filter?: Filter;
	hiddenColumns?: readonly string[];
	savedViews?: Record<string, ViewSettings>;
	/** How pictures reach the terminal; none: no image bytes. */
	previewOutput?: PreviewOutput | null;
	/** Whether the explorer shows pictures at all (it has a thumbnail service). */
	previewsEnabled?: boolean;
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
		fillingUntouched: false,
		cursorIndex: 0,
		scrollTop: 0,
		marks: new Set(),
		stale: new Set(),
		newOnDisk: [],
		staleChecked: false,
		rootProblem: null,
		rootProblems: {},
		triageProblem: null,
		detailsScroll: 0,
		detailsRow: null,
		selectedLanded: 0,
		detailsInsight: null,
		helpScroll: 0,
		helpHinted: false,
		filterPane: null,
		sortPane: null,
		input: null,
		filterCursor: [...(options.filter ?? EMPTY_FILTER).text].length,
		filterHistory: EMPTY_HISTORY,
		commandHistory: EMPTY_HISTORY,
		tagsInUse: [],
		triageRequest: null,
		undo: [],
		exportRequest: null,
		actionRequest: null,
		actionConfirm: null,
		actionJob: null,
		actionUndo: [],
		rates: new Map(),
		groups: null,
		hiddenColumns: new Set((options.hiddenColumns ?? []).filter(isHideableColumn)),
		savedViews: options.savedViews ?? {},
		viewsRevision: 0,
		jobRequest: null,
		nextRequestId: 1,
		job: null,
		message: null,
		quitting: false,
		previews: initialPreviews(options.previewOutput ?? null, options.previewsEnabled ?? false),
	};
}

/** Modes where a chunk of characters is typed text rather than one key per character. */
const TEXT_MODES: ReadonlySet<Mode> = new Set<Mode>(['filter-input', 'tag-input', 'note-input', 'command']);

function keyReducer(before: ExplorerState, action: KeyAction): ExplorerState {
	// The key acts at the time it was pressed: an age or an export name is never that of the last data event.
	const state = action.nowMs === undefined ? before : withNow(before, action.nowMs);
	// Several keys in one chunk (fast typing, a slow link): each is taken in turn, in the mode it meets.
	if ([...action.input].length > 1 && !action.key.ctrl && !action.key.meta) {
		const keys = splitChunk(action.input, action.key, TEXT_MODES.has(state.mode));
		if (keys.length > 1 || keys[0]?.input !== action.input) {
			let next = state;
			for (const {input, key} of keys) next = keyReducer(next, {type: 'key', input, key});
			return next;
		}
	}
	// A message lasts until the next key.
	const touched = state.fillingUntouched ? {...state, fillingUntouched: false} : state;
	const cleared = touched.message !== null ? {...touched, message: null} : touched;
	const resolved = dispatchKey(cleared, action.input, action.key);
	if (resolved !== null) return reducer(cleared, resolved);
	// A key the list does not know: once, where to find the ones it does.
	if (cleared.mode === 'list' && !cleared.helpHinted && isTyped(action.input, action.key))
		return {...cleared, helpHinted: true, message: '? for help'};
	return cleared;
}

/** A key that types a character (not a named key, not with Ctrl or Meta). */
function isTyped(input: string, key: KeyAction['key']): boolean {
	return (
		input !== '' &&
		!key.ctrl &&
		!key.meta &&
		!key.return &&
		!key.tab &&
		!key.backspace &&
		!key.delete &&
		!/[\u0000-\u001f\u007f]/.test(input)
	);
}

/** The reducer the app uses (the same as `reducer`; kept as the name the app and tests know). */
export function explorerReducer(state: ExplorerState, action: Action): ExplorerState {
	return reducer(state, action);
}

export function reducer(state: ExplorerState, action: Action): ExplorerState {
	switch (action.type) {
		case 'key':
			return keyReducer(state, action);
		case 'preview-output':
		case 'preview-session-loaded':
		case 'preview-thumbs':
		case 'preview-prompt':
		case 'sheet-focus':
		case 'grid-open':
		case 'grid-move':
		case 'grid-axes':
		case 'grid-page':
		case 'image-open':
		case 'image-step':
			return previewsReducer(state, action);

		case 'rows-loaded':
		case 'views-loaded':
		case 'rows-updated':
		case 'resize':
		case 'tick':
		case 'clock':
		case 'move':
		case 'move-page':
		case 'move-edge':
		case 'toggle-incomplete':
		case 'jump-incomplete':
		case 'mark-toggle':
		case 'mark-all':
		case 'mark-clear':
		case 'filter-input-open':
		case 'filter-input-type':
		case 'filter-input-delete':
		case 'filter-input-edit':
		case 'filter-input-history':
		case 'filter-input-escape':
		case 'filter-input-submit':
			return listReducer(state, action);

		case 'back':
			if (state.mode === 'action-confirm') return cancelConfirm(state);
			if (state.mode === 'list' && state.actionJob && !state.actionJob.cancelling && !state.job)
				return stopAction(state);
			return panesReducer(state, action);
		case 'details-loaded':
		case 'insight-loaded':
		case 'rates':
		case 'open-details':
		case 'help-open':
		case 'help-section':
		case 'scroll':
		case 'scroll-edge':
		case 'sort-pane-open':
		case 'sort-pane-move':
		case 'sort-pane-direction':
		case 'sort-pane-apply':
		case 'filter-pane-open':
		case 'filter-pane-move':
		case 'filter-pane-toggle':
		case 'filter-pane-cycle':
		case 'filter-pane-type':
		case 'filter-pane-delete':
		case 'filter-pane-apply':
		case 'groups-open':
		case 'groups-switch':
		case 'groups-move':
		case 'groups-apply':
			return panesReducer(state, action);

		case 'recompute-selection':
		case 'confirm-open':
		case 'confirm-choose':
		case 'job-request-taken':
		case 'job-started':
		case 'job-progress':
		case 'job-finished':
		case 'stale-checked':
		case 'message':
		case 'quit':
			return jobsReducer(state, action);
		case 'interrupt':
			// Ctrl-C while folders move: stop after the current session first (a second Ctrl-C quits; the journal settles it).
			if (state.actionJob && !state.actionJob.cancelling) return stopAction(state);
			return jobsReducer(state, action);

		case 'undo':
			// One U: it takes back the last thing done here, an archive or trash, or a triage change.
			return undoesAction(state) ? takeBackAction(state) : triageReducer(state, action);
		case 'triage':
		case 'triage-applied':
		case 'triage-locked':
		case 'triage-stale':
		case 'tags-loaded':
		case 'export-open':
		case 'export-choose':
		case 'export-done':
			return triageReducer(state, action);

		case 'session-action':
		case 'action-planned':
		case 'action-go':
		case 'action-include-running':
		case 'resume-plan':
		case 'action-scroll':
		case 'action-started':
		case 'action-progress':
		case 'action-finished':
			return sessionActionsReducer(state, action);

		case 'input-open':
		case 'input-type':
		case 'input-delete':
		case 'input-edit':
		case 'input-history':
		case 'input-complete':
		case 'input-submit':
			return inputsReducer(state, action);
	}
}
