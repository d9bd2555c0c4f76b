/**
 * Where the explorer's young collections run (ui/memory-mode.ts), with V8's flag setter replaced by a recorder.
 * Each test imports the module afresh: what it remembers (asked by the explorer? jobs running?) is per process.
 */
import {beforeEach, describe, expect, it, vi} from 'vitest';

const flags = vi.hoisted(() => ({set: [] as string[], fail: false}));
vi.mock('node:v8', async (importOriginal) => {
	const actual = await importOriginal<typeof import('node:v8')>();
	const setFlagsFromString = (flag: string): void => {
		if (flags.fail) throw new Error('no such flag');
		flags.set.push(flag);
	};
	return {...actual, default: {...actual, setFlagsFromString}, setFlagsFromString};
});

async function freshModule(): Promise<typeof import('../../source/ui/memory-mode.js')> {
	vi.resetModules();
	return import('../../source/ui/memory-mode.js');
}

describe('young collections on the explorer’s thread, in parallel while a job runs', () => {
	beforeEach(() => {
		flags.set = [];
		flags.fail = false;
	});

	it('the explorer turns the parallel young collections off (it waited for V8’s helper threads within keys)', async () => {
		const {collectYoungOnThisThread} = await freshModule();
		collectYoungOnThisThread();
		expect(flags.set).toEqual(['--no-parallel-scavenge']);
	});

	it('a job turns them on while it runs and off when it ends (a recompute on one thread each took 25-26 s, not 19)', async () => {
		const {collectYoungOnThisThread, collectYoungInParallelWhileJobRuns} = await freshModule();
		collectYoungOnThisThread();
		const end = collectYoungInParallelWhileJobRuns();
		expect(flags.set).toEqual(['--no-parallel-scavenge', '--parallel-scavenge']);
		end();
		expect(flags.set).toEqual(['--no-parallel-scavenge', '--parallel-scavenge', '--no-parallel-scavenge']);
	});

	it('ending a job twice ends it once: another job still running keeps them parallel', async () => {
		const {collectYoungOnThisThread, collectYoungInParallelWhileJobRuns} = await freshModule();
		collectYoungOnThisThread();
		const endFirst = collectYoungInParallelWhileJobRuns();
		const endSecond = collectYoungInParallelWhileJobRuns();
		endFirst();
		endFirst();
		expect(flags.set).toEqual(['--no-parallel-scavenge', '--parallel-scavenge']);
		endSecond();
		expect(flags.set.at(-1)).toBe('--no-parallel-scavenge');
	});

	it('asked for during a job, they go to the explorer’s thread only when it ends', async () => {
		const {collectYoungOnThisThread, collectYoungInParallelWhileJobRuns} = await freshModule();
		const end = collectYoungInParallelWhileJobRuns();
		collectYoungOnThisThread();
		expect(flags.set).toEqual([]);
		end();
		expect(flags.set).toEqual(['--no-parallel-scavenge']);
	});

	it('a process that never asked (the CLI’s compute) keeps V8’s own setting through its jobs', async () => {
		const {collectYoungInParallelWhileJobRuns} = await freshModule();
		collectYoungInParallelWhileJobRuns()();
		expect(flags.set).toEqual([]);
	});

	it('leaves collections as they were, without an error, where V8 refuses the flag', async () => {
		const {collectYoungOnThisThread, collectYoungInParallelWhileJobRuns} = await freshModule();
		flags.fail = true;
		expect(() => collectYoungOnThisThread()).not.toThrow();
		expect(() => collectYoungInParallelWhileJobRuns()()).not.toThrow();
		expect(flags.set).toEqual([]);
	});
});
