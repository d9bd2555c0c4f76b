import {useEffect, useRef, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import {computeScreen} from '../state/screen.js';
import type {Action, ExplorerState} from '../state/types.js';
import type {Clock} from '../clock.js';
import type {ListedSession} from '../../core/types.js';

/** A row's fields as one text: equal for two objects of the same stored row (64-bit numbers as text). */
function rowContent(row: ListedSession): string {
	return JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** How long the cursor rests on a session before its folder is analysed for the details. */
export const INSIGHT_SETTLE_MS = 120;

/**
 * The list holds lean rows; the details view needs the full one. It is fetched (one indexed read) whenever
 * details are on screen for another session than the one fetched, or that session's row landed again
 * (state.selectedLanded: recomputed, or changed by another program).
 */
export function useDetailsRow(
	data: ExplorerData,
	state: ExplorerState,
	dispatch: Dispatch<Action>,
	clock: Clock,
	settleMs: number,
): void {
	const selected = state.shown[state.cursorIndex];
	const screen = computeScreen(state.viewport, state.job !== null);
	const visible =
		state.mode === 'details' || (screen.kind === 'normal' && screen.sideWidth > 0 && state.mode === 'list');
	const wantedId = visible ? (selected?.id ?? null) : null;
	// Both reads follow the row's content, not which object carries it: the rows loaded after the first frame are
	// new objects for the same sessions, and restarting the folder analysis then started a worker thread just as
	// the first key after loading was answered (its CPU counted against that key).
	const content = selected ? rowContent(selected.row) : null;
	// The selected row landed again (recomputed, changed elsewhere): its full row may differ where the lean one
	// does not (the computed time, the negative prompt…), so it is read again.
	const landed = state.selectedLanded;
	useEffect(() => {
		if (wantedId === null) return;
		const {rows} = data.fetch([wantedId]);
		dispatch({type: 'details-loaded', row: rows[0] ?? null});
	}, [wantedId, content, landed, data, dispatch]);
	// The folder analysis takes longer (a big manifest: a second or two): off-thread, dropped when the cursor moves,
	// and started only once the cursor rests, so holding j does not start (and stop) a worker thread per row.
	const allRef = useRef(state.all);
	allRef.current = state.all;
	useEffect(() => {
		if (wantedId === null || !selected) return;
		const controller = new AbortController();
		const start = (): void => {
			// Duplicates share the prompt first of all: only those rows are compared (not all 100,000).
			const prompt = selected.row.resolved_prompt;
			const identities = allRef.current.filter((v) => v.row.resolved_prompt === prompt).map((v) => v.row);
			data.insight(selected.row, selected.state === 'running', identities, controller.signal).then(
				(insight) => dispatch({type: 'insight-loaded', sessionId: wantedId, insight, error: null}),
				(error: unknown) => {
					if ((error as Error).name !== 'AbortError')
						dispatch({
							type: 'insight-loaded',
							sessionId: wantedId,
							insight: null,
							error: (error as Error).message,
						});
				},
			);
		};
		const timer = clock.setTimeout(start, settleMs);
		return () => {
			clock.clearTimeout(timer);
			controller.abort();
		};
		// A recompute of the session (a new computation stored) reads it again.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [wantedId, content, landed, data, dispatch, clock]);
}
