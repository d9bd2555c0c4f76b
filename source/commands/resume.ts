/**
 * `sdstats resume [--filter Q] [--session NAME]... -o FILE`: one resume plan for every selected incomplete
 * session: each session's missing combinations with their plan index and seed, exactly as
 * `show --missing --json` gives them, in one JSON file a script can feed back to the generator.
 */
import path from 'node:path';
import {buildResumePlan, writeFileAtomically, type ResumePlan} from '../jobs/actions/resume-plan.js';
import {sanitizeLine} from '../text/sanitize.js';
import {selectCandidates} from './action-selection.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';
import {toJson} from '../format/json.js';
import {tryOpenReadStore} from '../store/try-open.js';
import {sayRefusal} from './open-store.js';
import type {Query} from '../core/query.js';

export type ResumeOptions = CommonOptions & {
	filter?: Query | undefined;
	sessions: readonly string[];
	output?: string | undefined;
	includeRunning: boolean;
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
	// Opened again after the selection: another program may have taken the file away in between.
	const opening = tryOpenReadStore(options.locations.dbPath);
	if (!opening.ok) return sayRefusal('resume', opening, io);
	const {store} = opening;
	let plan: ResumePlan;
	try {
		const candidates = selection.candidates.map((c) => ({
			...c,
			createdAt: store.repository.get(c.sessionId)?.session_created_at ?? null,
		}));
		plan = buildResumePlan(options.locations.root, candidates, {
			includeRunning: options.includeRunning,
			nowMs: options.now(),
		});
	} finally {
		store.close();
	}
	const text = `${toJson(plan)}\n`;
	if (options.output === '-') io.stdout.write(text);
	else {
		const target = path.resolve(options.output);
		try {
			writeFileAtomically(target, text);
		} catch (error) {
			io.stderr.write(
				`sdstats resume: cannot write ${sanitizeLine(target)}: ${sanitizeLine((error as Error).message)}\n`,
			);
			return EXIT_FAILURE;
		}
		io.stdout.write(
			`resume plan for ${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'} (${String(plan.total_missing)} missing images) written to ${sanitizeLine(target)}\n`,
		);
	}
	for (const skipped of plan.skipped)
		io.stderr.write(`skipped ${sanitizeLine(skipped.session_id)}: ${sanitizeLine(skipped.reason)}\n`);
	return EXIT_OK;
}
