/** A full disk, said one way wherever sdstats meets it (opening, storing, taking the compute lock). */
import fs from 'node:fs';
import path from 'node:path';

/** Below this much free space, an I/O error writing beside a database is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/** Whether the filesystem holding `file` has (almost) no space left for this user; false when it cannot tell. */
export function diskNearlyFull(file: string): boolean {
	try {
		const stats = fs.statfsSync(path.dirname(file));
		return Number(stats.bavail) * Number(stats.bsize) < NEARLY_FULL_BYTES;
	} catch {
		return false;
	}
}

/**
 * SQLite or the system saying the disk is full. With `file`, also an I/O error beside it on a filesystem with
 * no space left: SQLite reports a full disk as SQLITE_IOERR where it cannot tell (sizing the WAL's
 * shared-memory file while opening, for one), which would otherwise reach the user as "disk I/O error".
 */
export function isDiskFull(error: unknown, file?: string): boolean {
	const code = String((error as {code?: unknown} | null)?.code ?? '');
	if (
		code === 'SQLITE_FULL' ||
		code === 'ENOSPC' ||
		/database or disk is full|no space left/i.test((error as Error | null)?.message ?? '')
	)
		return true;
	return file !== undefined && (code.startsWith('SQLITE_IOERR') || code === 'EIO') && diskNearlyFull(file);
}

export function diskFullMessage(file: string): string {
	return `the disk holding ${file} is full: free some space and run again (what was stored before is kept)`;
}
