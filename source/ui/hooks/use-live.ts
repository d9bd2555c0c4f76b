import fs from 'node:fs';
import {useEffect, type Dispatch} from 'react';
import {isActiveStatus} from '../../core/state.js';
import {imagesPerMinute} from '../../core/rate.js';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';
import type {Clock, TimerHandle} from '../clock.js';

export const LIVE_POLL_MS = 3000;

/**
 * New session folders and running sessions update by themselves: a cheap poll every few seconds (and at once
 * when fs.watch reports a change in the root, a hint never relied on alone), recomputing only what changed.
 * Nothing is dispatched, so nothing redrawn, when nothing changed. A running session's rate is core/rate.ts's,
 * of the row just polled: the same number `sdstats watch` prints (use-stall-tick.ts moves it to stalled when
 * its window passes).
 */
export function useLive(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>, clock: Clock, pollMs: number): void {
	const jobRunning = state.job !== null;
	useEffect(() => {
		if (state.loading || jobRunning || data.readonlyReason !== null) return;
		let busy = false;
		let alive = true;
		const poll = async (): Promise<void> => {
			if (busy || !alive) return;
			busy = true;
			try {
				const result = await data.pollLive();
				if (!alive || !result || (result.changedIds.length === 0 && result.removedIds.length === 0)) return;
				const {rows} = data.fetch(result.changedIds);
				const t = clock.now();
				dispatch({type: 'rows-updated', rows, removedIds: result.removedIds, nowMs: t});
				const next = new Map<string, number>();
				for (const row of rows) {
					const rate = isActiveStatus(row.manifest_status) ? imagesPerMinute(row) : null;
					if (rate !== null) next.set(row.session_id, rate);
				}
				if (next.size > 0) dispatch({type: 'rates', rates: next});
			} catch {
				// A failed poll is retried at the next tick; the explorer keeps its rows.
			} finally {
				busy = false;
			}
		};
		const timer = clock.setInterval(() => void poll(), pollMs);
		let watcher: fs.FSWatcher | null = null;
		let debounce: TimerHandle | null = null;
		try {
			if (data.watchPath) {
				watcher = fs.watch(data.watchPath, () => {
					if (debounce) clock.clearTimeout(debounce);
					debounce = clock.setTimeout(() => void poll(), 250);
				});
				watcher.on('error', () => watcher?.close());
			}
		} catch {
			watcher = null;
		}
		return () => {
			alive = false;
			clock.clearInterval(timer);
			if (debounce) clock.clearTimeout(debounce);
			watcher?.close();
		};
	}, [data, state.loading, jobRunning, dispatch, clock, pollMs]);

}
