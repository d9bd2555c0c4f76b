/** The explorer's staleness check: what changed on disk since the cached stats were computed. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {STALE_WORKER_HEAP_MB, checkStale, findStaleInDatabase} from '../../source/jobs/stale-check.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';

async function computedRoot() {
	const workspace = makeWorkspace('sdstats-test-', {oneFile: true});
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	writeSession(workspace.root, {name: '20251112_210411-same', manifest: {numImages: 2}, images: 2});
	const changed = writeSession(workspace.root, {
		name: '20251112_210412-changed',
		manifest: {numImages: 4},
		images: 2,
	});
	const gone = writeSession(workspace.root, {name: '20251112_210413-gone', manifest: {numImages: 1}, images: 1});
	await runCompute({root: workspace.root, repository, runner: inlineRunner()});
	fs.writeFileSync(path.join(changed, 'img_9999.png'), '');
	fs.rmSync(gone, {recursive: true});
	writeSession(workspace.root, {name: '20251112_210414-new', manifest: {numImages: 1}, images: 1});
	fs.mkdirSync(path.join(workspace.root, 'dryrun'));
	return {...workspace, db, repository};
}

describe('stale check', () => {
	it('reads the stored marks on its own connection (as the worker thread does) and finds changed, gone and new sessions', async () => {
		const {root, dbPath, db} = await computedRoot();
		const result = findStaleInDatabase({root, dbPath});
		expect(result.stale.sort()).toEqual(['20251112_210412-changed', '20251112_210413-gone']);
		expect(result.newOnDisk).toEqual(['20251112_210414-new']);
		db.close();
	});

	it('gives the same answer on the calling thread, reading the marks it is handed', async () => {
		const {root, dbPath, db, repository} = await computedRoot();
		let reads = 0;
		const result = await checkStale({
			root,
			dbPath,
			readStored: () => {
				reads++;
				return repository.marks(root);
			},
		});
		expect(result.stale.sort()).toEqual(['20251112_210412-changed', '20251112_210413-gone']);
		expect(result.newOnDisk).toEqual(['20251112_210414-new']);
		// From sources there is no worker script: the marks are read here, once.
		expect(reads).toBe(1);
		db.close();
	});

	it('does not call an unreadable session stale right after it was computed (the demo showed its 3 unreadable sessions as changed on disk)', async () => {
		const workspace = makeWorkspace('sdstats-test-', {oneFile: true});
		const {db} = openDatabase(workspace.dbPath, 'create');
		const repository = new StatsRepository(db);
		const broken = writeSession(workspace.root, {
			name: '20251112_210411-broken',
			manifest: {numImages: 2},
			images: 1,
		});
		fs.writeFileSync(path.join(broken, 'manifest.json'), '{"snapshot": ');
		writeSession(workspace.root, {name: '20251112_210412-fine', manifest: {numImages: 2}, images: 2});
		const first = await runCompute({root: workspace.root, repository, runner: inlineRunner()});
		expect(first).toMatchObject({unreadable: 1});
		expect(findStaleInDatabase({root: workspace.root, dbPath: workspace.dbPath}).stale).toEqual([]);

		// A compute still reads it again every time (a permission fixed by chmod moves no mtime)...
		expect(await runCompute({root: workspace.root, repository, runner: inlineRunner()})).toMatchObject({
			computed: 1,
			unreadable: 1,
		});
		// ...and once its folder does change, it is stale like any other.
		fs.writeFileSync(path.join(broken, 'manifest.json'), '{"snapshot": {');
		expect(findStaleInDatabase({root: workspace.root, dbPath: workspace.dbPath}).stale).toEqual([
			'20251112_210411-broken',
		]);
		db.close();
	});
});

describe('the stale check thread', () => {
	// Worker bodies run as eval'd CommonJS: each posts the heap limit it was given as its one "stale" id.
	const postsItsLimit = `const {parentPort, resourceLimits} = require('node:worker_threads');`;
	const readStored = (): never => {
		throw new Error('the marks are read on the worker, not here');
	};

	it('runs with a heap limit of its own', async () => {
		const result = await checkStale({
			root: '/nowhere',
			dbPath: '/nowhere.db',
			readStored,
			script: {
				code: `${postsItsLimit} parentPort.postMessage({stale: [String(resourceLimits.maxOldGenerationSizeMb)], newOnDisk: []});`,
			},
		});
		expect(result.stale).toEqual([String(STALE_WORKER_HEAP_MB)]);
	});

	it('checks a root too big for that limit again without it, instead of never (regression: an out-of-memory thread left the check unanswered)', async () => {
		const result = await checkStale({
			root: '/nowhere',
			dbPath: '/nowhere.db',
			readStored,
			heapMb: 16,
			script: {
				code: `${postsItsLimit}
					if (resourceLimits.maxOldGenerationSizeMb <= 16) { const hold = []; for (;;) hold.push(new Array(100000).fill(hold.length)); }
					parentPort.postMessage({stale: [String(resourceLimits.maxOldGenerationSizeMb)], newOnDisk: []});`,
			},
		});
		expect(Number(result.stale[0])).toBeGreaterThan(16);
	});

	it('reports any other failure of its thread as it is, without trying again', async () => {
		// Each run of the thread leaves a line in this file (its "root"), so a second run would show.
		const runs = path.join(makeWorkspace('sdstats-test-').base, 'runs.txt');
		const check = checkStale({
			root: runs,
			dbPath: '/nowhere.db',
			readStored,
			script: {
				code: `require('node:fs').appendFileSync(require('node:worker_threads').workerData.root, 'run\\n');
					throw new Error('the check broke');`,
			},
		});
		await expect(check).rejects.toThrow('the check broke');
		expect(fs.readFileSync(runs, 'utf8')).toBe('run\n');
	});
});
