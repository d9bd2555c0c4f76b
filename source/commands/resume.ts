/**
 * `sdstats resume [--filter Q] [--session NAME]... -o FILE`: one resume plan for every selected incomplete
 * session: each session's missing combinations with their plan index and seed, exactly as
 * `show --missing --json` gives them, in one JSON file a script can feed back to the generator.
 */
import fs from 'node:fs';
import path from 'node:path';
import {INCOMPLETE_STATES} from '../core/state.js';
import {insightFor} from '../jobs/session-insight.js';
import {sanitizeLine} from '../text/sanitize.js';
import {selectCandidates} from './action-selection.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';
import {toJson} from '../format/json.js';
import {openReadStore} from './read-store.js';
import {missingReport, type CombinatorialResume, type RandomResume} from './show.js';

export type ResumeOptions = CommonOptions & {filter?: string | undefined; sessions: readonly string[]; output?: string | undefined; includeRunning: boolean};

export type ResumePlan = {
	generated_at: string;
	root: string;
	sessions: Array<(CombinatorialResume | RandomResume) & {session_path: string; state: string}>;
	skipped: Array<{session_id: string; reason: string}>;
	total_missing: number | bigint;
};

export function resumeCommand(options: ResumeOptions, io: CommandIo): number {
	if (options.output === undefined || options.output === '') {
		io.stderr.write('sdstats resume: say where the plan goes: -o FILE (or -o - for the standard output)\n');
		return EXIT_USAGE;
	}
	const selection = selectCandidates(options, {filter: options.filter, sessions: options.sessions});
	if (!selection.ok) {
		io.stderr.write(`sdstats resume: ${sanitizeLine(selection.message)}\n`);
		return selection.usage ? EXIT_USAGE : EXIT_FAILURE;
	}
	const root = path.resolve(options.locations.root);
	const plan: ResumePlan = {generated_at: new Date(options.now()).toISOString(), root, sessions: [], skipped: [], total_missing: 0};
	const store = openReadStore(options.locations.dbPath);
	try {
		let total = 0n;
		for (const candidate of selection.candidates) {
			const skip = (reason: string): void => {
				plan.skipped.push({session_id: candidate.sessionId, reason});
			};
			if (candidate.state !== null && !INCOMPLETE_STATES.has(candidate.state)) {
				skip(`${candidate.state}: nothing to resume`);
				continue;
			}
			if (candidate.state === 'running' && !options.includeRunning) {
				skip('running (the generator is still at it; add --include-running to plan it anyway)');
				continue;
			}
			const row = store.repository.get(candidate.sessionId);
			const folder = path.join(root, candidate.sessionId);
			const insight = insightFor(folder, candidate.sessionId, {running: candidate.state === 'running', sessionCreatedAt: row?.session_created_at ?? null});
			if (!insight.missing) {
				skip(insight.reason ?? 'its missing images cannot be worked out');
				continue;
			}
			const report = missingReport(candidate.sessionId, insight.missing);
			if (BigInt(report.missing_count) === 0n) {
				skip('no image is missing');
				continue;
			}
			total += BigInt(report.missing_count);
			plan.sessions.push({...report, session_path: folder, state: candidate.state ?? 'unknown'});
		}
		plan.total_missing = total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : total;
	} finally {
		store.close();
	}
	const text = `${toJson(plan)}\n`;
	if (options.output === '-') io.stdout.write(text);
	else {
		const target = path.resolve(options.output);
		const tmp = `${target}.${process.pid}.tmp`;
		try {
			fs.writeFileSync(tmp, text);
			fs.renameSync(tmp, target);
		} catch (error) {
			fs.rmSync(tmp, {force: true});
			io.stderr.write(`sdstats resume: cannot write ${sanitizeLine(target)}: ${sanitizeLine((error as Error).message)}\n`);
			return EXIT_FAILURE;
		}
		io.stdout.write(`resume plan for ${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'} (${String(plan.total_missing)} missing images) written to ${sanitizeLine(target)}\n`);
	}
	for (const skipped of plan.skipped) io.stderr.write(`skipped ${sanitizeLine(skipped.session_id)}: ${sanitizeLine(skipped.reason)}\n`);
	return EXIT_OK;
}
