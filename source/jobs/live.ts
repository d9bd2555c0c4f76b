/**
 * Live updates for the explorer and `sdstats watch`: a cheap poll that notices new session folders and running
 * sessions that changed, recomputes only those, and reports what happened (new, progress, stalled, finished).
 *
 * A cycle costs one stat of the root, one read of it when its mtime moved (a folder was added, removed or
 * renamed: a write-then-rename counts as a new folder), and two stats per active session (manifest status
 * ongoing or in_progress). Finished sessions are left to the background staleness check, unless a watch saw
 * their folder change (the explorer passes what jobs/folder-watch.ts saw as `hinted`).
 */
import fs from 'node:fs';
import path from 'node:path';
import {deriveState, isActiveStatus} from '../core/state.js';
import type {ListedSession, SessionState} from '../core/types.js';
import {fingerprintSession, listSessionFolders} from '../scan/sessions.js';
import {tryAcquireComputeLock} from '../store/compute-lock.js';
import type {StatsRepository} from '../store/stats-repository.js';
import type {LiveQueries} from '../store/live-queries.js';
import {runCompute} from './compute-job.js';
import {sessionIdProblem} from '../core/session-id.js';
import {imagesPerMinute} from '../core/rate.js';

/** `ratePerMinute`: core/rate.ts's images per minute of the stored row (null below two images). */
type EventFacts = {sessionId: string; actual: number; expected: number | bigint | null; ratePerMinute: number | null};

export type LiveEvent =
	| ({kind: 'new'; state: SessionState} & EventFacts)
	| ({kind: 'progress'; state: SessionState; previousActual: number} & EventFacts)
	| ({kind: 'stalled'; idleMs: number} & EventFacts)
	| ({kind: 'finished'; state: SessionState} & EventFacts)
	| {kind: 'removed'; sessionId: string};

export type LiveCycle = {changedIds: string[]; removedIds: string[]; events: LiveEvent[]; skipped: string | null};

type Known = {fingerprint: string | null; actual: number; state: SessionState; active: boolean};

export type LivePollerOptions = {
	root: string;
	dbPath: string;
	repository: StatsRepository;
	queries: LiveQueries;
	stallWindowMs: number;
	now?: () => number;
};

function isFolder(target: string): boolean {
	try {
		return fs.statSync(target).isDirectory();
	} catch {
		return false;
	}
}

export class LivePoller {
	private readonly root: string;
	private readonly now: () => number;
	private rootMtime = Number.NaN;
	private folders = new Set<string>();
	/** Whether `folders` is a listing of the root yet (false until the first cycle lists it). */
	private listed = false;
	private readonly known = new Map<string, Known>();
	private cachedIds: Set<string>;
	/**
	 * The poll's reads of rows: stats only (the triage's stand-in joined, see StatsRepository.withoutTriage). A
	 * poll needs no favourites or tags, and joining session_metadata made it wait out another program's lock on
	 * sessions.db, then throw (regression: the explorer crashed when a sqlite3 shell held BEGIN EXCLUSIVE for 10 s).
	 */
	private readonly stats: StatsRepository;

	constructor(private readonly options: LivePollerOptions) {
		this.root = path.resolve(options.root);
		this.stats = options.repository.withoutTriage();
		this.now = options.now ?? Date.now;
		// What the cache holds now is the starting point: only later changes are events. Only the ids of
		// finished sessions are kept; running ones are followed closely.
		this.cachedIds = options.queries.ids(this.root);
		for (const {session_id, fingerprint} of options.queries.active(this.root)) {
			const row = this.stats.getListed([session_id])[0];
			if (row) this.remember(row, fingerprint);
		}
		// The root's mtime stays unknown, so the first cycle lists the root and computes any folder the cache
		// does not hold yet.
	}

	private stateOf(row: ListedSession): SessionState {
		return deriveState(
			{
				manifestState: row.manifest_state ?? 'ok',
				manifestStatus: row.manifest_status,
				imagesActual: row.images_actual,
				imagesExpected: row.images_expected,
				lastActivityMs: row.last_activity_ms,
			},
			this.now(),
			this.options.stallWindowMs,
		);
	}

	private remember(row: ListedSession, fingerprint: string | null = null): void {
		const previous = this.known.get(row.session_id);
		const active = isActiveStatus(row.manifest_status);
		// Only runs in progress are followed; a finished one is forgotten once its last change was seen.
		if (!active && !previous) return;
		this.known.set(row.session_id, {
			fingerprint: fingerprint ?? previous?.fingerprint ?? null,
			actual: row.images_actual,
			state: this.stateOf(row),
			active: isActiveStatus(row.manifest_status),
		});
	}

	/** Sessions whose manifest says a run is going on (running, or stalled while it may resume). */
	activeSessions(): string[] {
		return [...this.known].filter(([, k]) => k.active).map(([id]) => id);
	}

	/** Session folders the poll found under the root at its last listing. */
	listedFolders(): ReadonlySet<string> {
		return this.folders;
	}

	/**
	 * One poll. Safe to call often: it reads almost nothing when nothing changed. `hinted` are session folders
	 * a watch saw change (folder-watch.ts): they are recomputed too, running or not.
	 */
	async cycle(hinted: Iterable<string> = []): Promise<LiveCycle> {
		const candidates = new Set<string>();
		for (const name of hinted) {
			// Only names that are (or were) sessions of this root: a stray file in the root is not one.
			if (
				this.cachedIds.has(name) ||
				this.folders.has(name) ||
				(sessionIdProblem(name) === null && isFolder(path.join(this.root, name)))
			)
				candidates.add(name);
		}
		const removedIds: string[] = [];
		let rootMtime: number;
		try {
			rootMtime = fs.statSync(this.root).mtimeMs;
		} catch {
			return {changedIds: [], removedIds: [], events: [], skipped: 'the results root is unavailable'};
		}
		if (rootMtime !== this.rootMtime) {
			this.rootMtime = rootMtime;
			let folders: Set<string>;
			try {
				folders = new Set(listSessionFolders(this.root).folders);
			} catch {
				return {changedIds: [], removedIds: [], events: [], skipped: 'the results root cannot be read'};
			}
			// New: a folder the cache does not hold, or (after the first listing) one that was not listed last time (a
			// write-then-rename). The first listing has nothing to compare with: only uncached folders are new there.
			// Taking every listed folder as new made the first poll of an explorer over 100,000 cached sessions
			// recompute and read back all of them on its thread (the process climbed from ≈300 to ≈560 MB).
			const listedBefore = this.listed;
			for (const name of folders)
				if (!this.cachedIds.has(name) || (listedBefore && !this.folders.has(name))) candidates.add(name);
			for (const name of this.folders) if (!folders.has(name) && this.cachedIds.has(name)) candidates.add(name);
			this.folders = folders;
			this.listed = true;
		}
		for (const id of this.activeSessions()) {
			const known = this.known.get(id)!;
			const fingerprint = fingerprintSession(path.join(this.root, id));
			if (fingerprint === null || fingerprint !== known.fingerprint) candidates.add(id);
			known.fingerprint = fingerprint;
		}
		const events: LiveEvent[] = [];
		// A run that wrote nothing for the stall window turns stalled without any file changing.
		for (const [id, known] of this.known) {
			if (!known.active || known.state !== 'running' || candidates.has(id)) continue;
			const row = this.stats.getListed([id])[0];
			if (!row) continue;
			const state = this.stateOf(row);
			if (state === 'stalled') {
				events.push({
					kind: 'stalled',
					sessionId: id,
					actual: row.images_actual,
					expected: row.images_expected,
					ratePerMinute: imagesPerMinute(row),
					idleMs: this.now() - (row.last_activity_ms ?? 0),
				});
				known.state = state;
			}
		}
		if (candidates.size === 0) return {changedIds: [], removedIds, events, skipped: null};

		const lock = tryAcquireComputeLock(this.options.dbPath, 'sdstats live update');
		if (!lock.ok) return {changedIds: [], removedIds, events, skipped: lock.reason};
		try {
			await runCompute({
				root: this.root,
				repository: this.options.repository,
				sessions: [...candidates],
				nowMs: this.now,
				batchSize: 4,
			});
		} finally {
			lock.lock.release();
		}
		const changedIds: string[] = [];
		const {rows, missing} = this.stats.getMany([...candidates]);
		for (const row of rows) {
			const wasCached = this.cachedIds.has(row.session_id);
			this.cachedIds.add(row.session_id);
			const before = this.known.get(row.session_id);
			this.remember(row, fingerprintSession(path.join(this.root, row.session_id)));
			const state = this.stateOf(row);
			const active = isActiveStatus(row.manifest_status);
			changedIds.push(row.session_id);
			const base = {
				sessionId: row.session_id,
				actual: row.images_actual,
				expected: row.images_expected,
				ratePerMinute: imagesPerMinute(row),
			};
			if (!wasCached) events.push({kind: 'new', state, ...base});
			else if (!before) {
				// A finished session changed on disk: worth a line only when a run started in it again.
				if (active) events.push({kind: 'progress', state, previousActual: row.images_actual, ...base});
			} else if (state !== before.state && state === 'stalled') {
				events.push({kind: 'stalled', idleMs: this.now() - (row.last_activity_ms ?? 0), ...base});
			} else if (!active && before.active) {
				events.push({kind: 'finished', state, ...base});
			} else if (row.images_actual !== before.actual || state !== before.state) {
				events.push({kind: 'progress', state, previousActual: before.actual, ...base});
			}
		}
		for (const id of missing) {
			this.known.delete(id);
			if (this.cachedIds.delete(id)) {
				removedIds.push(id);
				events.push({kind: 'removed', sessionId: id});
			}
		}
		return {changedIds, removedIds, events, skipped: null};
	}
}
