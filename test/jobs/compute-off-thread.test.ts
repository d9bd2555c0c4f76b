/**
 * The explorer's recompute thread when it dies (its heap cap reached, an uncaught error, an exit): one sentence
 * saying what, where and what to do, never Node's "Worker terminated due to reaching memory limit"; and the
 * explorer then runs the job on its own thread instead of failing it.
 */
import {describe, expect, it} from 'vitest';
import {computeOffThread, type OffThreadFailure} from '../../source/jobs/compute-off-thread.js';
import type {ComputeJobRequest} from '../../source/jobs/compute-job-worker.js';
import type {ComputeSummary} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {createExplorerData} from '../../source/ui/data/explorer-data.js';
import {writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';

const REQUEST: ComputeJobRequest = {
	root: '/nowhere',
	dbPath: '/nowhere/sdstats.db',
	force: true,
	batchSize: 32,
	workers: 1,
};

/** Allocates until the heap cap is reached (after telling that it stored a batch). */
const RUNS_OUT_OF_MEMORY = `
const {parentPort} = require('node:worker_threads');
parentPort.postMessage({type: 'stored', ids: ['s1']});
const kept = [];
for (;;) kept.push(new Array(100000).fill(kept.length));
`;
const THROWS = `throw new Error('boom in the worker');`;
const EXITS = `process.exit(3);`;

function failureOf(code: string): Promise<{error: Error; how: OffThreadFailure; stored: string[]}> {
	return new Promise((resolve, reject) => {
		const stored: string[] = [];
		computeOffThread(
			REQUEST,
			{
				onProgress() {},
				onStored: (ids) => stored.push(...ids),
				onDone: () => reject(new Error('the job finished')),
				onFailed: (error, how) => resolve({error, how, stored}),
			},
			{script: {code}, heapMb: 16},
		);
	});
}

describe('the recompute thread dies', () => {
	it('out of memory: one sentence with the limit and what to do, not Node’s text', async () => {
		const {error, how, stored} = await failureOf(RUNS_OUT_OF_MEMORY);
		expect(how).toBe('died');
		expect(stored).toEqual(['s1']);
		expect(error.message).toBe(
			"the recompute's thread ran out of memory (its limit is 16 MB); the sessions it stored before that are kept: recompute fewer sessions at once (mark them, then r)",
		);
		expect(error.message).not.toMatch(/Worker terminated|memory limit/);
	});

	it('an uncaught error or an exit: one sentence each', async () => {
		const thrown = await failureOf(THROWS);
		expect(thrown.how).toBe('died');
		expect(thrown.error.message).toMatch(/^the recompute's thread stopped on an error \(boom in the worker\); /);
		const exited = await failureOf(EXITS);
		expect(exited.how).toBe('died');
		expect(exited.error.message).toBe(
			"the recompute's thread stopped unexpectedly (exit code 3); the sessions it stored before that are kept: recompute again",
		);
	});

	it('the explorer runs the job on its own thread when its thread runs out of memory', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-test-');
		for (const name of ['a1', 'b1']) writeSession(root, {name, manifest: {numImages: 2}, images: 2});
		const {db} = openDatabase(dbPath, 'create');
		const stats = new StatsRepository(db);
		const data = createExplorerData({
			root,
			dbPath,
			repository: stats,
			metadata: new MetadataRepository(db),
			readonlyReason: null,
			computeThread: {
				available: () => true,
				start: (request, listener) =>
					computeOffThread(request, listener, {script: {code: RUNS_OUT_OF_MEMORY}, heapMb: 16}),
			},
		});
		const stored: string[] = [];
		const outcome = await new Promise<{summary: ComputeSummary | null; error?: Error}>((resolve) =>
			data.startJob(
				{id: 1, scope: 'all'},
				{stale: [], newOnDisk: []},
				{
					onProgress() {},
					onStored: (ids) => stored.push(...ids),
					onDone: (summary, error) => resolve({summary, error}),
				},
			),
		);
		expect(outcome.error).toBeUndefined();
		expect(outcome.summary?.computed).toBe(2);
		expect(stored).toContain('a1');
		expect(stored).toContain('b1');
		expect(data.fetch(['a1', 'b1']).missing).toEqual([]);
		db.close();
	});
});
