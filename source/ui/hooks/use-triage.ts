import {useEffect, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';

/**
 * Performs triage writes (and undos) the reducer asks for, and lands the changed rows. The write settles later
 * (retried while another program, the web UI, holds the file's lock): keys and frames go on meanwhile, the wait
 * is shown (`triage-locked`), and the change lands or is reported failed, never dropped.
 */
export function useTriage(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>): void {
	const request = state.triageRequest;
	useEffect(() => {
		dispatch({type: 'tags-loaded', tags: data.tagsInUse()});
	}, [data, dispatch]);
	useEffect(() => {
		if (!request) return;
		const onLocked = (): void => dispatch({type: 'triage-locked', requestId: request.id});
		const fail = (error: unknown): void =>
			dispatch({
				type: 'triage-applied',
				requestId: request.id,
				label: request.label,
				snapshots: null,
				rows: [],
				error: error instanceof Error ? error.message : String(error),
				tags: [],
			});
		if (request.kind === 'apply') {
			data.applyTriage(request.targets, request.patch, onLocked).then(({snapshots, rows}) => {
				dispatch({
					type: 'triage-applied',
					requestId: request.id,
					label: request.label,
					snapshots,
					rows,
					error: null,
					tags: request.patch.kind === 'tag' ? data.tagsInUse() : [],
				});
			}, fail);
		} else {
			// What was kept as another program set it is said instead of the plain label.
			data.restoreTriage(request.snapshots, onLocked).then(({rows, message}) => {
				dispatch({
					type: 'triage-applied',
					requestId: request.id,
					label: message ?? request.label,
					snapshots: null,
					rows,
					error: null,
					tags: data.tagsInUse(),
				});
			}, fail);
		}
	}, [request, data, dispatch]);
}
