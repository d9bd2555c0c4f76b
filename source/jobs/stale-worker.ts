/** Worker thread body for the staleness check. */
import {parentPort, workerData} from 'node:worker_threads';
import {findStale, type StaleRequest} from './stale-check.js';

try {
	parentPort?.postMessage(findStale(workerData as StaleRequest));
} catch (error) {
	parentPort?.postMessage({error: error instanceof Error ? error.message : String(error)});
}
