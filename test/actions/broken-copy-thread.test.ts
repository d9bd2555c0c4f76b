/**
 * Regression (review 19, item 3): a copy thread that stopped, even one that never started (a script that
 * throws on load, a thread that cannot be made), rejected the whole copy: the archive ended with a stack
 * trace, the temporary copy stayed at the target and the journal stayed open. Now a thread that was idle is
 * dropped and the copy carries on (on this thread when none is left); one that stops mid-file fails only that
 * session, with one sentence, and the rest move. A close that fails (EIO at close on NFS) is that file's failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import type {FileCopyJob} from '../../source/jobs/actions/copy-file.js';
import {openCopier} from '../../source/jobs/actions/copy-pool.js';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {planArchive} from '../../source/jobs/actions/plan.js';
import {runAction} from '../../source/jobs/actions/run-action.js';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {makeWorkspace} from '../helpers/temp.js';
import {actionWorkspace} from './action-harness.js';

/**
 * A thread script that throws as it loads: it never says it is ready. Each thread first adds a line to
 * `loaded`, so a test can hold a copy until the threads have failed.
 */
function scriptThatThrowsOnLoad(): {script: string; loaded: string} {
	const ws = makeWorkspace('sdstats-broken-thread-');
	const script = path.join(ws.base, 'throws-on-load.mjs');
	const loaded = path.join(ws.base, 'loaded');
	fs.writeFileSync(
		script,
		`import fs from 'node:fs';\nfs.appendFileSync(${JSON.stringify(loaded)}, 'x\\n');\nthrow new Error('cannot start');\n`,
	);
	return {script, loaded};
}

/** Waits (blocking this thread, as the callers' hooks must) until `file` holds `lines` lines. */
function waitForLines(file: string, lines = 1): void {
	const nap = new Int32Array(new SharedArrayBuffer(4));
	const count = (): number => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0);
	for (let waited = 0; count() < lines; waited += 20) {
		if (waited > 120_000) throw new Error(`${file} never got ${lines} lines`);
		Atomics.wait(nap, 0, 0, 20);
	}
}

function filesToCopy(count: number): {jobs: FileCopyJob[]; targetDir: string} {
	const ws = makeWorkspace('sdstats-broken-thread-');
	const targetDir = path.join(ws.base, 'copy');
	fs.mkdirSync(targetDir);
	const jobs = Array.from({length: count}, (_, i) => {
		const source = path.join(ws.root, `img_${i}.png`);
		fs.writeFileSync(source, Buffer.alloc(100_000 + i, `image ${i} `));
		return {source, target: path.join(targetDir, `img_${i}.png`), rel: `img_${i}.png`};
	});
	return {jobs, targetDir};
}

function expectCopied(jobs: readonly FileCopyJob[]): void {
	for (const job of jobs) expect(fs.readFileSync(job.target).equals(fs.readFileSync(job.source)), job.rel).toBe(true);
}

describe('copy threads that cannot start', () => {
	it('a thread script that throws on load: every file is copied on this thread instead', async () => {
		const {jobs} = filesToCopy(40);
		const thread = scriptThatThrowsOnLoad();
		const copier = openCopier(thread.script, 2);
		copier.warm();
		let heard = 0;
		try {
			// After the first file both threads have failed: their failures reach the copy under way.
			const copied = copier.copyAll(jobs, () => heard++ === 0 && waitForLines(thread.loaded, 2));
			expect(await copied).toBeNull();
			// Once the threads are known to be gone, a later copy goes on this thread too.
			const more = filesToCopy(3).jobs;
			expect(await copier.copyAll(more, () => heard++)).toBeNull();
			expectCopied(more);
		} finally {
			await copier.close();
		}
		expect(heard).toBe(43);
		expectCopied(jobs);
	});

	it('a thread that cannot be made at all (the Worker constructor throws): copied on this thread', async () => {
		const {jobs} = filesToCopy(5);
		// Not an absolute path: new Worker throws at once, as it does when no thread can be made.
		const copier = openCopier('not-an-absolute-path.mjs', 2);
		try {
			expect(await copier.copyAll(jobs, () => {})).toBeNull();
		} finally {
			await copier.close();
		}
		expectCopied(jobs);
	});
});

describe('a close that fails', () => {
	it.each([
		{way: 'on this thread', script: (): string | null => null},
		{
			way: 'on this thread after the threads failed to start',
			script: (): string => scriptThatThrowsOnLoad().script,
		},
	])('$way: that file fails with a sentence, nothing is thrown', async ({script}) => {
		const {jobs, targetDir} = filesToCopy(6);
		const bad = jobs[3]!;
		const realOpen = fs.openSync;
		const realClose = fs.closeSync;
		let badFd: number | null = null;
		const opens = vi.spyOn(fs, 'openSync').mockImplementation(((...args: Parameters<typeof fs.openSync>) => {
			const fd = realOpen(...args);
			if (args[0] === bad.target) badFd = fd;
			return fd;
		}) as typeof fs.openSync);
		const closes = vi.spyOn(fs, 'closeSync').mockImplementation((fd: number) => {
			realClose(fd);
			if (fd === badFd) {
				badFd = null;
				throw Object.assign(new Error('EIO: i/o error, close'), {code: 'EIO'});
			}
		});
		const copier = openCopier(script(), 2);
		let failed;
		try {
			failed = await copier.copyAll(jobs, () => {});
		} finally {
			opens.mockRestore();
			closes.mockRestore();
			await copier.close();
		}
		expect(failed).toEqual({
			ok: false,
			code: 'EIO',
			reason: `${bad.rel} could not be copied to ${targetDir}: input/output error; the session was left in place, try again`,
		});
		expectCopied(jobs.slice(0, 3));
	});
});

const mounts: Array<{unmount(): void}> = [];
afterAll(() => {
	for (const m of mounts) m.unmount();
});

const canMount = ((): string | null => {
	if (!isRoot) return 'not root: cannot mount a tmpfs as the second filesystem';
	const probe = mountTmpfs(1024 * 1024);
	if ('reason' in probe) return probe.reason;
	probe.unmount();
	return null;
})();

/**
 * A copy thread that copies (unverified, with mode and times: a stand-in) until it is given a file of `dies`, then writes half of
 * it and stops the way a crashed thread does. `ready` is a file it makes once it has said it is ready.
 */
function scriptThatDiesOn(dies: string): {script: string; ready: string} {
	const ws = makeWorkspace('sdstats-broken-thread-');
	const script = path.join(ws.base, 'dies-mid-copy.mjs');
	const ready = path.join(ws.base, 'ready');
	fs.writeFileSync(
		script,
		`import fs from 'node:fs';
import {parentPort} from 'node:worker_threads';
parentPort.on('message', (job) => {
	const bytes = fs.readFileSync(job.source);
	if (job.source.includes(${JSON.stringify(dies)})) {
		fs.writeFileSync(job.target, bytes.subarray(0, bytes.length >> 1));
		process.exit(1);
	}
	const source = fs.statSync(job.source);
	fs.writeFileSync(job.target, bytes, {mode: source.mode & 0o7777});
	fs.utimesSync(job.target, source.atime, source.mtime);
	parentPort.postMessage({ok: true, bytes: bytes.length});
});
parentPort.postMessage({ready: true});
fs.writeFileSync(${JSON.stringify(ready)}, 'ready\\n');
`,
	);
	return {script, ready};
}

describe.skipIf(canMount !== null)(
	`a copy thread that stops mid-copy${canMount ? ` (skipped: ${canMount})` : ''}`,
	() => {
		it('skips that session with one sentence; source untouched, no temporary copy, journal settled, the rest moved', async () => {
			const ws = actionWorkspace();
			for (let i = 0; i < 3; i++)
				writeSession(ws.root, sessionName(i), {images: 12, numImages: 12, bytes: 40_000 + i});
			await computeRoot(ws.root, ws.dbPath);
			const mounted = mountTmpfs(16 * 1024 * 1024);
			if ('reason' in mounted) throw new Error(mounted.reason);
			mounts.push(mounted);
			const target = path.join(mounted.dir, 'archive');
			const before = sessionsIn(ws.root);
			const plan = planArchive(
				[0, 1, 2].map((i) => ({sessionId: sessionName(i), state: 'complete' as const})),
				target,
				{root: ws.root, dbPath: ws.dbPath, includeRunning: false},
			);
			const thread = scriptThatDiesOn(sessionName(1));
			const summary = await runAction(plan, {
				stateDir: ws.stateDir,
				nowMs: Date.now(),
				copyWorkerScript: thread.script,
				// A thread is ready before that session's copy starts (else this thread could copy all of it).
				onStep: (point, sessionId) => {
					if (point === 'before-move' && sessionId === sessionName(1)) waitForLines(thread.ready);
				},
			});
			expect(summary.failed).toHaveLength(1);
			expect(summary.failed[0]!.sessionId).toBe(sessionName(1));
			expect(summary.failed[0]!.reason).toMatch(
				/^a copy thread stopped while copying \S+\.png; the session was left in place, try again$/,
			);
			expect(summary.moved.map((m) => m.sessionId).sort()).toEqual([sessionName(0), sessionName(2)]);
			expect([...sessionsIn(ws.root).keys()]).toEqual([sessionName(1)]);
			expect(sessionsIn(ws.root).get(sessionName(1))).toBe(before.get(sessionName(1)));
			const moved = sessionsIn(target);
			expect([...moved.keys()].sort()).toEqual([sessionName(0), sessionName(2)]);
			for (const [name, content] of moved) expect(content).toBe(before.get(name));
			const leftovers = [ws.root, target].flatMap((dir) =>
				fs.readdirSync(dir).filter((n) => n.startsWith('.sdstats-')),
			);
			expect(leftovers).toEqual([]);
			expect(listJournals(ws.stateDir).filter((j) => j.open)).toEqual([]);
		});
	},
);
