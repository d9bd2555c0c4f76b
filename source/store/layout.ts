/**
 * Which files hold what. The web UI owns `sessions.db`: its `schema_version`, its own `session_stats` (keyed by
 * session_name, a different table from the design's) and its indexes. sdstats shares only `session_metadata`
 * there (the user's triage) and keeps the design's `session_stats` and its bookkeeping in a companion file in
 * the same folder, `sdstats.db`, which it opens with `sessions.db` attached. Two tables of one name cannot
 * live in one file, and a companion is the only layout in which neither tool ever alters the other's schema.
 *
 * A database file the web UI does not use (any other name, no web UI tables in it) keeps the design's
 * one-file layout: everything, session_metadata included, in that file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {openSqlite} from './sqlite.js';

export const SHARED_NAME = 'sessions.db';
export const COMPANION_NAME = 'sdstats.db';
/** The name under which the shared file is attached to the cache's connection. */
export const SHARED_SCHEMA = 'webui';

export type StoreLayout = {
	/** Where sdstats' own tables live. */
	cachePath: string;
	/** The web UI's file whose session_metadata sdstats shares, or null when the cache file holds everything. */
	sharedPath: string | null;
};

/** The companion of a shared file: `sdstats.db` beside `sessions.db`, `<name>.sdstats.db` beside any other. */
export function companionOf(sharedPath: string): string {
	const folder = path.dirname(sharedPath);
	const base = path.basename(sharedPath);
	return path.join(
		folder,
		base === SHARED_NAME ? COMPANION_NAME : `${base.replace(/\.(db|sqlite3?)$/i, '')}.${COMPANION_NAME}`,
	);
}

/**
 * Whether an existing file holds the web UI's tables: its migration ledger, or a session_stats keyed by
 * session_name (older web UIs had no ledger). Only called on a regular file (see checkDatabasePath).
 */
export function holdsWebUiTables(file: string): boolean {
	let db: Database.Database | null = null;
	try {
		db = openSqlite(file, {readonly: true, fileMustExist: true});
		return webUiTablesIn(db);
	} catch {
		// Not readable as a database: it is not the web UI's either; opening it reports what is wrong.
		return false;
	} finally {
		db?.close();
	}
}

/**
 * The same question asked on a connection already open to that file (store/db.ts asks it on the connection it
 * goes on with, before anything is written, instead of opening a second one just to look). Throws what reading
 * the schema throws.
 */
export function webUiTablesIn(db: Database.Database): boolean {
	const names = new Set(
		db.prepare<[], string>("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all(),
	);
	if (names.has('schema_version')) return true;
	if (!names.has('session_stats')) return false;
	return db
		.prepare<[], string>("SELECT name FROM pragma_table_info('session_stats', 'main')")
		.pluck()
		.all()
		.includes('session_name');
}

/** Whether `file` is a regular file (stat only: a FIFO or device is never opened). */
export function isRegularFile(file: string): boolean {
	try {
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/** The layout for the database the user named (or the default `<root>/../metadata/sessions.db`). */
export function layoutFor(dbPath: string): StoreLayout {
	const {cachePath, sharedPath, byTables} = layoutByName(dbPath);
	return byTables && holdsWebUiTables(cachePath) ? webUiLayout(cachePath) : {cachePath, sharedPath};
}

/**
 * The layout as far as names and existing files tell it. `byTables`: the named file exists under a name of its
 * own, so its tables decide; the layout given is the one-file one, which holds when it has none of the web
 * UI's (webUiTablesIn), and webUiLayout is the one when it has.
 */
export function layoutByName(dbPath: string): StoreLayout & {byTables: boolean} {
	const absolute = path.resolve(dbPath);
	const base = path.basename(absolute);
	if (base === SHARED_NAME) return {...webUiLayout(absolute), byTables: false};
	// The companion named directly: it still reads the triage from the sessions.db beside it.
	const sibling = path.join(path.dirname(absolute), SHARED_NAME);
	if (base === COMPANION_NAME && isRegularFile(sibling))
		return {cachePath: absolute, sharedPath: sibling, byTables: false};
	return {cachePath: absolute, sharedPath: null, byTables: isRegularFile(absolute)};
}

/** The layout for a file of the web UI's: sdstats' tables in its companion, the triage read from it. */
export function webUiLayout(sharedPath: string): StoreLayout {
	return {cachePath: companionOf(sharedPath), sharedPath};
}
