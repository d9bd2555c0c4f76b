/**
 * Opening the cache: the layout (store/layout.ts), pragmas every connection needs, WAL for sdstats' own file
 * (never for the web UI's), migrations, the one-time move of a 0.1.0 cache out of sessions.db, and a clear
 * sentence for every path that cannot hold a database.
 *
 * Long on purpose: opening is one decision (layout, mode, migration, the 0.1.0 move, the read-only snapshot
 * fallback) whose branches each end in a clear sentence; split, the paths between them would be harder to follow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {openSqlite} from './sqlite.js';
import {
	NewerSchemaError,
	SchemaConflictError,
	migrate,
	readSchemaVersion,
	checkStatsTableShape,
	SCHEMA_VERSION,
} from './migrations.js';
import {corruptMessage, isCorruptionError} from './corruption.js';
import {isRegularFile, layoutByName, SHARED_SCHEMA, webUiLayout, webUiTablesIn, type StoreLayout} from './layout.js';
import {SESSION_METADATA_DDL} from './schema.js';
import {hasOldCache, moveOldCache, type OldCacheStep} from './old-cache.js';
import {diskFullMessage, isDiskFull} from './disk-full.js';
import {isBusy} from './busy-retry.js';

export {diskFullMessage, diskNearlyFull, isDiskFull} from './disk-full.js';

export const BUSY_TIMEOUT_MS = 10_000;

/**
 * The page cache of each connection a long-lived process keeps open beside others (the explorer's own, its
 * recompute's, its staleness check's), in KiB per schema. better-sqlite3 builds SQLite with a 16 MB default,
 * which a connection fills as it reads or writes a database of 100,000 sessions (≈120 MB): measured in the
 * explorer, the three connections of a recompute of everything held ≈15 MB of its peak, and limited to 2 MB the
 * recompute took no longer (its pages come from the operating system's cache either way).
 */
export const LONG_LIVED_PAGE_CACHE_KIB = 2048;

/** Sets the page cache of every schema of `db` (main and attached) to `kib` KiB. */
export function limitPageCache(db: Database.Database, kib = LONG_LIVED_PAGE_CACHE_KIB): void {
	const schemas = db.prepare<[], string>("SELECT name FROM pragma_database_list WHERE name != 'temp'").pluck().all();
	for (const schema of schemas) db.pragma(`${schema}.cache_size = -${Math.max(1, Math.round(kib))}`);
}

export type OpenMode =
	/** Create the file when missing, migrate, write. */
	| 'create'
	/** The file must exist; migrate and write. */
	| 'write'
	/** The file must exist; never write. */
	| 'read';

export type OpenOptions = {
	/**
	 * Create the database's folder when it is missing (default: yes, and `events` says so, as the web UI creates
	 * its metadata folder too). Only a command that creates the database does; reading never creates anything,
	 * and a failed open removes the folders it made.
	 */
	createFolder?: boolean;
	/** For crash tests only: told at each step boundary of the one-time move of a 0.1.0 cache (store/old-cache.ts). */
	onOldCacheStep?: (step: OldCacheStep) => void;
};

export type OpenedDatabase = {
	db: Database.Database;
	/** sdstats' own file: its tables, its compute lock, what its workers open. */
	path: string;
	/** The web UI's file attached for session_metadata, or null when `path` holds everything. */
	sharedPath: string | null;
	readonly: boolean;
	journalMode: string;
	/** Set when the database could only be opened read-only, with the reason to show the user. */
	notice: string | null;
	/** What opening did that the user should hear about once (a folder created, a 0.1.0 cache moved). */
	events: string[];
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
	return (
		error instanceof DatabaseOpenError || error instanceof SchemaConflictError || error instanceof NewerSchemaError
	);
}

/** A database another program kept locked for longer than sdstats waits. */
export function lockedMessage(file: string): string {
	return `${file} stayed locked by another program for ${BUSY_TIMEOUT_MS / 1000} s (the web UI, a sqlite3 shell, a backup?): try again when it is released`;
}

/**
 * The database files `dbPath` opens (sdstats' cache and the web UI's sessions.db) that another program holds
 * locked against reading right now, asked without waiting: an explorer about to wait for one says so first.
 */
export function filesLockedNow(dbPath: string): string[] {
	const layout = layoutByName(path.resolve(dbPath));
	const files = [layout.cachePath, ...(layout.sharedPath ? [layout.sharedPath] : [])];
	return files.filter((file) => lockedNow(file));
}

/** Whether reading `file` would wait on another program's lock now (a file that is not there is not locked). */
export function lockedNow(file: string): boolean {
	// Only a regular file is opened to ask: opening a FIFO waits for a writer that may never come (regression: a
	// FIFO at --db hung the explorer before the stat-only check could say what it is).
	if (!isRegularFile(file)) return false;
	let db: Database.Database | null = null;
	try {
		db = openSqlite(file, {readonly: true, fileMustExist: true, timeout: 0});
		db.prepare('SELECT count(*) FROM sqlite_master').get();
		return false;
	} catch (error) {
		return isBusy(error);
	} finally {
		db?.close();
	}
}

/**
 * Why a path cannot be a database file, or null (a regular file, or nothing there yet). Looked at with stat
 * only: a FIFO is never opened (opening one for reading waits for a writer that may never come).
 */
export function checkDatabasePath(file: string): string | null {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return null;
		if (code === 'ENOTDIR')
			return `${file} cannot be a database: a part of its folder path is a file, not a folder`;
		return `cannot look at ${file} (${code ?? (error as Error).message})`;
	}
	if (stat.isFile()) return null;
	if (stat.isDirectory()) return `${file} is a folder, not a database file: give --db the path of a file`;
	if (stat.isFIFO())
		return `${file} is a named pipe (FIFO), not a database file: sdstats does not open it; give --db the path of a regular file`;
	if (stat.isCharacterDevice() || stat.isBlockDevice())
		return `${file} is a device, not a database file: give --db the path of a regular file`;
	if (stat.isSocket()) return `${file} is a socket, not a database file: give --db the path of a regular file`;
	return `${file} is not a regular file: give --db the path of a regular file`;
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

/**
 * Pragmas for sdstats' own file, by schema name: an unqualified `journal_mode` would switch every attached
 * database, the web UI's included.
 */
function applyConnectionPragmas(db: Database.Database, readonly: boolean): string {
	// better-sqlite3 turns foreign keys on; the design's FK to session_metadata would then refuse every stats row
	// of a session the user never annotated. Python's sqlite3 leaves them off, and so do we.
	db.pragma('foreign_keys = OFF');
	if (readonly) return String(db.pragma('main.journal_mode', {simple: true}));
	let mode = 'delete';
	try {
		mode = String(db.pragma('main.journal_mode = WAL', {simple: true}));
	} catch {
		// Some network filesystems refuse the shared-memory file WAL needs; the rollback journal works there.
		mode = String(db.pragma('main.journal_mode = DELETE', {simple: true}));
	}
	db.pragma('main.synchronous = NORMAL');
	return mode;
}

/** Files and folders an open created, removed again when it fails: a failed start leaves nothing behind. */
class CreatedFiles {
	private readonly paths: string[] = [];
	note(file: string, existedBefore: boolean): void {
		if (!existedBefore) this.paths.push(file);
	}
	undo(): void {
		for (const file of [...this.paths].reverse()) {
			try {
				const stat = fs.statSync(file);
				if (stat.isDirectory()) fs.rmdirSync(file);
				else for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, {force: true});
			} catch {
				// Already gone, or a folder someone else filled meanwhile: leave it.
			}
		}
	}
}

function ensureFolder(file: string, options: OpenOptions, created: CreatedFiles, events: string[]): void {
	const folder = path.dirname(file);
	if (fs.existsSync(folder)) return;
	if (options.createFolder === false) {
		throw new DatabaseOpenError(
			`the folder ${folder} does not exist: create it, or give --db a file in an existing folder`,
		);
	}
	// Each missing level is remembered, so a failure removes exactly what was made.
	const missing: string[] = [];
	for (let at = folder; !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
	for (const level of missing) {
		try {
			fs.mkdirSync(level);
		} catch (error) {
			if (isDiskFull(error)) throw new DatabaseOpenError(diskFullMessage(level));
			throw new DatabaseOpenError(
				`cannot create the folder ${level} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
			);
		}
		created.note(level, false);
	}
	events.push(`created the folder ${folder}`);
}

function checkPaths(layout: StoreLayout, named: string): void {
	for (const file of [named, layout.cachePath, ...(layout.sharedPath ? [layout.sharedPath] : [])]) {
		const problem = checkDatabasePath(file);
		if (problem) throw new DatabaseOpenError(problem);
	}
}

/** webUiTablesIn, where a file that cannot be read as a database is not the web UI's (opening then says why). */
function holdsWebUiTablesOn(db: Database.Database): boolean {
	try {
		return webUiTablesIn(db);
	} catch {
		return false;
	}
}

/** Opens the database the user named (or the default one), in the layout it calls for (see store/layout.ts). */
export function openDatabase(dbPath: string, mode: OpenMode, options: OpenOptions = {}): OpenedDatabase {
	const named = path.resolve(dbPath);
	// The named path first: an existing file's tables may decide its layout, so it must be a regular one.
	const early = checkDatabasePath(named);
	if (early) throw new DatabaseOpenError(early);
	const byName = layoutByName(named);
	if (byName.byTables) {
		// An existing file under a name of its own: its tables tell whether it is the web UI's. Asked on the
		// connection opened to it as the one-file layout, before anything is written there (no pragma, no
		// migration), instead of on a second connection opened only to look (2-3 ms of every start).
		checkPaths(byName, named);
		return openFile(byName.cachePath, null, mode, options, false, () =>
			openInLayout(webUiLayout(named), named, mode, options),
		);
	}
	return openInLayout(byName, named, mode, options);
}

/** openDatabase once the layout is known. */
function openInLayout(layout: StoreLayout, named: string, mode: OpenMode, options: OpenOptions): OpenedDatabase {
	checkPaths(layout, named);
	if (layout.sharedPath === null) return openFile(layout.cachePath, null, mode, options);
	const cacheExists = fs.existsSync(layout.cachePath);
	const sharedExists = fs.existsSync(layout.sharedPath);
	const oldCache = sharedExists && hasOldCache(layout.sharedPath);
	// A move stopped before its copy was committed (a crash, a kill) left the companion without rows: the
	// 0.1.0 cache is still the one to read.
	const copyUnfinished = cacheExists && oldCache && holdsNoStats(layout.cachePath);
	if ((!cacheExists || copyUnfinished) && oldCache && mode === 'read') {
		// A 0.1.0 cache not moved yet: read it where it is; the next compute (or explorer) moves it.
		const opened = openFile(layout.sharedPath, null, 'read', options);
		return {
			...opened,
			notice:
				opened.notice ??
				`${layout.sharedPath} still holds the cache of sdstats 0.1.0; the next \`sdstats compute\` moves it to ${layout.cachePath}`,
		};
	}
	if (!cacheExists && mode !== 'create' && !oldCache) {
		throw new DatabaseOpenError(
			sharedExists
				? `no sdstats cache at ${layout.cachePath} beside ${layout.sharedPath} (run \`sdstats compute\` first)`
				: `no database at ${named} (run \`sdstats compute\` first, or check --db)`,
		);
	}
	return openFile(layout.cachePath, layout.sharedPath, !cacheExists && oldCache ? 'create' : mode, options, oldCache);
}

/**
 * Opens one file. `ifWebUi`: the file's tables decide its layout (layoutByName); when they are the web UI's,
 * the connection is closed untouched and `ifWebUi` opens it as such.
 */
function openFile(
	file: string,
	sharedPath: string | null,
	mode: OpenMode,
	options: OpenOptions,
	oldCache = false,
	ifWebUi?: () => OpenedDatabase,
): OpenedDatabase {
	const exists = fs.existsSync(file);
	if (!exists && mode !== 'create') {
		throw new DatabaseOpenError(`no database at ${file} (run \`sdstats compute\` first, or check --db)`);
	}
	const readonly = mode === 'read';
	const created = new CreatedFiles();
	const events: string[] = [];
	if (!readonly) {
		const problem = writeProblem(file, exists);
		if (problem) throw new DatabaseReadonlyError(problem);
		if (sharedPath && fs.existsSync(sharedPath)) {
			const sharedProblem = writeProblem(sharedPath, true);
			if (sharedProblem) throw new DatabaseReadonlyError(sharedProblem);
		}
		if (!exists) ensureFolder(file, options, created, events);
	}
	let db: Database.Database;
	try {
		db = openSqlite(file, {readonly, fileMustExist: mode !== 'create', timeout: BUSY_TIMEOUT_MS});
		created.note(file, exists);
	} catch (error) {
		created.undo();
		if (isDiskFull(error, file)) throw new DatabaseOpenError(diskFullMessage(file));
		throw new DatabaseOpenError(`cannot open ${file}: ${(error as Error).message}`);
	}
	if (ifWebUi && holdsWebUiTablesOn(db)) {
		db.close();
		return ifWebUi();
	}
	try {
		const journalMode = applyConnectionPragmas(db, readonly);
		let notice: string | null = null;
		if (readonly) {
			const version = readSchemaVersion(db);
			if (version > SCHEMA_VERSION)
				notice = new NewerSchemaError(version, SCHEMA_VERSION).message + '; opened read-only';
			checkStatsTableShape(db, file);
		} else {
			migrate(db, file, {withMetadata: sharedPath === null});
		}
		if (sharedPath) {
			attachShared(db, sharedPath, readonly, created);
			if (oldCache && !readonly) events.push(moveOldCache(db, sharedPath, file, options.onOldCacheStep));
		}
		return {db, path: file, sharedPath, readonly, journalMode, notice, events};
	} catch (error) {
		db.close();
		created.undo();
		if (isCorruptionError(error)) throw new DatabaseCorruptError(corruptMessage(file, error));
		// Another program held the lock past the busy timeout (a sqlite3 shell's BEGIN EXCLUSIVE, a VACUUM, a
		// backup): one sentence, not SQLite's words and a stack trace.
		if (isBusy(error)) throw new DatabaseOpenError(lockedMessage(sharedPath ?? file));
		const code = String((error as {code?: unknown}).code ?? '');
		// Reading a full disk's database: the snapshot below (the copy goes to the temporary folder).
		if (!readonly && isDiskFull(error, file)) throw new DatabaseOpenError(diskFullMessage(file));
		// A WAL database in a folder we may not write: SQLite cannot create the shared-memory file even to read.
		// Browse a private snapshot instead (the database and its journal, copied), and say so.
		if (
			readonly &&
			(code === 'SQLITE_READONLY_DIRECTORY' ||
				code === 'SQLITE_CANTOPEN' ||
				code.startsWith('SQLITE_READONLY') ||
				code.startsWith('SQLITE_IOERR'))
		) {
			return openSnapshot(file, sharedPath);
		}
		if (code.startsWith('SQLITE_READONLY')) {
			throw new DatabaseReadonlyError(`${file} cannot be written (${(error as Error).message})`);
		}
		throw error;
	}
}

/**
 * Makes the web UI's session_metadata visible to this connection as `session_metadata` (main has no table of
 * that name, so unqualified statements find the attached one). A sessions.db that does not exist yet is
 * created holding only session_metadata, exactly as the web UI's migration creates it (its migration then
 * adds its own tables); read-only, an empty temporary table stands in and nothing is created.
 */
function attachShared(db: Database.Database, sharedPath: string, readonly: boolean, created: CreatedFiles): void {
	const exists = fs.existsSync(sharedPath);
	if (!exists && readonly) {
		db.exec(
			SESSION_METADATA_DDL.replace(
				'CREATE TABLE IF NOT EXISTS session_metadata',
				'CREATE TEMP TABLE IF NOT EXISTS session_metadata',
			),
		);
		return;
	}
	if (!readonly && !hasMetadataTable(sharedPath)) {
		// One short connection with the web UI's own habits (rollback journal, nothing else set).
		const shared = openSqlite(sharedPath, {timeout: BUSY_TIMEOUT_MS});
		created.note(sharedPath, exists);
		try {
			shared.exec(SESSION_METADATA_DDL);
		} finally {
			shared.close();
		}
	}
	db.prepare(`ATTACH DATABASE ? AS ${SHARED_SCHEMA}`).run(sharedPath);
	if (
		readonly &&
		!db
			.prepare<[], number>(
				`SELECT count(*) FROM ${SHARED_SCHEMA}.sqlite_master WHERE type = 'table' AND name = 'session_metadata'`,
			)
			.pluck()
			.get()
	) {
		db.exec(
			SESSION_METADATA_DDL.replace(
				'CREATE TABLE IF NOT EXISTS session_metadata',
				'CREATE TEMP TABLE IF NOT EXISTS session_metadata',
			),
		);
	}
}

/** Whether sdstats' cache file has no stats row (or cannot tell: then it is read as it is). */
function holdsNoStats(file: string): boolean {
	let db: Database.Database | null = null;
	try {
		db = openSqlite(file, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
		return db.prepare<[], number>('SELECT count(*) FROM session_stats').pluck().get() === 0;
	} catch {
		return false;
	} finally {
		db?.close();
	}
}

function hasMetadataTable(file: string): boolean {
	if (!fs.existsSync(file)) return false;
	const db = openSqlite(file, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
	try {
		return (
			db
				.prepare<[], number>(
					"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'session_metadata'",
				)
				.pluck()
				.get() === 1
		);
	} finally {
		db.close();
	}
}

/** A read-only copy of a database we can read but not lock (see above), removed when the process exits. */
function openSnapshot(absolute: string, sharedPath: string | null): OpenedDatabase {
	let folder: string;
	try {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-snapshot-'));
	} catch (error) {
		throw new DatabaseOpenError(
			`cannot read ${absolute}, and cannot copy it to read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
		);
	}
	process.once('exit', () => fs.rmSync(folder, {recursive: true, force: true}));
	const copy = path.join(folder, path.basename(absolute));
	try {
		fs.copyFileSync(absolute, copy);
		for (const suffix of ['-wal', '-journal'])
			if (fs.existsSync(absolute + suffix)) fs.copyFileSync(absolute + suffix, copy + suffix);
	} catch (error) {
		fs.rmSync(folder, {recursive: true, force: true});
		throw new DatabaseOpenError(`cannot read ${absolute}: ${(error as Error).message}`);
	}
	const db = openSqlite(copy, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
	try {
		const journalMode = applyConnectionPragmas(db, true);
		const version = readSchemaVersion(db);
		checkStatsTableShape(db, absolute);
		if (sharedPath) attachShared(db, sharedPath, true, new CreatedFiles());
		const newer = version > SCHEMA_VERSION ? `; ${new NewerSchemaError(version, SCHEMA_VERSION).message}` : '';
		return {
			db,
			path: absolute,
			sharedPath,
			readonly: true,
			journalMode,
			notice: `${absolute} cannot be opened in place (its folder is read-only or full): browsing a snapshot taken now${newer}`,
			events: [],
		};
	} catch (error) {
		db.close();
		if (isCorruptionError(error)) throw new DatabaseCorruptError(corruptMessage(absolute, error));
		throw error;
	}
}

/**
 * A second connection for triage writes: to the file holding session_metadata, with no busy wait (a lock the
 * web UI holds makes a write fail at once, and the caller retries later without blocking the screen).
 */
export function openMetadataConnection(opened: Pick<OpenedDatabase, 'path' | 'sharedPath'>): Database.Database {
	const db = openSqlite(opened.sharedPath ?? opened.path, {fileMustExist: true, timeout: 0});
	db.pragma('foreign_keys = OFF');
	return db;
}

/** Every schema's data_version: changes when another connection commits to any file this one reads. */
export function dataVersionOf(db: Database.Database): string {
	const schemas = db.prepare<[], string>("SELECT name FROM pragma_database_list WHERE name != 'temp'").pluck().all();
	return schemas.map((schema) => String(db.pragma(`${schema}.data_version`, {simple: true}))).join(':');
}
