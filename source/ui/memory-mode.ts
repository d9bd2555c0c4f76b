/**
 * A full collection of the explorer's heap, asked for while a recompute lands rows.
 *
 * Why: the explorer's heap is mostly its 100,000 rows, which live as long as it does. V8 lets the old generation
 * grow to about twice what it held at its last full collection before it collects again, so the steady trickle
 * of garbage a recompute leaves (each landing's reads and bookkeeping, each progress frame) piled up for the
 * whole job: measured at 100,000 sessions, the explorer thread's heap grew from ≈160 to ≈210 MB during a
 * recompute of everything, and that growth was most of the process's peak above 300 MB. A collection every few
 * seconds of the job keeps the heap at its rows. V8's "async" form runs it in a task of its own, after the code
 * that asked: a full collection all the same, the thread paused for it (60-85 ms at 100,000 rows, measured), so
 * it is asked for only around a big job (as it runs, every few seconds of it, just after it), never by a key.
 *
 * V8 offers it through its `gc` extension, which is exposed by a flag; set at run time, the function is read
 * from a new context (the flag applies to contexts made after it). Where that is not possible, nothing is done.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collector = (options?: {type: 'major'; execution: 'async'}) => unknown;
let collector: Collector | null | undefined;

function collectorOf(): Collector | null {
	if (collector !== undefined) return collector;
	try {
		v8.setFlagsFromString('--expose-gc');
		const found: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
		collector = typeof found === 'function' ? (found as Collector) : null;
	} catch {
		collector = null;
	}
	return collector;
}

/** Asks for a full collection of this thread's heap in a task of its own (returns at once). */
export function collectGarbage(): void {
	try {
		void collectorOf()?.({type: 'major', execution: 'async'});
	} catch {
		// A V8 without the options form: nothing is collected, nothing breaks.
	}
}

/**
 * A full collection of this thread's heap, over when this returns: V8's plain `gc()`, which also gives back what
 * it can (measured: the options form left 90 MB of garbage counted as used right after). Never on the explorer's
 * path (it holds the thread for the whole collection): the bench clears its own garbage with it before timing keys.
 */
export function collectGarbageNow(): void {
	collectorOf()?.();
}

/** Whether this process's explorer asked for young collections on its own thread (the CLI never does). */
let onThisThreadWhenIdle = false;
/** Jobs running now, each with threads of its own that allocate a lot. */
let jobsRunning = 0;

function parallelScavenge(on: boolean): void {
	try {
		v8.setFlagsFromString(on ? '--parallel-scavenge' : '--no-parallel-scavenge');
	} catch {
		// A V8 without the flag: collections stay as they were, nothing breaks.
	}
}

/**
 * Young-generation collections on the explorer's own thread, not split over V8's helper threads, while no job
 * runs (see collectYoungInParallelWhileJobRuns).
 *
 * Why: a key that allocates meets a young-generation collection now and then (a few ms). V8 splits it over its
 * helper threads and the explorer's thread waits for the last of them; on the 2-core machines sdstats runs on, with
 * another process on the second core, that wait turned a few ms of collecting into 20-40 ms of wall time inside a
 * key. Benchmark, 100,000 rows, the slowest key of 5 runs per invocation, with a busy loop on the other core: 5 of 6
 * invocations within 50 ms with the collection on the explorer's thread, 2 of 6 without (beside a test suite: 4 and
 * 3 of 6; quiet: 10 of 10 and 8 of 8). The explorer's young generation is small, so one thread collects it about as
 * fast. V8 reads the flag at each collection: set after start, it holds from the next one on, for every thread of
 * this process.
 */
export function collectYoungOnThisThread(): void {
	onThisThreadWhenIdle = true;
	if (jobsRunning === 0) parallelScavenge(false);
}

/**
 * Young collections split over V8's helper threads again while a job runs; returns what ends that (once).
 *
 * Why: the flag is the whole process's, and a recompute's threads allocate far more than the explorer's. With
 * their collections on one thread each, the explorer's recompute of 100,000 sessions once took 25-26 s instead of
 * 19.1 s (not seen on a later machine: 11.5-12.7 s either way); while a job runs no key is timed against it, so the
 * job's threads collect as V8 would have them. Does nothing in a process that never asked (the CLI's compute).
 */
export function collectYoungInParallelWhileJobRuns(): () => void {
	jobsRunning += 1;
	if (onThisThreadWhenIdle && jobsRunning === 1) parallelScavenge(true);
	let ended = false;
	return () => {
		if (ended) return;
		ended = true;
		jobsRunning -= 1;
		if (onThisThreadWhenIdle && jobsRunning === 0) parallelScavenge(false);
	};
}
