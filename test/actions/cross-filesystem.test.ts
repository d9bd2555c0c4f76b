/**
 * Archives to another filesystem (a tmpfs mounted for the test; needs root, skipped with the reason
 * elsewhere): verified copies, a full disk, a read-only target, a folder changing during its copy, an
 * original that cannot be removed, and recovery from an interruption at each step.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {planArchive, type ActionPlan} from '../../source/jobs/actions/plan.js';
import {recoverActions} from '../../source/jobs/actions/recover.js';
import {runAction} from '../../source/jobs/actions/run-action.js';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {actionWorkspace, archive, pathsIn, undo, type Workspace} from './action-harness.js';

const mounts: Array<{unmount(): void}> = [];
afterAll(() => {
	for (const m of mounts) m.unmount();
});

function tmpfs(size: number): string {
	const mounted = mountTmpfs(size);
	if ('reason' in mounted) throw new Error(mounted.reason);
	mounts.push(mounted);
	return mounted.dir;
}

const canMount = ((): string | null => {
	if (!isRoot) return 'not root: cannot mount a tmpfs as the second filesystem';
	const probe = mountTmpfs(1024 * 1024);
	if ('reason' in probe) return probe.reason;
	probe.unmount();
	return null;
})();

async function workspaceWith(count: number, bytes = 3000): Promise<Workspace> {
	const ws = actionWorkspace();
	for (let i = 0; i < count; i++) writeSession(ws.root, sessionName(i), {images: 5, numImages: 5, bytes: bytes + i});
	await computeRoot(ws.root, ws.dbPath);
	return ws;
}

function planAll(ws: Workspace, count: number, target: string): ActionPlan {
	return planArchive(
		Array.from({length: count}, (_, i) => ({sessionId: sessionName(i), state: 'complete' as const})),
		target,
		{root: ws.root, dbPath: ws.dbPath, includeRunning: false},
	);
}

/** No temporary copies or set-aside originals left anywhere. */
function leftovers(...dirs: string[]): string[] {
	return dirs.flatMap((dir) =>
		fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('.sdstats-')) : [],
	);
}

describe.skipIf(canMount !== null)(`archive across filesystems${canMount ? ` (skipped: ${canMount})` : ''}`, () => {
	it('copies, verifies and removes the source; contents, times and paths follow; undo brings it back across', async () => {
		const ws = await workspaceWith(4);
		const target = path.join(tmpfs(64 * 1024 * 1024), 'archive');
		const before = sessionsIn(ws.root);
		const result = await archive(ws, {filter: '', to: target});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('(copy, verify, remove)');
		expect(result.stdout).toMatch(/free at the target, copies need/);
		expect(sessionsIn(target)).toEqual(before);
		expect(sessionsIn(ws.root).size).toBe(0);
		expect(leftovers(ws.root, target)).toEqual([]);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(2))).toBe(path.join(target, sessionName(2)));

		expect((await undo(ws)).code).toBe(0);
		expect(sessionsIn(ws.root)).toEqual(before);
		expect(sessionsIn(target).size).toBe(0);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(2))).toBe(path.join(ws.root, sessionName(2)));
	});

	it('plans only what fits on the target; the rest is skipped with the space it needs, sources untouched', async () => {
		const ws = await workspaceWith(3, 250_000);
		const target = path.join(tmpfs(3 * 1024 * 1024), 'archive');
		const before = sessionsIn(ws.root);
		const result = await archive(ws, {filter: '', to: target});
		expect(result.stdout).toMatch(/not enough free space at the target \(needs \d+ bytes, \d+ left\)/);
		const moved = sessionsIn(target);
		expect(moved.size).toBeGreaterThan(0);
		expect(moved.size).toBeLessThan(3);
		for (const [name, content] of sessionsIn(ws.root)) expect(content).toBe(before.get(name));
		expect(moved.size + sessionsIn(ws.root).size).toBe(3);
	});

	it('a disk that fills up during the copy removes nothing from the source; the partial copy goes', async () => {
		const ws = await workspaceWith(3, 200_000);
		const mount = tmpfs(4 * 1024 * 1024);
		const target = path.join(mount, 'archive');
		const plan = planAll(ws, 3, target);
		expect(plan.moves).toHaveLength(3);
		// Someone else fills the disk after the plan was shown.
		fs.writeFileSync(path.join(mount, 'filler'), Buffer.alloc(3 * 1024 * 1024 - 200_000));
		const before = sessionsIn(ws.root);
		const summary = await runAction(plan, {stateDir: ws.stateDir, nowMs: Date.now()});
		expect(summary.failed.length).toBeGreaterThan(0);
		expect(summary.failed.every((f) => /the target disk is full/.test(f.reason))).toBe(true);
		expect(summary.moved.length + summary.failed.length).toBe(3);
		for (const [name, content] of sessionsIn(ws.root)) expect(content).toBe(before.get(name));
		for (const [name, content] of sessionsIn(target)) expect(content).toBe(before.get(name));
		expect(sessionsIn(ws.root).size + sessionsIn(target).size).toBe(3);
		expect(leftovers(ws.root, target)).toEqual([]);
	});

	it('a read-only target: every session skipped with the reason, nothing moved', async () => {
		const ws = await workspaceWith(2);
		const mount = tmpfs(8 * 1024 * 1024);
		fs.mkdirSync(path.join(mount, 'archive'));
		execFileSync('mount', ['-o', 'remount,ro', mount]);
		try {
			const result = await archive(ws, {filter: '', to: path.join(mount, 'archive')});
			expect(result.stdout).toContain('the archive folder is on a read-only filesystem');
			expect(result.stdout).toContain('nothing to archive');
			expect(sessionsIn(ws.root).size).toBe(2);
		} finally {
			execFileSync('mount', ['-o', 'remount,rw', mount]);
		}
	});

	it('a folder that changes while it is copied is skipped (the copy removed), the others go on', async () => {
		const ws = await workspaceWith(3);
		const target = path.join(tmpfs(16 * 1024 * 1024), 'archive');
		const plan = planAll(ws, 3, target);
		let touched = false;
		let startedAt: number | null = null;
		const summary = await runAction(plan, {
			stateDir: ws.stateDir,
			nowMs: Date.now(),
			onProgress: (p) => {
				if (p.sessionId !== sessionName(1)) return;
				// The first report is before its copy starts; a later one is mid-copy (one image copied).
				startedAt ??= p.bytesDone;
				if (!touched && p.bytesDone > startedAt) {
					touched = true;
					fs.writeFileSync(path.join(ws.root, sessionName(1), 'late.png'), 'new image');
				}
			},
		});
		expect(touched).toBe(true);
		expect(summary.failed).toHaveLength(1);
		expect(summary.failed[0]!.reason).toMatch(/^the folder changed while it was copied \(late\.png is new\)/);
		expect([...sessionsIn(target).keys()]).toEqual([sessionName(0), sessionName(2)]);
		expect(fs.existsSync(path.join(ws.root, sessionName(1), 'late.png'))).toBe(true);
		expect(leftovers(ws.root, target)).toEqual([]);
	});

	it('a copy whose bytes differ from the original (a disk error) is caught by the hashes: skipped, source untouched', async () => {
		const ws = await workspaceWith(2);
		const before = sessionsIn(ws.root);
		const target = path.join(tmpfs(16 * 1024 * 1024), 'archive');
		const plan = planAll(ws, 2, target);
		// The copy's bytes are written from the buffer the source was read (and hashed) into: one byte flipped on
		// its way to the disk, same size, so only the read-back's hash can tell.
		const real = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
		const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
			const into = fs.readlinkSync(`/proc/self/fd/${fd}`);
			if (Buffer.isBuffer(data) && /\.sdstats-tmp-[^/]*-1\/.*\.png$/.test(into)) {
				const [offset = 0, length = data.length - (offset as number), position] = rest as number[];
				const bytes = Buffer.from(data.subarray(offset, offset + length));
				bytes[0] = bytes[0]! ^ 0xff;
				return real(fd, bytes, 0, bytes.length, position);
			}
			return real(fd, data, ...rest);
		}) as typeof fs.writeSync);
		let summary;
		try {
			summary = await runAction(plan, {stateDir: ws.stateDir, nowMs: Date.now()});
		} finally {
			spy.mockRestore();
		}
		expect(summary.moved.map((m) => m.sessionId)).toEqual([sessionName(0)]);
		expect(summary.failed).toHaveLength(1);
		expect(summary.failed[0]!.reason).toMatch(/\.png: the copy reads back different bytes/);
		expect(sessionsIn(ws.root).get(sessionName(1))).toBe(before.get(sessionName(1)));
		expect([...sessionsIn(target).keys()]).toEqual([sessionName(0)]);
		expect(leftovers(ws.root, target)).toEqual([]);
	});

	it('an original that cannot be removed (immutable) keeps the session where it was, without a second copy', async () => {
		const ws = await workspaceWith(2);
		const target = path.join(tmpfs(16 * 1024 * 1024), 'archive');
		const locked = path.join(ws.root, sessionName(0));
		try {
			execFileSync('chattr', ['+i', locked], {stdio: 'pipe'});
		} catch {
			return; // chattr unsupported here: the other failure tests cover the path
		}
		try {
			const result = await archive(ws, {filter: '', to: target});
			expect(result.code).toBe(1);
			expect(result.stdout).toMatch(/archived 1 session .*skipped 1/);
			expect(result.stdout).toContain(
				`${sessionName(0)}: the original cannot be removed: operation not permitted`,
			);
			expect([...sessionsIn(target).keys()]).toEqual([sessionName(1)]);
			expect(fs.existsSync(path.join(locked, 'manifest.json'))).toBe(true);
		} finally {
			execFileSync('chattr', ['-i', locked]);
		}
	});

	it("trash from another filesystem goes to that filesystem's .Trash-<uid> (Path relative to its top), and back", async () => {
		const ws = actionWorkspace();
		const mount = tmpfs(16 * 1024 * 1024);
		const root = path.join(mount, 'results');
		for (let i = 0; i < 2; i++) writeSession(root, sessionName(i), {images: 3, numImages: 3});
		await computeRoot(root, ws.dbPath);
		const before = sessionsIn(root);
		const result = await archive(ws, {root, sessions: [sessionName(0)]}, 'trash');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('(rename)');
		const trash = path.join(mount, `.Trash-${process.getuid!()}`);
		expect(sessionsIn(path.join(trash, 'files')).get(sessionName(0))).toBe(before.get(sessionName(0)));
		expect(fs.readFileSync(path.join(trash, 'info', `${sessionName(0)}.trashinfo`), 'utf8')).toContain(
			`Path=results/${sessionName(0)}\n`,
		);
		expect((fs.statSync(trash).mode & 0o777).toString(8)).toBe('700');
		expect((await undo(ws)).code).toBe(0);
		expect(sessionsIn(root)).toEqual(before);
		expect(fs.readdirSync(path.join(trash, 'info'))).toEqual([]);
	});

	it("uses an administrator's $topdir/.Trash/<uid> only when it has the sticky bit and is not a link", async () => {
		const ws = actionWorkspace();
		const mount = tmpfs(16 * 1024 * 1024);
		const root = path.join(mount, 'results');
		writeSession(root, sessionName(0), {images: 2, numImages: 2});
		writeSession(root, sessionName(1), {images: 2, numImages: 2});
		await computeRoot(root, ws.dbPath);
		fs.mkdirSync(path.join(mount, '.Trash'));
		fs.chmodSync(path.join(mount, '.Trash'), 0o777);
		await archive(ws, {root, sessions: [sessionName(0)]}, 'trash');
		expect(fs.existsSync(path.join(mount, `.Trash-${process.getuid!()}`, 'files', sessionName(0)))).toBe(true);
		fs.chmodSync(path.join(mount, '.Trash'), 0o1777);
		await archive(ws, {root, sessions: [sessionName(1)]}, 'trash');
		expect(fs.existsSync(path.join(mount, '.Trash', String(process.getuid!()), 'files', sessionName(1)))).toBe(
			true,
		);
	});

	for (const point of ['before-move', 'copied', 'published', 'before-database'] as const) {
		it(`an interruption at "${point}" is settled by recovery: each session whole in one place, nothing left to do`, async () => {
			const ws = await workspaceWith(3);
			const target = path.join(tmpfs(16 * 1024 * 1024), 'archive');
			const before = sessionsIn(ws.root);
			const plan = planAll(ws, 3, target);
			await expect(
				runAction(plan, {
					stateDir: ws.stateDir,
					nowMs: Date.now(),
					onStep: (at, id) => {
						if (at === point && (id === sessionName(1) || point === 'before-database'))
							throw new Error('killed');
					},
				}),
			).rejects.toThrow('killed');
			expect(listJournals(ws.stateDir).filter((j) => j.open)).toHaveLength(1);
			const reports = recoverActions(ws.stateDir);
			expect(reports).toHaveLength(1);
			expect(reports[0]!.conflicts).toEqual([]);
			const inRoot = sessionsIn(ws.root);
			const inTarget = sessionsIn(target);
			for (const [name, content] of before) {
				expect(inRoot.has(name) !== inTarget.has(name)).toBe(true);
				expect(inRoot.get(name) ?? inTarget.get(name)).toBe(content);
			}
			const expectedMoved = point === 'before-database' ? 3 : point === 'published' ? 2 : 1;
			expect(inTarget.size).toBe(expectedMoved);
			const stats = pathsIn(ws.dbPath, 'session_stats');
			for (const name of before.keys())
				expect(stats.get(name)).toBe(path.join(inRoot.has(name) ? ws.root : target, name));
			expect(leftovers(ws.root, target)).toEqual([]);
			expect(recoverActions(ws.stateDir)).toEqual([]);
		});
	}
});
