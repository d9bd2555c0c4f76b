/**
 * Which sessions an action on the command line acts on: those `--filter` selects (the explorer's query
 * language) and those named by `--session`, among the cached sessions of every open root (each with its
 * root and that root's database), with each one's state as of now (running ones are skipped unless asked).
 */
import path from 'node:path';
import type {Query} from '../core/query.js';
import type {StoredSession} from '../core/types.js';
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
	const now = options.now();
	const root = path.resolve(options.locations.root);
	// Sessions of every open root (--root repeated), each acted on in its own folder and through its own
	// root's database: the roots are read database by database (roots side by side share one).
	const groups = new Map<string, Array<{path: string; prefix: string}>>();
	for (const r of rootsOf(options.locations)) {
		const base = path.resolve(r.path);
		const group = groups.get(r.dbPath) ?? [];
		group.push({path: base, prefix: base.endsWith(path.sep) ? base : `${base}${path.sep}`});
		groups.set(r.dbPath, group);
	}
	type Found = {row: StoredSession; root: {path: string; dbPath: string}};
	const found: Found[] = [];
	for (const [dbPath, roots] of groups) {
		const opening = tryOpenReadStore(dbPath);
		if (!opening.ok) {
			// The first root's database must open; another root not computed yet only has nothing to select.
			if (dbPath === options.locations.dbPath) return {ok: false, usage: false, message: opening.reason};
			continue;
		}
		try {
			for (const row of opening.store.repository.listAll()) {
				const own = roots.find((r) => directlyUnder(r.prefix, row.session_path));
				if (own) found.push({row, root: {path: own.path, dbPath}});
			}
		} finally {
			opening.store.close();
		}
	}
	const candidateOf = ({row, root: own}: Found, state: Candidate['state']): Candidate => ({
		sessionId: row.session_id,
		state,
		folder: row.session_path,
		root: own,
	});
	// Keyed by folder: the same name may be cached in two roots.
	const chosen = new Map<string, Candidate>();
	if (input.filter !== undefined) {
		const test = compileQuery(input.filter, now);
		const byPath = new Map(found.map((f) => [f.row.session_path, f]));
		for (const view of baseOrder(found.map((f) => toSessionView(f.row, now, options.stallWindowMs)).filter(test))) {
			chosen.set(view.row.session_path, candidateOf(byPath.get(view.row.session_path)!, view.state));
		}
	}
	const unknown: string[] = [];
	for (const name of input.sessions) {
		const matches = found.filter((f) => f.row.session_id === name);
		if (matches.length === 0) unknown.push(name);
		else if (matches.length > 1)
			return {
				ok: false,
				usage: true,
				message: `${JSON.stringify(name)} is cached in several roots (${matches.map((m) => m.root.path).join(', ')}); pass --root to choose one`,
			};
		else if (!chosen.has(matches[0]!.row.session_path))
			chosen.set(
				matches[0]!.row.session_path,
				candidateOf(matches[0]!, stateOf(matches[0]!.row, now, options.stallWindowMs)),
			);
	}
	if (unknown.length > 0) {
		const where = groups.size > 1 || rootsOf(options.locations).length > 1 ? 'the open roots' : root;
		return {
			ok: false,
			usage: false,
			message: `no cached session of ${where} named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (run \`sdstats compute\` first?)`,
		};
	}
	return {ok: true, candidates: [...chosen.values()]};
}
