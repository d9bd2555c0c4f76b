import {useEffect, type Dispatch} from 'react';
import type {Clock} from '../clock.js';
import {screenOf} from '../state/screen.js';
import type {Action, ExplorerState} from '../state/types.js';

/** How often the ages in the details may change on screen. */
const DETAILS_CLOCK_MS = 1000;

/**
 * While details are on screen (opened, or beside the list), their ages ("3 s ago", "last write 2 min ago") follow
 * the clock: a `clock` action once a second, which the reducer takes only when the details' text changes, so
 * nothing is redrawn when nothing changed.
 */
export function useDetailsClock(state: ExplorerState, dispatch: Dispatch<Action>, clock: Clock): void {
	const screen = screenOf(state);
	const shown =
		state.shown.length > 0 &&
		(state.mode === 'details' || (state.mode === 'list' && screen.kind === 'normal' && screen.sideWidth > 0));
	useEffect(() => {
		if (!shown) return;
		const timer = clock.setInterval(() => dispatch({type: 'clock', nowMs: clock.now()}), DETAILS_CLOCK_MS);
		return () => clock.clearInterval(timer);
	}, [shown, dispatch, clock]);
}
