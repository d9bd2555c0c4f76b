/**
 * `sdstats show NAME [--json] [--missing]`: one cached session; with `--missing`, its missing combinations read
 * from the session folder (a readable list, or with --json a resume list a script can feed back to the generator).
 */
import {resumeList, type CombinatorialAnalysis, type MissingAnalysis, type RandomAnalysis} from '../core/analysis/combinations.js';
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
import {openReadStore, ReadStoreError, type ReadStore} from './read-store.js';

export type ShowOptions = CommonOptions & {
	name: string;
	json: boolean;
	/** Print the missing combinations (read from the session folder) instead of the stats. */
	missing?: boolean;
};

/** The longest resume list printed (compare its length with `missing_count`). */
export const RESUME_LIMIT = 100_000;

function withStore(dbPath: string, io: CommandIo, body: (store: ReadStore) => number): number {
	let store: ReadStore;
	try {
		store = openReadStore(dbPath);
	} catch (error) {
		if (!(error instanceof ReadStoreError)) throw error;
		io.stderr.write(`sdstats show: ${sanitizeLine(error.message)}\n`);
		return EXIT_FAILURE;
	}
	try {
		return body(store);
	} finally {
		store.close();
	}
}

export function showCommand(options: ShowOptions, io: CommandIo): number {
	const problem = sessionIdProblem(options.name);
	if (problem !== null) {
		io.stderr.write(`sdstats show: invalid session name ${sanitizeLine(JSON.stringify(options.name))}: ${problem}\n`);
		return EXIT_USAGE;
	}
	return withStore(options.locations.dbPath, io, ({repository}) => {
		const row = repository.get(options.name);
		if (!row) {
			io.stderr.write(`sdstats show: no cached session named ${sanitizeLine(JSON.stringify(options.name))} (run \`sdstats compute\`?)\n`);
			return EXIT_FAILURE;
		}
		if (options.missing) return showMissing(options, row, io);
		const record = toSessionRecord(row, stateOf(row, options.now(), options.stallWindowMs));
		if (options.json) io.stdout.write(`${toJson(record)}\n`);
		else writeLines(io.stdout, formatSessionDetails(record));
		return EXIT_OK;
	});
}

/**
 * `--missing --json` for a combinatorial session: `kind` is `seed-sweep` when the grid repeats every combination
 * over a seed list (`seeds`, in the generator's order), else `combinatorial`.
 */
export type CombinatorialResume = {
	session_id: string;
	kind: 'combinatorial' | 'seed-sweep';
	/** The placeholders in the generator's loop order, outermost first. */
	placeholders: string[];
	seeds?: Array<number | bigint>;
	planned: number | bigint;
	found: number;
	missing_count: number | bigint;
	capped: boolean;
	/** Missing cells in the generator's order: index (position in that order), values, and the planned seed when known. */
	resume: Array<{index: number | bigint; values: Record<string, string>; seed?: number | bigint}>;
};

/** `--missing --json` for a random session: no cells to name, so the resume list is empty. */
export type RandomResume = {
	session_id: string;
	kind: 'random';
	planned: number | bigint;
	found: number;
	missing_count: number | bigint;
	never_produced: Record<string, string[]>;
	resume: [];
};

export function missingReport(sessionId: string, analysis: MissingAnalysis): CombinatorialResume | RandomResume {
	if (analysis.kind === 'random') {
		return {
			session_id: sessionId,
			kind: 'random',
			planned: analysis.expected,
			found: analysis.found,
			missing_count: analysis.missingCount,
			never_produced: analysis.neverProduced,
			resume: [],
		};
	}
	return {
		session_id: sessionId,
		kind: analysis.seeds ? 'seed-sweep' : 'combinatorial',
		placeholders: analysis.placeholders,
		...(analysis.seeds ? {seeds: analysis.seeds} : {}),
		planned: analysis.planned,
		found: analysis.found,
		missing_count: analysis.missingCount,
		capped: analysis.capped,
		resume: resumeList(analysis, {limit: RESUME_LIMIT}),
	};
}

function combinatorialText(sessionId: string, analysis: CombinatorialAnalysis, folder: FolderImageCounts, resume: CombinatorialResume['resume']): string[] {
	const lines: string[] = [];
	lines.push(`${sanitizeLine(sessionId)}: ${missingHeadline(analysis, folder)}`);
	if (analysis.randomPerImage.length > 0) {
		lines.push(`${analysis.randomPerImage.map(sanitizeLine).join(', ')}: weight 0, a value picked at random per image (not part of the grid)`);
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
			lines.push(`  ${sanitizeLine(name)}: ${values.map((v) => `${sanitizeLine(v.value)} (${v.missing} of ${v.expected} missing)`).join(', ')}`);
		}
	}
	return lines;
}

function randomText(sessionId: string, analysis: RandomAnalysis, folder: FolderImageCounts): string[] {
	const lines = [`${sanitizeLine(sessionId)}: ${missingHeadline(analysis, folder)}`];
	const never = Object.entries(analysis.neverProduced);
	if (never.length > 0) {
		lines.push('', 'values never produced:');
		for (const [name, values] of never) lines.push(`  ${sanitizeLine(name)}: ${values.map(sanitizeLine).join(', ')}`);
	}
	return lines;
}

function showMissing(options: ShowOptions, row: StoredSession, io: CommandIo): number {
	let folder: string;
	try {
		// The folder comes from the cached id under the root given now, never from the stored path.
		folder = resolveSessionFolder(options.locations.root, row.session_id);
	} catch (error) {
		if (!(error instanceof SessionIdError)) throw error;
		io.stderr.write(`sdstats show: ${sanitizeLine(error.message)}\n`);
		return EXIT_FAILURE;
	}
	const state = stateOf(row, options.now(), options.stallWindowMs);
	const insight = insightFor(folder, row.session_id, {running: state === 'running', sessionCreatedAt: row.session_created_at});
	if (!insight.missing) {
		io.stderr.write(`sdstats show: cannot list the missing images of ${sanitizeLine(row.session_id)}: ${sanitizeLine(insight.reason ?? 'no analysis')}\n`);
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
