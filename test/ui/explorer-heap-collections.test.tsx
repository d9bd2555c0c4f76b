/**
 * The heap collections around a recompute (use-jobs.ts, post-job-collections.ts): over a big list one as the job
 * starts and one each second for four seconds after it ends; over a small list none. The full collections the
 * explorer asks of V8 (ui/memory-mode.ts) are replaced by a recorder of the explorer clock's time; where its young
 * collections run is read from the flags it gives V8 (the setter replaced by a recorder).
 */
import {computeSummary} from '../helpers/compute-summary.js';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {fakeData, renderExplorer, settle, type FakeData, type Harness} from '../helpers/explorer.js';
import {FakeClock} from '../helpers/clock.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import {COLLECT_FROM_SIZE} from '../../source/ui/hooks/use-jobs.js';
import type {ComputeProgress} from '../../source/jobs/compute-job.js';
import type {StoredSession} from '../../source/core/types.js';

const asked = vi.hoisted(() => ({clock: null as {now(): number} | null, at: [] as number[]}));
vi.mock('../../source/ui/memory-mode.js', async (importOriginal) => ({
	...(await importOriginal<typeof import('../../source/ui/memory-mode.js')>()),
	collectGarbage: () => asked.at.push(asked.clock!.now()),
}));
const flags = vi.hoisted(() => ({set: [] as string[]}));
vi.mock('node:v8', async (importOriginal) => {
	const actual = await importOriginal<typeof import('node:v8')>();
	const setFlagsFromString = (flag: string): void => void flags.set.push(flag);
	return {...actual, default: {...actual, setFlagsFromString}, setFlagsFromString};
});
const {collectYoungOnThisThread} = await import('../../source/ui/memory-mode.js');

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
	asked.at = [];
	flags.set = [];
});

const done = computeSummary();

const progress: ComputeProgress = {done: 0, total: 1, current: null, startedAtMs: TEST_NOW, errors: []};

const bigList = (): StoredSession[] =>
	Array.from({length: COLLECT_FROM_SIZE}, (_, i) =>
		storedSession(`20251101_${String(100000 + i).padStart(6, '0')}-s${i}`, {numImages: 1, images: 1}),
	);

/** The explorer over `data` with a recompute of everything started. */
async function recomputing(data: FakeData, count: number): Promise<Harness> {
	const clock = new FakeClock(TEST_NOW);
	asked.clock = clock;
	harness = await renderExplorer({data, columns: 100, rows: 30, clock});
	const h = harness;
	await h.waitForFrame((f) => f.includes(`${count} of ${count} shown`) && !f.includes('loading…'), 'every row');
	await h.press('R');
	await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
	await h.press('a');
	await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
	return h;
}

describe('heap collections around a recompute', () => {
	it('over a big list: one once the job runs, then one each second for the four seconds after it ends, then none', async () => {
		const data = fakeData(bigList());
		const h = await recomputing(data, COLLECT_FROM_SIZE);
		// Asked for, not yet running: nothing on the path of the keys.
		expect(asked.at).toEqual([]);
		data.jobs[0]!.listener.onProgress(progress);
		data.jobs[0]!.listener.onProgress({...progress, done: 1});
		expect(asked.at).toHaveLength(1);
		asked.at = [];
		const endedAt = h.clock.now();
		data.jobs[0]!.listener.onDone(done, undefined);
		h.clock.advance(60_000);
		await settle(5);
		expect(asked.at).toEqual([1000, 2000, 3000, 4000].map((ms) => endedAt + ms));
	});

	it('over a big list, for a job refused at once (the compute lock held elsewhere): none', async () => {
		const data = fakeData(bigList());
		const h = await recomputing(data, COLLECT_FROM_SIZE);
		data.jobs[0]!.listener.onDone(null, new Error('another sdstats is computing this root'));
		h.clock.advance(60_000);
		await settle(5);
		expect(asked.at).toEqual([]);
	});

	it('over a small list: none', async () => {
		const data = fakeData(sampleSessions());
		const h = await recomputing(data, 10);
		data.jobs[0]!.listener.onProgress(progress);
		data.jobs[0]!.listener.onDone(done, undefined);
		h.clock.advance(60_000);
		await settle(5);
		expect(asked.at).toEqual([]);
	});
});

describe('young collections around a recompute (ui/memory-mode.ts)', () => {
	const parallel = (): boolean | null => {
		const last = flags.set.filter((f) => f.endsWith('parallel-scavenge')).at(-1);
		return last === undefined ? null : last === '--parallel-scavenge';
	};

	it('split over V8’s helper threads while the job runs, on the explorer’s thread again once it ends', async () => {
		collectYoungOnThisThread();
		const data = fakeData(sampleSessions());
		expect(parallel()).toBe(false);
		const h = await recomputing(data, 10);
		expect(parallel()).toBe(true);
		data.jobs[0]!.listener.onProgress(progress);
		data.jobs[0]!.listener.onDone(done, undefined);
		await h.waitForFrame((f) => f.includes('recomputed'));
		expect(parallel()).toBe(false);
	});

	it('on the explorer’s thread again for a job refused at once, and for one still running when the explorer quits', async () => {
		collectYoungOnThisThread();
		const data = fakeData(sampleSessions());
		const h = await recomputing(data, 10);
		data.jobs[0]!.listener.onDone(null, new Error('another sdstats is computing this root'));
		await h.waitForFrame((f) => f.includes('another sdstats is computing this root'));
		expect(parallel()).toBe(false);
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
		expect(parallel()).toBe(true);
		h.unmount();
		harness = undefined;
		expect(parallel()).toBe(false);
	});
});
