/**
 * Runs folder computations either on a small pool of worker threads (big jobs; the machines have 2 cores and
 * the work is stat-bound) or inline in batches that yield to the event loop (small jobs, and tests run from
 * TypeScript sources where no compiled worker script exists).
 */
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import type {Worker} from 'node:worker_threads';
import type {FolderOutcome, FolderTask} from './compute-folder.js';
import type {WorkerReply, WorkerRequest} from './compute-worker.js';

export type BatchRunner = {
	/** Computes one batch. */
	run(tasks: FolderTask[], nowMs: number): Promise<FolderOutcome[]>;
	/** How many batches may be in flight at once. */
	readonly parallelism: number;
	close(): Promise<void>;
};

const WORKER_SCRIPT = new URL('./compute-worker.js', import.meta.url);

/**
 * node:worker_threads, loaded when the first worker starts: a compute that finds nothing changed (issue 16:
 * mostly start-up) never starts one, and the module with its internals is ≈2-3 ms of a start.
 */
function workerClass(): typeof Worker {
	return (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).Worker;
}

function workerScriptAvailable(): boolean {
	return WORKER_SCRIPT.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_SCRIPT));
}

export function inlineRunner(): BatchRunner {
	return {
		parallelism: 1,
		async run(tasks, nowMs) {
			// Yield first so a UI on this thread can paint and read keys between batches.
			await new Promise((resolve) => setImmediate(resolve));
			// Loaded at the first batch: a nothing-changed compute never parses the manifest readers and the calculator.
			const {computeFolders} = await import('./compute-folder.js');
			return computeFolders(tasks, nowMs);
		},
		async close() {},
	};
}

/**
 * The old generation of each pool thread, in MB. Far above what one folder needs (a 50 MB manifest of 100,000
 * entries is read in a few tens of MB), and it is what V8 sizes its heap growth by: with no limit (a share of
 * the machine's memory, gigabytes) it let each thread's old generation reach ≈3 × what it holds live before
 * collecting, ≈23 MB a thread over a long compute; with 1 GB (or 512 MB, the same) ≈16 MB, and no slower
 * (100,000-session compute: peak 174/176 → 159/160 MB, CPU 12.4-13.4 s → 11.6-13.1 s; issue 16).
 */
const FOLDER_WORKER_HEAP_MB = 1024;

/**
 * The young generation of each pool thread, in MB. Each folder's garbage (a Stats object and four Dates per
 * image, the manifest's parsed text) dies young, so this sets how often it is collected against how much memory
 * waits for it. V8's default (up to 16 MB semi-spaces a thread) let each worker's heap swell with the root's
 * size (10,000 sessions: peak 209 MB, against 139 MB with 2 MB). With 2 MB the threads spent 11-12 % of their
 * time collecting; with 8 MB 7 %: a compute of 10,000 × ~100 images 3.29 → 3.14 s wall, 6.15 → 5.88 s CPU (4
 * alternated runs each), peak 108 → 119 MB, 100,000 small sessions 142 → 160 MB (issue 16: ≤ 250).
 */
const FOLDER_WORKER_YOUNG_MB = 8;

class WorkerSlot {
	private pending = new Map<number, {resolve: (o: FolderOutcome[]) => void; reject: (e: Error) => void}>();
	readonly worker: Worker;

	constructor() {
		this.worker = new (workerClass())(WORKER_SCRIPT, {
			resourceLimits: {
				maxYoungGenerationSizeMb: FOLDER_WORKER_YOUNG_MB,
				maxOldGenerationSizeMb: FOLDER_WORKER_HEAP_MB,
			},
		});
		this.worker.on('message', (reply: WorkerReply) => {
			const waiter = this.pending.get(reply.batchId);
			if (!waiter) return;
			this.pending.delete(reply.batchId);
			if ('error' in reply) waiter.reject(new Error(reply.error));
			else waiter.resolve(reply.outcomes);
		});
		this.worker.on('error', (error) => this.failAll(error));
		this.worker.on('exit', (code) => {
			if (this.pending.size > 0) this.failAll(new Error(`compute worker exited with code ${code}`));
		});
	}

	get load(): number {
		return this.pending.size;
	}

	run(batchId: number, tasks: FolderTask[], nowMs: number): Promise<FolderOutcome[]> {
		return new Promise((resolve, reject) => {
			this.pending.set(batchId, {resolve, reject});
			this.worker.postMessage({batchId, tasks, nowMs} satisfies WorkerRequest);
		});
	}

	private failAll(error: Error): void {
		for (const waiter of this.pending.values()) waiter.reject(error);
		this.pending.clear();
	}
}

export function workerRunner(count: number): BatchRunner {
	const slots = Array.from({length: count}, () => new WorkerSlot());
	let nextBatch = 0;
	return {
		parallelism: count * 2,
		run(tasks, nowMs) {
			const slot = slots.reduce((a, b) => (b.load < a.load ? b : a));
			return slot.run(nextBatch++, tasks, nowMs);
		},
		async close() {
			await Promise.all(slots.map((s) => s.worker.terminate()));
		},
	};
}

/** Picks the runner for a job of `taskCount` folders. */
export function chooseRunner(taskCount: number, requestedWorkers?: number): BatchRunner {
	const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
	const workers = requestedWorkers ?? Math.min(cores, Math.ceil(taskCount / 100));
	if (workers < 1 || taskCount < 100 || !workerScriptAvailable()) return inlineRunner();
	return workerRunner(workers);
}
