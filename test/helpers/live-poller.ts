/** A live poll over an opened database, as the explorer (or with `rememberCached`, `sdstats watch`) makes it. */
import {LivePoller} from '../../source/jobs/live.js';
import type {OpenedDatabase} from '../../source/store/db.js';
import {LiveQueries} from '../../source/store/live-queries.js';
import type {StatsRepository} from '../../source/store/stats-repository.js';

export function livePoller(
	root: string,
	opened: Pick<OpenedDatabase, 'db' | 'path'>,
	repository: StatsRepository,
	options: {rememberCached?: boolean} = {},
): LivePoller {
	return new LivePoller({
		root,
		dbPath: opened.path,
		repository,
		queries: new LiveQueries(opened.db),
		stallWindowMs: 600_000,
		...options,
	});
}
