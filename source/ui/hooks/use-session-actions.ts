import {useEffect, useRef, type Dispatch} from 'react';
import type {ExplorerActions} from '../data/explorer-actions.js';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';

/** Progress is sent at most this often: a frame per moved session would slow a run of small ones. */
const PROGRESS_MS = 100;

/**
 * Plans, runs and takes back archives and trashes the reducer asks for (`actionRequest`), and writes resume
 * plans; reports progress, passes a stop request on (it is honoured between sessions), and lands the rows:
 * moved ones leave the list, ones put back return to it.
 */
export function useSessionActions(
	actions: ExplorerActions | null,
	data: ExplorerData,
	state: ExplorerState,
	dispatch: Dispatch<Action>,
	now: () => number,
): void {
	const request = state.actionRequest;
	const cancel = useRef({cancelled: false});
	const cancelling = state.actionJob?.cancelling ?? false;
	useEffect(() => {
		if (cancelling) cancel.current.cancelled = true;
	}, [cancelling]);
	useEffect(() => {
		if (!request) return;
		if (!actions) {
			if (request.kind === 'plan')
				dispatch({
					type: 'action-planned',
					requestId: request.id,
					planId: null,
					lines: [],
					movable: 0,
					running: 0,
					error: 'archive and trash are not available here',
				});
			if (request.kind === 'resume')
				dispatch({
					type: 'action-finished',
					requestId: request.id,
					message: 'resume plans are not available here',
					actionId: null,
					label: '',
					rows: [],
					removedIds: [],
					undone: false,
					nowMs: now(),
				});
			return;
		}
		if (request.kind === 'plan') {
			// Planned off this thread (listing a thousand folders takes a while): the screen answers meanwhile.
			actions.plan(request.action, request.candidates, request.includeRunning).then(
				(plan) =>
					dispatch({
						type: 'action-planned',
						requestId: request.id,
						planId: plan.planId,
						lines: plan.lines,
						movable: plan.movable,
						running: plan.running,
						error: null,
					}),
				(error: unknown) =>
					dispatch({
						type: 'action-planned',
						requestId: request.id,
						planId: null,
						lines: [],
						movable: 0,
						running: 0,
						error: (error as Error).message,
					}),
			);
			return;
		}
		cancel.current = {cancelled: false};
		// A resume plan reads every session's manifest and images: it runs like a move, with progress and a stop.
		const resume = request.kind === 'resume';
		const label = request.kind === 'undo' ? request.label : resume ? 'writing the resume plan' : 'moving sessions';
		dispatch({
			type: 'action-started',
			requestId: request.id,
			label,
			counts: resume ? 'sessions' : 'bytes',
			nowMs: now(),
		});
		let last = 0;
		const onProgress = (p: {
			done: number;
			total: number;
			bytesDone: number;
			bytesTotal: number;
			sessionId: string | null;
		}): void => {
			const t = now();
			if (t - last < PROGRESS_MS && p.sessionId !== null) return;
			last = t;
			dispatch({
				type: 'action-progress',
				done: p.done,
				total: p.total,
				bytesDone: p.bytesDone,
				bytesTotal: p.bytesTotal,
				current: p.sessionId,
				nowMs: t,
			});
		};
		const work =
			request.kind === 'undo'
				? actions.undo(request.actionId, onProgress, cancel.current)
				: request.kind === 'resume'
					? actions.resume(request.candidates, onProgress, cancel.current)
					: actions.run(request.planId, onProgress, cancel.current);
		work.then(
			(outcome) => {
				const undone = request.kind === 'undo';
				// Sessions put back are read again (their rows now name the root); moved ones leave the list. Both by
				// row key: with several roots, another root may hold a session of the same name.
				const rows = undone && outcome.movedKeys.length > 0 ? data.fetch(outcome.movedKeys).rows : [];
				const message = `${outcome.message}${!undone && outcome.actionId ? ' · U takes it back' : ''}`;
				dispatch({
					type: 'action-finished',
					requestId: request.id,
					message,
					actionId: outcome.actionId,
					label: outcome.message.split(' · ')[0] ?? '',
					rows,
					removedIds: undone ? [] : outcome.movedKeys,
					undone,
					nowMs: now(),
				});
			},
			(error: unknown) => {
				dispatch({
					type: 'action-finished',
					requestId: request.id,
					message: `${resume ? 'the resume plan was not written' : 'the action stopped'}: ${(error as Error).message}`,
					actionId: null,
					label: '',
					rows: [],
					removedIds: [],
					undone: false,
					nowMs: now(),
				});
			},
		);
	}, [request, actions, data, dispatch, now]);
}
