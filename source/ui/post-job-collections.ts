/**
 * The heap collections that follow a job over a big list (see use-jobs.ts's collectionAfterJob).
 *
 * Why several, a second apart: what follows a job (the folder watches set up again with the ids of every row,
 * the look for others' changes reading every row's signature, the live poll's first listing of the root) leaves
 * garbage on the explorer's thread pass after pass, no longer collected by the job's landings. V8 let it pile
 * up until its own next collection: at 100,000 sessions the heap grew by ≈70 MB within 4 s of the job's end
 * (one collection at 4 s then brought it back), the process's highest memory after a recompute of everything
 * (measured 310-329 MB; with a collection every second, 286-301 MB). Each is one full collection of a heap of
 * ≈110 MB, about 60-85 ms of this thread, four times after a job that took many seconds: no key is waiting then.
 */
import type {Clock, TimerHandle} from './clock.js';

/** When, counted from the job's end, the heap is collected; the last comes before the staleness check. */
export const POST_JOB_COLLECTIONS_MS: readonly number[] = [1000, 2000, 3000, 4000];

/** Calls `collect` at each of `at` (ms after now, ascending) on `clock`; returns what cancels the rest. */
export function schedulePostJobCollections(
	clock: Clock,
	collect: () => void,
	at: readonly number[] = POST_JOB_COLLECTIONS_MS,
): () => void {
	let timer: TimerHandle | null = null;
	let cancelled = false;
	const scheduleFrom = (index: number, sinceMs: number): void => {
		const due = at[index];
		if (due === undefined || cancelled) {
			timer = null;
			return;
		}
		timer = clock.setTimeout(() => {
			collect();
			scheduleFrom(index + 1, due);
		}, due - sinceMs);
	};
	scheduleFrom(0, 0);
	return () => {
		cancelled = true;
		if (timer !== null) clock.clearTimeout(timer);
		timer = null;
	};
}
