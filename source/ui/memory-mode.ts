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

type Collector = (options: {type: 'major'; execution: 'async'}) => unknown;
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
 * Young-generation collections on the explorer's own thread, not split over V8's helper threads.
 *
 * Why: a key that allocates meets a young-generation collection now and then (a few ms). V8 splits it over its
 * helper threads and the explorer's thread waits for the last of them; on the 2-core machines sdstats runs on, with
 * another process on the second core, that wait turned a few ms of collecting into 20-30 ms of wall time inside a
 * key (benchmark, 100,000 rows: the slowest key 53.8-55.7 ms wall with 24-36 ms on the explorer's thread, in 3 of
 * 10 invocations; with the collection on the explorer's thread, 6 of 6 within 50 ms). The explorer's young
 * generation is small, so one thread collects it about as fast. V8 reads the flag at each collection: set after
 * start, it holds from the next one on, for every thread of this process (a recompute's workers collect their own
 * small heaps the same way).
 */
export function collectYoungOnThisThread(): void {
	try {
		v8.setFlagsFromString('--no-parallel-scavenge');
	} catch {
		// A V8 without the flag: collections stay as they were, nothing breaks.
	}
}
