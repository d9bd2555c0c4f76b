/**
 * `sdstats show NAME [--json] [--missing]`: one cached session; with `--missing`, its missing combinations read
 * from the session folder (a readable list, or with --json a resume list a script can feed back to the generator).
 */
import type {CombinatorialAnalysis, RandomAnalysis} from '../core/analysis/combinations.js';
import {missingReport, type CombinatorialResume} from '../core/analysis/resume-report.js';

// The resume report moved to core (the explorer's resume plan uses it too); re-exported for existing callers.
export {
	missingReport,
	RESUME_LIMIT,
	type CombinatorialResume,
	type RandomResume,
} from '../core/analysis/resume-report.js';
import {missingHeadline, type FolderImageCounts} from '../core/analysis/missing-summary.js';
import {sessionIdProblem} from '../core/session-id.js';
import {insightFor} from '../jobs/session-insight.js';
import {SessionIdError, resolveSessionFolder} from '../scan/session-path.js';
import {toSessionRecord} from '../core/session-model.js';
import {stateOf} from '../core/state.js';
import type {StoredSession} from '../core/types.js';
import {sanitizeLine} from '../text/sanitize.js';
import {formatCombination} from '../format/combination.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLines, type CommandIo} from '../io.js';
import {toJson} from '../format/json.js';
import {formatSessionDetails} from './output/show.js';
import {withReadStore} from './open-store.js';
import path from 'node:path';
import {rootsOf, type RootLocation} from '../config.js';
import {directlyUnder} from '../store/stats-repository.js';

export type ShowOptions = CommonOptions & {
	name: string;
	json: boolean;
	/** Print the missing combinations (read from the session folder) instead of the stats. */
	missing?: boolean;
};

export function showCommand(options: ShowOptions, io: CommandIo): number {
	const problem = sessionIdProblem(options.name);
	if (problem !== null) {
		io.stderr.write(
			`sdstats show: invalid session name ${sanitizeLine(JSON.stringify(options.name))}: ${problem}\n`,
		);
		return EXIT_USAGE;
	}
	const roots = rootsOf(options.locations);
	if (roots.length === 1) {
		return withReadStore('show', roots[0]!.dbPath, io, ({repository}) => {
			const row = repository.get(options.name);
			if (!row) return noSuchSession(options.name, io);
			return showRow(options, {...row, root_name: roots[0]!.name}, roots[0]!, io);
		});
	}
	// Several roots: the session is looked for in every root's cache (each distinct cache read once).
	const found: Array<{row: StoredSession; root: RootLocation}> = [];
	let readable = 0;
	for (const dbPath of new Set(roots.map((r) => r.dbPath))) {
		const code = withReadStore('show', dbPath, io, ({repository}) => {
			const row = repository.get(options.name);
			const root =
				row && roots.find((r) => r.dbPath === dbPath && directlyUnder(prefixOf(r.path), row.session_path));
			if (row && root) found.push({row: {...row, root_name: root.name}, root});
			return EXIT_OK;
		});
		if (code === EXIT_OK) readable++;
	}
	if (readable === 0) return EXIT_FAILURE;
	if (found.length === 0) return noSuchSession(options.name, io);
	if (found.length > 1) {
		io.stderr.write(
			`sdstats show: ${sanitizeLine(JSON.stringify(options.name))} is in ${found.length} roots (${found.map((f) => sanitizeLine(f.root.name)).join(', ')}): pass --root DIR to say which\n`,
		);
		return EXIT_FAILURE;
	}
	return showRow(options, found[0]!.row, found[0]!.root, io);
}

const prefixOf = (root: string): string => (root.endsWith(path.sep) ? root : root + path.sep);

function noSuchSession(name: string, io: CommandIo): number {
	io.stderr.write(
		`sdstats show: no cached session named ${sanitizeLine(JSON.stringify(name))} (run \`sdstats compute\`?)\n`,
	);
	return EXIT_FAILURE;
}

/** One session found in `root`'s cache (its row names the root: details and JSON say which). */
function showRow(options: ShowOptions, row: StoredSession, root: RootLocation, io: CommandIo): number {
	if (options.missing) return showMissing(options, row, root.path, io);
	const record = toSessionRecord(row, stateOf(row, options.now(), options.stallWindowMs));
	if (options.json) io.stdout.write(`${toJson(record)}\n`);
	else writeLines(io.stdout, formatSessionDetails(record));
	return EXIT_OK;
}

function combinatorialText(
	sessionId: string,
	analysis: CombinatorialAnalysis,
	folder: FolderImageCounts,
	resume: CombinatorialResume['resume'],
): string[] {
	const lines: string[] = [];
	lines.push(`${sanitizeLine(sessionId)}: ${missingHeadline(analysis, folder)}`);
	if (analysis.randomPerImage.length > 0) {
		lines.push(
			`${analysis.randomPerImage.map(sanitizeLine).join(', ')}: weight 0, a value picked at random per image (not part of the grid)`,
		);
	}
	if (resume.length === 0) return lines;
	lines.push('', "missing, in the generator's order:");
	for (const entry of resume) lines.push(`  #${entry.index}  ${formatCombination(entry.values, entry.seed)}`);
	const rest = BigInt(analysis.missingCount) - BigInt(resume.length);
	if (rest > 0n) lines.push(`  … and ${rest} more (only the first ${resume.length} are listed)`);
	const short = Object.entries(analysis.shortValues);
	if (short.length > 0) {
		lines.push('', 'values short of images:');
		for (const [name, values] of short) {
			lines.push(
				`  ${sanitizeLine(name)}: ${values.map((v) => `${sanitizeLine(v.value)} (${v.missing} of ${v.expected} missing)`).join(', ')}`,
			);
		}
	}
	return lines;
}

function randomText(sessionId: string, analysis: RandomAnalysis, folder: FolderImageCounts): string[] {
	const lines = [`${sanitizeLine(sessionId)}: ${missingHeadline(analysis, folder)}`];
	const never = Object.entries(analysis.neverProduced);
	if (never.length > 0) {
		lines.push('', 'values never produced:');
		for (const [name, values] of never)
			lines.push(`  ${sanitizeLine(name)}: ${values.map(sanitizeLine).join(', ')}`);
	}
	return lines;
}

function showMissing(options: ShowOptions, row: StoredSession, root: string, io: CommandIo): number {
	let folder: string;
	try {
		// The folder comes from the cached id under its root given now, never from the stored path.
		folder = resolveSessionFolder(root, row.session_id);
	} catch (error) {
		if (!(error instanceof SessionIdError)) throw error;
		io.stderr.write(`sdstats show: ${sanitizeLine(error.message)}\n`);
		return EXIT_FAILURE;
	}
	const state = stateOf(row, options.now(), options.stallWindowMs);
	const insight = insightFor(folder, row.session_id, {
		running: state === 'running',
		sessionCreatedAt: row.session_created_at,
	});
	if (!insight.missing) {
		io.stderr.write(
			`sdstats show: cannot list the missing images of ${sanitizeLine(row.session_id)}: ${sanitizeLine(insight.reason ?? 'no analysis')}\n`,
		);
		return EXIT_FAILURE;
	}
	const report = missingReport(row.session_id, insight.missing);
	if (options.json) {
		io.stdout.write(`${toJson(report)}\n`);
	} else if (insight.missing.kind === 'combinatorial' && report.kind !== 'random') {
		writeLines(io.stdout, combinatorialText(row.session_id, insight.missing, insight, report.resume));
	} else if (insight.missing.kind === 'random') {
		writeLines(io.stdout, randomText(row.session_id, insight.missing, insight));
	}
	return EXIT_OK;
}
