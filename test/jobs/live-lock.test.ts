/**
 * The live poll (the explorer's and `sdstats watch`'s) reads stats only: another program holding the web UI's
 * sessions.db under an EXCLUSIVE lock never makes it wait or fail. Real files: the web UI's sessions.db (its own
 * migration) with sdstats' cache beside it, attached as the explorer and `watch` open it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {livePoller} from '../helpers/live-poller.js';
import {makeWorkspace} from '../helpers/temp.js';
import {webUiMigrate} from '../helpers/web-ui.js';
const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('the live poll under a lock on sessions.db (regression: the explorer crashed with "database is locked" after waiting 10 s)', () => {
	it('starts and polls while another program holds BEGIN EXCLUSIVE: a running session and a new one are computed', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-livelock-');
		fs.mkdirSync(path.dirname(dbPath));
		webUiMigrate(dbPath);
		const running = '20251120_100000-running';
		writeSession(root, {name: running, manifest: {numImages: 6, status: 'ongoing'}, images: 2});
		const opened = openDatabase(dbPath, 'create');
		cleanups.push(() => opened.db.close());
		expect(opened.sharedPath).toBe(dbPath);
		const repository = new StatsRepository(opened.db);
		await runCompute({root, repository});
		// What the explorer has read before the lock came (its list, with the triage joined).
		expect(repository.getListed([running])).toHaveLength(1);

		const other = new Database(dbPath, {timeout: 5000});
		other.exec('BEGIN EXCLUSIVE');
		cleanups.push(() => {
			other.exec('COMMIT');
			other.close();
		});
		// A read of the triage now fails at once (the test's proof that the lock holds).
		expect(() => repository.withoutWaiting(() => repository.getListed([running]))).toThrow(/locked/);

		const poller = livePoller(root, opened, repository);
		expect(poller.activeSessions()).toEqual([running]);
		const added = '20251120_110000-added';
		writeSession(root, {name: added, manifest: {numImages: 2, status: 'completed'}, images: 2});
		writeSession(root, {name: running, manifest: {numImages: 6, status: 'ongoing'}, images: 3});
		const cycle = await poller.cycle();
		expect(cycle.skipped).toBeNull();
		expect([...cycle.changedIds].sort()).toEqual([running, added]);
		expect(cycle.events.find((e) => e.sessionId === added)?.kind).toBe('new');
		expect(repository.withoutTriage().getListed([running])[0]!.images_actual).toBe(3);
	});
});
