/**
 * Worker thread body for the explorer's recompute: the whole job (the disk compared with the stored marks, the
 * folders read and computed on its own small pool, every batch stored on its own connection) runs here, so the
 * explorer's thread holds neither the plan of 100,000 sessions nor their computations, and its heap stays the
 * rows it shows. It posts progress, the ids of each stored batch, and the summary.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {limitPageCache, openDatabase} from '../store/db.js';
import {StatsRepository} from '../store/stats-repository.js';
import {runCompute, type CancelToken, type ComputeSummary} from './compute-job.js';

export type ComputeJobRequest = {
	root: string;
	dbPath: string;
	force: boolean;
	sessions?: readonly string[];
	batchSize: number;
	/** Threads of its compute pool (see chooseRunner). */
	workers?: number;
};

export type ComputeJobMessage =
	| {
			type: 'progress';
			done: number;
			total: number;
			current: string | null;
			startedAtMs: number;
			/** Errors since the last progress message (the explorer's thread keeps the whole list). */
			newErrors: Array<{sessionId: string; reason: string}>;
	  }
	| {type: 'stored'; ids: readonly string[]}
	| {type: 'done'; summary: ComputeSummary}
	/** `opened` false: the database could not be opened here (the job can run on the explorer's thread instead). */
	| {type: 'failed'; message: string; opened: boolean};

const port = parentPort!;
const request = workerData as ComputeJobRequest;
const cancel: CancelToken = {cancelled: false};
port.on('message', (message: {type: 'cancel'}) => {
	if (message.type === 'cancel') cancel.cancelled = true;
});
const post = (message: ComputeJobMessage): void => port.postMessage(message);

let opened: ReturnType<typeof openDatabase> | null = null;
try {
	opened = openDatabase(request.dbPath, 'write');
	// Beside the explorer's own connections, in its process: a small page cache (see LONG_LIVED_PAGE_CACHE_KIB).
	limitPageCache(opened.db);
} catch (error) {
	post({type: 'failed', message: error instanceof Error ? error.message : String(error), opened: false});
}
if (opened) {
	let errorsSent = 0;
	try {
		const summary = await runCompute({
			root: request.root,
			repository: new StatsRepository(opened.db),
			force: request.force,
			sessions: request.sessions,
			cancel,
			batchSize: request.batchSize,
			workers: request.workers,
			onProgress(p) {
				post({
					type: 'progress',
					done: p.done,
					total: p.total,
					current: p.current,
					startedAtMs: p.startedAtMs,
					newErrors: p.errors.slice(errorsSent),
				});
				errorsSent = p.errors.length;
			},
			onBatchStored: (ids) => post({type: 'stored', ids}),
		});
		post({type: 'done', summary});
	} catch (error) {
		post({type: 'failed', message: error instanceof Error ? error.message : String(error), opened: true});
	} finally {
		opened.db.close();
	}
}
