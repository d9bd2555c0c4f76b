/**
 * The jobs slice: asking for a recompute (it lands in `jobRequest`, which the jobs hook takes), its progress and
 * end, the disk's stale check, status messages, and quitting (Ctrl-C cancels a running recompute first).
 */
import {scrollIntoView} from './list.js';
import {openOverlay} from './overlays.js';
import {selectedId} from './selectors.js';
import type {ExplorerState, JobAction} from './types.js';

type JobScope = {scope: 'sessions'; sessionIds: string[]} | {scope: 'stale'} | {scope: 'all'};

const ALREADY_RUNNING = 'a recompute is already running (Esc cancels it)';

function requestJob(state: ExplorerState, request: JobScope): ExplorerState {
	if (state.job !== null || state.jobRequest !== null) return {...state, message: ALREADY_RUNNING};
	return {...state, jobRequest: {...request, id: state.nextRequestId}, nextRequestId: state.nextRequestId + 1};
}

export function cancelJob(state: ExplorerState): ExplorerState {
	if (state.job === null || state.job.cancelling) return state;
	return {...state, job: {...state.job, cancelling: true}, message: 'cancelling after the current batch…'};
}

export function jobsReducer(state: ExplorerState, action: JobAction): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'recompute-selection': {
			const id = selectedId(s);
			const ids = s.marks.size > 0 ? [...s.marks] : id !== null ? [id] : [];
			if (ids.length === 0) return {...s, message: 'nothing to recompute'};
			return requestJob(s, {scope: 'sessions', sessionIds: ids});
		}
		case 'confirm-open':
			if (s.job) return {...s, message: ALREADY_RUNNING};
			return openOverlay(s, 'confirm');
		case 'confirm-choose':
			return requestJob({...s, mode: s.previousMode}, {scope: action.scope});
		case 'job-request-taken':
			return {...s, jobRequest: null};
		case 'job-started':
			return {
				...s,
				job: {
					requestId: action.requestId,
					label: action.label,
					done: 0,
					total: action.total,
					current: null,
					startedAtMs: action.startedAtMs,
					updatedAtMs: action.startedAtMs,
					errors: 0,
					lastError: null,
					cancelling: false,
				},
			};
		case 'job-progress':
			if (!s.job) return s;
			return {
				...s,
				job: {
					...s.job,
					done: action.done,
					total: action.total,
					current: action.current,
					errors: action.errors,
					lastError: action.lastError,
					updatedAtMs: action.nowMs,
				},
			};
		case 'job-finished': {
			// The job panel goes: the list gets its lines back.
			const finished = {...s, job: null, message: action.message};
			if (!s.fillingUntouched) return scrollIntoView(finished);
			// The first compute filled an empty list and nobody pressed a key: the cursor goes to the top.
			return scrollIntoView({
				...finished,
				fillingUntouched: false,
				cursorMoved: false,
				cursorIndex: 0,
				cursorId: s.shown[0]?.id ?? null,
				scrollTop: 0,
			});
		}
		case 'stale-checked':
			return {
				...s,
				stale: new Set(action.stale),
				newOnDisk: [...action.newOnDisk],
				staleChecked: true,
				rootProblem: action.rootProblem ?? null,
				rootProblems: action.rootProblems ?? {},
			};
		case 'message':
			return {...s, message: action.text};
		case 'quit':
			return {...s, quitting: true};
		case 'interrupt':
			if (s.job && !s.job.cancelling) return cancelJob(s);
			return {...s, quitting: true};
	}
}
