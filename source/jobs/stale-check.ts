/**
 * The explorer's background check: which cached sessions changed or vanished on disk since they were
 * computed, and which session folders are new. Cheap (two stats per folder) but proportional to the number of
 * sessions, so it runs on a worker thread when one is available.
 */
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {MANIFEST_NAME, isImageName} from '../core/images.js';
import {ComputeAbortedError, compareWithDisk, type StoredMark} from './compute-job.js';

export type StaleResult = {
	stale: string[];
	newOnDisk: string[];
	/** Set when the results root itself cannot be read: rows are then kept and shown as cached. */
	rootProblem?: string;
};
export type StaleRequest = {root: string; stored: Array<[string, StoredMark]>};

/** A new folder counts only if it is a session (a manifest or an image), so dryrun/ is not "new". */
function looksLikeSession(folder: string): boolean {
	try {
		return fs.readdirSync(folder).some((name) => name === MANIFEST_NAME || isImageName(name));
	} catch {
		return false;
	}
}

export function findStale(request: StaleRequest): StaleResult {
	const stored = new Map(request.stored);
	let comparison: ReturnType<typeof compareWithDisk>;
	try {
		comparison = compareWithDisk(request.root, stored, false);
	} catch (error) {
		if (error instanceof ComputeAbortedError) return {stale: [], newOnDisk: [], rootProblem: error.message};
		throw error;
	}
	const {tasks, gone} = comparison;
	const stale: string[] = [...gone];
	const newOnDisk: string[] = [];
	for (const task of tasks) {
		if (stored.has(task.sessionId)) stale.push(task.sessionId);
		else if (looksLikeSession(task.sessionPath)) newOnDisk.push(task.sessionId);
	}
	return {stale, newOnDisk};
}

const WORKER_SCRIPT = new URL('./stale-worker.js', import.meta.url);

/** Runs the check on a worker thread (compiled builds) or on this thread after yielding (tests from sources). */
export function checkStale(request: StaleRequest): Promise<StaleResult> {
	const script = WORKER_SCRIPT.protocol === 'file:' ? fileURLToPath(WORKER_SCRIPT) : '';
	if (!script || !fs.existsSync(script)) {
		return new Promise((resolve, reject) =>
			setImmediate(() => {
				try {
					resolve(findStale(request));
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
				}
			}),
		);
	}
	return new Promise((resolve, reject) => {
		const worker = new Worker(WORKER_SCRIPT, {workerData: request});
		worker.once('message', (result: StaleResult | {error: string}) => {
			void worker.terminate();
			if ('error' in result) reject(new Error(result.error));
			else resolve(result);
		});
		worker.once('error', reject);
	});
}

