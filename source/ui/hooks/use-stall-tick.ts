import {useEffect, useMemo, type Dispatch} from 'react';
import type {Action, ExplorerState} from '../state/types.js';
import type {Clock} from '../clock.js';

/**
 * A `tick` at the next moment a running session passes its stall window, and at no other: time alone turns a
 * quiet run from running to stalled, and nothing is redrawn periodically.
 */
export function useStallTick(state: ExplorerState, dispatch: Dispatch<Action>, clock: Clock): void {
	const deadline = useMemo(() => {
		let soonest = Number.POSITIVE_INFINITY;
		for (const v of state.all) {
			if (v.state === 'running' && v.row.last_activity_ms !== null)
				soonest = Math.min(soonest, v.row.last_activity_ms + state.stallWindowMs + 1000);
		}
		return soonest;
	}, [state.all, state.stallWindowMs]);
	useEffect(() => {
		if (!Number.isFinite(deadline)) return;
		const timer = clock.setTimeout(
			() => dispatch({type: 'tick', nowMs: clock.now()}),
			Math.max(0, deadline - clock.now()),
		);
		return () => clock.clearTimeout(timer);
	}, [deadline, dispatch, clock]);
}
