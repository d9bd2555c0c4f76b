/**
 * The explorer's recompute on a worker thread (compute-job-worker.ts), behind the callbacks runCompute takes.
 * Compiled builds only: the tests run from TypeScript sources, where no worker script exists, and the caller
 * runs the job on its own thread instead (as it does when the worker cannot open the database).
 */
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {ComputeProgress, ComputeSummary} from './compute-job.js';
import type {ComputeJobMessage, ComputeJobRequest} from './compute-job-worker.js';

const WORKER_SCRIPT = new URL('./compute-job-worker.js', import.meta.url);

export function computeWorkerAvailable(): boolean {
	return WORKER_SCRIPT.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_SCRIPT));
}

/**
 * How the job on the worker ended without a summary: `cannot-open` (the worker could not open the database: the
 * caller can run the job on its own thread), `failed` (the job itself failed, with its reason), `died` (the
 * thread itself stopped: out of memory, an uncaught error, an exit; the rows it stored are stored).
 */
export type OffThreadFailure = 'cannot-open' | 'failed' | 'died';

export type OffThreadListener = {
	onProgress(progress: ComputeProgress): void;
	onStored(sessionIds: readonly string[]): void;
	onDone(summary: ComputeSummary): void;
	onFailed(error: Error, how: OffThreadFailure): void;
};

/** The worker's heap limit: a root a few times larger than 100,000 sessions fits (see computeOffThread). */
export const COMPUTE_WORKER_HEAP_MB = 512;

/** Where the thread runs from and its heap limit; tests pass a script that fails (its code, run as eval). */
export type OffThreadOptions = {script?: URL | {code: string}; heapMb?: number};

/** One sentence for a thread that stopped without finishing (never Node's "Worker terminated…"). */
export function workerDeathMessage(cause: {error?: Error; exitCode?: number}, heapMb: number): string {
	const kept = 'the sessions it stored before that are kept';
	const code = (cause.error as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'ERR_WORKER_OUT_OF_MEMORY')
		return `the recompute's thread ran out of memory (its limit is ${heapMb} MB); ${kept}: recompute fewer sessions at once (mark them, then r)`;
	if (cause.error)
		return `the recompute's thread stopped on an error (${cause.error.message}); ${kept}: recompute again, and report this if it happens again`;
	return `the recompute's thread stopped unexpectedly (exit code ${cause.exitCode ?? 'unknown'}); ${kept}: recompute again`;
}

/**
 * Starts the job on a worker; returns its cancel. The worker's heap is capped and its young generation small:
 * its garbage (each folder's reading, each batch's statements) dies young and is collected often, instead of
 * growing with the root (see folder-runner.ts for the same on the compute pool). A thread that stops without
 * a summary (the cap reached, a crash) is reported as `died` with one sentence, never Node's own text.
 */
export function computeOffThread(
	request: ComputeJobRequest,
	listener: OffThreadListener,
	options: OffThreadOptions = {},
): () => void {
	const heapMb = options.heapMb ?? COMPUTE_WORKER_HEAP_MB;
	const script = options.script ?? WORKER_SCRIPT;
	const resourceLimits = {maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: heapMb};
	const worker =
		script instanceof URL
			? new Worker(script, {workerData: request, resourceLimits})
			: new Worker(script.code, {eval: true, workerData: request, resourceLimits});
	const errors: Array<{sessionId: string; reason: string}> = [];
	let settled = false;
	const settle = (run: () => void): void => {
		if (settled) return;
		settled = true;
		// Its job is over (its database closed): nothing of it is kept.
		void worker.terminate();
		run();
	};
	worker.on('message', (message: ComputeJobMessage) => {
		switch (message.type) {
			case 'progress':
				errors.push(...message.newErrors);
				listener.onProgress({
					done: message.done,
					total: message.total,
					current: message.current,
					startedAtMs: message.startedAtMs,
					errors,
				});
				break;
			case 'stored':
				listener.onStored(message.ids);
				break;
			case 'done':
				settle(() => listener.onDone(message.summary));
				break;
			case 'failed':
				settle(() => listener.onFailed(new Error(message.message), message.opened ? 'failed' : 'cannot-open'));
				break;
		}
	});
	worker.on('error', (error) =>
		settle(() => listener.onFailed(new Error(workerDeathMessage({error}, heapMb)), 'died')),
	);
	worker.on('exit', (exitCode) =>
		settle(() => listener.onFailed(new Error(workerDeathMessage({exitCode}, heapMb)), 'died')),
	);
	return () => worker.postMessage({type: 'cancel'});
}
