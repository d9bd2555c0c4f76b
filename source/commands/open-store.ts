/**
 * Opening the database for a command, or saying why not. Every command that opens it comes through here, so a
 * database the user cannot use (missing, a folder, a FIFO, not SQLite, a foreign or newer schema, read-only,
 * not set up by a compute yet) is one sentence in one form, `sdstats <command>: <reason>`, exit 1, never a stack
 * trace; what opening did or found that the user should hear about (a folder created, a 0.1.0 cache, a newer
 * schema browsed read-only) is said once, on stderr, the same way by every command.
 */
import type {OpenMode, OpenOptions, OpenedDatabase} from '../store/db.js';
import {tryOpenDatabase, tryOpenReadStore, type OpenRefusal, type ReadStore} from '../store/try-open.js';
import {sanitizeLine} from '../text/sanitize.js';
import {EXIT_FAILURE, type CommandIo} from '../io.js';

/** Says a refusal the one way every command does: `sdstats <command>: <reason>` on stderr. Gives exit 1. */
export function sayRefusal(command: string, refusal: OpenRefusal, io: CommandIo): number {
	io.stderr.write(`sdstats ${command}: ${sanitizeLine(refusal.reason)}\n`);
	return EXIT_FAILURE;
}

/** What opening found or did that the user should hear about, said once on stderr. */
function sayOpening(opened: OpenedDatabase, io: CommandIo): void {
	if (opened.notice) io.stderr.write(`(${sanitizeLine(opened.notice)})\n`);
	for (const event of opened.events) io.stderr.write(`${sanitizeLine(event)}\n`);
}

/**
 * Opens the database for `command` (compute, watch, forget, doctor…), saying what opening did; or says why it
 * cannot and gives the exit code. The caller closes what it gets.
 */
export function openDatabaseOrSay(
	command: string,
	dbPath: string,
	mode: OpenMode,
	io: CommandIo,
	options: OpenOptions = {},
): OpenedDatabase | number {
	const attempt = tryOpenDatabase(dbPath, mode, options);
	if (!attempt.ok) return sayRefusal(command, attempt, io);
	sayOpening(attempt.opened, io);
	return attempt.opened;
}

/** Runs `body` on the cache opened for reading, closed after; or says why it cannot be read (exit 1). */
export function withReadStore<T extends number | Promise<number>>(
	command: string,
	dbPath: string,
	io: CommandIo,
	body: (store: ReadStore) => T,
): T | number {
	const attempt = tryOpenReadStore(dbPath);
	if (!attempt.ok) return sayRefusal(command, attempt, io);
	const {store} = attempt;
	sayOpening(store.opened, io);
	let result: T;
	try {
		result = body(store);
	} catch (error) {
		store.close();
		throw error;
	}
	if (result instanceof Promise) return result.finally(() => store.close()) as T;
	store.close();
	return result;
}
