/**
 * Archive speed (issue 14). Within one filesystem: 1,000 sessions × 100 images archived by renames, timed as
 * planning (listing every file for the confirmation), the moves, and the database update, then the same run
 * through the binary end to end. Across filesystems (a tmpfs mounted for the bench; needs root): MB/s of the
 * verified copy (fsync, read back, SHA-256 compared, source removed) against `cp -a` of the same tree.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {planArchive} from '../source/jobs/actions/plan.js';
import {runAction} from '../source/jobs/actions/run-action.js';
import {syntheticRoot} from './synthetic-root.js';

function seconds(since: number): number {
	return (performance.now() - since) / 1000;
}

function run(command: string, args: string[], env: {[key: string]: string} = {}): number {
	const started = performance.now();
	const result = spawnSync(command, args, {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, ...env}});
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
	return seconds(started);
}

function candidatesOf(root: string): Array<{sessionId: string; state: null}> {
	return fs
		.readdirSync(root)
		.filter((n) => !n.startsWith('.'))
		.map((sessionId) => ({sessionId, state: null}));
}

export async function actionsSection(cli: string, sessions: number, images: number): Promise<void> {
	console.log(`\narchive · ${sessions} sessions × ~${images} images`);
	const source = syntheticRoot({sessions, images});
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-archive-'));
	try {
		const root = path.join(work, 'results');
		const dbPath = path.join(work, 'metadata', 'sessions.db');
		const stateDir = path.join(work, 'state');
		run('cp', ['-a', source, root]);
		fs.rmSync(path.join(root, '.complete'));
		run(process.execPath, [cli, 'compute', '--root', root, '--db', dbPath]);

		const archive = path.join(work, 'archive');
		// The floor for listing every file with its size: find's lstat of each, as the plan does.
		run('find', [root, '-printf', '%s\n']);
		const floor = run('find', [root, '-printf', '%s\n']);
		let started = performance.now();
		const plan = planArchive(candidatesOf(root), archive, {root, dbPath, includeRunning: true});
		const planned = seconds(started);
		let movedAt = 0;
		started = performance.now();
		const summary = await runAction(plan, {
			stateDir,
			nowMs: Date.now(),
			onStep: (point) => point === 'before-database' && (movedAt = performance.now()),
		});
		const total = seconds(started);
		const moves = (movedAt - started) / 1000;
		const files = plan.moves.reduce((sum, m) => sum + m.files, 0);
		console.log(
			`  same filesystem: plan (list ${files} files)  ${planned.toFixed(3)} s  (find -printf %s of the same tree: ${floor.toFixed(3)} s = ${(planned / floor).toFixed(2)} × floor)`,
		);
		console.log(`  same filesystem: ${summary.moved.length} renames + journal     ${moves.toFixed(3)} s`);
		console.log(`  database update (${summary.moved.length} sessions)          ${(total - moves).toFixed(3)} s`);
		const withoutDb = planned + moves;
		console.log(
			`  archive without the database update    ${withoutDb.toFixed(3)} s  ${withoutDb <= 2 ? 'within target (≤ 2 s)' : 'MISSES target (≤ 2 s)'}`,
		);
		// The same through the binary, both ways: undo puts them back, archive again.
		const env = {SDSTATS_STATE_DIR: stateDir};
		const undoSeconds = run(process.execPath, [cli, 'undo', '--root', root, '--db', dbPath], env);
		const cliSeconds = run(
			process.execPath,
			[
				cli,
				'archive',
				'--root',
				root,
				'--db',
				dbPath,
				'--to',
				archive,
				'--filter',
				'',
				'--include-running',
				'--yes',
			],
			env,
		);
		console.log(
			`  sdstats archive end to end (binary)    ${cliSeconds.toFixed(3)} s  (sdstats undo: ${undoSeconds.toFixed(3)} s)`,
		);
	} finally {
		fs.rmSync(work, {recursive: true, force: true});
	}
	await crossFilesystem();
}

/** Sessions of real-sized images on disk, then the verified copy to a tmpfs against cp -a of the same tree. */
async function crossFilesystem(): Promise<void> {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		console.log('  across filesystems: skipped (mounting a tmpfs as the second filesystem needs root)');
		return;
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-xfs-'));
	const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-tmpfs-'));
	const count = 20;
	const perSession = 20;
	const size = 1024 * 1024;
	let mounted = false;
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${3 * count * perSession * size}`, 'tmpfs', mount]);
		mounted = true;
		const root = path.join(work, 'results');
		for (let s = 0; s < count; s++) {
			const folder = path.join(root, `20251001_${String(100000 + s)}-xfs_${s}`);
			fs.mkdirSync(folder, {recursive: true});
			fs.writeFileSync(path.join(folder, 'manifest.json'), '{"status":"completed"}');
			for (let i = 0; i < perSession; i++)
				fs.writeFileSync(path.join(folder, `img_${i}.png`), crypto.randomBytes(size));
		}
		const mb = (count * perSession * size) / 1e6;
		const cpSeconds = run('cp', ['-a', root, path.join(mount, 'cp-a')]);
		fs.rmSync(path.join(mount, 'cp-a'), {recursive: true});
		const plan = planArchive(candidatesOf(root), path.join(mount, 'archive'), {
			root,
			dbPath: null,
			includeRunning: true,
		});
		const started = performance.now();
		const summary = await runAction(plan, {stateDir: path.join(work, 'state'), nowMs: Date.now()});
		const ours = seconds(started);
		console.log(
			`  across filesystems (disk → tmpfs): ${summary.moved.length} sessions, ${mb.toFixed(0)} MB of 1 MB images`,
		);
		console.log(
			`    cp -a (no fsync, no verify, source kept)                      ${(mb / cpSeconds).toFixed(0)} MB/s  (${cpSeconds.toFixed(2)} s)`,
		);
		console.log(
			`    sdstats archive (fsync, read back + SHA-256, source removed)  ${(mb / ours).toFixed(0)} MB/s  (${ours.toFixed(2)} s) = ${(cpSeconds / ours).toFixed(2)} × cp -a's speed`,
		);
	} finally {
		if (mounted) execFileSync('umount', ['-l', mount]);
		fs.rmSync(mount, {recursive: true, force: true});
		fs.rmSync(work, {recursive: true, force: true});
	}
}
