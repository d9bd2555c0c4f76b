import {useEffect, useMemo, type Dispatch} from 'react';
import type {Action, ExplorerState} from '../state/types.js';

/**
 * A `tick` at the next moment a running session passes its stall window, and at no other: time alone turns a
 * quiet run from running to stalled, and nothing is redrawn periodically.
 */
export function useStallTick(state: ExplorerState, dispatch: Dispatch<Action>, now: () => number): void {
	const deadline = useMemo(() => {
		let soonest = Number.POSITIVE_INFINITY;
		for (const v of state.all) {
			if (v.state === 'running' && v.row.last_activity_ms !== null) soonest = Math.min(soonest, v.row.last_activity_ms + state.stallWindowMs + 1000);
		}
		return soonest;
	}, [state.all, state.stallWindowMs]);
	useEffect(() => {
		if (!Number.isFinite(deadline)) return;
		const timer = setTimeout(() => dispatch({type: 'tick', nowMs: now()}), Math.max(0, deadline - now()));
		return () => clearTimeout(timer);
	}, [deadline, dispatch, now]);
}
