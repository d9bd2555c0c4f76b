/**
 * A small disk that fills up for real: a tmpfs of a few MiB. Mounting needs root, or root inside a user
 * namespace: a test file run by another user runs itself again under `unshare --user --map-root-user --mount`
 * (unprivileged user namespaces, on by default in Linux distributions), where it is root of its own mount
 * namespace and the mount is gone when it ends. (The tmpfs cannot be reached from outside the namespace
 * through /proc/<pid>/root: SQLite resolves that link to the path it names here.)
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type SmallDisk = {
	dir: string;
	/** Writes filler files until the disk refuses a single byte more; returns them (delete them to free space). */
	fill(): string[];
	close(): void;
};

/** Set in the environment of a test file run again inside a user and mount namespace. */
export const IN_NAMESPACE = 'SDSTATS_TEST_IN_USER_NAMESPACE';

export const canMount = (): boolean => process.getuid?.() === 0;

/** Mounts a tmpfs of `bytes` (as root, or root in a user namespace), or says why it cannot be done here. */
export function mountSmallDisk(bytes: number): SmallDisk | {reason: string} {
	if (!canMount()) return {reason: 'mounting a tmpfs needs root (or a user namespace)'};
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-small-disk-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0777`, 'sdstats-small-disk', dir], {
			stdio: 'pipe',
		});
	} catch (error) {
		fs.rmdirSync(dir);
		const stderr = String((error as {stderr?: Buffer}).stderr ?? '').trim();
		return {reason: `cannot mount a tmpfs here: ${stderr || (error as Error).message}`};
	}
	let fillers = 0;
	return {
		dir,
		fill() {
			const made: string[] = [];
			// Big writes first, then smaller ones: the last blocks of the tmpfs are taken too.
			for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
				const chunk = Buffer.alloc(size, 0x5a);
				const file = path.join(dir, `filler-${++fillers}`);
				made.push(file);
				const fd = fs.openSync(file, 'w');
				try {
					for (;;) fs.writeSync(fd, chunk);
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
				} finally {
					fs.closeSync(fd);
				}
			}
			return made;
		},
		close() {
			spawnSync('umount', ['-l', dir]);
			try {
				fs.rmdirSync(dir);
			} catch {
				// Still busy: an empty folder in the temporary folder.
			}
		},
	};
}

/**
 * Runs one test file again as root of a new user and mount namespace (for a user who is not root here).
 * `status` is vitest's exit status there; `reason` says why no namespace could be made.
 */
export function runInUserNamespace(
	testFile: string,
	projectRoot: string,
): {status: number | null; output: string} | {reason: string} {
	const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'], {encoding: 'utf8'});
	if (probe.error || probe.status !== 0)
		return {
			reason: `not root, and no user namespace can be made here (${probe.error?.message ?? probe.stderr.trim()})`,
		};
	const vitest = path.join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
	const run = spawnSync(
		'unshare',
		['--user', '--map-root-user', '--mount', process.execPath, vitest, 'run', testFile],
		{
			cwd: projectRoot,
			encoding: 'utf8',
			env: {...process.env, [IN_NAMESPACE]: '1', NO_COLOR: '1', FORCE_COLOR: '0'},
			timeout: 10 * 60_000,
		},
	);
	const output = `${run.stdout}\n${run.stderr}`.replace(/\u001B\[[0-9;]*m/g, '');
	return {status: run.status, output};
}
