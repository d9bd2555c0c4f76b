/**
 * `sdstats watch` prints one line per change since it last looked, whoever stored the row first: another sdstats
 * process (a cron compute, the explorer's recompute) computing between two polls does not hide a new session or
 * a removed one (its poll remembers what it has seen cached; the explorer's asks the database instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {livePoller} from '../helpers/live-poller.js';
import {makeWorkspace} from '../helpers/temp.js';

async function setup() {
	const {root, dbPath} = makeWorkspace();
	writeSession(root, {name: '20251120_100000-first', manifest: {numImages: 2, status: 'completed'}, images: 2});
	const opened = openDatabase(dbPath, 'create');
	const repository = new StatsRepository(opened.db);
	await runCompute({root, repository});
	const poller = livePoller(root, opened, repository, {rememberCached: true});
	await poller.cycle();
	// Another sdstats process (a cron `sdstats compute`, the explorer's recompute) on its own connection.
	const other = openDatabase(dbPath, 'write');
	return {root, opened, other, poller};
}

describe('sdstats watch after another sdstats process computed between two polls (regression: no new or removed line when the other process stored or removed the row first)', () => {
	it('reports a new session that another compute stored first', async () => {
		const {root, opened, other, poller} = await setup();
		const added = '20251120_110000-added';
		writeSession(root, {name: added, manifest: {numImages: 2, status: 'completed'}, images: 2});
		fs.utimesSync(root, new Date(2030, 0, 1), new Date(2030, 0, 1));
		await runCompute({root, repository: new StatsRepository(other.db)});
		const cycle = await poller.cycle();
		expect(cycle.events.map((e) => [e.kind, e.sessionId])).toEqual([['new', added]]);
		other.db.close();
		opened.db.close();
	});

	it('reports a session removed when another compute removed its row first', async () => {
		const {root, opened, other, poller} = await setup();
		fs.rmSync(path.join(root, '20251120_100000-first'), {recursive: true});
		writeSession(root, {name: '20251120_120000-keep', manifest: {numImages: 2, status: 'completed'}, images: 2});
		fs.utimesSync(root, new Date(2030, 0, 1), new Date(2030, 0, 1));
		await runCompute({root, repository: new StatsRepository(other.db)});
		const cycle = await poller.cycle();
		expect(cycle.removedIds).toEqual(['20251120_100000-first']);
		other.db.close();
		opened.db.close();
	});
});

describe('sdstats watch started after a finished session was resumed (regression: no staleness check, no folder watches: the run was never followed)', () => {
	it('follows the run that started again while nothing was watching', async () => {
		const {root, dbPath} = makeWorkspace();
		const name = '20251120_100000-resumed';
		writeSession(root, {name, manifest: {numImages: 6, status: 'completed'}, images: 2});
		const opened = openDatabase(dbPath, 'create');
		const repository = new StatsRepository(opened.db);
		await runCompute({root, repository});
		// Resumed while no sdstats ran: the manifest says a run is going on, a third image is written.
		writeSession(root, {name, manifest: {numImages: 6, status: 'ongoing'}, images: 3});
		fs.utimesSync(path.join(root, name), new Date(2030, 0, 1), new Date(2030, 0, 1));
		const poller = livePoller(root, opened, repository, {rememberCached: true});
		await poller.cycle();
		expect(poller.activeSessions()).toEqual([name]);
		opened.db.close();
	});
});
