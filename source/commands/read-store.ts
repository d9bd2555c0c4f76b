/** Opening the cache for commands that only read it (list, show, the plain fallback of the explorer). */
import {isOpenProblem, openDatabase, type OpenedDatabase} from '../store/db.js';
import {StatsRepository} from '../store/stats-repository.js';

export type ReadStore = {opened: OpenedDatabase; repository: StatsRepository; close(): void};

export class ReadStoreError extends Error {
	override name = 'ReadStoreError';
}

export function openReadStore(dbPath: string): ReadStore {
	let opened: OpenedDatabase;
	try {
		// Read-only, and never creating a file: a mistyped --db must not leave an empty database behind.
		opened = openDatabase(dbPath, 'read');
	} catch (error) {
		if (isOpenProblem(error)) {
			throw new ReadStoreError(error.message);
		}
		throw error;
	}
	try {
		return {opened, repository: new StatsRepository(opened.db), close: () => opened.db.close()};
	} catch (error) {
		opened.db.close();
		// Prepared statements fail on a database no compute has set up yet.
		throw new ReadStoreError(
			`${opened.path} holds no sdstats cache yet (run \`sdstats compute\`): ${(error as Error).message}`,
		);
	}
}
