/**
 * Which sessions an action on the command line acts on: those `--filter` selects (the explorer's query
 * language) and those named by `--session`, among the cached sessions of the current root, with each one's
 * state as of now (running ones are skipped unless asked).
 */
import path from 'node:path';
import type {Query} from '../core/query.js';
import {sessionIdProblem} from '../core/session-id.js';
import type {Candidate} from '../jobs/actions/plan.js';
import {directlyUnder} from '../store/stats-repository.js';
import {stateOf} from '../core/state.js';
import {compileQuery} from '../view/query-match.js';
import {baseOrder} from '../view/sort.js';
import {toSessionView} from '../view/session-view.js';
import type {CommonOptions} from '../common-options.js';
import {rootsOf} from '../config.js';
import {tryOpenReadStore} from '../store/try-open.js';

/** `filter`: the --filter query, parsed at the edge (cli-args.ts). */
export type SelectionInput = {filter?: Query | undefined; sessions: readonly string[]};

export type Selection = {ok: true; candidates: Candidate[]} | {ok: false; usage: boolean; message: string};

export function selectCandidates(options: CommonOptions, input: SelectionInput): Selection {
	if (input.filter === undefined && input.sessions.length === 0) {
		return {
			ok: false,
			usage: true,
			message:
				'say which sessions: --filter QUERY (as in the explorer, e.g. "state:aborted images:0") and/or --session NAME',
		};
	}
	for (const name of input.sessions) {
		const problem = sessionIdProblem(name);
		if (problem !== null)
			return {ok: false, usage: true, message: `invalid session name ${JSON.stringify(name)}: ${problem}`};
	}
	const opening = tryOpenReadStore(options.locations.dbPath);
	if (!opening.ok) return {ok: false, usage: false, message: opening.reason};
	const {store} = opening;
	try {
		const now = options.now();
		const root = path.resolve(options.locations.root);
		// Sessions of every open root (--root repeated), each acted on in its own folder.
		const prefixes = rootsOf(options.locations).map((r) => {
			const base = path.resolve(r.path);
			return base.endsWith(path.sep) ? base : `${base}${path.sep}`;
		});
		const rows = store.repository
			.listAll()
			.filter((row) => prefixes.some((prefix) => directlyUnder(prefix, row.session_path)));
		const chosen = new Map<string, Candidate>();
		if (input.filter !== undefined) {
			const test = compileQuery(input.filter, now);
			for (const view of baseOrder(
				rows.map((row) => toSessionView(row, now, options.stallWindowMs)).filter(test),
			)) {
				chosen.set(view.row.session_id, {
					sessionId: view.row.session_id,
					state: view.state,
					folder: view.row.session_path,
				});
			}
		}
		const byId = new Map(rows.map((row) => [row.session_id, row]));
		const unknown: string[] = [];
		for (const name of input.sessions) {
			const row = byId.get(name);
			if (!row) unknown.push(name);
			else if (!chosen.has(name))
				chosen.set(name, {
					sessionId: name,
					state: stateOf(row, now, options.stallWindowMs),
					folder: row.session_path,
				});
		}
		if (unknown.length > 0) {
			return {
				ok: false,
				usage: false,
				message: `no cached session of ${root} named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (run \`sdstats compute\` first?)`,
			};
		}
		return {ok: true, candidates: [...chosen.values()]};
	} finally {
		store.close();
	}
}
