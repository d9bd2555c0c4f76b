/**
 * The explorer: one reducer for state (state/), one input hook feeding the key table (keys.ts), one hook per
 * piece of work that leaves the process (hooks/: loading rows, checking the disk, recomputing, triage writes,
 * exports, saving views, live polls), and views that only render (views/). See README.md for the convention
 * that ties them: the reducer puts a request into state, a hook picks it up and reports back with an action.
 */
import React, {useCallback, useEffect, useReducer} from 'react';
import {useApp, useStdout, type Key} from 'ink';
import {systemClock, type Clock} from './clock.js';
import type {ExplorerData} from './data/explorer-data.js';
import type {ExplorerActions} from './data/explorer-actions.js';
import {useSessionActions} from './hooks/use-session-actions.js';
import type {ViewSettings, ViewStore} from './data/view-store.js';
import {useDataLifecycle} from './hooks/use-data-lifecycle.js';
import {useDetailsClock} from './hooks/use-details-clock.js';
import {INSIGHT_SETTLE_MS, useDetailsRow} from './hooks/use-details-row.js';
import {useExport} from './hooks/use-export.js';
import {useExternalChanges} from './hooks/use-external-changes.js';
import {useJobs} from './hooks/use-jobs.js';
import {useKeys} from './hooks/use-keys.js';
import {LIVE_POLL_MS, useLive} from './hooks/use-live.js';
import {useStallTick} from './hooks/use-stall-tick.js';
import {useTerminalSize, type SizedStream} from './hooks/use-terminal-size.js';
import {useTriage} from './hooks/use-triage.js';
import {useTriageFreshness} from './hooks/use-triage-freshness.js';
import {useViewPersistence} from './hooks/use-view-persistence.js';
import {applyView, explorerReducer, initialState} from './state/reducer.js';
import {computeScreen} from './state/screen.js';
import {createTheme} from './theme.js';
import {Frame} from './views/frame.js';
import {OverlayContext} from './views/pictures.js';
import {usePreviews, type PreviewServices} from './hooks/use-previews.js';
import type {ImageOverlay} from './image-overlay.js';
import type {PreviewOutput} from './state/types.js';
import {noteKey} from './data/background-pause.js';

export type AppProps = {
	data: ExplorerData;
	/** Where remembered views live; none: nothing is remembered. */
	viewStore?: ViewStore | null;
	/** The view to start with (the remembered one, or --filter/--sort). */
	initialView?: Partial<ViewSettings> | null;
	stallWindowMs: number;
	color: boolean;
	notice?: string | null;
	/** The time and the timers (tests pass a clock they move themselves). */
	clock?: Clock;
	/** Called once the input handler listens (tests wait for it before typing). */
	onReady?: () => void;
	/** Called when the user quits. */
	onQuit?: () => void;
	/** How often the live poll runs (tests shorten it). */
	livePollMs?: number;
	/** How long the cursor rests on a session before its folder is analysed (tests lengthen it). */
	insightSettleMs?: number;
	/** Pictures: how they reach the terminal, and the services that make them; none: no pictures. */
	previewOutput?: PreviewOutput | null;
	previewServices?: PreviewServices | null;
	/** The overlay graphics protocols draw through (run-explorer wraps stdout with it). */
	overlay?: ImageOverlay | null;
	/** Archive, trash and their undo (A, D, U); none: those keys say they are not available. */
	actions?: ExplorerActions | null;
};

export function App({
	data,
	viewStore = null,
	initialView = null,
	stallWindowMs,
	color,
	notice = null,
	clock = systemClock,
	onReady,
	onQuit,
	livePollMs = LIVE_POLL_MS,
	insightSettleMs = INSIGHT_SETTLE_MS,
	actions = null,
	previewOutput = null,
	previewServices = null,
	overlay = null,
}: AppProps): React.JSX.Element {
	const {stdout} = useStdout();
	const viewport = useTerminalSize(stdout as unknown as SizedStream);
	const {exit} = useApp();
	const [state, dispatch] = useReducer(explorerReducer, undefined, () => {
		const loaded = viewStore?.load() ?? null;
		const start = initialState({
			viewport,
			nowMs: clock.now(),
			stallWindowMs,
			info: {
				root: data.root,
				dbPath: data.dbPath,
				sharedPath: data.sharedPath,
				notice: notice ?? data.readonlyReason,
				readonly: data.readonlyReason !== null,
				roots: data.roots,
			},
			savedViews: loaded?.file.saved ?? {},
			previewOutput,
			previewsEnabled: previewServices !== null,
		});
		// The first frame shows cached rows at once: one small query before any disk work.
		const screen = computeScreen(viewport, false);
		const first = data.loadNewest(screen.kind === 'normal' ? screen.listHeight : 20);
		const withRows = explorerReducer(start, {
			type: 'rows-loaded',
			rows: first,
			complete: false,
			nowMs: start.nowMs,
		});
		const view = {...(loaded?.file.last ?? {}), ...initialView};
		const viewed =
			view.sort || view.filter || view.hidden
				? applyView(withRows, {
						sort: view.sort ?? withRows.sort,
						filter: view.filter ?? '',
						hidden: view.hidden ?? [],
					})
				: withRows;
		return loaded?.warning ? {...viewed, message: loaded.warning} : viewed;
	});
	const theme = React.useMemo(() => createTheme(color), [color]);

	useEffect(() => {
		dispatch({type: 'resize', viewport});
	}, [viewport]);

	const onInput = useCallback(
		(input: string, key: Key) => {
			noteKey();
			dispatch({type: 'key', input, key, nowMs: clock.now()});
		},
		[clock],
	);
	useKeys(onInput);
	useEffect(() => {
		onReady?.();
	}, [onReady]);

	useDataLifecycle(data, state, dispatch, clock);
	useDetailsRow(data, state, dispatch, clock, insightSettleMs);
	useTriage(data, state, dispatch);
	useTriageFreshness(data, dispatch, clock);
	useExport(data, state, dispatch, clock);
	useViewPersistence(viewStore, state);
	useExternalChanges(data, state.loading, dispatch, clock);
	useLive(data, state, dispatch, clock, livePollMs);
	useStallTick(state, dispatch, clock);
	useDetailsClock(state, dispatch, clock);
	useJobs(data, state, dispatch, clock);
	useSessionActions(actions, data, state, dispatch, clock.now);
	usePreviews(previewServices, state, dispatch, clock, insightSettleMs);

	// Not `state.quitting` inside the effect: a closure naming `state` keeps that render's rows alive with it.
	const quitting = state.quitting;
	useEffect(() => {
		if (!quitting) return;
		onQuit?.();
		exit();
	}, [quitting, exit, onQuit]);

	return (
		<OverlayContext.Provider value={overlay}>
			<Frame state={state} theme={theme} />
		</OverlayContext.Provider>
	);
}
