/**
 * Archive and trash whole sessions from the explorer, and U for the last thing done here. A key asks for a
 * plan (the hook computes it off the reducer); the confirmation screen shows it; y runs it with progress
 * (Esc or Ctrl-C stops after the session being moved); the moved rows leave the list. U takes back whichever
 * was done last: an action here, or a triage change (the triage slice's own undo). W writes a resume plan the
 * same way: off the screen's thread, with progress and a stop.
 */
import {isFilterActive} from '../../view/filter.js';
import {updateRows} from './list.js';
import {openOverlay} from './overlays.js';
import {rootOfRow, selectedView} from './selectors.js';
import type {ExplorerState, SessionMoveAction} from './types.js';

const VERB = {archive: 'archive', trash: 'move to the trash'} as const;

/** The marked sessions, else the filtered view, else the selected session; and how to say which. */
export function actionTargetsOf(state: ExplorerState): {ids: string[]; scope: string} {
	if (state.marks.size > 0) {
		const ids = state.all.filter((v) => state.marks.has(v.id)).map((v) => v.id);
		return {ids, scope: `the ${ids.length} marked session${ids.length === 1 ? '' : 's'}`};
	}
	if (isFilterActive(state.filter) && state.shown.length > 0) {
		return {
			ids: state.shown.map((v) => v.id),
			scope: `the ${state.shown.length} session${state.shown.length === 1 ? '' : 's'} of the filtered view`,
		};
	}
	const selected = selectedView(state);
	return selected ? {ids: [selected.id], scope: 'the selected session'} : {ids: [], scope: ''};
}

/** Whether U should take back an action here (rather than a triage change): it was done after the last triage change. */
export function undoesAction(state: ExplorerState): boolean {
	const last = state.actionUndo.at(-1);
	return last !== undefined && last.afterTriage >= state.undo.length;
}

export function takeBackAction(state: ExplorerState): ExplorerState {
	const last = state.actionUndo.at(-1);
	if (!last) return state;
	if (state.actionRequest || state.actionJob) return {...state, message: 'wait for the current action to finish'};
	return {
		...state,
		actionUndo: state.actionUndo.slice(0, -1),
		actionRequest: {id: state.nextRequestId, kind: 'undo', actionId: last.actionId, label: `undo: ${last.label}`},
		nextRequestId: state.nextRequestId + 1,
	};
}

/** Esc on the confirmation screen: nothing happens (a plan still being worked out is dropped). */
export function cancelConfirm(state: ExplorerState): ExplorerState {
	return {
		...state,
		mode: state.previousMode,
		actionConfirm: null,
		actionRequest: state.actionRequest?.kind === 'plan' ? null : state.actionRequest,
		message: 'nothing was moved',
	};
}

/** Esc or Ctrl-C while an action runs: stop after the current session. */
export function stopAction(state: ExplorerState): ExplorerState {
	if (!state.actionJob || state.actionJob.cancelling) return state;
	return {
		...state,
		actionJob: {...state.actionJob, cancelling: true},
		message: 'stopping after the current session…',
	};
}

export function sessionActionsReducer(state: ExplorerState, action: SessionMoveAction): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'session-action': {
			if (s.info.readonly) return {...s, message: 'the database is read-only: archive and trash are off'};
			if (s.actionRequest || s.actionJob) return {...s, message: 'an action is already running'};
			const {ids, scope} = actionTargetsOf(s);
			if (ids.length === 0) return {...s, message: 'no session selected'};
			const byId = new Map(s.all.map((v) => [v.id, v]));
			// Each session's own folder: with several roots open, not every one lives under the first.
			const candidates = ids.map((id) => ({
				sessionId: byId.get(id)!.row.session_id,
				state: byId.get(id)!.state,
				folder: byId.get(id)!.row.session_path,
				root: rootOfRow(s, byId.get(id)!.row),
				key: id,
			}));
			const opened = openOverlay(s, 'action-confirm');
			return {
				...opened,
				actionConfirm: {
					action: action.action,
					scope,
					planId: null,
					lines: [],
					movable: 0,
					running: 0,
					includeRunning: false,
					candidates,
					scroll: 0,
					error: null,
				},
				actionRequest: {
					id: s.nextRequestId,
					kind: 'plan',
					action: action.action,
					candidates,
					includeRunning: false,
				},
				nextRequestId: s.nextRequestId + 1,
			};
		}
		case 'action-planned': {
			if (s.actionRequest?.id !== action.requestId || !s.actionConfirm) return s;
			return {
				...s,
				actionRequest: null,
				actionConfirm: {
					...s.actionConfirm,
					planId: action.planId,
					lines: action.lines,
					movable: action.movable,
					running: action.running,
					error: action.error,
				},
			};
		}
		case 'action-include-running': {
			// The same sessions planned again, the running ones moved too: the screen shows the new plan first.
			const confirm = s.actionConfirm;
			if (!confirm || confirm.planId === null || confirm.running === 0 || confirm.includeRunning) return s;
			return {
				...s,
				actionConfirm: {
					...confirm,
					planId: null,
					lines: [],
					movable: 0,
					running: 0,
					includeRunning: true,
					scroll: 0,
				},
				actionRequest: {
					id: s.nextRequestId,
					kind: 'plan',
					action: confirm.action,
					candidates: [...confirm.candidates],
					includeRunning: true,
				},
				nextRequestId: s.nextRequestId + 1,
			};
		}
		case 'action-go': {
			const confirm = s.actionConfirm;
			if (!confirm || confirm.planId === null) return s;
			if (confirm.movable === 0)
				return {...s, mode: s.previousMode, actionConfirm: null, message: `nothing to ${VERB[confirm.action]}`};
			return {
				...s,
				mode: s.previousMode,
				actionConfirm: null,
				actionRequest: {id: s.nextRequestId, kind: 'run', planId: confirm.planId},
				nextRequestId: s.nextRequestId + 1,
			};
		}
		case 'resume-plan': {
			if (s.actionRequest || s.actionJob) return {...s, message: 'an action is already running'};
			const {ids} = actionTargetsOf(s);
			if (ids.length === 0) return {...s, message: 'no session selected'};
			const byId = new Map(s.all.map((v) => [v.id, v]));
			const candidates = ids.map((id) => ({
				sessionId: byId.get(id)!.row.session_id,
				state: byId.get(id)!.state,
				createdAt: byId.get(id)!.row.session_created_at,
				folder: byId.get(id)!.row.session_path,
				root: rootOfRow(s, byId.get(id)!.row),
			}));
			return {
				...s,
				actionRequest: {id: s.nextRequestId, kind: 'resume', candidates},
				nextRequestId: s.nextRequestId + 1,
				message: 'writing the resume plan…',
			};
		}
		case 'action-scroll': {
			const confirm = s.actionConfirm;
			if (!confirm) return s;
			return {
				...s,
				actionConfirm: {
					...confirm,
					scroll: Math.max(0, Math.min(confirm.scroll + action.delta, Math.max(0, confirm.lines.length - 1))),
				},
			};
		}
		case 'action-started':
			if (s.actionRequest?.id !== action.requestId) return s;
			return {
				...s,
				actionJob: {
					label: action.label,
					counts: action.counts,
					done: 0,
					total: 0,
					bytesDone: 0,
					bytesTotal: 0,
					current: null,
					startedAtMs: action.nowMs,
					updatedAtMs: action.nowMs,
					cancelling: false,
				},
			};
		case 'action-progress':
			if (!s.actionJob) return s;
			return {
				...s,
				actionJob: {
					...s.actionJob,
					done: action.done,
					total: action.total,
					bytesDone: action.bytesDone,
					bytesTotal: action.bytesTotal,
					current: action.current,
					updatedAtMs: action.nowMs,
				},
			};
		case 'action-finished': {
			if (s.actionRequest?.id !== action.requestId) return s;
			const marks = new Set([...s.marks].filter((id) => !action.removedIds.includes(id)));
			const done = updateRows(
				{...s, actionRequest: null, actionJob: null, marks},
				action.rows,
				action.removedIds,
				action.nowMs,
			);
			const actionUndo =
				action.actionId !== null && !action.undone
					? [
							...s.actionUndo,
							{label: action.label, actionId: action.actionId, afterTriage: s.undo.length},
						].slice(-20)
					: s.actionUndo;
			return {...done, actionUndo, message: action.message};
		}
	}
}
