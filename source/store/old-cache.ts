/**
 * sdstats 0.1.0 kept its cache inside the web UI's sessions.db: the design's session_stats (keyed by
 * session_id) and sdstats_session_state, beside session_metadata. The web UI's migration cannot run on that
 * file (its index on completion_percent finds no such column). Moved once into the companion file, every
 * session_metadata row staying where it is; afterwards the web UI starts on the file as on a fresh one.
 */
import type Database from 'better-sqlite3';
import {openSqlite} from './sqlite.js';
import {SHARED_SCHEMA} from './layout.js';

/**
 * The boundaries of the move, in order, told to a crash test's hook (`-uncommitted`: inside a step's
 * transaction, its writes made and not committed). Nothing else listens.
 */
export type OldCacheStep =
	'cache-ready' | 'copy-uncommitted' | 'copied' | 'journal-restored' | 'drop-uncommitted' | 'dropped';

/** Whether the file holds sdstats' own session_stats (0.1.0's layout). */
export function hasOldCache(file: string): boolean {
	let db: Database.Database | null = null;
	try {
		db = openSqlite(file, {readonly: true, fileMustExist: true});
		const columns = db.prepare<[], string>("SELECT name FROM pragma_table_info('session_stats')").pluck().all();
		return columns.includes('session_id') && columns.includes('completion_percentage');
	} catch {
		return false;
	} finally {
		db?.close();
	}
}

function columnsOf(db: Database.Database, schema: string, table: string): string[] {
	return db.prepare<[], string>(`SELECT name FROM pragma_table_info('${table}', '${schema}')`).pluck().all();
}

/**
 * Copies the old rows into the cache (already migrated, `db`'s main), returns the shared file to the rollback
 * journal the web UI's own connections use (0.1.0 set WAL), then drops sdstats' tables from it and resets the
 * user_version 0.1.0 set there. The copy and the drop are each atomic, and the drop comes last because the old
 * tables are what tells the next open that the move is unfinished: a crash anywhere leaves it to finish then
 * (rows already in the cache win; the journal is switched again). Returns what to tell the user.
 */
export function moveOldCache(
	db: Database.Database,
	sharedPath: string,
	cachePath: string,
	onStep: (step: OldCacheStep) => void = () => undefined,
): string {
	const shared = SHARED_SCHEMA;
	const copy = (table: string): void => {
		const theirs = new Set(columnsOf(db, shared, table));
		if (theirs.size === 0) return;
		const common = columnsOf(db, 'main', table).filter((c) => theirs.has(c));
		const list = common.map((c) => `"${c}"`).join(', ');
		db.prepare(`INSERT OR IGNORE INTO main.${table} (${list}) SELECT ${list} FROM ${shared}.${table}`).run();
	};
	// Counted, not taken from the insert: a move finished after a crash copies nothing new.
	const moved = db.prepare(`SELECT count(*) FROM ${shared}.session_stats`).pluck().get() as number;
	onStep('cache-ready');
	db.transaction(() => {
		copy('session_stats');
		copy('sdstats_session_state');
		onStep('copy-uncommitted');
	}).deferred();
	onStep('copied');
	let journal = '';
	try {
		if (String(db.pragma(`${shared}.journal_mode`, {simple: true})) === 'wal') {
			journal =
				String(db.pragma(`${shared}.journal_mode = DELETE`, {simple: true})) === 'delete'
					? '; its journal is back to the rollback journal the web UI uses'
					: '';
		}
	} catch {
		// Another connection has it open: WAL works for the web UI too; doctor reports the mode.
	}
	onStep('journal-restored');
	const stillOurs = columnsOf(db, shared, 'session_stats');
	db.transaction(() => {
		if (stillOurs.includes('session_id') && stillOurs.includes('completion_percentage'))
			db.exec(`DROP TABLE ${shared}.session_stats`);
		db.exec(`DROP TABLE IF EXISTS ${shared}.sdstats_session_state`);
		db.pragma(`${shared}.user_version = 0`);
		onStep('drop-uncommitted');
	}).immediate();
	onStep('dropped');
	const count =
		(db.prepare(`SELECT count(*) FROM ${shared}.session_metadata`).pluck().get() as number | undefined) ?? 0;
	return `moved the sdstats 0.1.0 cache (${moved} sessions) out of ${sharedPath} into ${cachePath}; its ${count} session_metadata rows stay where they were${journal}`;
}
