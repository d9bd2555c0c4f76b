import {useEffect, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';
import type {Clock} from '../clock.js';

/** Writes the export the state asks for (`exportRequest` → `export-done` with where it went, or why not). */
export function useExport(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>, clock: Clock): void {
	const request = state.exportRequest;
	const {stallWindowMs} = state;
	useEffect(() => {
		if (!request) return;
		try {
			// Named and stated at the time of writing, not at the last data event.
			const file = data.exportSessions(request.format, request.sessionIds, clock.now(), stallWindowMs);
			dispatch({
				type: 'export-done',
				message: `exported ${request.sessionIds.length} session${request.sessionIds.length === 1 ? '' : 's'} to ${file}`,
			});
		} catch (error) {
			dispatch({type: 'export-done', message: `export failed: ${(error as Error).message}`});
		}
		// The stall window does not change while the explorer runs.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [request, data, dispatch, clock]);
}
