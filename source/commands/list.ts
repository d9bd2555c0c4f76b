/** `sdstats list` and `sdstats show`: print the cache, with each session's state as of now. */
import type {SessionState, StoredSession} from '../core/types.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {Query} from '../core/query.js';
import {compileQuery} from '../view/query-match.js';
import {toSessionView, type SessionView} from '../view/session-view.js';
import {queryWithin, rollup, type GroupBy} from '../view/rollup.js';
import {formatGroupTable, groupsCsv, groupsJson} from './rollup-output.js';
import {DEFAULT_SORT, baseOrder, sortViews, type SortSpec} from '../view/sort.js';
import {sessionsCsv, sessionsJson} from '../format/session-export.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, writeLines, type CommandIo} from '../io.js';
import {formatSessionTable} from './output/table.js';
import {withReadStore} from './open-store.js';
import fs from 'node:fs';
import path from 'node:path';
import {rootsOf} from '../config.js';
import {directlyUnder} from '../store/stats-repository.js';

export type ListFormat = 'table' | 'json' | 'csv';

/**
 * The cached sessions of every root, each named by its root. One root: its cache as it is. Several: each
 * distinct cache is read once and its rows go to the root whose folder holds them; a cache that cannot be
 * opened is said and skipped; a root that is unavailable keeps its rows (as last computed), with a notice.
 */
export function loadRootRows(command: string, options: CommonOptions, io: CommandIo): StoredSession[] | number {
	const roots = rootsOf(options.locations);
	if (roots.length === 1) {
		let rows: StoredSession[] = [];
		const code = withReadStore(command, roots[0]!.dbPath, io, ({repository}) => {
			rows = repository.listAll().map((row) => ({...row, root_name: roots[0]!.name}));
			return EXIT_OK;
		});
		return code === EXIT_OK ? rows : code;
	}
	const rows: StoredSession[] = [];
	let opened = 0;
	for (const dbPath of new Set(roots.map((r) => r.dbPath))) {
		const mine = roots
			.filter((r) => r.dbPath === dbPath)
			.map((r) => ({root: r, prefix: r.path.endsWith(path.sep) ? r.path : r.path + path.sep}));
		// A cache that cannot be opened is said (by withReadStore) and its roots' sessions are left out.
		const code = withReadStore(command, dbPath, io, ({repository}) => {
			for (const row of repository.listAll()) {
				const owner = mine.find(({prefix}) => directlyUnder(prefix, row.session_path));
				if (owner) rows.push({...row, root_name: owner.root.name});
			}
			return EXIT_OK;
		});
		if (code === EXIT_OK) opened++;
	}
	for (const root of roots) {
		if (!fs.existsSync(root.path)) {
			const count = rows.filter((r) => r.root_name === root.name).length;
			io.stderr.write(
				`(root ${sanitizeLine(root.name)} at ${sanitizeLine(root.path)} is unavailable: its ${count} cached sessions are listed as last computed)\n`,
			);
		}
	}
	return opened === 0 ? EXIT_FAILURE : rows;
}

/** `filter`, `sort` and `groupBy` arrive parsed and checked (cli-args.ts). */
export type ListOptions = CommonOptions & {
	format: ListFormat;
	hint?: boolean;
	filter?: Query | undefined;
	sort?: SortSpec | undefined;
	groupBy?: GroupBy | undefined;
};

/** The rows the explorer would show for this query and sort, in its order. */
export function selectSessions(
	rows: readonly StoredSession[],
	query: Query,
	sort: SortSpec,
	nowMs: number,
	stallWindowMs: number,
): Array<{row: StoredSession; state: SessionState}> {
	return sortViews(selectViews(rows, query, nowMs, stallWindowMs), sort).map((view) => ({
		row: view.row as StoredSession,
		state: view.state,
	}));
}

/** The sessions the query selects, as views, in the base order (newest first, then name). */
export function selectViews(
	rows: readonly StoredSession[],
	query: Query,
	nowMs: number,
	stallWindowMs: number,
): SessionView[] {
	const test = compileQuery(query, nowMs);
	return baseOrder(rows.map((row) => toSessionView(row, nowMs, stallWindowMs)).filter(test));
}

export function listCommand(options: ListOptions, io: CommandIo): number {
	const selection = {query: options.filter ?? {terms: []}, sort: options.sort ?? DEFAULT_SORT};
	if (options.groupBy !== undefined) return groupCommand(options, options.groupBy, selection.query, io);
	const loaded = loadRootRows('list', options, io);
	if (typeof loaded === 'number') return loaded;
	const now = options.now();
	{
		const rows = selectSessions(loaded, selection.query, selection.sort, now, options.stallWindowMs);
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
			if (options.hint)
				io.stderr.write(
					'(no terminal: printed the plain list; use `sdstats list --json` or `--csv` for scripts)\n',
				);
		}
		return EXIT_OK;
	}
}

/** `sdstats list --group-by FIELD`: the groups of the sessions `--filter` selects. */
function groupCommand(options: ListOptions, by: GroupBy, query: Query, io: CommandIo): number {
	const loaded = loadRootRows('list', options, io);
	if (typeof loaded === 'number') return loaded;
	{
		const now = options.now();
		// Each group's query is scoped to the filter, so `list --filter=<query>` prints exactly its sessions.
		const groups = rollup(selectViews(loaded, query, now, options.stallWindowMs), by, now).map((group) => ({
			...group,
			query: queryWithin(query, group),
		}));
		if (options.format === 'json') {
			io.stdout.write(`${groupsJson(groups)}\n`);
		} else if (options.format === 'csv') {
			writeLines(io.stdout, groupsCsv(groups, io.stdout.isTTY === true));
		} else if (groups.length === 0) {
			io.stdout.write(
				query.terms.length === 0
					? 'no sessions cached yet (run `sdstats compute`)\n'
					: 'no sessions match the filter\n',
			);
		} else {
			writeLines(io.stdout, formatGroupTable(groups, io.stdout.isTTY ? io.stdout.columns : undefined));
		}
		return EXIT_OK;
	}
}
