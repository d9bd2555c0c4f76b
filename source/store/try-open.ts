/**
 * Opening the database as a result, not an exception: the database opened, or the one sentence saying why it
 * cannot be (missing, a folder, a FIFO, not SQLite, a foreign or newer schema, read-only, not set up by a compute
 * yet). Anything else is a bug and still throws. Commands say the sentence through commands/open-store.ts.
 */
import {isOpenProblem, openDatabase, type OpenMode, type OpenOptions, type OpenedDatabase} from './db.js';
import {StatsRepository} from './stats-repository.js';

/** The cache opened for reading, with its repository (list, show, the action selection, resume). */
export type ReadStore = {opened: OpenedDatabase; repository: StatsRepository; close(): void};

/** Why the database cannot be used, as the sentence to show. */
export type OpenRefusal = {ok: false; reason: string};

/** Opens the database, or gives the reason it cannot be opened; a bug (anything else) still throws. */
export function tryOpenDatabase(
	dbPath: string,
	mode: OpenMode,
	options: OpenOptions = {},
): {ok: true; opened: OpenedDatabase} | OpenRefusal {
	try {
		return {ok: true, opened: openDatabase(dbPath, mode, options)};
	} catch (error) {
		if (isOpenProblem(error)) return {ok: false, reason: error.message};
		throw error;
	}
}

/**
 * Opens the cache read-only, never creating a file (a mistyped --db must not leave an empty database behind),
 * or gives the reason it cannot be read.
 */
export function tryOpenReadStore(dbPath: string): {ok: true; store: ReadStore} | OpenRefusal {
	const attempt = tryOpenDatabase(dbPath, 'read');
	if (!attempt.ok) return attempt;
	const {opened} = attempt;
	try {
		return {ok: true, store: {opened, repository: new StatsRepository(opened.db), close: () => opened.db.close()}};
	} catch (error) {
		opened.db.close();
		// Prepared statements fail on a database no compute has set up yet.
		return {
			ok: false,
			reason: `${opened.path} holds no sdstats cache yet (run \`sdstats compute\`): ${(error as Error).message}`,
		};
	}
}
