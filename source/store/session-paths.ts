/**
 * Paths that follow a session folder when an action moves it (archive, trash, undo). Rows are never deleted:
 * our stats row keeps everything and only its `session_path` changes (so it is listed under the root it now
 * lives in), and the web UI's `session_metadata` row keeps the user's triage with its `session_path` updated.
 * Each update names the path it expects, so applying it twice (recovery after a kill) changes nothing more,
 * and a same-named session of another root is never touched.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import {retryWhileBusy, type RetryClock} from './busy-retry.js';
import {isOpenProblem, openDatabase, openMetadataConnection} from './db.js';

export type PathChange = {sessionId: string; from: string; to: string};

export type RelocationCount = {stats: number; metadata: number};

/** Our stats table lives in the main file; only a table there is ours to update. */
function hasOwnTable(db: Database.Database, name: string): boolean {
	return db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The web UI's table may be in the main file or in an attached one (sessions.db beside a companion cache). */
function hasAnyTable(db: Database.Database, name: string): boolean {
	return db.prepare("SELECT 1 FROM pragma_table_list WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Applies every change in one transaction (updated_at is left alone: the user changed nothing). */
export function relocateSessions(db: Database.Database, changes: readonly PathChange[]): RelocationCount {
	const count: RelocationCount = {stats: 0, metadata: 0};
	if (changes.length === 0) return count;
	const stats = hasOwnTable(db, 'session_stats')
		? db.prepare(
				'UPDATE main.session_stats SET session_path = @to WHERE session_id = @sessionId AND session_path = @from',
			)
		: null;
	const metadata = hasAnyTable(db, 'session_metadata')
		? db.prepare(
				'UPDATE session_metadata SET session_path = @to WHERE session_id = @sessionId AND session_path = @from',
			)
		: null;
	db.transaction(() => {
		for (const change of changes) {
			if (stats) count.stats += stats.run(change).changes;
			if (metadata) count.metadata += metadata.run(change).changes;
		}
	}).immediate();
	return count;
}

export class RelocationError extends Error {
	override name = 'RelocationError';
}

/**
 * Opens the database at `dbPath` and applies the changes. No database there means nothing to update (the
 * folders were never computed); one that cannot be written is an error the caller reports and retries.
 */
export function relocateInDatabase(dbPath: string | null, changes: readonly PathChange[]): RelocationCount {
	if (dbPath === null || changes.length === 0 || !fs.existsSync(dbPath)) return {stats: 0, metadata: 0};
	let opened;
	try {
		opened = openDatabase(dbPath, 'write');
	} catch (error) {
		if (isOpenProblem(error)) throw new RelocationError(error.message);
		throw error;
	}
	try {
		return relocateSessions(opened.db, changes);
	} catch (error) {
		throw new RelocationError(`${dbPath}: ${(error as Error).message}`);
	} finally {
		opened.db.close();
	}
}

export type RelocateRetryOptions = {
	clock?: RetryClock;
	/** Give up after the web UI held sessions.db locked this long (default 60 s). */
	giveUpAfterMs?: number;
	/** Told once, when sessions.db is found locked (the caller says it is waiting). */
	onLocked?: () => void;
};

/**
 * Like relocateInDatabase, but the web UI's session_metadata is written on a connection of its own that never
 * waits on sessions.db's lock (no busy timeout): while the web UI holds it, the write is tried again on a timer
 * (as triage writes are), so neither the screen nor a stop request waits on another program. Our own stats
 * are written first, on our file; each write is idempotent (it names the path it expects).
 */
export async function relocateInDatabaseRetrying(
	dbPath: string | null,
	changes: readonly PathChange[],
	options: RelocateRetryOptions = {},
): Promise<RelocationCount> {
	const count: RelocationCount = {stats: 0, metadata: 0};
	if (dbPath === null || changes.length === 0 || !fs.existsSync(dbPath)) return count;
	let opened;
	try {
		opened = openDatabase(dbPath, 'write');
	} catch (error) {
		if (isOpenProblem(error)) throw new RelocationError(error.message);
		throw error;
	}
	let metadata: Database.Database | null = null;
	try {
		const {db} = opened;
		// No busy wait here either: in a single-file layout our table is in the web UI's file.
		db.pragma('busy_timeout = 0');
		if (hasOwnTable(db, 'session_stats')) {
			const update = db.prepare(
				'UPDATE main.session_stats SET session_path = @to WHERE session_id = @sessionId AND session_path = @from',
			);
			count.stats = await retryWhileBusy(
				() =>
					// Deferred: BEGIN IMMEDIATE would lock every attached file (sessions.db too); this locks ours only.
					db.transaction(() => changes.reduce((n, change) => n + update.run(change).changes, 0)).deferred(),
				{what: opened.path, clock: options.clock, giveUpAfterMs: options.giveUpAfterMs},
			);
		}
		metadata = openMetadataConnection(opened);
		const conn = metadata;
		if (hasOwnTable(conn, 'session_metadata')) {
			const update = conn.prepare(
				'UPDATE session_metadata SET session_path = @to WHERE session_id = @sessionId AND session_path = @from',
			);
			count.metadata = await retryWhileBusy(
				() =>
					conn
						.transaction(() => changes.reduce((n, change) => n + update.run(change).changes, 0))
						.immediate(),
				{
					what: `session_metadata in ${opened.sharedPath ?? opened.path}`,
					clock: options.clock,
					giveUpAfterMs: options.giveUpAfterMs,
					onLocked: options.onLocked,
				},
			);
		}
		return count;
	} catch (error) {
		if (error instanceof RelocationError) throw error;
		throw new RelocationError(`${dbPath}: ${(error as Error).message}`);
	} finally {
		metadata?.close();
		opened.db.close();
	}
}
