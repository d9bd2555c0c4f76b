/**
 * A compute over a results root: decide which sessions are new, changed or gone (cheap fingerprints), compute
 * the changed ones in batches, store each batch in one transaction, report progress, stop cleanly on cancel.
 */
import path from 'node:path';
import {STATS_VERSION} from '../core/types.js';
import {sessionIdProblem} from '../core/session-id.js';
import fs from 'node:fs';
import {
	deepFingerprint,
	FingerprintList,
	fingerprintMatches,
	fingerprintSession,
	fingerprintText,
	listSessionFolders,
	statFingerprint,
} from '../scan/sessions.js';
import {describeFsError} from '../scan/errors.js';
import type {StatsRepository, SavedComputation, StoredMarks} from '../store/stats-repository.js';
import type {FolderOutcome, FolderTask} from './compute-folder.js';
import {chooseRunner, type BatchRunner} from './folder-runner.js';

export type ComputeProgress = {
	done: number;
	total: number;
	current: string | null;
	startedAtMs: number;
	errors: ReadonlyArray<{sessionId: string; reason: string}>;
};

export type ComputeSummary = {
	computed: number;
	unchanged: number;
	removed: number;
	unreadable: number;
	no_manifest: number;
	seconds: number;
	cancelled: boolean;
	/** Sessions the run set out to compute. */
	planned: number;
	errors: Array<{session_id: string; reason: string}>;
};

export type CancelToken = {cancelled: boolean};

/** The run cannot go on safely (the root vanished, the database stays locked); what was stored stays stored. */
export class ComputeAbortedError extends Error {
	override name = 'ComputeAbortedError';
}

function rootIsAvailable(root: string): boolean {
	try {
		return fs.statSync(root).isDirectory();
	} catch {
		return false;
	}
}

function isBusy(error: unknown): boolean {
	const code = (error as {code?: unknown}).code;
	return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/** Retries a write that found the database locked beyond the busy timeout (another writer's long transaction). */
async function withBusyRetry<T>(write: () => T, attempts = 4): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return write();
		} catch (error) {
			if (!isBusy(error)) throw error;
			if (attempt >= attempts) {
				throw new ComputeAbortedError(
					`the database stayed locked by another program through ${attempts} waits; the sessions stored so far are kept`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
		}
	}
}

export type ComputeOptions = {
	root: string;
	repository: StatsRepository;
	/** Recompute every session, changed or not. */
	force?: boolean;
	/**
	 * Read every image's parameters of sessions without manifest.json (not a sample); such sessions read by a
	 * sampling compute are read again.
	 */
	deep?: boolean;
	/** Limit the run to these folder names (already validated). */
	sessions?: readonly string[];
	nowMs?: () => number;
	cancel?: CancelToken;
	onProgress?: (progress: ComputeProgress) => void;
	/** Called after each stored batch with the ids written or removed (the explorer refreshes those rows). */
	onBatchStored?: (sessionIds: readonly string[]) => void;
	batchSize?: number;
	/** Force a number of worker threads (0 = inline); default picks by job size. */
	workers?: number;
	runner?: BatchRunner;
};

export type ComputePlan = {
	changed: string[];
	fingerprints: FingerprintList;
	unchanged: number;
	/** Stored sessions of this root whose folder is gone. */
	removals: string[];
	skipped: Array<{name: string; reason: string}>;
};

/** What a stored session needs to be compared with the disk. */
export type {StoredMark, StoredMarks} from '../store/stats-repository.js';

export type DiskComparison = {
	/**
	 * New or changed folders (or all of them, with force) by name, and beside each the fingerprint taken before
	 * reading (deep ones with --deep). Two flat lists rather than a task object per folder: with 100,000
	 * sessions the plan is most of what a compute holds (see taskAt); the fingerprints as numbers, not texts.
	 * A forced compute compares nothing and plans no fingerprint (the list is empty): each is taken as its
	 * folder's task is built, just before the folder is read, so no folder is stat'ed twice before the first
	 * is read, and what is stored is what was read.
	 */
	changed: string[];
	fingerprints: FingerprintList;
	unchanged: number;
	/** Stored sessions whose folder is gone. */
	gone: string[];
	/** Folders that could not be examined (a link loop, a name that is not UTF-8), with the reason. */
	skipped: Array<{name: string; reason: string}>;
};

/**
 * A folder's path under a resolved root, as path.join gives it for a plain name (no separator, not . or ..),
 * without path.join's normalising pass, which showed in the nothing-changed profile at 100,000 folders.
 */
function childPath(root: string, name: string): string {
	return root.endsWith(path.sep) ? root + name : root + path.sep + name;
}

/** The fingerprint a compute stores for the folder as it is now (see fingerprintSession and deepFingerprint). */
function diskFingerprint(sessionPath: string, deep: boolean): string | null {
	const fingerprint = fingerprintSession(sessionPath);
	return deep && fingerprint !== null ? deepFingerprint(fingerprint) : fingerprint;
}

/** The folder task of the i-th changed session of a comparison, built when its batch is sent. */
export function taskAt(
	root: string,
	comparison: Pick<DiskComparison, 'changed' | 'fingerprints'>,
	index: number,
	deep = false,
): FolderTask {
	const sessionId = comparison.changed[index]!;
	const sessionPath = childPath(root, sessionId);
	const task: FolderTask = {
		sessionId,
		sessionPath,
		// Past the planned ones (a forced compute plans none): taken now, just before the folder is read.
		fingerprint:
			index < comparison.fingerprints.length
				? comparison.fingerprints.at(index)
				: diskFingerprint(sessionPath, deep),
	};
	if (deep) task.deep = true;
	return task;
}

/**
 * Compares stored fingerprints with the folders on disk: two stats per folder, no folder read. This is both
 * the start of every compute and the explorer's background staleness check.
 */
export function compareWithDisk(
	root: string,
	stored: StoredMarks,
	force: boolean,
	only?: readonly string[],
	deep = false,
): DiskComparison {
	// Names from the command line or from rows other tools wrote: never a path that leaves the root.
	let onDisk: string[];
	let skipped: DiskComparison['skipped'] = [];
	if (only) {
		onDisk = only.filter((id) => sessionIdProblem(id) === null);
	} else {
		try {
			({folders: onDisk, skipped} = listSessionFolders(root));
		} catch (error) {
			// Never read "no folders" as "every session is gone": a missing root removes nothing.
			throw new ComputeAbortedError(
				`the results root ${root} is unavailable (${describeFsError(error)}); cached stats are kept`,
			);
		}
	}
	const changed: string[] = force ? onDisk : [];
	const fingerprints = new FingerprintList(deep);
	const stats = new Float64Array(3);
	let unchanged = 0;
	// A whole listing compared with what was stored: sorted, it is walked beside the stored marks in their order,
	// pair by pair (see MarkCursor), without a lookup by id, while every pair is exactly the stored one. From the
	// first that is not (changed, new, gone, another order), the rest is looked up by id.
	let cursor = !force && !only && skipped.length === 0 ? (stored.inOrder?.() ?? null) : null;
	if (cursor) onDisk.sort();
	// Forced: nothing is compared, every listed folder is computed, its fingerprint taken when its task is built.
	for (const sessionId of force ? [] : onDisk) {
		const present = statFingerprint(childPath(root, sessionId), stats, 0);
		if (cursor) {
			// What fingerprintMatches accepts first: the stored text equal to the folder's (a deep one, with --deep).
			if (present) {
				const fingerprint = fingerprintText(stats, 0);
				if (cursor.next(sessionId, deep ? deepFingerprint(fingerprint) : fingerprint)) {
					unchanged++;
					continue;
				}
			}
			cursor = null;
		}
		// With force nothing stored is compared: not even looked up (planCompute then holds ids, not marks).
		const previous = force ? undefined : stored.get(sessionId);
		// The text is made only to compare with a stored one: a new folder keeps its numbers (FingerprintList).
		const same =
			previous !== undefined &&
			present &&
			previous.stats_version === STATS_VERSION &&
			fingerprintMatches(previous.fingerprint, fingerprintText(stats, 0), deep);
		if (same) {
			unchanged++;
		} else {
			changed.push(sessionId);
			// A deep reading is stored as such, so a later sampling compute keeps it (scan/sessions.ts).
			fingerprints.push(present ? stats : null);
		}
	}
	// Gone: stored and neither listed nor skipped (a skipped folder is not "gone": whatever was stored stays).
	const gone: string[] = [];
	// Every listed folder matched its stored pair, and every stored pair was matched: nothing is gone.
	if (!only && !cursor?.done()) {
		const present = new Set(onDisk);
		for (const {name} of skipped) present.add(name);
		for (const id of stored.keys()) if (!present.has(id)) gone.push(id);
	}
	// An unmounted disk often leaves its mount point as an empty folder: that is not "every session deleted".
	if (!only && onDisk.length === 0 && skipped.length === 0 && gone.length > 0) {
		throw new ComputeAbortedError(
			`the results root ${root} is empty but the cache holds ${gone.length} of its sessions: it looks unmounted, so nothing was removed (\`sdstats forget --yes\` removes them if they are really gone)`,
		);
	}
	return {changed, fingerprints, unchanged, gone, skipped};
}

export function planCompute(
	root: string,
	repository: StatsRepository,
	force: boolean,
	only?: readonly string[],
	deep = false,
): ComputePlan {
	const {changed, fingerprints, unchanged, gone, skipped} = compareWithDisk(
		root,
		// A forced compute needs only the stored ids (what is gone): read as they are asked for, not a map of them.
		force ? repository.markLookup(root) : repository.fingerprints(root, STATS_VERSION),
		force,
		only,
		deep,
	);
	return {changed, fingerprints, unchanged, removals: gone, skipped};
}

export async function runCompute(options: ComputeOptions): Promise<ComputeSummary> {
	const started = performance.now();
	const now = options.nowMs ?? Date.now;
	const {repository} = options;
	const root = path.resolve(options.root);
	const plan = planCompute(root, repository, options.force ?? false, options.sessions, options.deep ?? false);
	const summary: ComputeSummary = {
		computed: 0,
		unchanged: plan.unchanged,
		removed: 0,
		unreadable: 0,
		no_manifest: 0,
		seconds: 0,
		cancelled: false,
		planned: plan.changed.length,
		errors: plan.skipped.map(({name, reason}) => ({session_id: name, reason: `skipped: ${reason}`})),
	};
	summary.unreadable += plan.skipped.length;
	if (plan.removals.length > 0) {
		summary.removed += await withBusyRetry(() => repository.deleteMany(plan.removals));
		options.onBatchStored?.(plan.removals);
	}

	const batchSize = options.batchSize ?? 32;
	const total = plan.changed.length;
	const batchCount = Math.ceil(total / batchSize);
	// Task objects exist only for the batches in flight (see DiskComparison).
	const batchAt = (index: number): FolderTask[] => {
		const tasks: FolderTask[] = [];
		for (let i = index * batchSize; i < Math.min(total, (index + 1) * batchSize); i++)
			tasks.push(taskAt(root, plan, i, options.deep ?? false));
		return tasks;
	};

	const runner = options.runner ?? chooseRunner(total, options.workers);
	const startedAtMs = now();
	let done = 0;
	// Progress errors grow as the summary's do (not copied whole at every report: that was quadratic).
	const progressErrors: Array<{sessionId: string; reason: string}> = summary.errors.map((e) => ({
		sessionId: e.session_id,
		reason: e.reason,
	}));
	const report = (current: string | null): void =>
		options.onProgress?.({
			done,
			total,
			current,
			startedAtMs,
			errors: progressErrors,
		});
	report(plan.changed[0] ?? null);

	const store = async (outcomes: FolderOutcome[]): Promise<void> => {
		const saves: SavedComputation[] = [];
		const removals: string[] = [];
		for (const outcome of outcomes) {
			if (outcome.kind !== 'computed') {
				removals.push(outcome.task.sessionId);
				continue;
			}
			const {bookkeeping} = outcome.result;
			if (bookkeeping.manifest_state === 'unreadable') {
				summary.unreadable++;
				summary.errors.push({session_id: bookkeeping.session_id, reason: bookkeeping.error ?? 'unreadable'});
				progressErrors.push({sessionId: bookkeeping.session_id, reason: bookkeeping.error ?? 'unreadable'});
			} else if (bookkeeping.manifest_state === 'missing') {
				summary.no_manifest++;
			}
			saves.push({result: outcome.result, fingerprint: outcome.task.fingerprint});
		}
		if (removals.length > 0 && !rootIsAvailable(root)) {
			// Folders "vanish" together when the whole root does (an unmounted disk): keep their stats.
			throw new ComputeAbortedError(
				`the results root ${root} became unavailable during the compute; no session was removed (${summary.computed} computed before)`,
			);
		}
		if (saves.length > 0) await withBusyRetry(() => repository.saveMany(saves));
		if (removals.length > 0) summary.removed += await withBusyRetry(() => repository.deleteMany(removals));
		summary.computed += saves.length;
		done += outcomes.length;
		options.onBatchStored?.(outcomes.map((o) => o.task.sessionId));
	};

	try {
		// Keep `parallelism` batches in flight; results are stored in completion order, each in its own transaction.
		let next = 0;
		const inFlight = new Set<Promise<void>>();
		const launch = (): void => {
			const batch = batchAt(next++);
			const promise: Promise<void> = runner.run(batch, now()).then(async (outcomes) => {
				await store(outcomes);
				report(plan.changed[next * batchSize] ?? null);
			});
			const tracked = promise.finally(() => inFlight.delete(tracked));
			// The loop below observes failures through Promise.race; this keeps a second one from going unhandled.
			tracked.catch(() => undefined);
			inFlight.add(tracked);
		};
		while (next < batchCount || inFlight.size > 0) {
			while (next < batchCount && inFlight.size < runner.parallelism && !options.cancel?.cancelled) launch();
			if (inFlight.size === 0) break;
			await Promise.race(inFlight);
		}
		summary.cancelled = options.cancel?.cancelled === true && done < total;
	} finally {
		await runner.close();
	}
	summary.seconds = Math.round(performance.now() - started) / 1000;
	return summary;
}
