/** The explorer's whole state and every action that changes it. The root reducer (reducer.ts) routes each action to its slice. */
import type {ListedSession, StoredSession} from '../../core/types.js';
import type {TriagePatch, TriageSnapshot} from '../../store/metadata-repository.js';
import type {ViewSettings} from '../data/view-store.js';
import type {GroupBy, GroupRow} from '../../view/rollup.js';
import type {SessionInsight} from '../../jobs/session-insight.js';
import type {Filter} from '../../view/filter.js';
import type {SessionView} from '../../view/session-view.js';
import type {ColumnId} from '../model/columns.js';
import type {EditLine, History, LineEdit} from '../model/line-editor.js';
import type {SortSpec} from '../../view/sort.js';
import type {ColourDepth} from '../../core/preview/encode.js';
import type {CellPixels} from '../../core/preview/pixels.js';
import type {Protocol} from '../../core/preview/protocol.js';
import type {SessionState} from '../../core/types.js';

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

/** A one-line text input (tag, note, `:` command): the line being edited, with Tab completion candidates. */
export type TextInput = EditLine & {completions: readonly string[]};

/** What a triage key means, before it is resolved against the targets' current values. */
export type TriageIntent =
	| {kind: 'toggle'; flag: 'favorite' | 'test' | 'complete'}
	| {kind: 'rating'; value: 'like' | 'dislike' | null}
	| {kind: 'tag'; tag: string}
	| {kind: 'note'; value: string | null};

/** A triage write the app's effect performs (the store API's patch, or an undo). */
export type TriageRequest =
	| {
			id: number;
			kind: 'apply';
			label: string;
			targets: Array<{session_id: string; session_path: string}>;
			patch: TriagePatch;
	  }
	| {id: number; kind: 'restore'; label: string; snapshots: TriageSnapshot[]};

export type ExportRequest = {id: number; format: 'csv' | 'json'; sessionIds: string[]};

export type Viewport = {columns: number; rows: number};

/** Archive or trash whole sessions, or take such an action back (state/session-actions.ts, hooks/use-session-actions.ts). */
export type ActionRequest =
	| {
			id: number;
			kind: 'plan';
			action: 'archive' | 'trash';
			candidates: Array<{sessionId: string; state: SessionState; folder: string}>;
	  }
	| {id: number; kind: 'run'; planId: number}
	| {id: number; kind: 'undo'; actionId: string; label: string}
	| {
			id: number;
			kind: 'resume';
			candidates: Array<{sessionId: string; state: SessionState; createdAt: string | null; folder: string}>;
	  };

/** The confirmation screen: the plan's lines (each session, where it goes, files, bytes; the skipped and why). */
export type ActionConfirm = {
	action: 'archive' | 'trash';
	scope: string;
	planId: number | null;
	lines: readonly string[];
	movable: number;
	scroll: number;
	error: string | null;
};

export type ActionJob = {
	label: string;
	done: number;
	total: number;
	bytesDone: number;
	bytesTotal: number;
	current: string | null;
	startedAtMs: number;
	updatedAtMs: number;
	cancelling: boolean;
};
/** How pictures reach this terminal (decided at start from the environment, refined by the terminal's answers). */
export type PreviewOutput = {
	/** null: no image bytes at all (NO_COLOR, --no-color, TERM=dumb, --images off); captions and charts stay. */
	protocol: Protocol | null;
	tmux: boolean;
	cell: CellPixels;
	depth: ColourDepth;
	/** Why this protocol, for the details. */
	reason: string;
};

/** One image of the session under the cursor, as the previews need it. */
export type PreviewImageInfo = {
	name: string;
	path: string;
	size: number;
	mtimeMs: number;
	caption: string;
	shortCaption: string;
	/** Placeholder → value from the manifest entry; empty when the manifest does not list the image. */
	values: Readonly<Record<string, string>>;
	seed: string | null;
};

/** The images of the session whose details are shown, read once the cursor rests on it. */
export type PreviewSession = {
	sessionId: string;
	/** In time order. */
	images: readonly PreviewImageInfo[];
	running: boolean;
	/** The grid's placeholders (their used values) and seed list, from the manifest. */
	placeholders: ReadonlyArray<{name: string; values: readonly string[]}>;
	seeds: readonly string[] | null;
	/** Why there are no images or no manifest facts (a folder that is gone, no manifest). */
	reason: string | null;
};

/** A thumbnail as the views draw it: half-block lines, or a graphics protocol's bytes for the overlay. */
export type PreviewThumb =
	| {status: 'ready'; lines: readonly string[] | null; text: string; cols: number; rows: number; kittyId?: number}
	| {status: 'failed'; reason: string};

export type PreviewsState = {
	/** Pictures are part of this explorer (it has a thumbnail service); off: no sheet box at all. */
	enabled: boolean;
	output: PreviewOutput;
	session: PreviewSession | null;
	/** By `thumbKey` (image name and box); only the current session's. */
	thumbs: ReadonlyMap<string, PreviewThumb>;
	/** The sheet image ←/→ chose in details (Enter-like `o` opens it full screen). */
	sheetFocus: number;
	grid: {axes: number; page: number; x: number; y: number};
	/** The image shown full screen (an index into session.images) and the mode to return to. */
	image: {index: number; returnTo: 'details' | 'grid'} | null;
	/** Prompts of the images shown full screen, by image name (read when shown); only the current session's. */
	prompts: ReadonlyMap<string, PreviewPrompt>;
};

/** One image's prompt as the full-screen view shows it; a reason when there is none to show. */
export type PreviewPrompt = {prompt: string | null; negative: string | null; reason: string | null};

/** What the user asked to recompute; the app's job hook starts it and clears the request. */
export type JobRequest =
	{id: number; scope: 'sessions'; sessionIds: string[]} | {id: number; scope: 'stale'} | {id: number; scope: 'all'};

export type JobStatus = {
	requestId: number;
	label: string;
	done: number;
	total: number;
	current: string | null;
	startedAtMs: number;
	updatedAtMs: number;
	errors: number;
	lastError: string | null;
	cancelling: boolean;
};

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

export type ExplorerState = {
	/** Where the data comes from, for the header and the details' paths. */
	/** `dbPath`: sdstats' cache; `sharedPath`: the web UI's sessions.db it shares triage with (null: one file). */
	info: {root: string; dbPath: string; sharedPath?: string | null; notice: string | null; readonly: boolean};
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

	detailsScroll: number;
	/** The full row behind the details view, fetched when details are shown. */
	detailsRow: StoredSession | null;
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

/**
 * The actions, one union per slice (see ../README.md). The root reducer routes each to the slice that owns it;
 * a slice's reducer takes only its own union, so a reader finds every transition of a concern in one file.
 */

/** Rows arriving, the clock and the terminal, and moving in the list (state/list.ts). */
export type ListAction =
	| {type: 'rows-loaded'; rows: readonly ListedSession[]; complete: boolean; nowMs: number}
	/** Every row, already turned into views page by page while loading (so no single step blocks for long). */
	| {type: 'views-loaded'; views: SessionView[]; nowMs: number}
	| {type: 'rows-updated'; rows: readonly ListedSession[]; removedIds: readonly string[]; nowMs: number}
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

/** Recomputes: asking, confirming, progress, the disk's stale check, quitting (state/jobs.ts). */
export type JobAction =
	| {type: 'recompute-selection'}
	| {type: 'confirm-open'}
	| {type: 'confirm-choose'; scope: 'stale' | 'all'}
	| {type: 'job-request-taken'}
	| {type: 'job-started'; requestId: number; label: string; total: number; startedAtMs: number}
	| {
			type: 'job-progress';
			done: number;
			total: number;
			current: string | null;
			errors: number;
			lastError: string | null;
			nowMs: number;
	  }
	| {type: 'job-finished'; message: string}
	| {type: 'stale-checked'; stale: readonly string[]; newOnDisk: readonly string[]; rootProblem?: string | undefined}
	| {type: 'message'; text: string | null}
	| {type: 'quit'}
	| {type: 'interrupt'};

/** Triage flags, tags, notes, undo, and exports (state/triage.ts). */
export type TriageAction =
	| {type: 'triage'; intent: TriageIntent}
	| {
			type: 'triage-applied';
			requestId: number;
			label: string;
			snapshots: TriageSnapshot[] | null;
			rows: readonly ListedSession[];
			error: string | null;
			tags: readonly string[];
	  }
	/** The triage write found the file locked by another program: it is retried, and the wait is shown. */
	| {type: 'triage-locked'; requestId: number}
	| {type: 'undo'}
	| {type: 'tags-loaded'; tags: readonly string[]}
	| {type: 'export-open'}
	| {type: 'export-choose'; format: 'csv' | 'json'}
	| {type: 'export-done'; message: string};

/** The one-line inputs: tag, note and the `:` command line (state/inputs.ts). */
export type InputAction =
	| {type: 'input-open'; purpose: 'tag-input' | 'note-input' | 'command'}
	| {type: 'input-type'; text: string}
	| {type: 'input-delete'}
	| {type: 'input-edit'; edit: LineEdit}
	| {type: 'input-history'; step: -1 | 1}
	| {type: 'input-complete'}
	| {type: 'input-submit'};

/** Archive, trash and their undo (state/session-actions.ts). */
export type SessionMoveAction =
	| {type: 'session-action'; action: 'archive' | 'trash'}
	| {
			type: 'action-planned';
			requestId: number;
			planId: number | null;
			lines: readonly string[];
			movable: number;
			error: string | null;
	  }
	| {type: 'action-go'}
	| {type: 'resume-plan'}
	| {type: 'resume-written'; requestId: number; message: string}
	| {type: 'action-scroll'; delta: number}
	| {type: 'action-started'; requestId: number; label: string; nowMs: number}
	| {
			type: 'action-progress';
			done: number;
			total: number;
			bytesDone: number;
			bytesTotal: number;
			current: string | null;
			nowMs: number;
	  }
	| {
			type: 'action-finished';
			requestId: number;
			message: string;
			actionId: string | null;
			label: string;
			rows: readonly ListedSession[];
			removedIds: readonly string[];
			undone: boolean;
			nowMs: number;
	  };
/** Pictures: the terminal's protocol, the session's images and thumbnails, the sheet, grid and full-screen image (state/previews.ts). */
export type PreviewAction =
	| {type: 'preview-output'; output: PreviewOutput}
	| {type: 'preview-session-loaded'; session: PreviewSession}
	| {type: 'preview-thumbs'; sessionId: string; thumbs: ReadonlyArray<{key: string; thumb: PreviewThumb}>}
	| {type: 'preview-prompt'; sessionId: string; name: string; prompt: PreviewPrompt}
	| {type: 'sheet-focus'; delta: number}
	| {type: 'grid-open'}
	| {type: 'grid-move'; dx: number; dy: number}
	| {type: 'grid-axes'; step: 1 | -1}
	| {type: 'grid-page'; delta: number}
	| {type: 'image-open'}
	| {type: 'image-step'; delta: number};

/** A key press, interpreted by the key table (keys.ts) against the state at that moment. */
export type KeyAction = {
	type: 'key';
	input: string;
	key: import('ink').Key;
	/** When the key was pressed: ages, stall reasons and export names use it (absent: the state's time). */
	nowMs?: number;
};

export type Action =
	KeyAction | ListAction | PaneAction | JobAction | TriageAction | InputAction | SessionMoveAction | PreviewAction;
