/**
 * The explorer's background check: which cached sessions changed or vanished on disk since they were
 * computed, and which session folders are new. Cheap (two stats per folder) but proportional to the number of
 * sessions, so it runs on a worker thread when one is available.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {openSqlite} from '../store/sqlite.js';
import {MANIFEST_NAME, isImageName} from '../core/images.js';
import {unchangedSinceUnreadable} from '../core/unreadable-fingerprint.js';
import {BUSY_TIMEOUT_MS, limitPageCache} from '../store/db.js';
import {StatsRepository} from '../store/stats-repository.js';
import {ComputeAbortedError, compareWithDisk, type StoredMarks} from './compute-job.js';

export type StaleResult = {
	stale: string[];
	newOnDisk: string[];
	/** Set when the results root itself cannot be read: rows are then kept and shown as cached. */
	rootProblem?: string;
	/** With several roots: each root that cannot be read, by name, with why (its rows are kept, as cached). */
	rootProblems?: Readonly<Record<string, string>>;
};
/**
 * What the worker thread is sent: it reads the stored marks itself, on its own read-only connection, so the
 * explorer's thread neither queries 100,000 rows nor copies them to the worker.
 */
export type StaleWorkerRequest = {root: string; dbPath: string};

/** A new folder counts only if it is a session (a manifest or an image), so dryrun/ is not "new". */
function looksLikeSession(folder: string): boolean {
	try {
		return fs.readdirSync(folder).some((name) => name === MANIFEST_NAME || isImageName(name));
	} catch {
		return false;
	}
}

/** Sessions of `root` whose folder changed or went since `stored` was computed, and session folders not stored. */
export function findStale(root: string, stored: StoredMarks): StaleResult {
	let comparison: ReturnType<typeof compareWithDisk>;
	try {
		comparison = compareWithDisk(root, stored, false);
	} catch (error) {
		if (error instanceof ComputeAbortedError) return {stale: [], newOnDisk: [], rootProblem: error.message};
		throw error;
	}
	const {changed, fingerprints, gone} = comparison;
	const stale: string[] = [...gone];
	const newOnDisk: string[] = [];
	for (const [index, sessionId] of changed.entries()) {
		const mark = stored.get(sessionId);
		if (mark) {
			// An unreadable session is always computed again, but it has not changed on disk unless its folder has.
			if (!unchangedSinceUnreadable(mark.fingerprint, fingerprints.at(index))) stale.push(sessionId);
		} else if (looksLikeSession(path.join(root, sessionId))) newOnDisk.push(sessionId);
	}
	return {stale, newOnDisk};
}

/** The check as the worker runs it: the stored marks read from the database, then the disk compared. */
export function findStaleInDatabase(request: StaleWorkerRequest): StaleResult {
	const db = openSqlite(request.dbPath, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
	try {
		// In the explorer's process, beside its connections (see LONG_LIVED_PAGE_CACHE_KIB).
		limitPageCache(db);
		// Marks read as the comparison asks for them: the worker holds ids, not 100,000 marks (≈20 MB).
		return findStale(request.root, new StatsRepository(db).markLookup(request.root));
	} finally {
		db.close();
	}
}

const WORKER_SCRIPT = new URL('./stale-worker.js', import.meta.url);

/**
 * The check's heap limit. Its thread comes when the explorer's memory is highest (after a recompute), and with
 * V8's default limit its heap grew to about twice what it held: a limit makes V8 collect instead (at 100,000
 * sessions it needs 17-24 MB; the thread then costs the process ≈44 MB instead of ≈53). A root too big for it
 * is checked again without a limit, never left unchecked.
 */
export const STALE_WORKER_HEAP_MB = 64;

export type StaleCheckOptions = {
	root: string;
	dbPath: string;
	/** The stored marks, read on this thread: when there is no worker, or the worker cannot open the database. */
	readStored: () => StoredMarks;
	/** Stops the check: the thread is ended at once, the promise rejects with the signal's reason. */
	signal?: AbortSignal | undefined;
	/** The worker's script (tests pass code, run as eval) and its heap limit (null: V8's default). */
	script?: URL | {code: string};
	heapMb?: number | null;
};

function onThisThread(options: StaleCheckOptions): Promise<StaleResult> {
	return new Promise((resolve, reject) =>
		setImmediate(() => {
			try {
				resolve(findStale(options.root, options.readStored()));
			} catch (error) {
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		}),
	);
}

/** Runs the check on a worker thread (compiled builds) or on this thread after yielding (tests from sources). */
export function checkStale(options: StaleCheckOptions): Promise<StaleResult> {
	const script = options.script ?? WORKER_SCRIPT;
	if (script instanceof URL && (script.protocol !== 'file:' || !fs.existsSync(fileURLToPath(script))))
		return onThisThread(options);
	const {signal} = options;
	if (signal?.aborted) return Promise.reject(signal.reason as Error);
	const heapMb = options.heapMb === undefined ? STALE_WORKER_HEAP_MB : options.heapMb;
	return new Promise((resolve, reject) => {
		const workerData: StaleWorkerRequest = {root: options.root, dbPath: options.dbPath};
		// A small young generation, as the compute threads have: its garbage is each folder's stat, short-lived.
		const resourceLimits = {
			maxYoungGenerationSizeMb: 2,
			...(heapMb === null ? {} : {maxOldGenerationSizeMb: heapMb}),
		};
		const worker =
			script instanceof URL
				? new Worker(script, {workerData, resourceLimits})
				: new Worker(script.code, {eval: true, workerData, resourceLimits});
		const onAbort = (): void => {
			void worker.terminate();
			reject(signal!.reason as Error);
		};
		signal?.addEventListener('abort', onAbort, {once: true});
		worker.once('message', (result: StaleResult | {error: string}) => {
			signal?.removeEventListener('abort', onAbort);
			void worker.terminate();
			// A database the worker cannot open on its own (a private snapshot, a lock): read it here instead.
			if ('error' in result) onThisThread(options).then(resolve, reject);
			else resolve(result);
		});
		worker.once('error', (error: NodeJS.ErrnoException) => {
			signal?.removeEventListener('abort', onAbort);
			// A root too big for the limit: checked again with V8's own, rather than never.
			if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && heapMb !== null)
				checkStale({...options, heapMb: null}).then(resolve, reject);
			else reject(error);
		});
	});
}
