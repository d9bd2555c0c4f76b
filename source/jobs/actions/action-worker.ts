/** Worker thread body for an archive, trash or undo task (action-job.ts); progress is sent at most every 50 ms. */
import {parentPort, workerData} from 'node:worker_threads';
import {runActionTask, type FromWorker, type ToWorker, type WorkerInput} from './action-job.js';
import {ActionBusyError, type ActionProgress} from './run-action.js';

const PROGRESS_MS = 50;
const input = workerData as WorkerInput;
const cancel = {cancelled: input.cancelled};
const send = (message: FromWorker): void => parentPort?.postMessage(message);
parentPort?.on('message', (message: ToWorker) => {
	if (message.type === 'cancel') cancel.cancelled = true;
});

let last = 0;
const onProgress = (progress: ActionProgress): void => {
	const now = Date.now();
	if (now - last < PROGRESS_MS && progress.sessionId !== null && progress.done !== 0) return;
	last = now;
	send({type: 'progress', progress});
};

runActionTask(input.task, {onProgress, onDatabaseLocked: () => send({type: 'locked'})}, cancel).then(
	(result) => send({type: 'done', result}),
	(error: unknown) =>
		send({
			type: 'failed',
			message: error instanceof Error ? error.message : String(error),
			busy: error instanceof ActionBusyError,
		}),
);
