/**
 * The explorer opening while another program holds the web UI's sessions.db locked: before it waits (there is
 * no screen yet), it says which file and why, instead of leaving a blank terminal for up to the busy timeout.
 * The lock is held by another process, as the web UI or a sqlite3 shell would hold it.
 */
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {computeCommand} from '../../source/commands/compute.js';
import {writeSession} from '../../source/demo/corpus.js';
import {filesLockedNow, lockedNow} from '../../source/store/db.js';
import {openExplorerData} from '../../source/ui/open-explorer-data.js';
import {makeWorkspace} from '../helpers/temp.js';
import {webUiMigrate} from '../helpers/web-ui.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function computedRoot(): Promise<{root: string; dbPath: string}> {
	const {root, dbPath} = makeWorkspace('sdstats-openlock-');
	fs.mkdirSync(path.dirname(dbPath));
	webUiMigrate(dbPath);
	writeSession(root, {name: '20251120_100000-one', manifest: {numImages: 2, status: 'completed'}, images: 2});
	const quiet = {stdout: {write: () => true}, stderr: {write: () => true}};
	const code = await computeCommand(
		{
			locations: {root, rootSource: '--root', dbPath, dbSource: 'default'},
			stallWindowMs: 600_000,
			color: false,
			now: Date.now,
			force: false,
			wait: true,
			sessions: [],
			json: true,
			cancel: {cancelled: false},
			workers: 0,
		},
		quiet,
	);
	expect(code).toBe(0);
	return {root, dbPath};
}

/**
 * Another process holding `file` under BEGIN EXCLUSIVE once it says so, until `release()` (a signal: sent at
 * once, even while this process waits in SQLite's busy handler). Never released by a timer: a probe that missed
 * the lock could not pass by luck (the open would wait out the busy timeout, and nothing would be told).
 */
async function lockInOtherProcess(file: string): Promise<{release(): void; gone: Promise<void>}> {
	const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE');
		process.on('SIGUSR2', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
		process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
	const child = spawn(process.execPath, ['-e', script, file], {stdio: ['ignore', 'pipe', 'inherit']});
	cleanups.push(() => child.kill());
	const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	await new Promise<void>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('locked')) resolve();
		});
		child.once('exit', (code) => reject(new Error(`the locking process exited (${code}) before locking`)));
	});
	return {release: () => child.kill('SIGUSR2'), gone};
}

describe('opening the explorer while sessions.db is locked (regression: a blank terminal for up to 10 s, no word why)', () => {
	it('names the locked file before waiting, then opens once the lock is released', async () => {
		const {root, dbPath} = await computedRoot();
		expect(filesLockedNow(dbPath)).toEqual([]);
		const lock = await lockInOtherProcess(dbPath);
		const told: string[][] = [];
		const opened = openExplorerData({
			locations: {root, rootSource: '--root', dbPath, dbSource: 'default'},
			createDatabase: false,
			stallWindowMs: 600_000,
			// Told before it waits: the lock goes now, and the open goes on once SQLite sees it gone.
			onLockedWait: (files) => {
				told.push(files);
				lock.release();
			},
		});
		cleanups.push(() => opened.close());
		expect(told).toEqual([[path.resolve(dbPath)]]);
		expect(opened.data.loadNewest(10).map((row) => row.session_id)).toEqual(['20251120_100000-one']);
		await lock.gone;
		expect(lockedNow(dbPath)).toBe(false);
	});

	it('is quiet when nothing is locked, and a file that is not there is not locked', async () => {
		const {root, dbPath} = await computedRoot();
		const told: string[][] = [];
		const opened = openExplorerData({
			locations: {root, rootSource: '--root', dbPath, dbSource: 'default'},
			createDatabase: false,
			stallWindowMs: 600_000,
			onLockedWait: (files) => told.push(files),
		});
		opened.close();
		expect(told).toEqual([]);
		expect(lockedNow(path.join(path.dirname(dbPath), 'nothing-here.db'))).toBe(false);
	});

	it('never opens a FIFO to ask (regression: a FIFO at --db hung the explorer before it could say what it is)', () => {
		const {dbPath} = makeWorkspace('sdstats-openlock-');
		fs.mkdirSync(path.dirname(dbPath));
		execFileSync('mkfifo', [dbPath]);
		expect(lockedNow(dbPath)).toBe(false);
		expect(filesLockedNow(dbPath)).toEqual([]);
	});
});
