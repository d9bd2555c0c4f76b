/**
 * `sdstats doctor`: checks both files and says whose each table is. It rebuilds only what sdstats owns (its
 * cache: session_stats and sdstats_session_state), in place, and never drops or replaces a table of the web
 * UI's. With --rebuild, or when the cache is damaged, it backs the cache up (keeping the newest few backups),
 * rebuilds the stats from disk, and keeps session_metadata (carried over from the backup when the damaged file
 * held it, in the one-file layout).
 */
import {openSqlite} from '../store/sqlite.js';
import {runCompute} from '../jobs/compute-job.js';
import {describeRecovery, recoverActions} from '../jobs/actions/recover.js';
import {acquireComputeLock, describeHolder} from '../store/compute-lock.js';
import {checkDatabasePath, diskFullMessage, isDiskFull, writeProblem} from '../store/db.js';
import {tryOpenDatabase} from '../store/try-open.js';
import {
	backupFile,
	emptyInPlace,
	inspectFile,
	isWebUiStats,
	resetOwnTables,
	SDSTATS_TABLES,
	type FileReport,
} from '../store/inspect.js';
import {layoutFor} from '../store/layout.js';
import {restoreMetadata, salvageMetadata} from '../store/metadata-repository.js';
import {StatsRepository} from '../store/stats-repository.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {CommonOptions} from '../common-options.js';
import {checkRoot, summaryLine} from './compute.js';
import {EXIT_FAILURE, EXIT_OK, type CommandIo} from '../io.js';

export type DoctorOptions = CommonOptions & {rebuild: boolean; stateDir?: string};

/** Interrupted archives, trashes and undos, settled and reported (the other commands do it quietly first). */
function settleActions(stateDir: string, say: (line: string) => void): void {
	const reports = recoverActions(stateDir);
	if (reports.length === 0) say('actions: nothing was left half-done');
	for (const report of reports) say(`actions: ${describeRecovery(report)}`);
}

const rowsOf = (report: FileReport, table: string): string => {
	const rows = report.tables.find((t) => t.name === table)?.rows;
	return rows === null || rows === undefined ? 'unreadable' : `${rows} row${rows === 1 ? '' : 's'}`;
};

/** The web UI's file, described table by table. Returns whether it still holds a 0.1.0 cache. */
function describeShared(report: FileReport, say: (line: string) => void): boolean {
	say(
		`${report.file}: ${report.exists ? (report.healthy ? 'healthy' : 'DAMAGED') : 'not created yet'} (the web UI's sessions.db; sdstats shares its session_metadata)`,
	);
	if (!report.exists) return false;
	if (!report.healthy) {
		for (const problem of report.problems) say(`  ${problem}`);
		return false;
	}
	say(`  integrity ok, ${report.journalMode} journal`);
	const names = new Set(report.tables.map((t) => t.name));
	const stats = report.tables.find((t) => t.name === 'session_stats');
	const oldCache = stats !== undefined && !isWebUiStats(stats.columns);
	const theirs: string[] = [];
	if (names.has('schema_version'))
		theirs.push(`schema_version (migrations ${report.webUiVersions.join(', ') || 'none'})`);
	if (stats && !oldCache) theirs.push(`session_stats (${rowsOf(report, 'session_stats')})`);
	const webIndexes = report.indexes.filter((i) => i.startsWith('idx_stats_'));
	if (webIndexes.length > 0) theirs.push(`indexes ${webIndexes.join(', ')}`);
	say(
		`  the web UI's: ${theirs.join(', ') || 'nothing yet (its migration adds its tables when it starts)'}; sdstats never changes them`,
	);
	say(
		`  shared: session_metadata (${names.has('session_metadata') ? rowsOf(report, 'session_metadata') : 'not created yet'}), the triage both tools read and write`,
	);
	if (oldCache)
		say(
			'  sdstats 0.1.0 cache still here (session_stats keyed by session_id, sdstats_session_state): it is moved to the cache file now',
		);
	const others = report.tables
		.map((t) => t.name)
		.filter((n) => !['schema_version', 'session_stats', 'session_metadata', 'sdstats_session_state'].includes(n));
	if (others.length > 0) say(`  other tables, not sdstats': ${others.join(', ')} (left as they are)`);
	return oldCache;
}

function describeCache(report: FileReport, oneFile: boolean, say: (line: string) => void): void {
	const role = oneFile ? 'sdstats cache, one file: its stats and session_metadata' : "sdstats' cache";
	say(
		`${report.file}: ${report.exists ? (report.healthy ? 'healthy' : 'DAMAGED') : 'not created yet (sdstats compute creates it)'} (${role})`,
	);
	if (!report.exists) return;
	if (!report.healthy) {
		for (const problem of report.problems) say(`  ${problem}`);
		return;
	}
	say(`  integrity ok, schema version ${String(report.userVersion)}, ${report.journalMode} journal`);
	say(
		`  sdstats' own: ${SDSTATS_TABLES.map((t) => `${t} (${report.tables.some((x) => x.name === t) ? rowsOf(report, t) : 'missing'})`).join(', ')}`,
	);
	if (oneFile)
		say(
			`  session_metadata (${report.tables.some((t) => t.name === 'session_metadata') ? rowsOf(report, 'session_metadata') : 'missing'}), the user's triage: never rebuilt`,
		);
	const others = report.tables
		.map((t) => t.name)
		.filter((n) => !(SDSTATS_TABLES as readonly string[]).includes(n) && n !== 'session_metadata');
	if (others.length > 0) say(`  other tables, not sdstats': ${others.join(', ')} (left as they are)`);
}

/** Copies a healthy file under a read transaction, so no writer commits halfway through the copy. */
function backupHealthy(file: string, nowMs: number): ReturnType<typeof backupFile> {
	const reader = openSqlite(file, {readonly: true, fileMustExist: true, timeout: 10_000});
	try {
		return reader.transaction(() => {
			reader.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
			return backupFile(file, 'backup', nowMs);
		})();
	} finally {
		reader.close();
	}
}

export async function doctorCommand(options: DoctorOptions, io: CommandIo): Promise<number> {
	const {dbPath, root} = options.locations;
	const say = (line: string): void => {
		io.stdout.write(`${sanitizeLine(line)}\n`);
	};
	const fail = (message: string): number => {
		io.stderr.write(`sdstats doctor: ${sanitizeLine(message)}\n`);
		return EXIT_FAILURE;
	};
	const pathProblem = checkDatabasePath(dbPath);
	if (pathProblem) return fail(pathProblem);
	const layout = layoutFor(dbPath);
	for (const file of [layout.cachePath, layout.sharedPath]) {
		const problem = file ? checkDatabasePath(file) : null;
		if (problem) return fail(problem);
	}
	const oneFile = layout.sharedPath === null;
	const shared = layout.sharedPath ? inspectFile(layout.sharedPath) : null;
	const cache = inspectFile(layout.cachePath);
	if (!cache.exists && !shared?.exists) {
		if (options.stateDir !== undefined) settleActions(options.stateDir, say);
		return fail(
			`no database at ${oneFile ? layout.cachePath : `${layout.sharedPath} or ${layout.cachePath}`} (sdstats compute creates it)`,
		);
	}

	const oldCache = shared ? describeShared(shared, say) : false;
	describeCache(cache, oneFile, say);
	if (options.stateDir !== undefined) settleActions(options.stateDir, say);
	if (shared?.exists && !shared.healthy) {
		return fail(
			`${shared.file} is the web UI's file and it is damaged; sdstats does not rebuild a file it does not own. ` +
				'Stop the web UI, copy the file aside, and restore it from a backup (or with `sqlite3 sessions.db .recover`).',
		);
	}
	const cacheDamaged = cache.exists && !cache.healthy;
	if (!options.rebuild && !cacheDamaged && !oldCache) return EXIT_OK;

	// A rebuild writes sdstats' cache and opens the triage's file for writing: refused before anything is
	// touched when either cannot be written (regression: a read-only cache was backed up, then the rebuild
	// failed with SQLite's words and a stack trace).
	for (const [file, exists] of [
		[layout.cachePath, cache.exists],
		[layout.sharedPath, shared?.exists === true],
	] as const) {
		const problem = file === null || (!exists && file !== layout.cachePath) ? null : writeProblem(file, exists);
		if (problem) return fail(`cannot rebuild: ${problem}; nothing was changed`);
	}
	const lock = await acquireComputeLock(layout.cachePath, 'sdstats doctor', {
		wait: true,
		onWait: (holder) => io.stderr.write(`waiting for ${sanitizeLine(describeHolder(holder))} to finish…\n`),
	});
	if (!lock.ok) return fail(lock.reason);
	try {
		let salvage: ReturnType<typeof salvageMetadata> | null = null;
		if (cache.exists) {
			let saved: ReturnType<typeof backupFile>;
			try {
				saved = cacheDamaged
					? backupFile(layout.cachePath, 'damaged', options.now())
					: backupHealthy(layout.cachePath, options.now());
			} catch (error) {
				return fail(
					isDiskFull(error)
						? diskFullMessage(layout.cachePath) + '; nothing was changed'
						: `cannot back up ${layout.cachePath}: ${(error as Error).message}; nothing was changed`,
				);
			}
			say(`backed up to ${saved.saved}`);
			if (saved.removed.length > 0)
				say(
					`removed ${saved.removed.length} older backup${saved.removed.length === 1 ? '' : 's'} (doctor keeps the newest 3)`,
				);
			if (cacheDamaged) {
				if (oneFile) salvage = salvageFrom(saved.saved);
				emptyInPlace(layout.cachePath);
			} else {
				resetOwnTables(layout.cachePath, oneFile);
			}
		}
		const opening = tryOpenDatabase(dbPath, 'create', {createFolder: false});
		if (!opening.ok) return fail(opening.reason);
		const {opened} = opening;
		try {
			for (const event of opened.events) say(event);
			if (salvage) {
				if (salvage.ddl) {
					// The table exactly as it was (it may carry columns newer than ours).
					opened.db.exec('DROP TABLE IF EXISTS main.session_metadata');
					opened.db.exec(salvage.ddl);
				}
				const carried = restoreMetadata(opened.db, salvage.rows);
				say(
					`session_metadata: carried over ${carried} row${carried === 1 ? '' : 's'}${salvage.problem ? ` (${salvage.problem})` : ''}`,
				);
			} else if (oneFile && cache.exists) {
				say(`session_metadata: kept as it is (${rowsOf(cache, 'session_metadata')})`);
			} else if (!oneFile) {
				say(`session_metadata in ${layout.sharedPath}: not touched`);
			}
			const rootProblem = checkRoot(root);
			if (rootProblem) {
				say(`stats not rebuilt: ${rootProblem}; run \`sdstats compute\` when it is back`);
				return EXIT_FAILURE;
			}
			if (!options.rebuild && !cacheDamaged) return EXIT_OK;
			try {
				const summary = await runCompute({
					root,
					repository: new StatsRepository(opened.db),
					force: true,
					nowMs: options.now,
				});
				say(`stats rebuilt from disk: ${summaryLine(summary)}`);
			} catch (error) {
				if (isDiskFull(error)) return fail(diskFullMessage(layout.cachePath));
				throw error;
			}
		} finally {
			opened.db.close();
		}
		return EXIT_OK;
	} finally {
		lock.lock.release();
	}
}

function salvageFrom(backup: string): ReturnType<typeof salvageMetadata> {
	try {
		const old = openSqlite(backup, {readonly: true, fileMustExist: true});
		try {
			return salvageMetadata(old);
		} finally {
			old.close();
		}
	} catch (error) {
		return {ddl: null, rows: [], lost: 0, problem: `the old file cannot be opened: ${(error as Error).message}`};
	}
}
