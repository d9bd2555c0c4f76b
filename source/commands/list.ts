/** `sdstats list` and `sdstats show`: print the cache, with each session's state as of now. */
import {SESSION_STATS_COLUMNS} from '../store/schema.js';
import {stateOf, toSessionRecord} from '../store/session-model.js';
import {sanitizeLine} from '../text/sanitize.js';
import {sessionIdProblem} from '../core/session-id.js';
import type {CommonOptions} from './context.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLines, type CommandIo} from './io.js';
import {csvLine} from './output/csv.js';
import {toJson} from './output/json.js';
import {formatSessionDetails} from './output/show.js';
import {formatSessionTable} from './output/table.js';
import {openReadStore, ReadStoreError, type ReadStore} from './read-store.js';

export type ListFormat = 'table' | 'json' | 'csv';

const RECORD_EXTRA_COLUMNS = ['state', 'manifest_status', 'images_recorded', 'error'] as const;

function withStore(command: string, dbPath: string, io: CommandIo, body: (store: ReadStore) => number): number {
	let store: ReadStore;
	try {
		store = openReadStore(dbPath);
	} catch (error) {
		if (!(error instanceof ReadStoreError)) throw error;
		io.stderr.write(`sdstats ${command}: ${sanitizeLine(error.message)}\n`);
		return EXIT_FAILURE;
	}
	try {
		return body(store);
	} finally {
		store.close();
	}
}

export function listCommand(options: CommonOptions & {format: ListFormat; hint?: boolean}, io: CommandIo): number {
	return withStore('list', options.locations.dbPath, io, ({repository}) => {
		const now = options.now();
		const rows = repository.listAll().map((row) => ({row, state: stateOf(row, now, options.stallWindowMs)}));
		if (options.format === 'json') {
			io.stdout.write(`${toJson(rows.map(({row, state}) => toSessionRecord(row, state)))}\n`);
		} else if (options.format === 'csv') {
			const header = [...SESSION_STATS_COLUMNS, ...RECORD_EXTRA_COLUMNS];
			const lines = [header.join(',')];
			for (const {row, state} of rows) {
				const record = toSessionRecord(row, state) as unknown as Record<string, unknown>;
				// On a terminal, cells are made inert; into a file or pipe they stay raw (only CSV-escaped).
				lines.push(csvLine(header.map((h) => (io.stdout.isTTY && typeof record[h] === 'string' ? sanitizeLine(record[h]) : record[h]))));
			}
			writeLines(io.stdout, lines);
		} else {
			if (rows.length === 0) {
				io.stdout.write('no sessions cached yet (run `sdstats compute`)\n');
			} else {
				writeLines(io.stdout, formatSessionTable(rows, io.stdout.isTTY ? io.stdout.columns : undefined));
			}
			if (options.hint) io.stderr.write('(no terminal: printed the plain list; use `sdstats list --json` or `--csv` for scripts)\n');
		}
		return EXIT_OK;
	});
}

export function showCommand(options: CommonOptions & {name: string; json: boolean}, io: CommandIo): number {
	const problem = sessionIdProblem(options.name);
	if (problem !== null) {
		io.stderr.write(`sdstats show: invalid session name ${sanitizeLine(JSON.stringify(options.name))}: ${problem}\n`);
		return EXIT_USAGE;
	}
	return withStore('show', options.locations.dbPath, io, ({repository}) => {
		const row = repository.get(options.name);
		if (!row) {
			io.stderr.write(`sdstats show: no cached session named ${sanitizeLine(JSON.stringify(options.name))} (run \`sdstats compute\`?)\n`);
			return EXIT_FAILURE;
		}
		const record = toSessionRecord(row, stateOf(row, options.now(), options.stallWindowMs));
		if (options.json) io.stdout.write(`${toJson(record)}\n`);
		else writeLines(io.stdout, formatSessionDetails(record));
		return EXIT_OK;
	});
}
