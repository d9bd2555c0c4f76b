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

export type OffThreadListener = {
	onProgress(progress: ComputeProgress): void;
	onStored(sessionIds: readonly string[]): void;
	onDone(summary: ComputeSummary): void;
	onFailed(error: Error, opened: boolean): void;
};

/**
 * Starts the job on a worker; returns its cancel. The worker's heap is capped and its young generation small:
 * its garbage (each folder's reading, each batch's statements) dies young and is collected often, instead of
 * growing with the root (see folder-runner.ts for the same on the compute pool).
 */
export function computeOffThread(request: ComputeJobRequest, listener: OffThreadListener): () => void {
	const worker = new Worker(WORKER_SCRIPT, {
		workerData: request,
		resourceLimits: {maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512},
	});
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
				settle(() => listener.onFailed(new Error(message.message), message.opened));
				break;
		}
	});
	worker.on('error', (error) => settle(() => listener.onFailed(error, true)));
	worker.on('exit', (code) =>
		settle(() => listener.onFailed(new Error(`the compute worker stopped (exit code ${code})`), true)),
	);
	return () => worker.postMessage({type: 'cancel'});
}
