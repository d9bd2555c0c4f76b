/** Opening sessions.db: pragmas every connection needs, WAL where the filesystem allows it, migrations. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {NewerSchemaError, SchemaConflictError, migrate, readSchemaVersion, checkStatsTableShape, SCHEMA_VERSION} from './migrations.js';
import {corruptMessage, isCorruptionError} from './corruption.js';

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

/** The file is not a usable SQLite database (random bytes, a truncated copy…). */
export class DatabaseCorruptError extends DatabaseOpenError {
	override name = 'DatabaseCorruptError';
}

/** The database (or its folder, which holds the journal) cannot be written. */
export class DatabaseReadonlyError extends DatabaseOpenError {
	override name = 'DatabaseReadonlyError';
}

export {corruptMessage, isCorruptionError};

/** A database that cannot be opened for a reason to tell the user (not a bug): unreadable, foreign or newer schema. */
export function isOpenProblem(error: unknown): error is Error {
	return error instanceof DatabaseOpenError || error instanceof SchemaConflictError || error instanceof NewerSchemaError;
}

/** Why sdstats may not write there, or null. Permission bits, a read-only file, a folder that refuses new files. */
export function writeProblem(dbPath: string, exists: boolean): string | null {
	const folder = path.dirname(dbPath);
	try {
		if (exists) fs.accessSync(dbPath, fs.constants.W_OK);
	} catch (error) {
		return `${dbPath} is read-only (${(error as NodeJS.ErrnoException).code ?? 'not writable'})`;
	}
	try {
		// The journal (-wal, -shm or -journal) is created beside the database.
		if (fs.existsSync(folder)) fs.accessSync(folder, fs.constants.W_OK);
	} catch (error) {
		return `the folder ${folder} is read-only (${(error as NodeJS.ErrnoException).code ?? 'not writable'}), so no journal can be written`;
	}
	return null;
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
	const readonly = mode === 'read';
	if (!readonly) {
		const problem = writeProblem(absolute, exists);
		if (problem) throw new DatabaseReadonlyError(problem);
	}
	if (!exists) fs.mkdirSync(path.dirname(absolute), {recursive: true});
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
		if (isCorruptionError(error)) throw new DatabaseCorruptError(corruptMessage(absolute, error));
		const code = String((error as {code?: unknown}).code ?? '');
		// A WAL database in a folder we may not write: SQLite cannot create the shared-memory file even to read.
		// Browse a private snapshot instead (the database and its journal, copied), and say so.
		if (readonly && (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY'))) {
			return openSnapshot(absolute);
		}
		if (code.startsWith('SQLITE_READONLY')) {
			throw new DatabaseReadonlyError(`${absolute} cannot be written (${(error as Error).message})`);
		}
		throw error;
	}
}

/** A read-only copy of a database we can read but not lock (see above), removed when the process exits. */
function openSnapshot(absolute: string): OpenedDatabase {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-snapshot-'));
	process.once('exit', () => fs.rmSync(folder, {recursive: true, force: true}));
	const copy = path.join(folder, path.basename(absolute));
	try {
		fs.copyFileSync(absolute, copy);
		for (const suffix of ['-wal', '-journal']) if (fs.existsSync(absolute + suffix)) fs.copyFileSync(absolute + suffix, copy + suffix);
	} catch (error) {
		throw new DatabaseOpenError(`cannot read ${absolute}: ${(error as Error).message}`);
	}
	const db = new Database(copy, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
	try {
		const journalMode = applyConnectionPragmas(db, true);
		const version = readSchemaVersion(db);
		checkStatsTableShape(db, absolute);
		const newer = version > SCHEMA_VERSION ? `; ${new NewerSchemaError(version, SCHEMA_VERSION).message}` : '';
		return {db, path: absolute, readonly: true, journalMode, notice: `${path.dirname(absolute)} is read-only for this user: browsing a snapshot taken now${newer}`};
	} catch (error) {
		db.close();
		if (isCorruptionError(error)) throw new DatabaseCorruptError(corruptMessage(absolute, error));
		throw error;
	}
}
