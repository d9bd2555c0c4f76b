import {useEffect, type Dispatch} from 'react';
import {isActiveStatus} from '../../core/state.js';
import {imagesPerMinute} from '../../core/rate.js';
import {rowKeyOf} from '../../view/session-view.js';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';
import type {Clock, TimerHandle} from '../clock.js';

export const LIVE_POLL_MS = 3000;
/** The poll's pace while watches hint every change: a safety net for a missed event (queue overflow). */
export const WATCHED_POLL_MS = 30_000;
const HINT_DEBOUNCE_MS = 250;

/**
 * New session folders and changed sessions update by themselves: fs.watch on the root and on each session folder
 * hints at once (jobs/folder-watch.ts), and a cheap poll, every few seconds when the watches cannot be relied on
 * (network filesystem, watches run out, too many folders) and as a safety net otherwise, recomputes only what
 * changed. Nothing is dispatched, so nothing redrawn, when nothing changed. A running session's rate is
 * core/rate.ts's, of the row just polled: the same number `sdstats watch` prints (use-stall-tick.ts moves it to
 * stalled when its window passes).
 */
export function useLive(
	data: ExplorerData,
	state: ExplorerState,
	dispatch: Dispatch<Action>,
	clock: Clock,
	pollMs: number,
): void {
	const jobRunning = state.job !== null;
	// Not `state.loading` inside the effect: its closures would keep that render's state (every row) alive.
	const loading = state.loading;
	useEffect(() => {
		if (loading || jobRunning || data.readonlyReason !== null) return;
		let busy = false;
		let alive = true;
		const poll = async (): Promise<void> => {
			if (busy || !alive) return;
			busy = true;
			try {
				const result = await data.pollLive();
				if (!alive || !result || (result.changedIds.length === 0 && result.removedIds.length === 0)) return;
				const {rows} = data.fetchListed(result.changedIds);
				const t = clock.now();
				dispatch({type: 'rows-updated', rows, removedIds: result.removedIds, nowMs: t});
				const next = new Map<string, number>();
				for (const row of rows) {
					const rate = isActiveStatus(row.manifest_status) ? imagesPerMinute(row) : null;
					if (rate !== null) next.set(rowKeyOf(row), rate);
				}
				if (next.size > 0) dispatch({type: 'rates', rates: next});
			} catch {
				// A failed poll is retried at the next tick; the explorer keeps its rows.
			} finally {
				busy = false;
			}
		};
		// Watches hint at changes at once (debounced: an image is written in several steps); while every change
		// is hinted the poll only runs as a safety net, otherwise at its usual pace.
		let debounce: TimerHandle | null = null;
		const watch = data.watchChanges(() => {
			if (debounce) clock.clearTimeout(debounce);
			debounce = clock.setTimeout(() => void poll(), HINT_DEBOUNCE_MS);
		});
		let timer: TimerHandle | null = null;
		const schedule = (): void => {
			timer = clock.setTimeout(
				() => {
					void poll();
					if (alive) schedule();
				},
				watch?.reliable() ? Math.max(pollMs, WATCHED_POLL_MS) : pollMs,
			);
		};
		schedule();
		return () => {
			alive = false;
			if (timer) clock.clearTimeout(timer);
			if (debounce) clock.clearTimeout(debounce);
			watch?.close();
		};
	}, [data, loading, jobRunning, dispatch, clock, pollMs]);
}
