/** The explorer's whole state: the mode, the rows and the cursor, and each slice's part (types of their own modules). */
import type {StoredSession} from '../../../core/types.js';
import type {TriageSnapshot} from '../../../store/metadata-repository.js';
import type {ViewSettings} from '../../data/view-store.js';
import type {GroupBy, GroupRow} from '../../../view/rollup.js';
import type {SessionInsight} from '../../../jobs/session-insight.js';
import type {Filter} from '../../../view/filter.js';
import type {SessionView} from '../../../view/session-view.js';
import type {ColumnId} from '../../model/columns.js';
import type {History} from '../../model/line-editor.js';
import type {SortSpec} from '../../../view/sort.js';
import type {TextInput} from './inputs.js';
import type {JobRequest, JobStatus} from './jobs.js';
import type {FilterPaneState, SortPaneState} from './panes.js';
import type {PreviewsState} from './previews.js';
import type {ActionConfirm, ActionJob, ActionRequest} from './session-actions.js';
import type {ExportRequest, TriageRequest} from './triage.js';

export type Mode =
	| 'list'
	| 'filter-input'
	| 'filter-pane'
	| 'sort-pane'
	| 'details'
	| 'help'
	| 'confirm'
	| 'tag-input'
	| 'note-input'
	| 'command'
	| 'export'
	| 'groups'
	| 'action-confirm'
	| 'grid'
	| 'image';

export type Viewport = {columns: number; rows: number};

/** One results root as the explorer shows it (see data/explorer-data.ts ExplorerRoot). */
export type RootInfo = {
	readonly name: string;
	/** Short and unambiguous among the roots (core/root-labels.ts): the root column's text. */
	readonly label: string;
	readonly path: string;
	readonly dbPath: string;
	readonly sharedPath: string | null;
};
export type ExplorerState = {
	/** Where the data comes from, for the header and the details' paths. */
	/** `dbPath`: sdstats' cache; `sharedPath`: the web UI's sessions.db it shares triage with (null: one file). */
	info: {
		root: string;
		dbPath: string;
		sharedPath?: string | null;
		notice: string | null;
		readonly: boolean;
		/** Every root open, in the user's order (several: the list has a root column and the header counts per root). */
		roots?: readonly RootInfo[];
	};
	mode: Mode;
	/** Where help and confirm return to. */
	previousMode: Mode;
	viewport: Viewport;
	nowMs: number;
	stallWindowMs: number;

	/** Every cached session of this root, in base order (newest first). */
	all: readonly SessionView[];
	/** `all` sorted by `sort`. */
	sorted: readonly SessionView[];
	/** `sorted` filtered by `filter`: what the list shows. */
	shown: readonly SessionView[];
	/** Rows still loading in the background (first frame shows the first screenful). */
	loading: boolean;
	imagesWidth: number;
	/** Whether any session has a session_metadata row (the flags column shows only then). */
	anyTriage: boolean;

	sort: SortSpec;
	/** The sort before `i` switched it, restored when the preset is turned off. */
	sortBeforeIncomplete: SortSpec | null;
	filter: Filter;

	cursorId: string | null;
	/** Until the user moves, the cursor stays on the first row even as rows arrive above it. */
	cursorMoved: boolean;
	/**
	 * The list opened empty (a first compute fills it) and no key has been pressed since. While it fills, the
	 * cursor follows its session as rows arrive above it (issue 11 item 16); when that compute ends with no key
	 * pressed, the cursor goes back to the top, where a new user (the demo's first start) expects it.
	 */
	fillingUntouched: boolean;
	cursorIndex: number;
	scrollTop: number;
	marks: ReadonlySet<string>;

	/** Sessions whose folder or manifest changed (or vanished) since they were computed. */
	stale: ReadonlySet<string>;
	/** Session folders on disk with no cached row yet. */
	newOnDisk: readonly string[];
	staleChecked: boolean;
	/** Why the results root cannot be read right now (rows are the cached ones), or null. */
	rootProblem: string | null;
	/** With several roots: each root that cannot be read (unmounted, its cache unopenable), by name: why. */
	rootProblems: Readonly<Record<string, string>>;
	/**
	 * Why the triage shown may be stale (its file is locked by another program; rows show the triage last
	 * read while it is read again on a timer), or null.
	 */
	triageProblem: string | null;

	detailsScroll: number;
	/** The full row behind the details view, fetched when details are shown. */
	detailsRow: StoredSession | null;
	/**
	 * Counts the times the selected session's row landed again (a recompute stored it, another program or the
	 * live poll changed it): the details read the full row again at each, even when the list's lean row is
	 * unchanged (a recompute changes the computed time and fields the list never holds).
	 */
	selectedLanded: number;
	/** Missing combinations, seeds and anomalies of the session in the details (read from its folder). */
	detailsInsight: {sessionId: string; insight: SessionInsight | null; error: string | null} | null;
	helpScroll: number;
	/** Whether an unknown key in the list already said `? for help` (it says so once). */
	helpHinted: boolean;
	filterPane: FilterPaneState | null;
	sortPane: SortPaneState | null;

	/** The text of the tag, note or command input while one is open. */
	input: TextInput | null;
	/** Where the cursor is in the `/` filter's text (code points; the text itself is `filter.text`). */
	filterCursor: number;
	/** Filters and command lines entered before, for ↑ ↓ in `/` and `:`. */
	filterHistory: History;
	commandHistory: History;
	/** Tags already in use (for completion), loaded once. */
	tagsInUse: readonly string[];
	triageRequest: TriageRequest | null;
	/** Triage actions that can be undone with U, newest last. */
	undo: ReadonlyArray<{label: string; snapshots: TriageSnapshot[]}>;
	exportRequest: ExportRequest | null;
	actionRequest: ActionRequest | null;
	actionConfirm: ActionConfirm | null;
	actionJob: ActionJob | null;
	/**
	 * Archives and trashes done here that U can take back, newest last; `afterTriage` is how many triage undos
	 * were stacked when it was done, so U always takes back the last thing done, whichever kind it was.
	 */
	actionUndo: ReadonlyArray<{label: string; actionId: string; afterTriage: number}>;
	/** Images per minute of running sessions over the recent window (live poll samples). */
	rates: ReadonlyMap<string, number>;
	/** The grouping view (`m`): per model, sampler, size, mode, day or week, over the sessions shown. */
	groups: {by: GroupBy; rows: GroupRow[]; focus: number} | null;
	/** Columns the user hid (`:hide`). */
	hiddenColumns: ReadonlySet<ColumnId>;
	/** Named views (`:save`, `:load`). */
	savedViews: Readonly<Record<string, ViewSettings>>;
	/** Bumped when the views should be written to the state file. */
	viewsRevision: number;
	jobRequest: JobRequest | null;
	nextRequestId: number;
	job: JobStatus | null;
	/** A one-line message shown in the status line until the next key (e.g. `cancelled after 3/10`). */
	message: string | null;
	quitting: boolean;
	/** Contact sheet, grid and full-screen image of the session in the details (state/previews.ts). */
	previews: PreviewsState;
};
