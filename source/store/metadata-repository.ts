/**
 * The web UI's `session_metadata`: user data about a session. sdstats reads it, and writes it only when the
 * user asks (doctor carrying it over into a rebuilt database).
 */
import type Database from 'better-sqlite3';

export type MetadataRow = Record<string, unknown>;

/** Every row and the table's own DDL, read as far as the (possibly damaged) file allows. */
export function salvageMetadata(db: Database.Database): {ddl: string | null; rows: MetadataRow[]; lost: number; problem: string | null} {
	let ddl: string | null = null;
	try {
		ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'session_metadata'").get() as {sql: string} | undefined)?.sql ?? null;
	} catch (error) {
		return {ddl: null, rows: [], lost: 0, problem: `the schema cannot be read: ${(error as Error).message}`};
	}
	if (ddl === null) return {ddl: null, rows: [], lost: 0, problem: null};
	try {
		return {ddl, rows: db.prepare('SELECT * FROM session_metadata').all() as MetadataRow[], lost: 0, problem: null};
	} catch (error) {
		// Read what can be read one row at a time: a damaged page costs the rows on it, not the whole table.
		const rows: MetadataRow[] = [];
		let lost = 0;
		let rowids: number[] = [];
		try {
			rowids = db.prepare('SELECT rowid FROM session_metadata').pluck().all() as number[];
		} catch {
			return {ddl, rows, lost, problem: `session_metadata cannot be read: ${(error as Error).message}`};
		}
		const one = db.prepare('SELECT * FROM session_metadata WHERE rowid = ?');
		for (const rowid of rowids) {
			try {
				const row = one.get(rowid) as MetadataRow | undefined;
				if (row) rows.push(row);
			} catch {
				lost++;
			}
		}
		return {ddl, rows, lost, problem: lost > 0 ? `${lost} session_metadata rows could not be read` : null};
	}
}

/** Writes salvaged rows into a fresh database whose session_metadata has the same shape. */
export function restoreMetadata(db: Database.Database, rows: readonly MetadataRow[]): number {
	if (rows.length === 0) return 0;
	const columns = (db.prepare("SELECT name FROM pragma_table_info('session_metadata')").all() as Array<{name: string}>).map((c) => c.name);
	const present = columns.filter((c) => c in rows[0]!);
	const quoted = present.map((c) => `"${c.replace(/"/g, '""')}"`);
	const insert = db.prepare(`INSERT OR REPLACE INTO session_metadata (${quoted.join(', ')}) VALUES (${present.map(() => '?').join(', ')})`);
	const write = db.transaction((all: readonly MetadataRow[]) => {
		for (const row of all) insert.run(present.map((c) => row[c] ?? null));
	});
	write.immediate(rows);
	return rows.length;
}
