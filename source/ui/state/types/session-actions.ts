/** Archive, trash, resume plans and undo: requests, the confirmation, progress, and their slice's actions (state/session-actions.ts). */
import type {ListedSession, SessionState} from '../../../core/types.js';
import type {RootInfo} from './explorer-state.js';

/**
 * Archive or trash whole sessions, take such an action back, or write a resume plan (state/session-actions.ts,
 * hooks/use-session-actions.ts).
 */
export type ActionRequest =
	| {
			id: number;
			kind: 'plan';
			action: 'archive' | 'trash';
			candidates: ActionCandidate[];
			/** Move running sessions too (asked for on the confirmation screen). */
			includeRunning: boolean;
	  }
	| {id: number; kind: 'run'; planId: number}
	| {id: number; kind: 'undo'; actionId: string; label: string}
	| {
			id: number;
			kind: 'resume';
			candidates: Array<{
				sessionId: string;
				state: SessionState;
				createdAt: string | null;
				folder: string;
				root: RootInfo | null;
			}>;
	  };

/** A session an archive or trash is asked for; `key`: its row key (root and name, with several roots open). */
export type ActionCandidate = {
	sessionId: string;
	state: SessionState;
	folder: string;
	root: RootInfo | null;
	key: string;
};

/** The confirmation screen: the plan's lines (each session, where it goes, files, bytes; the skipped and why). */
export type ActionConfirm = {
	action: 'archive' | 'trash';
	scope: string;
	planId: number | null;
	lines: readonly string[];
	movable: number;
	/** Sessions the plan skips because they are running (i on the screen plans them too). */
	running: number;
	includeRunning: boolean;
	/** The sessions asked about, to plan them again with the running ones. */
	candidates: readonly ActionCandidate[];
	scroll: number;
	error: string | null;
};

export type ActionJob = {
	label: string;
	/** What the progress line counts: bytes moved (archive, trash, undo), or sessions read (a resume plan). */
	counts: 'bytes' | 'sessions';
	done: number;
	total: number;
	bytesDone: number;
	bytesTotal: number;
	current: string | null;
	startedAtMs: number;
	updatedAtMs: number;
	cancelling: boolean;
};

/** Archive, trash and their undo (state/session-actions.ts). */
export type SessionMoveAction =
	| {type: 'session-action'; action: 'archive' | 'trash'}
	| {
			type: 'action-planned';
			requestId: number;
			planId: number | null;
			lines: readonly string[];
			movable: number;
			running: number;
			error: string | null;
	  }
	| {type: 'action-go'}
	| {type: 'action-include-running'}
	| {type: 'resume-plan'}
	| {type: 'action-scroll'; delta: number}
	| {type: 'action-started'; requestId: number; label: string; counts: ActionJob['counts']; nowMs: number}
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
