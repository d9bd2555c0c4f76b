/** Worker thread body: computes batches of folders and posts the outcomes back. It never touches the database. */
import {parentPort} from 'node:worker_threads';
import {computeFolders, type FolderTask} from './compute-folder.js';

export type WorkerRequest = {batchId: number; tasks: FolderTask[]; nowMs: number};
export type WorkerReply =
	{batchId: number; outcomes: ReturnType<typeof computeFolders>} | {batchId: number; error: string};

parentPort?.on('message', (request: WorkerRequest) => {
	try {
		parentPort!.postMessage({
			batchId: request.batchId,
			outcomes: computeFolders(request.tasks, request.nowMs),
		} satisfies WorkerReply);
	} catch (error) {
		parentPort!.postMessage({
			batchId: request.batchId,
			error: error instanceof Error ? (error.stack ?? error.message) : String(error),
		} satisfies WorkerReply);
	}
});
