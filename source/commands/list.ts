/** `sdstats list` and `sdstats show`: print the cache, with each session's state as of now. */
import type {SessionState, StoredSession} from '../core/types.js';
import {sanitizeBlock, sanitizeLine} from '../text/sanitize.js';
import {parseQuery, type Query} from '../core/query.js';
import {compileQuery} from '../view/query-match.js';
import {toSessionView, type SessionView} from '../view/session-view.js';
import {GROUP_BYS, parseGroupBy, queryWithin, rollup} from '../view/rollup.js';
import {formatGroupTable, groupsCsv, groupsJson} from './rollup-output.js';
import {DEFAULT_SORT, SORT_KEYS, baseOrder, parseSortSpec, sortViews, type SortSpec} from '../view/sort.js';
import {sessionsCsv, sessionsJson} from '../format/session-export.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLines, type CommandIo} from '../io.js';
import {formatSessionTable} from './output/table.js';
import {openReadStore, ReadStoreError, type ReadStore} from './read-store.js';

export type ListFormat = 'table' | 'json' | 'csv';

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
		if (store.opened.notice) io.stderr.write(`(${sanitizeLine(store.opened.notice)})\n`);
		return body(store);
	} finally {
		store.close();
	}
}

export type ListOptions = CommonOptions & {format: ListFormat; hint?: boolean; filter?: string; sort?: string; groupBy?: string};

/** The query and sort of `--filter`/`--sort`, or a usage message (with the query error's position). */
export function parseListSelection(filter: string | undefined, sort: string | undefined): {query: Query; sort: SortSpec} | {error: string} {
	const parsed = parseQuery(filter ?? '');
	if (!parsed.ok) {
		const {position, message} = parsed.error;
		return {error: `--filter: ${message} (at ${position + 1})\n  ${filter}\n  ${' '.repeat(position)}^`};
	}
	const spec = sort === undefined ? DEFAULT_SORT : parseSortSpec(sort);
	if (spec === null) return {error: `--sort: expected FIELD or FIELD:desc with FIELD one of ${SORT_KEYS.join(', ')}`};
	return {query: parsed.query, sort: spec};
}

/** The rows the explorer would show for this query and sort, in its order. */
export function selectSessions(rows: readonly StoredSession[], query: Query, sort: SortSpec, nowMs: number, stallWindowMs: number): Array<{row: StoredSession; state: SessionState}> {
	return sortViews(selectViews(rows, query, nowMs, stallWindowMs), sort).map((view) => ({row: view.row as StoredSession, state: view.state}));
}

/** The sessions the query selects, as views, in the base order (newest first, then name). */
export function selectViews(rows: readonly StoredSession[], query: Query, nowMs: number, stallWindowMs: number): SessionView[] {
	const test = compileQuery(query, nowMs);
	return baseOrder(rows.map((row) => toSessionView(row, nowMs, stallWindowMs)).filter(test));
}

export function listCommand(options: ListOptions, io: CommandIo): number {
	const selection = parseListSelection(options.filter, options.sort);
	if ('error' in selection) {
		io.stderr.write(`sdstats list: ${sanitizeBlock(selection.error)}\n`);
		return EXIT_USAGE;
	}
	if (options.groupBy !== undefined) return groupCommand(options, selection.query, io);
	return withStore('list', options.locations.dbPath, io, ({repository}) => {
		const now = options.now();
		const rows = selectSessions(repository.listAll(), selection.query, selection.sort, now, options.stallWindowMs);
		if (options.format === 'json') {
			io.stdout.write(`${sessionsJson(rows)}\n`);
		} else if (options.format === 'csv') {
			// On a terminal, cells are made inert; into a file or pipe they stay raw (only CSV-escaped).
			writeLines(io.stdout, sessionsCsv(rows, io.stdout.isTTY === true));
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

/** `sdstats list --group-by FIELD`: the groups of the sessions `--filter` selects. */
function groupCommand(options: ListOptions, query: Query, io: CommandIo): number {
	const by = parseGroupBy(options.groupBy ?? '');
	if (by === null) {
		io.stderr.write(`sdstats list: --group-by: unknown field ${sanitizeLine(JSON.stringify(options.groupBy ?? ''))} (fields: ${GROUP_BYS.join(', ')})\n`);
		return EXIT_USAGE;
	}
	return withStore('list', options.locations.dbPath, io, ({repository}) => {
		const now = options.now();
		// Each group's query is scoped to the filter, so `list --filter=<query>` prints exactly its sessions.
		const groups = rollup(selectViews(repository.listAll(), query, now, options.stallWindowMs), by, now).map((group) => ({...group, query: queryWithin(query, group)}));
		if (options.format === 'json') {
			io.stdout.write(`${groupsJson(groups)}\n`);
		} else if (options.format === 'csv') {
			writeLines(io.stdout, groupsCsv(groups, io.stdout.isTTY === true));
		} else if (groups.length === 0) {
			io.stdout.write(query.terms.length === 0 ? 'no sessions cached yet (run `sdstats compute`)\n' : 'no sessions match the filter\n');
		} else {
			writeLines(io.stdout, formatGroupTable(groups, io.stdout.isTTY ? io.stdout.columns : undefined));
		}
		return EXIT_OK;
	});
}

