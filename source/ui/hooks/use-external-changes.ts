import {useEffect, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action} from '../state/types.js';
import type {Clock} from '../clock.js';

const EXTERNAL_POLL_MS = 2000;

/**
 * Another process (a CLI compute, the web UI) may write the same database while we browse. A cheap poll of
 * SQLite's data_version tells when someone else committed; only then are the changed rows read and landed.
 * Nothing is drawn when nothing changed.
 */
export function useExternalChanges(
	data: ExplorerData,
	loading: boolean,
	dispatch: Dispatch<Action>,
	clock: Clock,
): void {
	useEffect(() => {
		if (loading) return;
		let alive = true;
		// The signatures last seen: null until the first read (now, then retried at each tick until it works).
		let known: Map<string, number> | null = null;
		// One read at a time: a tick during a (paged) read is skipped.
		let busy = false;
		const poll = async (): Promise<void> => {
			if (busy) return;
			busy = true;
			try {
				if (known === null) {
					known = await data.versions();
					return;
				}
				const result = await data.externalChanges(known);
				if (!alive || !result) return;
				known = result.versions;
				if (result.changed.length > 0 || result.removed.length > 0) {
					dispatch({
						type: 'rows-updated',
						rows: result.changed,
						removedIds: result.removed,
						nowMs: clock.now(),
					});
				}
			} catch {
				// A failed read is retried at the next tick; the explorer keeps its rows.
			} finally {
				busy = false;
			}
		};
		void poll();
		const timer = clock.setInterval(() => void poll(), EXTERNAL_POLL_MS);
		return () => {
			alive = false;
			clock.clearInterval(timer);
		};
	}, [data, loading, dispatch, clock]);
}
