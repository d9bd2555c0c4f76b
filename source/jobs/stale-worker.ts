/** Worker thread body for the staleness check. */
import {parentPort, workerData} from 'node:worker_threads';
import {findStaleInDatabase, type StaleWorkerRequest} from './stale-check.js';

try {
	parentPort?.postMessage(findStaleInDatabase(workerData as StaleWorkerRequest));
} catch (error) {
	parentPort?.postMessage({error: error instanceof Error ? error.message : String(error)});
}
