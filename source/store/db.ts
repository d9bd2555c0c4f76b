/** Opening sessions.db: pragmas every connection needs, WAL where the filesystem allows it, migrations. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {NewerSchemaError, migrate, readSchemaVersion, checkStatsTableShape, SCHEMA_VERSION} from './migrations.js';

export const BUSY_TIMEOUT_MS = 10_000;

export type OpenMode =
	/** Create the file (and its folder) when missing, migrate, write. */
	| 'create'
	/** The file must exist; migrate and write. */
	| 'write'
	/** The file must exist; never write. */
	| 'read';

export type OpenedDatabase = {
	db: Database.Database;
	path: string;
	readonly: boolean;
	journalMode: string;
	/** Set when the database could only be opened read-only, with the reason to show the user. */
	notice: string | null;
};

export class DatabaseOpenError extends Error {
	override name = 'DatabaseOpenError';
}

function applyConnectionPragmas(db: Database.Database, readonly: boolean): string {
	// better-sqlite3 turns foreign keys on; the design's FK to session_metadata would then refuse every stats row
	// of a session the user never annotated. Python's sqlite3 leaves them off, and so do we.
	db.pragma('foreign_keys = OFF');
	if (readonly) return String(db.pragma('journal_mode', {simple: true}));
	let mode = 'delete';
	try {
		mode = String(db.pragma('journal_mode = WAL', {simple: true}));
	} catch {
		// Some network filesystems refuse the shared-memory file WAL needs; the rollback journal works there.
		mode = String(db.pragma('journal_mode = DELETE', {simple: true}));
	}
	db.pragma('synchronous = NORMAL');
	return mode;
}

export function openDatabase(dbPath: string, mode: OpenMode): OpenedDatabase {
	const absolute = path.resolve(dbPath);
	const exists = fs.existsSync(absolute);
	if (!exists && mode !== 'create') {
		throw new DatabaseOpenError(`no database at ${absolute} (run \`sdstats compute\` first, or check --db)`);
	}
	if (!exists) fs.mkdirSync(path.dirname(absolute), {recursive: true});
	const readonly = mode === 'read';
	let db: Database.Database;
	try {
		db = new Database(absolute, {readonly, fileMustExist: mode !== 'create', timeout: BUSY_TIMEOUT_MS});
	} catch (error) {
		throw new DatabaseOpenError(`cannot open ${absolute}: ${(error as Error).message}`);
	}
	try {
		const journalMode = applyConnectionPragmas(db, readonly);
		if (readonly) {
			const version = readSchemaVersion(db);
			if (version > SCHEMA_VERSION) {
				return {db, path: absolute, readonly, journalMode, notice: new NewerSchemaError(version, SCHEMA_VERSION).message + '; opened read-only'};
			}
			checkStatsTableShape(db, absolute);
			return {db, path: absolute, readonly, journalMode, notice: null};
		}
		migrate(db, absolute);
		return {db, path: absolute, readonly, journalMode, notice: null};
	} catch (error) {
		db.close();
		throw error;
	}
}
