/**
 * sdstats 0.1.0 kept its cache inside the web UI's sessions.db: the design's session_stats (keyed by
 * session_id) and sdstats_session_state, beside session_metadata. The web UI's migration cannot run on that
 * file (its index on completion_percent finds no such column). Moved once into the companion file, every
 * session_metadata row staying where it is; afterwards the web UI starts on the file as on a fresh one.
 */
import Database from 'better-sqlite3';
import {SHARED_SCHEMA} from './layout.js';

/** Whether the file holds sdstats' own session_stats (0.1.0's layout). */
export function hasOldCache(file: string): boolean {
	let db: Database.Database | null = null;
	try {
		db = new Database(file, {readonly: true, fileMustExist: true});
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
 * Copies the old rows into the cache (already migrated, `db`'s main), then drops sdstats' tables from the
 * shared file and resets the header fields 0.1.0 set there (user_version; WAL back to the rollback journal the
 * web UI's own connections use). Two steps, each atomic: a crash between them leaves both copies, and the next
 * open finishes the move (rows already in the cache win). Returns what to tell the user.
 */
export function moveOldCache(db: Database.Database, sharedPath: string, cachePath: string): string {
	const shared = SHARED_SCHEMA;
	const copy = (table: string): number => {
		const theirs = new Set(columnsOf(db, shared, table));
		if (theirs.size === 0) return 0;
		const common = columnsOf(db, 'main', table).filter((c) => theirs.has(c));
		const list = common.map((c) => `"${c}"`).join(', ');
		return db.prepare(`INSERT OR IGNORE INTO main.${table} (${list}) SELECT ${list} FROM ${shared}.${table}`).run()
			.changes;
	};
	let moved = 0;
	db.transaction(() => {
		moved = copy('session_stats');
		copy('sdstats_session_state');
	}).deferred();
	const stillOurs = columnsOf(db, shared, 'session_stats');
	db.transaction(() => {
		if (stillOurs.includes('session_id') && stillOurs.includes('completion_percentage'))
			db.exec(`DROP TABLE ${shared}.session_stats`);
		db.exec(`DROP TABLE IF EXISTS ${shared}.sdstats_session_state`);
		db.pragma(`${shared}.user_version = 0`);
	}).immediate();
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
	const count =
		(db.prepare(`SELECT count(*) FROM ${shared}.session_metadata`).pluck().get() as number | undefined) ?? 0;
	return `moved the sdstats 0.1.0 cache (${moved} sessions) out of ${sharedPath} into ${cachePath}; its ${count} session_metadata rows stay where they were${journal}`;
}
