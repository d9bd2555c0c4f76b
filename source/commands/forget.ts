/**
 * `sdstats forget --yes`: removes the cached stats of every session of the results root (its folder may be
 * gone for good). Stats of a root that vanished are otherwise kept; this is the user asking. Never touches
 * session_metadata.
 */
import path from 'node:path';
import {acquireComputeLock} from '../store/compute-lock.js';
import {openDatabaseOrSay} from './open-store.js';
import {StatsRepository} from '../store/stats-repository.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';

export async function forgetCommand(options: CommonOptions & {yes: boolean}, io: CommandIo): Promise<number> {
	const {root, dbPath} = options.locations;
	const opened = openDatabaseOrSay('forget', dbPath, 'write', io);
	if (typeof opened === 'number') return opened;
	try {
		const repository = new StatsRepository(opened.db);
		const ids = [...repository.markLookup(path.resolve(root)).keys()];
		if (!options.yes) {
			io.stderr.write(
				`sdstats forget: this removes the cached stats of ${ids.length} sessions of ${sanitizeLine(root)} (session_metadata is kept); run again with --yes\n`,
			);
			return EXIT_USAGE;
		}
		const lock = await acquireComputeLock(opened.path, 'sdstats forget', {wait: true});
		if (!lock.ok) {
			io.stderr.write(`sdstats forget: ${sanitizeLine(lock.reason)}\n`);
			return EXIT_FAILURE;
		}
		try {
			const removed = repository.deleteMany(ids);
			io.stdout.write(`removed the cached stats of ${removed} sessions of ${sanitizeLine(root)}\n`);
			return EXIT_OK;
		} finally {
			lock.lock.release();
		}
	} finally {
		opened.db.close();
	}
}
