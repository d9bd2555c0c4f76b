/**
 * `sdstats doctor`: checks sessions.db; when it is damaged (or with --rebuild), backs it up, rebuilds the stats
 * from disk into a fresh file and carries session_metadata over as far as it can be read.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import {runCompute} from '../jobs/compute-job.js';
import {describeRecovery, recoverActions} from '../jobs/actions/recover.js';
import {acquireComputeLock, describeHolder} from '../store/compute-lock.js';
import {openDatabase} from '../store/db.js';
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

type Diagnosis = {healthy: boolean; findings: string[]};

function diagnose(dbPath: string): Diagnosis {
	let db: Database.Database | null = null;
	try {
		db = new Database(dbPath, {readonly: true, fileMustExist: true});
		const result = db.pragma('integrity_check', {simple: false}) as Array<{integrity_check: string}>;
		const problems = result.map((r) => r.integrity_check).filter((m) => m !== 'ok');
		if (problems.length > 0) return {healthy: false, findings: problems.slice(0, 5)};
		const version = db.pragma('user_version', {simple: true});
		const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).join(', ');
		const count = (table: string): string => {
			try {
				return String(db!.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
			} catch {
				return 'no';
			}
		};
		return {
			healthy: true,
			findings: [`integrity ok`, `schema version ${String(version)}`, `tables: ${tables || 'none'}`, `${count('session_stats')} cached sessions, ${count('session_metadata')} session_metadata rows`],
		};
	} catch (error) {
		return {healthy: false, findings: [(error as Error).message]};
	} finally {
		db?.close();
	}
}

function timestamp(): string {
	return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Copies the database and its journal files; returns the backup's path. */
function backup(dbPath: string, label: string): string {
	const target = `${dbPath}.${label}-${timestamp()}`;
	fs.copyFileSync(dbPath, target);
	for (const suffix of ['-wal', '-shm', '-journal']) {
		if (fs.existsSync(dbPath + suffix)) fs.copyFileSync(dbPath + suffix, target + suffix);
	}
	return target;
}

export async function doctorCommand(options: DoctorOptions, io: CommandIo): Promise<number> {
	const {dbPath, root} = options.locations;
	const say = (line: string): void => {
		io.stdout.write(`${sanitizeLine(line)}\n`);
	};
	if (!fs.existsSync(dbPath)) {
		if (options.stateDir !== undefined) settleActions(options.stateDir, say);
		io.stderr.write(`sdstats doctor: no database at ${sanitizeLine(dbPath)} (sdstats compute creates it)\n`);
		return EXIT_FAILURE;
	}
	const diagnosis = diagnose(dbPath);
	say(`${dbPath}: ${diagnosis.healthy ? 'healthy' : 'DAMAGED'}`);
	for (const finding of diagnosis.findings) say(`  ${finding}`);
	if (options.stateDir !== undefined) settleActions(options.stateDir, say);
	if (diagnosis.healthy && !options.rebuild) return EXIT_OK;

	const lock = await acquireComputeLock(dbPath, 'sdstats doctor', {
		wait: true,
		onWait: (holder) => io.stderr.write(`waiting for ${sanitizeLine(describeHolder(holder))} to finish…\n`),
	});
	if (!lock.ok) {
		io.stderr.write(`sdstats doctor: ${sanitizeLine(lock.reason)}\n`);
		return EXIT_FAILURE;
	}
	try {
		const saved = backup(dbPath, diagnosis.healthy ? 'backup' : 'damaged');
		say(`backed up to ${saved}`);
		let salvage: ReturnType<typeof salvageMetadata> = {ddl: null, rows: [], lost: 0, problem: 'the backup cannot be opened'};
		try {
			const old = new Database(saved, {readonly: true, fileMustExist: true});
			try {
				salvage = salvageMetadata(old);
			} finally {
				old.close();
			}
		} catch (error) {
			salvage = {ddl: null, rows: [], lost: 0, problem: `the old file cannot be opened: ${(error as Error).message}`};
		}
		for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(dbPath + suffix, {force: true});

		const fresh = openDatabase(dbPath, 'create');
		try {
			if (salvage.ddl) {
				// The web UI's own table shape, exactly as it was (it may carry columns newer than ours).
				fresh.db.exec('DROP TABLE IF EXISTS session_metadata');
				fresh.db.exec(salvage.ddl);
			}
			const carried = restoreMetadata(fresh.db, salvage.rows);
			say(`session_metadata: carried over ${carried} row${carried === 1 ? '' : 's'}${salvage.problem ? ` (${salvage.problem})` : ''}`);
			const rootProblem = checkRoot(root);
			if (rootProblem) {
				say(`stats not rebuilt: ${rootProblem}; run \`sdstats compute\` when it is back`);
				return EXIT_FAILURE;
			}
			const summary = await runCompute({root, repository: new StatsRepository(fresh.db), force: true, nowMs: options.now});
			say(`stats rebuilt from disk: ${summaryLine(summary)}`);
		} finally {
			fresh.db.close();
		}
		return EXIT_OK;
	} finally {
		lock.lock.release();
	}
}
