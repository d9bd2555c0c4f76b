/**
 * Telling a damaged database from other failures. Kept apart from db.ts so the CLI's last-resort error handler
 * can use it without loading the SQLite driver on every start (`sdstats --version` included).
 */
const CORRUPT_CODES = /^SQLITE_(NOTADB|CORRUPT)/;

export function isCorruptionError(error: unknown): boolean {
	const code = (error as {code?: unknown} | null)?.code;
	return typeof code === 'string' && CORRUPT_CODES.test(code);
}

export function corruptMessage(dbPath: string, error: unknown): string {
	const detail = error instanceof Error ? error.message : String(error);
	return `${dbPath} is damaged (${detail}). \`sdstats doctor\` backs it up and rebuilds the stats from disk, keeping session_metadata when it can be read.`;
}
