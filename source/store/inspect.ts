/**
 * What `sdstats doctor` needs from the files, kept with the rest of the SQL: what a file holds and whose each
 * table is, backups that do not pile up, and a rebuild of sdstats' own tables in place (the file stays the
 * same file, so a connection opened before, an explorer or the web UI, still finds its later writes in it).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {openSqlite} from './sqlite.js';
import {MIGRATIONS, SCHEMA_VERSION} from './migrations.js';
import {BUSY_TIMEOUT_MS} from './db.js';

/** sdstats' own tables; everything else in a file belongs to someone else (session_metadata: the user's triage). */
export const SDSTATS_TABLES = ['session_stats', 'sdstats_session_state'] as const;
export const WEB_UI_TABLES = ['schema_version', 'session_stats'] as const;

export type TableInfo = {name: string; rows: number | null; columns: string[]};

export type FileReport = {
	file: string;
	exists: boolean;
	healthy: boolean;
	/** integrity_check's complaints, or why the file cannot be read. */
	problems: string[];
	journalMode: string | null;
	userVersion: number | null;
	tables: TableInfo[];
	indexes: string[];
	/** The web UI's migration ledger versions, when it has one. */
	webUiVersions: number[];
};

export function inspectFile(file: string): FileReport {
	const report: FileReport = {
		file,
		exists: fs.existsSync(file),
		healthy: false,
		problems: [],
		journalMode: null,
		userVersion: null,
		tables: [],
		indexes: [],
		webUiVersions: [],
	};
	if (!report.exists) return report;
	let db: Database.Database | null = null;
	try {
		db = openSqlite(file, {readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
		const problems = (db.pragma('integrity_check', {simple: false}) as Array<{integrity_check: string}>)
			.map((r) => r.integrity_check)
			.filter((m) => m !== 'ok');
		report.problems = problems.slice(0, 5);
		report.journalMode = String(db.pragma('journal_mode', {simple: true}));
		report.userVersion = db.pragma('user_version', {simple: true}) as number;
		const names = db
			.prepare<[], string>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
			)
			.pluck()
			.all();
		for (const name of names) {
			const quoted = `"${name.replace(/"/g, '""')}"`;
			let rows: number | null = null;
			try {
				rows = db.prepare<[], number>(`SELECT count(*) FROM ${quoted}`).pluck().get() ?? 0;
			} catch {
				rows = null;
			}
			report.tables.push({
				name,
				rows,
				columns: db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(name),
			});
		}
		report.indexes = db
			.prepare<[], string>(
				"SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
			)
			.pluck()
			.all();
		if (names.includes('schema_version')) {
			try {
				report.webUiVersions = db
					.prepare<[], number>('SELECT version FROM schema_version ORDER BY version')
					.pluck()
					.all();
			} catch {
				// A ledger that cannot be read is reported through integrity_check.
			}
		}
		report.healthy = problems.length === 0;
	} catch (error) {
		report.problems = [(error as Error).message];
	} finally {
		db?.close();
	}
	return report;
}

/** Whether a session_stats of these columns is the web UI's (keyed by session_name) rather than the design's. */
export function isWebUiStats(columns: readonly string[]): boolean {
	return columns.includes('session_name');
}

function stamp(nowMs: number): string {
	return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** How many backups of one file doctor keeps (newest first); older ones are removed when a new one is made. */
export const BACKUPS_KEPT = 3;

/** Backups of `file` doctor made, oldest first. */
export function backupsOf(file: string): string[] {
	const folder = path.dirname(file);
	const base = path.basename(file);
	let names: string[];
	try {
		names = fs.readdirSync(folder);
	} catch {
		return [];
	}
	return names
		.filter((n) => n.startsWith(`${base}.`) && /\.(backup|damaged)-\d{8}-\d{6}(-\d+)?$/.test(n))
		.sort((a, b) => (a.replace(/^.*-(\d{8}-\d{6})/, '$1') < b.replace(/^.*-(\d{8}-\d{6})/, '$1') ? -1 : 1))
		.map((n) => path.join(folder, n));
}

/**
 * Copies `file` (and its journal files, byte for byte: a damaged file is kept as it was found) to
 * `<file>.<label>-<time>`, then removes the oldest backups beyond BACKUPS_KEPT. A copy that fails (a full
 * disk) leaves nothing behind.
 */
export function backupFile(
	file: string,
	label: 'backup' | 'damaged',
	nowMs: number,
): {saved: string; removed: string[]} {
	let target = `${file}.${label}-${stamp(nowMs)}`;
	for (let n = 2; fs.existsSync(target); n++) target = `${file}.${label}-${stamp(nowMs)}-${n}`;
	const written: string[] = [];
	try {
		for (const suffix of ['', '-wal', '-journal']) {
			if (!fs.existsSync(file + suffix)) continue;
			fs.copyFileSync(file + suffix, target + suffix, fs.constants.COPYFILE_EXCL);
			written.push(target + suffix);
		}
	} catch (error) {
		for (const partial of written) fs.rmSync(partial, {force: true});
		throw error;
	}
	const all = backupsOf(file);
	const removed = all.slice(0, Math.max(0, all.length - BACKUPS_KEPT)).filter((old) => old !== target);
	for (const old of removed) for (const suffix of ['', '-wal', '-journal']) fs.rmSync(old + suffix, {force: true});
	return {saved: target, removed};
}

/**
 * Drops and recreates sdstats' own tables inside `file`, in one transaction, on a connection that sees only
 * that file (no attached sessions.db, so no name can resolve to the web UI's table of the same name). Other
 * tables of the file (session_metadata in the one-file layout) are not touched.
 */
export function resetOwnTables(file: string, withMetadata: boolean): void {
	const db = openSqlite(file, {fileMustExist: true, timeout: BUSY_TIMEOUT_MS});
	try {
		db.pragma('foreign_keys = OFF');
		db.transaction(() => {
			for (const table of SDSTATS_TABLES) db.exec(`DROP TABLE IF EXISTS main.${table}`);
			for (const migration of MIGRATIONS) migration.apply(db, {withMetadata});
			db.pragma(`main.user_version = ${SCHEMA_VERSION}`);
		}).immediate();
	} finally {
		db.close();
	}
}

/**
 * A damaged file made empty where it is (same file, same inode: a process holding it open is not left writing
 * into a file nobody reads any more); its journal files, already backed up, go.
 */
export function emptyInPlace(file: string): void {
	fs.truncateSync(file, 0);
	for (const suffix of ['-wal', '-journal']) fs.rmSync(file + suffix, {force: true});
}
