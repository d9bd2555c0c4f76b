/** Worker thread body for the session insight: reads one folder, posts the insight back. Never touches the database. */
import {parentPort, workerData} from 'node:worker_threads';
import {insightFor, type InsightReply, type InsightRequest} from './session-insight.js';

const request = workerData as InsightRequest;
try {
	parentPort?.postMessage({
		insight: insightFor(request.sessionPath, request.sessionId, request.options),
	} satisfies InsightReply);
} catch (error) {
	parentPort?.postMessage({
		error: error instanceof Error ? (error.stack ?? error.message) : String(error),
	} satisfies InsightReply);
}
