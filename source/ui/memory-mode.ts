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
