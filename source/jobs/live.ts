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
import {fnv1a32} from '../core/fnv1a.js';

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
	/**
	 * Judge new and removed sessions by what this poll has seen cached, not by what the database holds now
	 * (`sdstats watch`: its lines say what changed since it last looked, whoever stored the row first: a cron
	 * compute, the explorer). Costs a set of every cached id for the poll's life, which the explorer does without.
	 */
	rememberCached?: boolean;
};

function isFolder(target: string): boolean {
	try {
		return fs.statSync(target).isDirectory();
	} catch {
		return false;
	}
}

/**
 * The names of the last listing of the root, as sorted hashes: 4 bytes a folder (400 kB at 100,000) instead
 * of a set of names (≈7 MB), kept as long as the explorer runs. Only asked whether a name was listed last time
 * (a folder renamed back in, a folder gone since). Two names sharing a hash (about n/2³² a name: 2×10⁻⁵ at
 * 100,000) can hide a folder renamed back in until it changes again or the staleness check runs, or make a cached
 * folder that was never listed count as gone (its row is then removed, as the staleness check would mark it):
 * rare, and never a wrong row. Whether a folder is cached is asked of the database, exactly.
 */
class ListedNames {
	private constructor(private readonly sorted: Uint32Array) {}

	static of(names: readonly string[]): ListedNames {
		const hashes = new Uint32Array(names.length);
		for (let i = 0; i < names.length; i++) hashes[i] = fnv1a32(names[i]!);
		return new ListedNames(hashes.sort());
	}

	has(name: string): boolean {
		const hash = fnv1a32(name);
		let low = 0;
		let high = this.sorted.length - 1;
		while (low <= high) {
			const middle = (low + high) >>> 1;
			const value = this.sorted[middle]!;
			if (value === hash) return true;
			if (value < hash) low = middle + 1;
			else high = middle - 1;
		}
		return false;
	}
}

export class LivePoller {
	private readonly root: string;
	private readonly now: () => number;
	private rootMtime = Number.NaN;
	/** The last listing of the root; null until the first cycle lists it. */
	private listed: ListedNames | null = null;
	private readonly known = new Map<string, Known>();
	/** The ids this poll has seen cached (see rememberCached), or null: the database is asked. */
	private readonly seenCached: Set<string> | null;
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
		this.seenCached = options.rememberCached ? options.queries.ids(this.root) : null;
		// What the cache holds is the starting point: only later changes are events. Running sessions are followed
		// closely; whether any other folder is cached is asked of the database when a listing or a hint needs it.
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

	/**
	 * One poll. Safe to call often: it reads almost nothing when nothing changed. `hinted` are session folders
	 * a watch saw change (folder-watch.ts): they are recomputed too, running or not.
	 */
	async cycle(hinted: Iterable<string> = []): Promise<LiveCycle> {
		const {queries} = this.options;
		const candidates = new Set<string>();
		// Candidates the cache did not hold when they were found: their rows, once computed, are new sessions.
		const uncached = new Set<string>();
		for (const name of hinted) {
			// Only names that are (or were) sessions of this root: a stray file in the root is not one.
			if (this.seenCached ? this.seenCached.has(name) : queries.has(this.root, name)) candidates.add(name);
			else if (sessionIdProblem(name) === null && isFolder(path.join(this.root, name))) {
				candidates.add(name);
				uncached.add(name);
			}
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
			let folders: string[];
			try {
				folders = listSessionFolders(this.root).folders;
			} catch {
				return {changedIds: [], removedIds: [], events: [], skipped: 'the results root cannot be read'};
			}
			// The explorer's poll reads the ids for this comparison only (no set of 100,000 ids kept between polls).
			const cached = this.seenCached ?? queries.ids(this.root);
			// New: a folder the cache does not hold, or (after the first listing) one that was not listed last time (a
			// write-then-rename). The first listing has nothing to compare with: only uncached folders are new there.
			// Taking every listed folder as new made the first poll of an explorer over 100,000 cached sessions
			// recompute and read back all of them on its thread (the process climbed from ≈300 to ≈560 MB). `watch`
			// (rememberCached) has no staleness check: its first listing looks at every folder (those unchanged since
			// their compute cost two stats), so a run resumed while nothing watched is followed.
			const before = this.listed;
			for (const name of folders) {
				if (!cached.has(name)) {
					candidates.add(name);
					uncached.add(name);
				} else if (before ? !before.has(name) : this.seenCached !== null) candidates.add(name);
			}
			// Gone: cached, listed last time, not listed now (what was never listed is the staleness check's).
			if (before) {
				const present = new Set(folders);
				for (const id of cached) if (!present.has(id) && before.has(id)) candidates.add(id);
			}
			this.listed = ListedNames.of(folders);
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
			const wasCached = !uncached.has(row.session_id);
			this.seenCached?.add(row.session_id);
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
			this.seenCached?.delete(id);
			if (!uncached.has(id)) {
				removedIds.push(id);
				events.push({kind: 'removed', sessionId: id});
			}
		}
		return {changedIds, removedIds, events, skipped: null};
	}
}
