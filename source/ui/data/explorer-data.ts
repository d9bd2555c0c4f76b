/**
 * What the explorer needs from the layers below, behind one small interface: load cached rows, fetch some
 * again, check the disk for staleness, run a recompute. The views and the reducer never see SQL or the disk.
 *
 * Long on purpose: the ExplorerData contract (its typed methods, a third of the file) and its one implementation
 * over the store and jobs, read together.
 */
import path from 'node:path';
import {isoFromEpochMs} from '../../core/iso-time.js';
import {
	undoSummary,
	type MetadataRepository,
	type TriagePatch,
	type TriageSnapshot,
} from '../../store/metadata-repository.js';
import {isBusy, retryWhileBusy, type RetryClock} from '../../store/busy-retry.js';
import {TriageReads} from './triage-reads.js';
import {stateOf} from '../../core/state.js';
import {sessionsCsv, sessionsJson} from '../../format/session-export.js';
import {writeNewFile} from '../../jobs/write-new-file.js';
import type {ListedSession, StoredSession} from '../../core/types.js';
import type {StatsRepository} from '../../store/stats-repository.js';
import {runCompute, type ComputeProgress, type ComputeSummary} from '../../jobs/compute-job.js';
import {checkStale, type StaleResult} from '../../jobs/stale-check.js';
import {computeOffThread, computeWorkerAvailable} from '../../jobs/compute-off-thread.js';
import {LivePoller, type LiveCycle} from '../../jobs/live.js';
import {FolderWatcher} from '../../jobs/folder-watch.js';
import {insightOffThread, type SessionInsight} from '../../jobs/session-insight.js';
import type {LiveQueries} from '../../store/live-queries.js';
import {tryAcquireComputeLock} from '../../store/compute-lock.js';
import type {JobRequest} from '../state/types.js';
import {fnv1a32} from '../../core/fnv1a.js';
import {backgroundPause} from './background-pause.js';

export type JobListener = {
	onProgress(progress: ComputeProgress): void;
	onStored(sessionIds: readonly string[]): void;
	onDone(summary: ComputeSummary | null, error?: Error): void;
};

export type JobHandle = {cancel(): void};

export type LiveWatch = {
	/** Whether every change is hinted now (the poll may then slow down). */
	reliable(): boolean;
	close(): void;
};

/**
 * One results root as the explorer shows it: its name (what `root:` matches), its short label (the root
 * column), its folder and the caches its sessions' stats and triage go to. Every row the data hands out names
 * its root in `root_name`; actions and triage of a row go through that root's caches.
 */
export type ExplorerRoot = {
	readonly name: string;
	readonly label: string;
	readonly path: string;
	readonly dbPath: string;
	readonly sharedPath: string | null;
	/** Why this root's cache is read-only (or could not be opened), or null. */
	readonly readonlyReason: string | null;
};

export type ExplorerData = {
	/** The first root's folder (the only one when a single root is open). */
	readonly root: string;
	/** Every root, in the user's order (one when a single root is open). */
	readonly roots: readonly ExplorerRoot[];
	readonly dbPath: string;
	/** The web UI's sessions.db whose session_metadata triage writes, or null when dbPath holds everything. */
	readonly sharedPath: string | null;
	/** Why the cache is read-only, or null when recompute is possible. */
	readonly readonlyReason: string | null;
	/** The newest `limit` sessions: the first frame, read before anything else. */
	loadNewest(limit: number): ListedSession[];
	/** Every session of the root, page by page; the caller yields to the event loop between pages. */
	pages(): AsyncIterable<ListedSession[]>;
	/** Whole rows (every stored field): what the details pane shows. */
	fetch(sessionIds: readonly string[]): {rows: StoredSession[]; missing: string[]};
	/**
	 * The list's lean rows, their repeated texts shared like the loaded rows': what lands in the list after a
	 * recompute or a poll. Whole rows there made a recompute of 100,000 sessions hold every field of every
	 * session, unshared (the explorer grew by ≈6 kB per recomputed session).
	 */
	fetchListed(sessionIds: readonly string[]): {rows: ListedSession[]; missing: string[]};
	/**
	 * fetchListed, leaving out each row equal to the one the list shows (`shown(id)`; undefined: always read):
	 * what a recompute lands. A recompute that changes nothing then builds no rows (see getListedChanged).
	 */
	fetchChanged(
		sessionIds: readonly string[],
		shown: (sessionId: string) => ListedSession | undefined,
	): {rows: ListedSession[]; missing: string[]};
	/** `signal` stops the check (its thread is ended; the promise rejects): a recompute makes it moot. */
	checkStale(signal?: AbortSignal): Promise<StaleResult>;
	/**
	 * Rows another process (a CLI compute, the web UI) changed since `known` was taken, or null when nobody
	 * else committed since the last call (one PRAGMA: cheap enough to poll). `known` is brought up to date in
	 * place and returned as `versions`: rows this explorer's own job landed as they are read, the rest once
	 * everything is read (a read that fails leaves those as they were).
	 */
	externalChanges(
		known: Map<string, number>,
	): Promise<{changed: ListedSession[]; removed: string[]; versions: Map<string, number>} | null>;
	/** Signatures of the rows as now stored (see externalChanges), read page by page with yields between. */
	versions(): Promise<Map<string, number>>;
	/**
	 * Writes a triage change to session_metadata, off the render path: while another program (the web UI) holds
	 * the file's lock the write is retried on a timer, `onLocked` is told once, and the promise settles when it
	 * lands (what each change did, for undo, and the rows now) or fails with the reason.
	 */
	applyTriage(
		targets: ReadonlyArray<{session_id: string; session_path: string}>,
		patch: TriagePatch,
		onLocked?: () => void,
	): Promise<{snapshots: TriageSnapshot[]; rows: ListedSession[]}>;
	/**
	 * Undoes a triage change field by field (see MetadataRepository.restore). `message` says what was kept as
	 * another program set it (`undone on 2 sessions; 1 kept: its note was changed elsewhere`), null when all was undone.
	 */
	restoreTriage(
		snapshots: readonly TriageSnapshot[],
		onLocked?: () => void,
	): Promise<{rows: ListedSession[]; message: string | null}>;
	tagsInUse(): string[];
	/**
	 * Why the triage shown may be stale (the file holding session_metadata is locked by another program, so
	 * rows were read without waiting, with the triage last read), or null. `listener` is called at once and on
	 * every change; returns the unsubscribe.
	 */
	watchTriage(listener: (problem: string | null) => void): () => void;
	/** Reads again the triage of rows shown stale: the rows whose triage differs, or null while still locked. */
	refreshTriage(): Promise<ListedSession[] | null>;
	/**
	 * One live poll: new folders and running sessions that changed are recomputed (null when the database is
	 * read-only). See jobs/live.ts.
	 */
	pollLive(): Promise<LiveCycle | null>;
	/**
	 * Missing combinations, seeds and anomalies of one session, read from its folder off the render thread.
	 * `identities` are the rows to look for duplicates among.
	 */
	insight(
		row: ListedSession,
		running: boolean,
		identities: readonly ListedSession[],
		signal: AbortSignal,
	): Promise<SessionInsight>;
	/**
	 * Watches the root and the session folders (jobs/folder-watch.ts) and calls `onHint` when something may have
	 * changed; the next pollLive() then looks at what the watches saw. Null when there is nothing to watch for
	 * (read-only cache, no live queries).
	 */
	watchChanges(onHint: () => void): LiveWatch | null;
	/** Writes the sessions (in this order) to a CSV or JSON file in the working folder; returns its path. */
	exportSessions(format: 'csv' | 'json', sessionIds: readonly string[], nowMs: number, stallWindowMs: number): string;
	startJob(
		request: JobRequest,
		targets: {stale: readonly string[]; newOnDisk: readonly string[]},
		listener: JobListener,
	): JobHandle;
};

/** Small pages keep each synchronous read short, so keys stay answered while 100,000 rows load. */
const PAGE = 1000;
/** Signatures are cheaper per row than whole rows. */
const VERSIONS_PAGE = 1000;

async function readVersions(reads: TriageReads, root: string): Promise<Map<string, number>> {
	const versions = new Map<string, number>();
	const started = performance.now();
	let cursor: number | null = 0;
	while (cursor !== null) {
		const after: number = cursor;
		// The signatures include the triage's last change: read without waiting (a lock throws; tried again later).
		const page = reads.now((repository) => repository.versionsPage(root, after, VERSIONS_PAGE));
		for (const [id, version] of page.entries) versions.set(id, version);
		cursor = page.next;
		// Keys and frames get their turn between pages (see background-pause.ts).
		if (cursor !== null) await backgroundPause(started);
	}
	return versions;
}

/** How many different numbers `values` holds (sorted in place). */
function distinctCount(values: number[]): number {
	values.sort((a, b) => a - b);
	let count = 0;
	for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) count++;
	return count;
}

/** A session id as a 30-bit FNV-1a hash (a small integer: a Set of 100,000 of them holds no strings). */
function idHash(id: string): number {
	return fnv1a32(id) & 0x3fffffff;
}

/** Writes the sessions (in this order) to a new CSV or JSON file in `folder` (default: the working folder). */
export function writeExport(
	rows: readonly StoredSession[],
	format: 'csv' | 'json',
	nowMs: number,
	stallWindowMs: number,
	folder?: string,
): string {
	const sessions = rows.map((row) => ({row, state: stateOf(row, nowMs, stallWindowMs)}));
	const stamp = isoFromEpochMs(nowMs).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
	const body = format === 'csv' ? `${sessionsCsv(sessions).join('\n')}\n` : `${sessionsJson(sessions)}\n`;
	// A second export in the same second gets a suffix (-2, -3…): never an overwrite, never EEXIST.
	return writeNewFile(path.resolve(folder ?? process.cwd()), `sdstats-${stamp}`, `.${format}`, body);
}

/** Names each row's root (in place: the rows are fresh from the repository, and the slot is already there). */
function stamped<T extends ListedSession>(rows: T[], rootName: string): T[] {
	for (const row of rows) row.root_name = rootName;
	return rows;
}

export function createExplorerData(options: {
	root: string;
	/** The root's name (IMAGE_FOLDERS' name, else the folder's) and label; default: the folder's name. */
	rootName?: string;
	rootLabel?: string;
	dbPath: string;
	repository: StatsRepository;
	metadata: MetadataRepository;
	readonlyReason: string | null;
	now?: () => number;
	/** Where `x` writes (default: the working folder). */
	exportFolder?: string;
	/** The live poll's queries; none: no live updates. */
	liveQueries?: LiveQueries;
	stallWindowMs?: number;
	sharedPath?: string | null;
	/** Timers for triage retries (tests pass a fake). */
	retryClock?: RetryClock;
	/** Where a recompute runs off this thread (tests pass a thread that fails); default: jobs/compute-off-thread. */
	computeThread?: {available(): boolean; start: typeof computeOffThread};
}): ExplorerData {
	const {metadata} = options;
	let poller: LivePoller | null = null;
	let watcher: FolderWatcher | null = null;
	const ensurePoller = (queries: LiveQueries): LivePoller =>
		(poller ??= new LivePoller({
			root,
			dbPath: options.dbPath,
			repository,
			queries,
			stallWindowMs: options.stallWindowMs ?? 600_000,
			now,
		}));
	const root = path.resolve(options.root);
	const {repository} = options;
	const now = options.now ?? Date.now;
	const triageFile = `session_metadata in ${options.sharedPath ?? options.dbPath}`;
	const rootName = options.rootName ?? (path.basename(root) || root);
	const stamp = <T extends ListedSession>(rows: T[]): T[] => stamped(rows, rootName);
	// Every read of rows joins the triage: none may wait on another program's lock of its file.
	const reads = new TriageReads(repository, options.sharedPath ?? options.dbPath);
	// data_version reads each file's header, the triage's too: without waiting (null: look at the next poll).
	const dataVersion = (): string | null => {
		try {
			return reads.now((r) => r.dataVersion());
		} catch (error) {
			if (isBusy(error)) return null;
			throw error;
		}
	};
	let lastDataVersion = dataVersion();
	let lastTags: string[] = [];
	/**
	 * This explorer's own recompute: while it runs, its commits (on the worker's connection) are not another
	 * program's; once it ended, the rows it stored were landed already, so the next look for others' changes
	 * reads only the rest (else every recomputed row was read again at once: 100,000 rows after a recompute of
	 * everything). `landed` holds each stored row's signature as read when its batch landed: a row whose
	 * signature moved on since (the web UI favourited it after it landed) is another program's write and is read
	 * again. Ids are kept as 30-bit hashes (a collision only delays showing one foreign change).
	 */
	let ownJob: {running: boolean; landed: Map<number, number>} | null = null;
	const recordLanded = (landed: Map<number, number>, ids: readonly string[]): void => {
		try {
			// Read with the batch's landing (the list reads the rows no earlier): a later change differs from it.
			for (const [id, version] of reads.now((r) => r.versionsOf(ids))) landed.set(idHash(id), version);
		} catch {
			// Locked (or unreadable) now: these rows are simply read again after the job, never taken as seen.
			for (const id of ids) landed.delete(idHash(id));
		}
	};
	const getListed = (ids: readonly string[]): ListedSession[] => stamp(reads.rows((r) => r.getListed(ids)));
	const getMany = (ids: readonly string[]): {rows: StoredSession[]; missing: string[]} => {
		let missing: string[] = [];
		const rows = reads.rows((r) => {
			const found = r.getMany(ids);
			missing = found.missing;
			return found.rows;
		});
		return {rows: stamp(rows), missing};
	};
	return {
		root,
		roots: [
			{
				name: rootName,
				label: options.rootLabel ?? rootName,
				path: root,
				dbPath: options.dbPath,
				sharedPath: options.sharedPath ?? null,
				readonlyReason: options.readonlyReason,
			},
		],
		dbPath: options.dbPath,
		sharedPath: options.sharedPath ?? null,
		readonlyReason: options.readonlyReason,
		loadNewest: (limit) => stamp(reads.rows((r) => r.listNewest(root, limit))),
		async *pages() {
			let cursor: number | null = 0;
			while (cursor !== null) {
				const after: number = cursor;
				let next: number | null = null;
				const rows = reads.rows((r) => {
					const page = r.listPage(root, after, PAGE);
					next = page.next;
					return page.rows;
				});
				cursor = next;
				yield stamp(rows);
			}
		},
		fetch: getMany,
		fetchListed(ids) {
			const rows = getListed(ids);
			const found = new Set(rows.map((row) => row.session_id));
			return {rows, missing: ids.filter((id) => !found.has(id))};
		},
		fetchChanged(ids, shown) {
			let missing: string[] = [];
			const rows = reads.rows((r) => {
				const found = r.getListedChanged(ids, shown);
				missing = found.missing;
				return found.rows;
			});
			return {rows: stamp(rows), missing};
		},
		versions: () => readVersions(reads, root),
		async applyTriage(targets, patch, onLocked) {
			const snapshots = await retryWhileBusy(() => metadata.apply(targets, patch, isoFromEpochMs(now())), {
				what: triageFile,
				onLocked,
				clock: options.retryClock,
			});
			return {snapshots, rows: getListed(targets.map((t) => t.session_id))};
		},
		async restoreTriage(snapshots, onLocked) {
			const outcome = await retryWhileBusy(() => metadata.restore(snapshots, isoFromEpochMs(now())), {
				what: triageFile,
				onLocked,
				clock: options.retryClock,
			});
			return {
				rows: getListed(snapshots.map((s) => s.session_id)),
				message: outcome.kept.length > 0 ? undoSummary(outcome) : null,
			};
		},
		tagsInUse() {
			try {
				lastTags = metadata.tagsInUse();
			} catch (error) {
				// Locked by another program: the tags last read (triage writes wait and retry on their own).
				if (!isBusy(error)) throw error;
			}
			return lastTags;
		},
		watchTriage: (listener) => reads.watch(listener),
		async refreshTriage() {
			const rows = await reads.refresh();
			return rows ? stamp(rows) : null;
		},
		watchChanges(onHint) {
			if (options.readonlyReason || !options.liveQueries) return null;
			const poller = ensurePoller(options.liveQueries);
			const created = new FolderWatcher({root, onHint});
			watcher = created;
			// The cache's ids stand for the folders (a new one is followed once the poll has computed it).
			void created.start(options.liveQueries.ids(root), poller.activeSessions());
			return {
				reliable: () => created.reliable,
				close() {
					created.close();
					if (watcher === created) watcher = null;
				},
			};
		},
		insight(row, running, identities, signal) {
			return insightOffThread(row.session_path, row.session_id, {
				running,
				sessionCreatedAt: row.session_created_at,
				identities,
				signal,
			});
		},
		async pollLive() {
			if (options.readonlyReason || !options.liveQueries) return null;
			const live = ensurePoller(options.liveQueries);
			const hints = watcher?.take();
			const cycle = await live.cycle(hints?.sessions);
			// Sessions that appeared or started running since the watches were set up get one too.
			if (watcher) for (const id of [...cycle.changedIds, ...live.activeSessions()]) watcher.follow(id);
			return cycle;
		},
		exportSessions(format, sessionIds, nowMs, stallWindowMs) {
			const {rows} = getMany(sessionIds);
			return writeExport(rows, format, nowMs, stallWindowMs, options.exportFolder);
		},
		async externalChanges(known) {
			if (ownJob?.running) return null;
			const version = dataVersion();
			const after = ownJob;
			if (version === null || (version === lastDataVersion && after === null)) return null;
			// Compared page by page with what is known, which is updated in place: a new map of every signature
			// (100,000 new id strings beside the known ones) was the explorer's highest memory after a recompute of
			// everything (~20 MB). Rows this explorer's own job landed are taken as seen as they are read (they are on
			// the screen already); every other change only once all is read: a read refused by a lock leaves those as
			// they were, and they are found again at the next call.
			const updates: Array<[string, number]> = [];
			const changedIds: string[] = [];
			// Hashes of the known ids seen: a row deleted and stored again during the read is seen twice (a new rowid),
			// which a count would take for another row (hiding a removal); two ids sharing a hash only send this to
			// the exact look below.
			const seen: number[] = [];
			const started = performance.now();
			let cursor: number | null = 0;
			while (cursor !== null) {
				const from: number = cursor;
				const page = reads.now((repository) => repository.versionsPage(root, from, VERSIONS_PAGE));
				for (const [id, v] of page.entries) {
					const was = known.get(id);
					if (was !== undefined) seen.push(idHash(id));
					if (was === v) continue;
					// A row the job stored is left out only while its signature is the one that landed.
					const landed = after?.landed.get(idHash(id)) === v;
					// Known and landed: taken as seen at once (a read stopped by a lock leaves it so, rightly: it is on
					// the screen). After a recompute of everything that is every row: 100,000 pairs not held to the end.
					if (landed && was !== undefined) known.set(id, v);
					else updates.push([id, v]);
					if (!landed) changedIds.push(id);
				}
				cursor = page.next;
				if (cursor !== null) await backgroundPause(started);
			}
			// Every known row seen again: none was removed (the usual case); else which, from the ids as now stored.
			let removed: string[] = [];
			if (distinctCount(seen) < known.size) {
				const now = await readVersions(reads, root);
				removed = [...known.keys()].filter((id) => !now.has(id));
			}
			lastDataVersion = version;
			if (after !== null && ownJob === after) ownJob = null;
			for (const [id, v] of updates) known.set(id, v);
			for (const id of removed) known.delete(id);
			const changed = changedIds.length === 0 ? [] : getListed(changedIds);
			return {changed, removed, versions: known};
		},
		checkStale: (signal) =>
			checkStale({root, dbPath: options.dbPath, readStored: () => repository.marks(root), signal}),
		startJob(request, targets, listener) {
			const cancel = {cancelled: false};
			if (options.readonlyReason) {
				queueMicrotask(() => listener.onDone(null, new Error(`cannot recompute: ${options.readonlyReason}`)));
				return {cancel() {}};
			}
			// One compute per database at a time: a CLI compute (or a second explorer) may hold it.
			const lock = tryAcquireComputeLock(options.dbPath, 'sdstats explorer');
			if (!lock.ok) {
				queueMicrotask(() => listener.onDone(null, new Error(`${lock.reason}; try again when it finishes`)));
				return {cancel() {}};
			}
			const sessions =
				request.scope === 'sessions'
					? request.sessionIds
					: request.scope === 'stale'
						? [...targets.stale, ...targets.newOnDisk]
						: undefined;
			const force = request.scope !== 'stale';
			// A job started before the last one's rows were looked at keeps what that one landed.
			ownJob = {running: true, landed: ownJob?.landed ?? new Map()};
			const job = ownJob;
			const stored = (ids: readonly string[]): void => {
				recordLanded(job.landed, ids);
				listener.onStored(ids);
			};
			const finish = (summary: ComputeSummary | null, error?: Error): void => {
				lock.lock.release();
				job.running = false;
				listener.onDone(summary, error);
			};
			const onThisThread = (): void => {
				runCompute({
					root,
					repository,
					force,
					sessions,
					nowMs: now,
					cancel,
					// Small batches keep each stored transaction (on this thread) short.
					batchSize: 8,
					onProgress: (p) => listener.onProgress(p),
					onBatchStored: stored,
				}).then(
					(summary) => finish(summary),
					(error: unknown) => finish(null, error instanceof Error ? error : new Error(String(error))),
				);
			};
			const thread = options.computeThread ?? {available: computeWorkerAvailable, start: computeOffThread};
			if (!thread.available()) {
				onThisThread();
				return {
					cancel() {
						cancel.cancelled = true;
					},
				};
			}
			// Compiled builds: the whole job on a worker (jobs/compute-job-worker.ts); this thread only lands rows.
			let cancelWorker: (() => void) | null = thread.start(
				// The folders are read on the job's own thread (no compute pool): a pool thread is one more V8 heap and
				// malloc arena (≈25 MB of the explorer's peak at 100,000 sessions), and the other core is the screen
				// thread's, which lands the rows.
				{root, dbPath: options.dbPath, force, sessions, batchSize: 32, workers: 0},
				{
					onProgress: (p) => listener.onProgress(p),
					onStored: stored,
					onDone: (summary) => finish(summary),
					onFailed(error, how) {
						cancelWorker = null;
						// A database the worker cannot open on its own (a private snapshot), or a thread that died (its
						// heap cap reached, a crash): the job runs here (rows the worker stored are stored; a forced
						// job computes them again, a stale one finds them fresh).
						if (how !== 'failed' && !cancel.cancelled) onThisThread();
						else finish(null, error);
					},
				},
			);
			return {
				cancel() {
					cancel.cancelled = true;
					cancelWorker?.();
				},
			};
		},
	};
}
