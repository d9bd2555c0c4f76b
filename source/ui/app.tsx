/**
 * The explorer: one reducer for state, one input hook feeding the key table, effects for the work that
 * leaves the process (loading rows, checking the disk, recomputing), and views that only render.
 */
import fs from 'node:fs';
import React, {useCallback, useEffect, useReducer, useRef} from 'react';
import {RateTracker} from '../jobs/live.js';
import {Box, Text, useApp, useInput, useStdout, type Key} from 'ink';
import type {ExplorerData, JobHandle} from './data/explorer-data.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {applyView, explorerReducer, initialState} from './state/reducer.js';
import type {ViewSettings, ViewStore} from './data/view-store.js';
import {formatQuery} from '../core/query.js';
import {computeScreen} from './state/screen.js';
import type {Action, ExplorerState, JobRequest} from './state/types.js';
import {createTheme, type Theme} from './theme.js';
import {DetailsView} from './views/details.js';
import {Footer} from './views/footer.js';
import {Header} from './views/header.js';
import {JobPanel} from './views/job-panel.js';
import {ListView} from './views/list.js';
import {ConfirmPane, ExportPane, FilterPane, GroupsPane, HelpView, SortPane} from './views/panes.js';
import type {SizedStream} from './hooks/use-terminal-size.js';
import type {ComputeSummary} from '../jobs/compute-job.js';
import {toSessionView, type SessionView} from '../view/session-view.js';
import {INCOMPLETE_SORT, prepareSortGradually} from '../view/sort.js';

export type AppProps = {
	data: ExplorerData;
	/** Where remembered views live; none: nothing is remembered. */
	viewStore?: ViewStore | null;
	/** The view to start with (the remembered one, or --filter/--sort). */
	initialView?: Partial<ViewSettings> | null;
	stallWindowMs: number;
	color: boolean;
	notice?: string | null;
	now?: () => number;
	/** Called once the input handler listens (tests wait for it before typing). */
	onReady?: () => void;
	/** Called when the user quits. */
	onQuit?: () => void;
	/** How often the live poll runs (tests shorten it). */
	livePollMs?: number;
	/** How long the cursor rests on a session before its folder is analysed (tests lengthen it). */
	insightSettleMs?: number;
};

const PROGRESS_INTERVAL_MS = 100;
/** How long the cursor rests on a session before its folder is analysed for the details. */
const INSIGHT_SETTLE_MS = 120;

function jobLabel(request: JobRequest): string {
	if (request.scope === 'all') return 'all sessions';
	if (request.scope === 'stale') return 'stale and new sessions';
	return request.sessionIds.length === 1 ? '1 session' : `${request.sessionIds.length} sessions`;
}

function finishedMessage(summary: ComputeSummary | null, error: Error | undefined): string {
	if (error) return `recompute failed: ${error.message}`;
	if (!summary) return 'recompute finished';
	const problems = summary.unreadable > 0 ? `, ${summary.unreadable} unreadable` : '';
	const removed = summary.removed > 0 ? `, ${summary.removed} removed` : '';
	if (summary.cancelled) return `cancelled after ${summary.computed}/${summary.planned}${problems}`;
	return `recomputed ${summary.computed} session${summary.computed === 1 ? '' : 's'}${removed}${problems} in ${summary.seconds.toFixed(1)} s`;
}

/**
 * Loads every row after the first frame, starts the first compute when the cache is empty for this root, and
 * checks the disk for stale sessions: at start and after every recompute (a check started earlier is dropped).
 */
function useDataLifecycle(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>, now: () => number): void {
	const generation = useRef(0);
	const check = useCallback(() => {
		const mine = ++generation.current;
		data.checkStale().then(
			(result) => {
				if (mine === generation.current) dispatch({type: 'stale-checked', ...result});
			},
			() => undefined,
		);
	}, [data, dispatch]);
	useEffect(() => {
		let alive = true;
		void (async () => {
			const nowMs = now();
			const views: SessionView[] = [];
			for await (const page of data.pages()) {
				if (!alive) return;
				for (const row of page) views.push(toSessionView(row, nowMs, state.stallWindowMs));
				// Keys and frames get their turn between pages.
				await new Promise((resolve) => setImmediate(resolve));
			}
			if (!alive) return;
			dispatch({type: 'views-loaded', views, nowMs});
			if (views.length === 0 && data.readonlyReason === null) dispatch({type: 'confirm-choose', scope: 'all'});
			else check();
		})();
		return () => {
			alive = false;
			generation.current++;
		};
		// Loading starts once; the stall window does not change while the explorer runs.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [data, dispatch, now, check]);
	// The `i` preset sorts by completion: sorted ahead, once, a slice at a time after loading, it answers at once.
	const loaded = !state.loading;
	const all = state.all;
	useEffect(() => {
		if (!loaded || all.length === 0) return;
		const controller = new AbortController();
		void prepareSortGradually(all, INCOMPLETE_SORT.key, controller.signal);
		return () => controller.abort();
		// Once per load: a live update replaces `all`, and re-sorting on every update is not worth it.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [loaded]);
	const jobRunning = state.job !== null;
	const wasRunning = useRef(false);
	useEffect(() => {
		if (wasRunning.current && !jobRunning) check();
		wasRunning.current = jobRunning;
	}, [jobRunning, check]);
}

/** Starts the recompute the state asks for, throttles its progress, and lands its rows as they are stored. */
function useJobs(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>, now: () => number): void {
	const handle = useRef<JobHandle | null>(null);
	const request = state.jobRequest;
	const staleRef = useRef({stale: [...state.stale], newOnDisk: [...state.newOnDisk]});
	staleRef.current = {stale: [...state.stale], newOnDisk: [...state.newOnDisk]};
	useEffect(() => {
		if (!request) return;
		dispatch({type: 'job-request-taken'});
		dispatch({type: 'job-started', requestId: request.id, label: jobLabel(request), total: 0, startedAtMs: now()});
		const pending = new Set<string>();
		let timer: NodeJS.Timeout | null = null;
		let lastProgress = 0;
		const flush = (): void => {
			timer = null;
			if (pending.size === 0) return;
			const ids = [...pending];
			pending.clear();
			const {rows, missing} = data.fetch(ids);
			dispatch({type: 'rows-updated', rows, removedIds: missing, nowMs: now()});
		};
		handle.current = data.startJob(request, staleRef.current, {
			onProgress(p) {
				const t = now();
				if (t - lastProgress < PROGRESS_INTERVAL_MS && p.done < p.total) return;
				lastProgress = t;
				const last = p.errors.at(-1);
				dispatch({type: 'job-progress', done: p.done, total: p.total, current: p.current, errors: p.errors.length, lastError: last ? `${last.sessionId}: ${last.reason}` : null, nowMs: t});
			},
			onStored(ids) {
				for (const id of ids) pending.add(id);
				timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
			},
			onDone(summary, error) {
				if (timer) clearTimeout(timer);
				flush();
				handle.current = null;
				dispatch({type: 'job-finished', message: finishedMessage(summary, error)});
			},
		});
	}, [request, data, dispatch, now]);
	const cancelling = state.job?.cancelling === true;
	useEffect(() => {
		if (cancelling) handle.current?.cancel();
	}, [cancelling]);
	useEffect(
		() => () => {
			handle.current?.cancel();
		},
		[],
	);
}

const EXTERNAL_POLL_MS = 2000;
export const LIVE_POLL_MS = 3000;

/**
 * New session folders and running sessions update by themselves: a cheap poll every few seconds (and at once
 * when fs.watch reports a change in the root, a hint never relied on alone), recomputing only what changed.
 * Nothing is dispatched, so nothing redrawn, when nothing changed. A running session's rate comes from the
 * image counts these polls see; a timer moves it to stalled when its window passes.
 */
function useLive(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>, now: () => number, pollMs: number): void {
	const jobRunning = state.job !== null;
	const rates = useRef(new RateTracker());
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
				const t = now();
				dispatch({type: 'rows-updated', rows, removedIds: result.removedIds, nowMs: t});
				const tracker = rates.current;
				for (const row of rows) {
					if (row.manifest_status === 'ongoing' || row.manifest_status === 'in_progress') tracker.record(row.session_id, t, row.images_actual);
					else tracker.forget(row.session_id);
				}
				const next = new Map<string, number>();
				for (const row of rows) {
					const rate = tracker.ratePerMinute(row.session_id);
					if (rate !== null) next.set(row.session_id, rate);
				}
				if (next.size > 0) dispatch({type: 'rates', rates: next});
			} catch {
				// A failed poll is retried at the next tick; the explorer keeps its rows.
			} finally {
				busy = false;
			}
		};
		const timer = setInterval(() => void poll(), pollMs);
		let watcher: fs.FSWatcher | null = null;
		let debounce: NodeJS.Timeout | null = null;
		try {
			if (data.watchPath) {
				watcher = fs.watch(data.watchPath, () => {
					if (debounce) clearTimeout(debounce);
					debounce = setTimeout(() => void poll(), 250);
				});
				watcher.on('error', () => watcher?.close());
			}
		} catch {
			watcher = null;
		}
		return () => {
			alive = false;
			clearInterval(timer);
			if (debounce) clearTimeout(debounce);
			watcher?.close();
		};
	}, [data, state.loading, jobRunning, dispatch, now, pollMs]);

	// The next moment a running session passes its stall window, and nothing else: no periodic redraw.
	const deadline = React.useMemo(() => {
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

/**
 * Another process (a CLI compute, the web UI) may write the same database while we browse. A cheap poll of
 * SQLite's data_version tells when someone else committed; only then are the changed rows read and landed.
 * Nothing is drawn when nothing changed.
 */
function useExternalChanges(data: ExplorerData, loading: boolean, dispatch: React.Dispatch<Action>, now: () => number): void {
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
					dispatch({type: 'rows-updated', rows: result.changed, removedIds: result.removed, nowMs: now()});
				}
			} catch {
				// A failed read is retried at the next tick; the explorer keeps its rows.
			} finally {
				busy = false;
			}
		};
		void poll();
		const timer = setInterval(() => void poll(), EXTERNAL_POLL_MS);
		return () => {
			alive = false;
			clearInterval(timer);
		};
	}, [data, loading, dispatch, now]);
}

/**
 * The list holds lean rows; the details view needs the full one. It is fetched (one indexed read) whenever
 * details are on screen for another session than the one fetched, or that session's row was recomputed.
 */
function useDetailsRow(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>, settleMs: number): void {
	const selected = state.shown[state.cursorIndex];
	const screen = computeScreen(state.viewport, state.job !== null);
	const visible = state.mode === 'details' || (screen.kind === 'normal' && screen.sideWidth > 0 && state.mode === 'list');
	const wantedId = visible ? (selected?.id ?? null) : null;
	const version = selected?.row;
	useEffect(() => {
		if (wantedId === null) return;
		const {rows} = data.fetch([wantedId]);
		dispatch({type: 'details-loaded', row: rows[0] ?? null});
	}, [wantedId, version, data, dispatch]);
	// The folder analysis takes longer (a big manifest: a second or two): off-thread, dropped when the cursor moves,
	// and started only once the cursor rests, so holding j does not start (and stop) a worker thread per row.
	const allRef = useRef(state.all);
	allRef.current = state.all;
	useEffect(() => {
		if (wantedId === null || !selected) return;
		const controller = new AbortController();
		const start = (): void => {
			// Duplicates share the prompt first of all: only those rows are compared (not all 100,000).
			const prompt = selected.row.resolved_prompt;
			const identities = allRef.current.filter((v) => v.row.resolved_prompt === prompt).map((v) => v.row);
			data.insight(selected.row, selected.state === 'running', identities, controller.signal).then(
				(insight) => dispatch({type: 'insight-loaded', sessionId: wantedId, insight, error: null}),
				(error: unknown) => {
					if ((error as Error).name !== 'AbortError') dispatch({type: 'insight-loaded', sessionId: wantedId, insight: null, error: (error as Error).message});
				},
			);
		};
		const timer = setTimeout(start, settleMs);
		return () => {
			clearTimeout(timer);
			controller.abort();
		};
		// A recompute of the session (a new row version) reads it again.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [wantedId, version, data, dispatch]);
}

/** Performs triage writes (and undos) the reducer asks for, and lands the changed rows. */
function useTriage(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>): void {
	const request = state.triageRequest;
	useEffect(() => {
		dispatch({type: 'tags-loaded', tags: data.tagsInUse()});
	}, [data, dispatch]);
	useEffect(() => {
		if (!request) return;
		// The write settles later (retried while another program holds the lock); keys and frames go on meanwhile.
		const onLocked = (): void => dispatch({type: 'triage-locked', requestId: request.id});
		const fail = (error: unknown): void =>
			dispatch({type: 'triage-applied', requestId: request.id, label: request.label, snapshots: null, rows: [], error: (error as Error).message, tags: []});
		if (request.kind === 'apply') {
			data.applyTriage(request.targets, request.patch, onLocked).then(({snapshots, rows}) => {
				dispatch({type: 'triage-applied', requestId: request.id, label: request.label, snapshots, rows, error: null, tags: request.patch.kind === 'tag' ? data.tagsInUse() : []});
			}, fail);
		} else {
			data.restoreTriage(request.snapshots, onLocked).then(({rows, message}) => {
				dispatch({type: 'triage-applied', requestId: request.id, label: message ?? request.label, snapshots: null, rows, error: null, tags: data.tagsInUse()});
			}, fail);
		}
	}, [request, data, dispatch]);
}

function useExport(data: ExplorerData, state: ExplorerState, dispatch: React.Dispatch<Action>): void {
	const request = state.exportRequest;
	const {nowMs, stallWindowMs} = state;
	useEffect(() => {
		if (!request) return;
		try {
			const file = data.exportSessions(request.format, request.sessionIds, nowMs, stallWindowMs);
			dispatch({type: 'export-done', message: `exported ${request.sessionIds.length} session${request.sessionIds.length === 1 ? '' : 's'} to ${file}`});
		} catch (error) {
			dispatch({type: 'export-done', message: `export failed: ${(error as Error).message}`});
		}
		// The clock and window at the time of the request are the ones exported.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [request, data, dispatch]);
}

/** Saves named views when they change, and the last view (sort, filter, hidden columns) when quitting. */
function useViewPersistence(store: ViewStore | null, state: ExplorerState): void {
	const latest = useRef(state);
	latest.current = state;
	const save = useCallback(() => {
		if (!store) return;
		const s = latest.current;
		try {
			store.save({version: 1, root: s.info.root, saved: {...s.savedViews}, last: {sort: s.sort, filter: formatQuery(s.filter.query), hidden: [...s.hiddenColumns]}});
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

export function Frame({state, theme}: {state: ExplorerState; theme: Theme}): React.JSX.Element {
	const screen = computeScreen(state.viewport, state.job !== null);
	const {columns} = state.viewport;
	if (screen.kind === 'too-small') {
		return <Text wrap="truncate-end">{`terminal too small: need ${screen.need.columns}×${screen.need.rows}, have ${screen.have.columns}×${screen.have.rows}`}</Text>;
	}
	const selected = state.shown[state.cursorIndex];
	const detailsContext = {nowMs: state.nowMs, stallWindowMs: state.stallWindowMs, dbPath: state.info.dbPath, stale: selected ? state.stale.has(selected.id) : false, ratePerMinute: selected ? state.rates.get(selected.id) : undefined};
	const listWithSide = (
		<Box flexDirection="row" height={screen.bodyHeight}>
			<ListView state={state} width={screen.listWidth} height={screen.listHeight} theme={theme} />
			{screen.sideWidth > 0 ? (
				<Box marginLeft={1} width={screen.sideWidth} height={screen.bodyHeight}>
					{selected ? (
						<DetailsView view={selected} row={state.detailsRow} insight={state.detailsInsight} scroll={state.mode === 'details' ? state.detailsScroll : 0} width={screen.sideWidth} height={screen.bodyHeight} context={detailsContext} theme={theme} />
					) : null}
				</Box>
			) : null}
		</Box>
	);
	let body: React.JSX.Element;
	switch (state.mode) {
		case 'details':
			body =
				screen.sideWidth > 0 || !selected ? listWithSide : <DetailsView view={selected} row={state.detailsRow} insight={state.detailsInsight} scroll={state.detailsScroll} width={columns} height={screen.bodyHeight} context={detailsContext} theme={theme} />;
			break;
		case 'help':
			body = <HelpView scroll={state.helpScroll} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'filter-pane':
			body = <FilterPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'sort-pane':
			body = <SortPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'confirm':
			body = <ConfirmPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'export':
			body = <ExportPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		case 'groups':
			body = <GroupsPane state={state} width={columns} height={screen.bodyHeight} theme={theme} />;
			break;
		default:
			body = listWithSide;
	}
	return (
		<Box flexDirection="column" width={columns}>
			<Header state={state} info={state.info} theme={theme} />
			{body}
			{state.job ? <JobPanel job={state.job} width={columns} theme={theme} /> : null}
			<Footer state={state} theme={theme} />
		</Box>
	);
}

export function App({data, viewStore = null, initialView = null, stallWindowMs, color, notice = null, now = Date.now, onReady, onQuit, livePollMs = LIVE_POLL_MS, insightSettleMs = INSIGHT_SETTLE_MS}: AppProps): React.JSX.Element {
	const {stdout} = useStdout();
	const viewport = useTerminalSize(stdout as unknown as SizedStream);
	const {exit} = useApp();
	const [state, dispatch] = useReducer(explorerReducer, undefined, () => {
		const loaded = viewStore?.load() ?? null;
		const start = initialState({
			viewport,
			nowMs: now(),
			stallWindowMs,
			info: {root: data.root, dbPath: data.dbPath, notice: notice ?? data.readonlyReason, readonly: data.readonlyReason !== null},
			savedViews: loaded?.file.saved ?? {},
		});
		// The first frame shows cached rows at once: one small query before any disk work.
		const screen = computeScreen(viewport, false);
		const first = data.loadNewest(screen.kind === 'normal' ? screen.listHeight : 20);
		const withRows = explorerReducer(start, {type: 'rows-loaded', rows: first, complete: false, nowMs: start.nowMs});
		const view = {...(loaded?.file.last ?? {}), ...initialView};
		const viewed = view.sort || view.filter || view.hidden ? applyView(withRows, {sort: view.sort ?? withRows.sort, filter: view.filter ?? '', hidden: view.hidden ?? []}) : withRows;
		return loaded?.warning ? {...viewed, message: loaded.warning} : viewed;
	});
	const theme = React.useMemo(() => createTheme(color), [color]);

	useEffect(() => {
		dispatch({type: 'resize', viewport});
	}, [viewport]);

	const onInput = useCallback((input: string, key: Key) => dispatch({type: 'key', input, key}), []);
	useInput(onInput);
	useEffect(() => {
		onReady?.();
	}, [onReady]);

	useDataLifecycle(data, state, dispatch, now);
	useDetailsRow(data, state, dispatch, insightSettleMs);
	useTriage(data, state, dispatch);
	useExport(data, state, dispatch);
	useViewPersistence(viewStore, state);
	useExternalChanges(data, state.loading, dispatch, now);
	useLive(data, state, dispatch, now, livePollMs);
	useJobs(data, state, dispatch, now);

	useEffect(() => {
		if (!state.quitting) return;
		onQuit?.();
		exit();
	}, [state.quitting, exit, onQuit]);

	return <Frame state={state} theme={theme} />;
}
