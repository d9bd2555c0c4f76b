import path from 'node:path';

/** Path separators of this system: `/` on Linux and macOS (where `\\` is an ordinary name character), both on Windows. */
const SEPARATORS: readonly string[] = path.sep === '\\' ? ['/', '\\'] : ['/'];

/**
 * A session id is a folder name directly under the results root and nothing else. Ids come from the command
 * line and from other tools' rows, so they are checked before any path is built from them.
 */

/** Why `name` cannot be a session id, or null when it is acceptable. */
export function sessionIdProblem(name: string): string | null {
	if (name.length === 0) return 'is empty';
	if (name.includes('\0')) return 'contains a NUL byte';
	if (SEPARATORS.some((separator) => name.includes(separator))) return 'contains a path separator';
	if (name === '.' || name === '..') return 'is not a folder name';
	if (name.startsWith('.')) return 'starts with "." (hidden folders are not sessions)';
	return null;
}
