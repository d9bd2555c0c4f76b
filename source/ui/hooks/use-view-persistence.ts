import {useCallback, useEffect, useRef} from 'react';
import {formatQuery} from '../../core/query.js';
import type {ViewStore} from '../data/view-store.js';
import type {ExplorerState} from '../state/types.js';

/** Saves named views when they change, and the last view (sort, filter, hidden columns) when quitting. */
export function useViewPersistence(store: ViewStore | null, state: ExplorerState): void {
	const latest = useRef(state);
	latest.current = state;
	const save = useCallback(() => {
		if (!store) return;
		const s = latest.current;
		try {
			store.save({
				version: 1,
				root: s.info.root,
				saved: {...s.savedViews},
				last: {sort: s.sort, filter: formatQuery(s.filter.query), hidden: [...s.hiddenColumns]},
			});
		} catch {
			// A state file that cannot be written costs the remembered view, nothing else.
		}
	}, [store]);
	useEffect(() => {
		if (state.viewsRevision > 0) save();
	}, [state.viewsRevision, save]);
	useEffect(() => {
		if (state.quitting) save();
	}, [state.quitting, save]);
}
