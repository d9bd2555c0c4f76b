/**
 * Concurrency: two `sdstats compute` runs on one database while a web-UI-like writer upserts rows in a loop;
 * the compute lock (waiting, --no-wait, stale lock takeover).
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {beforeAll, describe, expect, it} from 'vitest';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {lockPathFor} from '../../source/store/compute-lock.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, essentials, halfWritten, integrityCheck, spawnCli, waitFor, withDb, writeVariedRoot} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The web UI's writes as its Python code makes them: a connection with a 5 s busy timeout, deferred
 * transactions of a few statements, `INSERT … ON CONFLICT(session_id) DO UPDATE`. Each transaction adds
 * `webui-N` and bumps `webui-hot`; it stops when the stop file appears and prints what it did.
 */
const WEBUI_WRITER = `
const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const fs = require('fs');
const [dbPath, stopFile, readyFile] = process.argv.slice(2);
const db = new Database(dbPath, {timeout: 5000});
db.pragma('foreign_keys = OFF');
const upsert = db.prepare(\`INSERT INTO session_stats (session_id, session_path, sd_model, images_actual, stats_computed_at)
  VALUES (?, ?, 'webui-model', ?, ?)
  ON CONFLICT(session_id) DO UPDATE SET images_actual = excluded.images_actual, stats_computed_at = excluded.stats_computed_at\`);
const meta = db.prepare(\`INSERT INTO session_metadata (session_id, session_path, is_favorite, created_at, updated_at)
  VALUES (?, ?, 1, 'c', ?) ON CONFLICT(session_id) DO UPDATE SET updated_at = excluded.updated_at\`);
const step = db.transaction((i) => {
  const now = new Date().toISOString();
  upsert.run('webui-' + i, '/srv/other-results/webui-' + i, i, now);
  upsert.run('webui-hot', '/srv/other-results/webui-hot', i, now);
  meta.run('webui-' + (i % 20), '/srv/other-results/webui-' + (i % 20), now);
});
const errors = [];
let done = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));
fs.writeFileSync(readyFile, 'ready');
while (!fs.existsSync(stopFile)) {
  try { step(done); done++; } catch (e) { errors.push(String(e.code || e.message)); }
  Atomics.wait(pause, 0, 0, 2);
}
db.close();
process.stdout.write(JSON.stringify({done, errors}));
`;

function startWebUiWriter(base: string, dbPath: string) {
	const script = path.join(base, 'webui-writer.cjs');
	const stopFile = path.join(base, 'webui.stop');
	const readyFile = path.join(base, 'webui.ready');
	fs.writeFileSync(script, WEBUI_WRITER);
	const child = spawn(process.execPath, [script, dbPath, stopFile, readyFile], {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
	child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
	const finished = new Promise<{done: number; errors: string[]}>((resolve, reject) => {
		child.on('close', (code) => {
			if (code !== 0) reject(new Error(`web UI writer exited ${code}: ${stderr}`));
			else resolve(JSON.parse(stdout) as {done: number; errors: string[]});
		});
	});
	return {
		ready: () => waitFor(() => fs.existsSync(readyFile), 10_000),
		stop: async () => {
			fs.writeFileSync(stopFile, 'stop');
			return finished;
		},
		kill: () => child.kill('SIGKILL'),
	};
}

/** What a clean compute of the root stores, computed in-process into a scratch database. */
async function referenceRows(root: string, scratchDb: string) {
	const {db} = openDatabase(scratchDb, 'create');
	try {
		await runCompute({root, repository: new StatsRepository(db), runner: inlineRunner()});
	} finally {
		db.close();
	}
	return essentials(scratchDb);
}

/** A process that is alive for as long as the test wants: a stand-in holder of the compute lock. */
function liveProcess() {
	const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {stdio: 'ignore'});
	return child;
}

describe('concurrency', () => {
	it('two computes at once beside a web UI writer: no "database is locked", no row lost, the second waits for the first', async () => {
		const {base, root, dbPath} = makeWorkspace('sdstats-conc-', {oneFile: true});
		// Big enough that the first compute is still running when the second starts, even on a loaded machine.
		const names = writeVariedRoot(root, 1500, 11);
		// The web UI's tables exist before it writes (as they would after its first start).
		openDatabase(dbPath, 'create').db.close();
		const writer = startWebUiWriter(base, dbPath);
		try {
			expect(await writer.ready()).toBe(true);
			await sleep(100);
			const a = spawnCli(['compute', '--root', root, '--db', dbPath]);
			// The second starts once the first holds the database: it must then wait for it. The first is paused
			// while the second starts (SIGSTOP), so a loaded machine cannot let it finish before the second looks:
			// at load 18 on 2 cores the first finished before the second's Node had started.
			expect(await waitFor(() => fs.existsSync(lockPathFor(dbPath)), 20_000)).toBe(true);
			a.child.kill('SIGSTOP');
			const bErr: Buffer[] = [];
			const b = spawnCli(['compute', '--root', root, '--db', dbPath]);
			b.child.stderr!.on('data', (c: Buffer) => bErr.push(c));
			const bWaits = await waitFor(() => /waiting for /.test(Buffer.concat(bErr).toString('utf8')), 60_000);
			a.child.kill('SIGCONT');
			expect(bWaits).toBe(true);
			const [ra, rb] = await Promise.all([a.done, b.done]);
			await sleep(100);
			const webui = await writer.stop();

			for (const r of [ra, rb]) {
				expect(r.code, r.stderr).toBe(0);
				expect(r.stderr).not.toMatch(/locked|SQLITE_BUSY|SqliteError|\n\s+at /);
			}
			// Exactly one of them waited, and it named the other one's pid.
			const waited = [
				{result: ra, other: b.pid},
				{result: rb, other: a.pid},
			].filter(({result}) => /waiting for /.test(result.stderr));
			expect(waited).toHaveLength(1);
			expect(waited[0]!.result.stderr).toMatch(
				new RegExp(`waiting for sdstats compute \\(pid ${waited[0]!.other}\\b`),
			);
			// The one that waited found the work done (only the sessions whose manifest never parses are read again).
			const [, computedAfterWait] = /^computed (\d+), unchanged (\d+)/.exec(waited[0]!.result.stdout) ?? [];
			expect(Number(computedAfterWait)).toBeLessThan(names.length / 5);

			// The web UI never saw "database is locked" either, and every one of its rows is there.
			expect(webui.errors).toEqual([]);
			expect(webui.done).toBeGreaterThan(10);
			withDb(dbPath, (db) => {
				const ids = new Set(
					db
						.prepare("SELECT session_id FROM session_stats WHERE session_id LIKE 'webui-%'")
						.pluck()
						.all() as string[],
				);
				for (let i = 0; i < webui.done; i++) expect(ids.has(`webui-${i}`)).toBe(true);
				expect(
					db.prepare("SELECT images_actual FROM session_stats WHERE session_id = 'webui-hot'").pluck().get(),
				).toBe(webui.done - 1);
				expect(db.prepare('SELECT COUNT(*) FROM session_metadata').pluck().get()).toBe(
					Math.min(20, webui.done),
				);
			});

			// Every session of the root is present and equals a clean compute's row.
			const stored = essentials(dbPath, `WHERE session_id NOT LIKE 'webui-%'`);
			const reference = await referenceRows(root, path.join(base, 'reference.db'));
			expect(reference.size).toBe(names.length);
			expect(stored).toEqual(reference);
			expect(integrityCheck(dbPath)).toEqual(['ok']);
			expect(halfWritten(dbPath, 'webui-')).toEqual({statsOnly: [], stateOnly: []});
			expect(fs.existsSync(lockPathFor(dbPath))).toBe(false);
		} finally {
			writer.kill();
		}
	}, 120_000);

	it('with --no-wait, a compute says which process holds the database and exits 1 without touching it', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-conc-', {oneFile: true});
		writeVariedRoot(root, 5, 3);
		openDatabase(dbPath, 'create').db.close();
		const holder = liveProcess();
		try {
			fs.writeFileSync(
				lockPathFor(dbPath),
				JSON.stringify({
					pid: holder.pid,
					host: os.hostname(),
					startedAt: '2025-11-24T10:00:00.000Z',
					command: 'sdstats compute',
				}),
			);
			const result = await cli(['compute', '--no-wait', '--root', root, '--db', dbPath]);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(
				new RegExp(
					`sdstats compute \\(pid ${holder.pid}, started 2025-11-24T10:00:00.000Z\\) is computing this database`,
				),
			);
			expect(result.stderr).not.toMatch(/\n\s+at /);
			withDb(dbPath, (db) => expect(db.prepare('SELECT COUNT(*) FROM session_stats').pluck().get()).toBe(0));
			// The holder's lock is not taken away from it.
			expect(JSON.parse(fs.readFileSync(lockPathFor(dbPath), 'utf8')).pid).toBe(holder.pid);
		} finally {
			holder.kill('SIGKILL');
		}
	});

	it('a compute waits while another process holds the lock, says so, and runs when the holder goes', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-conc-', {oneFile: true});
		const names = writeVariedRoot(root, 8, 4);
		openDatabase(dbPath, 'create').db.close();
		const holder = liveProcess();
		try {
			fs.writeFileSync(
				lockPathFor(dbPath),
				JSON.stringify({
					pid: holder.pid,
					host: os.hostname(),
					startedAt: 'earlier',
					command: 'sdstats compute',
				}),
			);
			const run = spawnCli(['compute', '--root', root, '--db', dbPath]);
			let stderr = '';
			run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
			expect(await waitFor(() => stderr.includes('waiting for'), 15_000)).toBe(true);
			expect(stderr).toMatch(new RegExp(`waiting for sdstats compute \\(pid ${holder.pid}\\b`));
			await sleep(500);
			// Still waiting: nothing written while the other process holds the database.
			withDb(dbPath, (db) => expect(db.prepare('SELECT COUNT(*) FROM session_stats').pluck().get()).toBe(0));
			holder.kill('SIGKILL');
			const result = await run.done;
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).toMatch(new RegExp(`^computed ${names.length}, `));
			expect(fs.existsSync(lockPathFor(dbPath))).toBe(false);
		} finally {
			holder.kill('SIGKILL');
		}
	});

	it('a stale lock left by a killed compute (pid not running) is taken over at once', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-conc-', {oneFile: true});
		const names = writeVariedRoot(root, 200, 5);
		const lockPath = lockPathFor(dbPath);
		// A real compute killed while it holds the lock.
		const victim = spawnCli(['compute', '--root', root, '--db', dbPath, '--force']);
		expect(await waitFor(() => fs.existsSync(lockPath), 20_000, 1)).toBe(true);
		victim.child.kill('SIGKILL');
		const killed = await victim.done;
		expect(killed.signal).toBe('SIGKILL');
		expect(fs.existsSync(lockPath)).toBe(true);
		expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(victim.pid);

		const started = Date.now();
		const next = await cli(['compute', '--root', root, '--db', dbPath, '--no-wait']);
		expect(next.code, next.stderr).toBe(0);
		expect(next.stderr).not.toContain('waiting for');
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(fs.existsSync(lockPath)).toBe(false);
		expect(essentials(dbPath).size).toBe(names.length);
	});

	it('a stale lock naming a pid that has exited (not a killed compute) is taken over too', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-conc-', {oneFile: true});
		writeVariedRoot(root, 3, 6);
		const gone = spawn(process.execPath, ['-e', '0'], {stdio: 'ignore'});
		await new Promise((resolve) => gone.on('close', resolve));
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		fs.writeFileSync(
			lockPathFor(dbPath),
			JSON.stringify({pid: gone.pid, host: os.hostname(), startedAt: 'yesterday', command: 'sdstats compute'}),
		);
		const result = await cli(['compute', '--root', root, '--db', dbPath, '--no-wait']);
		expect(result.code, result.stderr).toBe(0);
		expect(fs.existsSync(lockPathFor(dbPath))).toBe(false);
	});
});
