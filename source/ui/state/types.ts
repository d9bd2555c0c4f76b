/**
 * The explorer's whole state and every action that changes it. The root reducer (reducer.ts) routes each action
 * to its slice. This module is the front door: each slice's state and action union live in types/, one module per
 * slice, beside the slice reducer of the same name.
 */
import type {InputAction} from './types/inputs.js';
import type {JobAction} from './types/jobs.js';
import type {ListAction} from './types/list.js';
import type {PaneAction} from './types/panes.js';
import type {PreviewAction} from './types/previews.js';
import type {SessionMoveAction} from './types/session-actions.js';
import type {TriageAction} from './types/triage.js';

export type {ExplorerState, Mode, RootInfo, Viewport} from './types/explorer-state.js';
export type {InputAction, TextInput} from './types/inputs.js';
export type {JobAction, JobRequest, JobStatus} from './types/jobs.js';
export type {ListAction} from './types/list.js';
export type {FilterPaneState, PaneAction, SortPaneState} from './types/panes.js';
export type {
	PreviewAction,
	PreviewImageInfo,
	PreviewOutput,
	PreviewPrompt,
	PreviewSession,
	PreviewThumb,
	PreviewsState,
} from './types/previews.js';
export type {ActionConfirm, ActionJob, ActionRequest, SessionMoveAction} from './types/session-actions.js';
export type {ExportRequest, TriageAction, TriageIntent, TriageRequest} from './types/triage.js';

/**
 * The actions, one union per slice (see ../README.md). The root reducer routes each to the slice that owns it;
 * a slice's reducer takes only its own union, so a reader finds every transition of a concern in one file.
 */

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
