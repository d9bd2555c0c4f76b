/** Turns filesystem errors into short reasons a person can act on. */

const REASONS: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	ENOENT: 'does not exist',
	ENOTDIR: 'is not a folder',
	EISDIR: 'is a folder, not a file',
	ELOOP: 'symbolic link loop',
	EIO: 'input/output error',
	ENAMETOOLONG: 'name too long',
	EMFILE: 'too many open files',
	ENFILE: 'too many open files',
	ESTALE: 'stale file handle (network filesystem)',
	ENOTCONN: 'not connected (unmounted filesystem?)',
	EEXIST: 'something of that name is already there',
	ENOTEMPTY: 'the folder is not empty',
	EBUSY: 'busy (in use by another program)',
	EFBIG: 'the file is too large for that filesystem',
	ETIMEDOUT: 'timed out (network filesystem?)',
};

export function errorCode(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
		? error.code
		: undefined;
}

export function describeFsError(error: unknown): string {
	const code = errorCode(error);
	if (code !== undefined) return REASONS[code] ?? code;
	return error instanceof Error ? error.message : String(error);
}

/** Errors that mean "the thing is not there (any more)": the folder was deleted or renamed under us. */
export function isGone(error: unknown): boolean {
	const code = errorCode(error);
	return code === 'ENOENT' || code === 'ENOTDIR';
}
