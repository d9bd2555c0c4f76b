import {useEffect, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';

/** Performs triage writes (and undos) the reducer asks for, and lands the changed rows. */
export function useTriage(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>): void {
	const request = state.triageRequest;
	useEffect(() => {
		dispatch({type: 'tags-loaded', tags: data.tagsInUse()});
	}, [data, dispatch]);
	useEffect(() => {
		if (!request) return;
		try {
			if (request.kind === 'apply') {
				const {snapshots, rows} = data.applyTriage(request.targets, request.patch);
				dispatch({type: 'triage-applied', requestId: request.id, label: request.label, snapshots, rows, error: null, tags: request.patch.kind === 'tag' ? data.tagsInUse() : []});
			} else {
				const rows = data.restoreTriage(request.snapshots);
				dispatch({type: 'triage-applied', requestId: request.id, label: request.label, snapshots: null, rows, error: null, tags: data.tagsInUse()});
			}
		} catch (error) {
			dispatch({type: 'triage-applied', requestId: request.id, label: request.label, snapshots: null, rows: [], error: (error as Error).message, tags: []});
		}
	}, [request, data, dispatch]);
}
