/**
 * One compute at a time per database. SQLite already serialises writes; this lock keeps two computes from
 * scanning and writing the same sessions twice, and lets the second say who holds the database.
 *
 * The lock is a file beside sdstats' own database (`sdstats.db.compute-lock`) holding the holder's pid, host
 * and start time. It appears whole or not at all (written to a private file, then hard-linked into place,
 * which fails if a lock exists), so an empty or unreadable lock file is never a live holder's: it is taken
 * over at once. A holder that died (SIGKILL, power loss) leaves its file behind; a lock whose pid no longer
 * runs on this host (or runs something other than node) is taken over too. Nothing ever waits for a process
 * that does not exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import {diskFullMessage} from './disk-full.js';

export type LockHolder = {pid: number; host: string; startedAt: string; command: string};

export type ComputeLock = {readonly path: string; release(): void};

export type LockAttempt =
	| {ok: true; lock: ComputeLock}
	/** `cannotCreate`: no process holds it, the lock file itself cannot be made (full disk…): waiting will not help. */
	| {ok: false; holder: LockHolder | null; reason: string; cannotCreate?: true};

/**
 * Removes a file, if it is there. Not fs.rmSync: its first call loads Node's recursive-removal code and lstats
 * the path first, ≈5 ms of every compute's start for what is one unlink.
 */
function removeFile(file: string): void {
	try {
		fs.unlinkSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

export function lockPathFor(dbPath: string): string {
	return `${dbPath}.compute-lock`;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function readHolder(lockPath: string): LockHolder | null {
	try {
		const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockHolder>;
		if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
			return {
				pid: parsed.pid,
				host: parsed.host,
				startedAt: String(parsed.startedAt ?? ''),
				command: String(parsed.command ?? ''),
			};
		}
	} catch {
		// Unreadable or half-written: judged by its age below.
	}
	return null;
}

/**
 * Whether a running pid is still an sdstats (node) process. Pids are reused: after a crash and a reboot the
 * number may belong to anything. Where /proc is readable (Linux) the command line tells; elsewhere assume yes.
 */
function isNodeProcess(pid: number): boolean {
	try {
		const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		return /node|sdstats/.test(cmdline);
	} catch {
		return true;
	}
}

/** A lock left by a process that is gone (same host, pid not running or reused), or one with no readable holder. */
function isStale(holder: LockHolder | null): boolean {
	if (holder) return holder.host === os.hostname() && (!isAlive(holder.pid) || !isNodeProcess(holder.pid));
	return true;
}

/** Creates `lockPath` holding `text`, whole, or fails with EEXIST when it exists. */
function createWhole(lockPath: string, text: string): void {
	const temporary = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
	try {
		fs.writeFileSync(temporary, text, {flag: 'wx'});
	} catch (error) {
		// A full disk creates the file and refuses its bytes: nothing is left behind.
		removeFile(temporary);
		throw error;
	}
	try {
		fs.linkSync(temporary, lockPath);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		// Filesystems without hard links: an exclusive create, then the content (a short window of an empty file).
		if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
			const fd = fs.openSync(lockPath, 'wx');
			try {
				fs.writeSync(fd, text);
			} finally {
				fs.closeSync(fd);
			}
			return;
		}
		throw error;
	} finally {
		removeFile(temporary);
	}
}

export function describeHolder(holder: LockHolder | null): string {
	if (!holder) return 'another sdstats process';
	const where = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
	return `${holder.command || 'sdstats'} (pid ${holder.pid}${where}, started ${holder.startedAt})`;
}

export function tryAcquireComputeLock(dbPath: string, command: string): LockAttempt {
	const lockPath = lockPathFor(dbPath);
	const me: LockHolder = {pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command};
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			createWhole(lockPath, JSON.stringify(me));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== 'EEXIST') {
				const reason =
					code === 'ENOSPC'
						? diskFullMessage(dbPath)
						: `cannot create ${lockPath}: ${code ?? (error as Error).message}`;
				return {ok: false, holder: null, reason, cannotCreate: true};
			}
			const holder = readHolder(lockPath);
			if (isStale(holder)) {
				removeFile(lockPath);
				continue;
			}
			return {ok: false, holder, reason: `${describeHolder(holder)} is computing this database`};
		}
		let released = false;
		return {
			ok: true,
			lock: {
				path: lockPath,
				release() {
					if (released) return;
					released = true;
					// Only our own lock is removed (a stale-lock takeover may have replaced it).
					if (readHolder(lockPath)?.pid === me.pid) removeFile(lockPath);
				},
			},
		};
	}
	return {ok: false, holder: readHolder(lockPath), reason: 'the compute lock keeps changing hands'};
}

/** Waits for the lock, polling; `onWait` is told once who holds it. Stops early when `cancelled()` says so. */
export async function acquireComputeLock(
	dbPath: string,
	command: string,
	options: {wait: boolean; onWait?: (holder: LockHolder | null) => void; cancelled?: () => boolean; pollMs?: number},
): Promise<LockAttempt> {
	let told = false;
	for (;;) {
		const attempt = tryAcquireComputeLock(dbPath, command);
		if (attempt.ok || !options.wait || attempt.cannotCreate) return attempt;
		if (!told) {
			options.onWait?.(attempt.holder);
			told = true;
		}
		if (options.cancelled?.()) return attempt;
		await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
	}
}
