import {useCallback, useEffect, useRef, type Dispatch} from 'react';
import type {ExplorerData} from '../data/explorer-data.js';
import type {Action, ExplorerState} from '../state/types.js';
import {toSessionView, type SessionView} from '../../view/session-view.js';
import type {Clock} from '../clock.js';

/** How long after a recompute the disk is checked again for stale sessions (see the effect below). */
export const POST_JOB_CHECK_DELAY_MS = 5000;

/**
 * Loads every row after the first frame, starts the first compute when the cache is empty for this root, and
 * checks the disk for stale sessions: at start and after every recompute (a check started earlier is dropped).
 */
export function useDataLifecycle(
	data: ExplorerData,
	state: ExplorerState,
	dispatch: Dispatch<Action>,
	clock: Clock,
): void {
	const generation = useRef(0);
	const running = useRef<AbortController | null>(null);
	const check = useCallback(() => {
		const mine = ++generation.current;
		const controller = new AbortController();
		running.current = controller;
		data.checkStale(controller.signal).then(
			(result) => {
				if (mine === generation.current) dispatch({type: 'stale-checked', ...result});
			},
			() => undefined,
		);
	}, [data, dispatch]);
	// Read here, not inside the effect: a closure naming `state` keeps that render's whole state (every row)
	// alive for as long as the effect lives, and this one lives as long as the explorer.
	const {stallWindowMs} = state;
	useEffect(() => {
		let alive = true;
		void (async () => {
			const nowMs = clock.now();
			const views: SessionView[] = [];
			for await (const page of data.pages()) {
				if (!alive) return;
				for (const row of page) views.push(toSessionView(row, nowMs, stallWindowMs));
				// Keys and frames get their turn between pages.
				await new Promise((resolve) => setImmediate(resolve));
			}
			if (!alive) return;
			dispatch({type: 'views-loaded', views, nowMs});
			if (views.length === 0 && data.readonlyReason === null) dispatch({type: 'confirm-choose', scope: 'all'});
			else check();
		})();
		// The counter itself (a ref object never replaced), not a value read at cleanup time.
		const checks = generation;
		return () => {
			alive = false;
			checks.current++;
		};
		// Loading starts once; the stall window does not change while the explorer runs.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [data, dispatch, clock, check]);
	const jobRunning = state.job !== null;
	const wasRunning = useRef(false);
	useEffect(() => {
		const finished = wasRunning.current && !jobRunning;
		wasRunning.current = jobRunning;
		if (jobRunning) {
			// A recompute makes the check running meanwhile moot (it is made again after the job), and at 100,000
			// sessions its thread beside the job's was the explorer's highest memory: it is stopped.
			generation.current++;
			running.current?.abort();
			running.current = null;
		}
		if (!finished) return;
		// Not at the moment the job ends: the live watches and the look for others' changes start then too, and the
		// three together were the explorer's highest memory after a recompute of 100,000 sessions.
		const timer = clock.setTimeout(check, POST_JOB_CHECK_DELAY_MS);
		return () => clock.clearTimeout(timer);
	}, [jobRunning, check, clock]);
}
