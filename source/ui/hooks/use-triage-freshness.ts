import {useEffect, useState, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action} from '../state/types.js';
import type {Clock} from '../clock.js';

/** How often the triage of rows shown stale is read again while its file is locked. */
export const TRIAGE_RETRY_MS = 500;

/**
 * Another program holding the triage's file locked never holds the screen: rows are read without the wait
 * and show the triage last read (ui/data/triage-reads.ts). This shows why (`triage-stale`), and reads the
 * triage again on a timer until the lock is gone, landing the rows whose triage changed meanwhile.
 */
export function useTriageFreshness(data: ExplorerData, dispatch: Dispatch<Action>, clock: Clock): void {
	const [problem, setProblem] = useState<string | null>(null);
	useEffect(
		() =>
			data.watchTriage((next) => {
				setProblem(next);
				dispatch({type: 'triage-stale', problem: next});
			}),
		[data, dispatch],
	);
	const stale = problem !== null;
	useEffect(() => {
		if (!stale) return;
		let alive = true;
		// One read at a time: a tick during a (stepped) refresh is skipped.
		let reading = false;
		const retry = async (): Promise<void> => {
			if (reading) return;
			reading = true;
			try {
				const rows = await data.refreshTriage();
				if (alive && rows && rows.length > 0)
					dispatch({type: 'rows-updated', rows, removedIds: [], nowMs: clock.now()});
			} catch {
				// Not a lock (those resolve to null): the next tick tries again; the rows shown stay.
			} finally {
				reading = false;
			}
		};
		const timer = clock.setInterval(() => void retry(), TRIAGE_RETRY_MS);
		return () => {
			alive = false;
			clock.clearInterval(timer);
		};
	}, [stale, data, dispatch, clock]);
}
