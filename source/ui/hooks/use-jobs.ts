/** Takes `jobRequest` (request → `job-request-taken`, `job-started`, `job-progress`…, `job-finished`). */
import {useEffect, useRef, type Dispatch} from 'react';
import type {ComputeSummary} from '../../jobs/compute-job.js';
import type {ExplorerData, JobHandle} from '../data/explorer-data.js';
import type {Action, ExplorerState, JobRequest} from '../state/types.js';
import type {Clock, TimerHandle} from '../clock.js';
import {rowKeyOf} from '../../view/session-view.js';
import {shownRowsOf} from '../state/selectors.js';
import {collectGarbage, collectYoungInParallelWhileJobRuns} from '../memory-mode.js';
import {schedulePostJobCollections} from '../post-job-collections.js';

/** Progress reaches the screen at most this often (a fast job reports per session). */
const PROGRESS_INTERVAL_MS = 100;

/**
 * How often progress is drawn over a list of `size` sessions: every frame of a big list leaves garbage that
 * outlives the young generation (a recompute of 100,000 sessions: ≈300 MB of its thread's old-generation
 * allocations were frames), so a big list draws progress 4 times a second instead of 10.
 */
export function progressIntervalMs(size: number): number {
	return Math.min(250, Math.max(PROGRESS_INTERVAL_MS, Math.round(size / 200)));
}

/**
 * How often stored rows land in a list of `size` sessions: every landing copies the list (the reducer never
 * changes one in place), so a big list lands less often: every 100 ms up to 10,000 rows, every second at
 * 100,000 (the progress line still moves every 100 ms).
 */
export function landingIntervalMs(size: number): number {
	return Math.max(PROGRESS_INTERVAL_MS, Math.round(size / 100));
}

/** Lists at least this big are collected during a job (a small list's garbage is small), at most this often. */
export const COLLECT_FROM_SIZE = 20_000;
export const COLLECT_EVERY_MS = 5000;

/** Whether a landing over a list of `size` rows, `sinceMs` after the last collection, asks for one. */
export function collectionDue(size: number, sinceMs: number): boolean {
	return size >= COLLECT_FROM_SIZE && sinceMs >= COLLECT_EVERY_MS;
}

/**
 * Whether a job that ran over a list of `size` rows is followed by collections of the heap (see
 * post-job-collections.ts), and starts with one once it runs (the rows' loading left its garbage: collected
 * before the job's threads add theirs).
 */
export function collectionAfterJob(size: number): boolean {
	return size >= COLLECT_FROM_SIZE;
}

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

/** Starts the recompute the state asks for, throttles its progress, and lands its rows as they are stored. */
export function useJobs(data: ExplorerData, state: ExplorerState, dispatch: Dispatch<Action>, clock: Clock): void {
	const handle = useRef<JobHandle | null>(null);
	const mounted = useRef(true);
	const request = state.jobRequest;
	// The sets as they are at each render, copied only when a job starts (not at every frame: they can hold
	// 100,000 ids after a stale check).
	const staleRef = useRef({stale: state.stale, newOnDisk: state.newOnDisk});
	staleRef.current = {stale: state.stale, newOnDisk: state.newOnDisk};
	const sizeRef = useRef(state.all.length);
	sizeRef.current = state.all.length;
	// The state of the last render, for comparing stored rows with the listed ones at each landing: through a ref,
	// so the job's closures never keep an old render's rows alive.
	const stateRef = useRef(state);
	stateRef.current = state;
	const cancelCollections = useRef<(() => void) | null>(null);
	// What puts young collections back on the explorer's thread once the running job ends (see memory-mode.ts).
	const endParallelCollections = useRef<(() => void) | null>(null);
	useEffect(() => {
		if (!request) return;
		dispatch({type: 'job-request-taken'});
		dispatch({
			type: 'job-started',
			requestId: request.id,
			label: jobLabel(request),
			total: 0,
			startedAtMs: clock.now(),
		});
		// A job started before the last one's collections were over: this one's own follow it.
		cancelCollections.current?.();
		cancelCollections.current = null;
		// Collections only for a job seen running (its first progress), not when it is asked for: a job refused at
		// once (the compute lock held elsewhere) left no garbage, and none follows the key that asked for it.
		let ran = false;
		const pending = new Set<string>();
		let timer: TimerHandle | null = null;
		let lastProgress = 0;
		let lastCollection = clock.now();
		const endParallel = collectYoungInParallelWhileJobRuns();
		endParallelCollections.current = endParallel;
		const flush = (): void => {
			timer = null;
			if (pending.size === 0) return;
			const ids = [...pending];
			// Rows equal to the listed ones are not read again (a recompute that changes nothing lands nothing).
			const shown = shownRowsOf(stateRef.current, pending);
			pending.clear();
			const {rows, missing} = data.fetchChanged(ids, (id) => shown.get(id));
			// A big job's garbage is collected as it goes, not left to double the heap (see ui/memory-mode.ts).
			const t = clock.now();
			if (collectionDue(sizeRef.current, t - lastCollection)) {
				lastCollection = t;
				collectGarbage();
			}
			const read = new Set(rows.map(rowKeyOf));
			const unchangedIds = ids.filter((id) => shown.has(id) && !read.has(id));
			const {stale} = stateRef.current;
			// Nothing to draw when every stored row was equal to its listed one and none of them was marked stale.
			if (rows.length === 0 && missing.length === 0 && !unchangedIds.some((id) => stale.has(id))) return;
			dispatch({type: 'rows-updated', rows, removedIds: missing, unchangedIds, nowMs: clock.now()});
		};
		handle.current = data.startJob(
			request,
			{stale: [...staleRef.current.stale], newOnDisk: [...staleRef.current.newOnDisk]},
			{
				onProgress(p) {
					if (!ran) {
						ran = true;
						if (collectionAfterJob(sizeRef.current)) collectGarbage();
					}
					const t = clock.now();
					if (t - lastProgress < progressIntervalMs(sizeRef.current) && p.done < p.total) return;
					lastProgress = t;
					const last = p.errors.at(-1);
					dispatch({
						type: 'job-progress',
						done: p.done,
						total: p.total,
						current: p.current,
						errors: p.errors.length,
						lastError: last ? `${last.sessionId}: ${last.reason}` : null,
						nowMs: t,
					});
				},
				onStored(ids) {
					for (const id of ids) pending.add(id);
					timer ??= clock.setTimeout(flush, landingIntervalMs(sizeRef.current));
				},
				onDone(summary, error) {
					if (timer) clock.clearTimeout(timer);
					flush();
					handle.current = null;
					endParallel();
					// A job cancelled by quitting ends after the explorer is gone: no timer then (it kept the process 4 s).
					if (mounted.current && ran && collectionAfterJob(sizeRef.current)) {
						cancelCollections.current?.();
						cancelCollections.current = schedulePostJobCollections(clock, collectGarbage);
					}
					dispatch({type: 'job-finished', message: finishedMessage(summary, error)});
				},
			},
		);
	}, [request, data, dispatch, clock]);
	const cancelling = state.job?.cancelling === true;
	useEffect(() => {
		if (cancelling) handle.current?.cancel();
	}, [cancelling]);
	useEffect(
		() => () => {
			mounted.current = false;
			handle.current?.cancel();
			cancelCollections.current?.();
			endParallelCollections.current?.();
		},
		[],
	);
}
