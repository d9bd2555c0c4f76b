/**
 * Copying one file to another filesystem and proving the copy, on whichever thread runs it (the copy workers,
 * or the caller's thread where no compiled worker exists). No imports beyond Node and the error texts, so a
 * worker loads little.
 *
 * The source is read once: each piece goes into the SHA-256 of the source and, from the same buffer, into the
 * copy. The copy is then fsynced and read back, and its own SHA-256 must match. Measured against copying in
 * the kernel (copy_file_range) and hashing both files afterwards: the same CPU or less (one read of the source
 * instead of two), and on a cold disk the source is read from the disk once, not twice.
 *
 * What the read-back proves: the kernel's view of the copy after fsync, which is the page cache (Node has no
 * posix_fadvise or O_DIRECT with aligned buffers to make it re-read the medium). It catches a copy that came
 * out different on the way (a bad buffer, a driver, a filesystem bug, a wrong length); a medium that loses
 * written bytes silently shows only on a later read, and fsync reports the write errors the disk admits to.
 *
 * A source changing during its copy: the bytes hashed are the bytes written, so the copy is always a faithful
 * copy of what was read; a write to the source meanwhile changes its size or mtime, checked here on the open
 * file after the copy, and the caller compares the whole folder's listing (names, sizes, mtimes) again after
 * all its files are copied.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {describeFsError, errorCode} from '../../scan/errors.js';

export type Failure = {ok: false; reason: string; code?: string};
export type Result<T = object> = ({ok: true} & T) | Failure;

/**
 * One file to copy: where from and to, its path inside the session and (optionally) the folder the session is
 * being copied into, both for messages; without `where` the target file's folder is named.
 */
export type FileCopyJob = {source: string; target: string; rel: string; where?: string};
export type FileCopyResult = Result<{bytes: number}>;

/**
 * Bytes read, hashed and written at a time. Images are mostly under this, so one read each; larger files
 * take several. Measured 256 KB … 16 MB: no difference in time; 4 MB keeps each thread's buffer small.
 */
export const COPY_BUFFER_BYTES = 4 * 1024 * 1024;

export function reasonOf(error: unknown, what: string): Failure {
	const code = errorCode(error);
	const text =
		code === 'ENOSPC'
			? 'the target disk is full'
			: code === 'EROFS'
				? 'the target is on a read-only filesystem'
				: code === 'EDQUOT'
					? 'the disk quota is exceeded'
					: describeFsError(error);
	return code === undefined ? {ok: false, reason: `${what}: ${text}`} : {ok: false, reason: `${what}: ${text}`, code};
}

/** What a person can do about a file that could not be copied, by error code. */
const COPY_ADVICE: Record<string, string> = {
	ENOSPC: 'free some space there and try again',
	EDQUOT: 'free some space there and try again',
	EROFS: 'choose a writable target',
	EACCES: 'check the permissions there and try again',
	EPERM: 'check the permissions there and try again',
};

/**
 * One sentence for a file that could not be copied: which file, to where, why, that the session stays where it
 * was (the caller removes the partial copy) and what to do.
 */
export function copyFailure(error: unknown, job: FileCopyJob): Failure {
	const where = job.where ?? path.dirname(job.target);
	const {reason, code} = reasonOf(error, `${job.rel} could not be copied to ${where}`);
	const advice = (code !== undefined && COPY_ADVICE[code]) || 'try again';
	const failure: Failure = {ok: false, reason: `${reason}; the session was left in place, ${advice}`};
	if (code !== undefined) failure.code = code;
	return failure;
}

function readFully(fd: number, buffer: Buffer, position: number): number {
	let n = 0;
	while (n < buffer.length) {
		const got = fs.readSync(fd, buffer, n, buffer.length - n, position + n);
		if (got === 0) break;
		n += got;
	}
	return n;
}

function writeFully(fd: number, buffer: Buffer, length: number, position: number): void {
	let n = 0;
	while (n < length) n += fs.writeSync(fd, buffer, n, length - n, position + n);
}

/**
 * Copies `job.source` to `job.target` (which must not exist: exclusive create), with the source's mode, owner
 * (when running as root) and times, fsynced, and verified by SHA-256 as the opening comment says. `buffer` is
 * the thread's own, reused for every file.
 */
export function copyFileVerified(job: FileCopyJob, asRoot: boolean, buffer: Buffer): FileCopyResult {
	const fds: {input: number | null; output: number | null} = {input: null, output: null};
	let result: FileCopyResult;
	try {
		result = copyOpen(job, asRoot, buffer, fds);
	} catch (error) {
		result = copyFailure(error, job);
	}
	// A close can fail too (a network filesystem reports a lost write at close: EIO): that file's copy failed,
	// and nothing is thrown (on the caller's thread a throw here would escape a setImmediate).
	for (const fd of [fds.input, fds.output])
		if (fd !== null)
			try {
				fs.closeSync(fd);
			} catch (error) {
				if (result.ok) result = copyFailure(error, job);
			}
	return result;
}

/** The copy itself; the descriptors it opens go into `fds` for the caller to close. */
function copyOpen(
	job: FileCopyJob,
	asRoot: boolean,
	buffer: Buffer,
	fds: {input: number | null; output: number | null},
): FileCopyResult {
	const input = (fds.input = fs.openSync(job.source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW));
	const before = fs.fstatSync(input);
	if (!before.isFile())
		return {
			ok: false,
			reason: `${job.rel} is no longer a file (something replaced it meanwhile); the session was left in place, try again when it is quiet`,
		};
	const output = (fds.output = fs.openSync(
		job.target,
		fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
		0o600,
	));
	const sourceHash = crypto.createHash('sha256');
	let size = 0;
	for (;;) {
		const n = readFully(input, buffer, size);
		if (n === 0) break;
		sourceHash.update(buffer.subarray(0, n));
		writeFully(output, buffer, n, size);
		size += n;
		if (n < buffer.length) break;
	}
	const after = fs.fstatSync(input);
	if (size !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
		return {
			ok: false,
			reason: `${job.rel}: the original changed while it was copied; copy it again when it is quiet`,
		};
	// Owner before mode: a chown clears the set-id bits, which the mode then restores.
	if (asRoot) fs.fchownSync(output, before.uid, before.gid);
	fs.fchmodSync(output, before.mode & 0o7777);
	fs.futimesSync(output, before.atime, before.mtime);
	fs.fsyncSync(output);
	const copyHash = crypto.createHash('sha256');
	let copied = 0;
	for (;;) {
		const n = readFully(output, buffer, copied);
		if (n === 0) break;
		copyHash.update(buffer.subarray(0, n));
		copied += n;
		if (n < buffer.length) break;
	}
	if (copied !== size || copyHash.digest('hex') !== sourceHash.digest('hex'))
		return {
			ok: false,
			reason: `${job.rel}: the copy reads back different bytes (the original changed while it was copied, or a disk error); the session was left in place, try again`,
		};
	return {ok: true, bytes: size};
}
