import {useEffect, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';

/** Writes the export the state asks for (`exportRequest` → `export-done` with where it went, or why not). */
export function useExport(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>): void {
	const request = state.exportRequest;
	const {nowMs, stallWindowMs} = state;
	useEffect(() => {
		if (!request) return;
		try {
			const file = data.exportSessions(request.format, request.sessionIds, nowMs, stallWindowMs);
			dispatch({type: 'export-done', message: `exported ${request.sessionIds.length} session${request.sessionIds.length === 1 ? '' : 's'} to ${file}`});
		} catch (error) {
			dispatch({type: 'export-done', message: `export failed: ${(error as Error).message}`});
		}
		// The clock and window at the time of the request are the ones exported.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [request, data, dispatch]);
}
