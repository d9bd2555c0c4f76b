/**
 * One resume plan for many sessions: each selected incomplete session's missing combinations, with plan
 * index and seed, exactly as `show --missing --json` gives them; complete, running (unless asked) and
 * unreadable sessions are listed as skipped with the reason. Shared by `sdstats resume` and the explorer's W.
 */
import fs from 'node:fs';
import path from 'node:path';
import {toJson} from '../../format/json.js';
import {missingReport, type CombinatorialResume, type RandomResume} from '../../core/analysis/resume-report.js';
import {INCOMPLETE_STATES} from '../../core/state.js';
import type {SessionState} from '../../core/types.js';
import {insightFor} from '../session-insight.js';
import {writeNewFile} from '../write-new-file.js';

export type ResumeCandidate = {
	sessionId: string;
	state: SessionState | null;
	createdAt: string | null;
	folder?: string;
};

export type ResumePlan = {
	generated_at: string;
	/** The results root every listed session is in; null when they come from several (then see `roots`). */
	root: string | null;
	/** Every results root the listed sessions come from, in the order first met (one, usually). */
	roots: string[];
	sessions: Array<(CombinatorialResume | RandomResume) & {session_path: string; state: string}>;
	skipped: Array<{session_id: string; reason: string}>;
	total_missing: number | bigint;
};

/** Thrown by buildResumePlan when asked to stop (between sessions): nothing is written. */
export class ResumeStopped extends Error {
	override name = 'ResumeStopped';
}

export type ResumeOptions = {
	includeRunning: boolean;
	nowMs: number;
	/** Told before each session is read (the explorer's progress line): how many are done, of how many. */
	onSession?: (done: number, total: number, sessionId: string | null) => void;
	/** A stop request (Esc in the explorer), honoured between sessions with a ResumeStopped. */
	cancel?: {cancelled: boolean};
};

export function buildResumePlan(
	root: string,
	candidates: readonly ResumeCandidate[],
	options: ResumeOptions,
): ResumePlan {
	const base = path.resolve(root);
	const plan: ResumePlan = {
		generated_at: new Date(options.nowMs).toISOString(),
		root: base,
		roots: [],
		sessions: [],
		skipped: [],
		total_missing: 0,
	};
	let total = 0n;
	// With several open roots (the explorer, `--root` repeated) one `root` would name only the first one's.
	const roots = new Set<string>();
	for (const [done, candidate] of candidates.entries()) {
		if (options.cancel?.cancelled) throw new ResumeStopped('stopped before every session was read');
		options.onSession?.(done, candidates.length, candidate.sessionId);
		const folder =
			candidate.folder !== undefined && path.basename(candidate.folder) === candidate.sessionId
				? path.resolve(candidate.folder)
				: path.join(base, candidate.sessionId);
		roots.add(path.dirname(folder));
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
		const insight = insightFor(folder, candidate.sessionId, {
			running: candidate.state === 'running',
			sessionCreatedAt: candidate.createdAt,
		});
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
	plan.roots = roots.size > 0 ? [...roots] : [base];
	plan.root = plan.roots.length === 1 ? plan.roots[0]! : null;
	plan.total_missing = total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : total;
	options.onSession?.(candidates.length, candidates.length, null);
	return plan;
}

/**
 * The explorer's W: one resume plan of the candidates, written to a new file in `folder` (never over
 * another), and the sentence that says what was written where (or why nothing was).
 */
export function writeResumePlanIn(
	folder: string,
	root: string,
	candidates: readonly ResumeCandidate[],
	options: ResumeOptions,
): string {
	const plan = buildResumePlan(root, candidates, options);
	if (plan.sessions.length === 0)
		return `no resume plan: ${plan.skipped.length === 1 ? plan.skipped[0]!.reason : 'none of them is missing images'}`;
	const stamp = new Date(options.nowMs).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
	const file = writeNewFile(path.resolve(folder), `sdstats-resume-${stamp}`, '.json', `${toJson(plan)}\n`);
	const skipped = plan.skipped.length > 0 ? `, ${plan.skipped.length} skipped` : '';
	return `resume plan for ${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'} (${String(plan.total_missing)} missing images${skipped}) written to ${file}`;
}

/** Written whole or not at all (a temporary file renamed into place). */
export function writeFileAtomically(target: string, text: string): void {
	const tmp = `${target}.${process.pid}.tmp`;
	try {
		fs.writeFileSync(tmp, text);
		fs.renameSync(tmp, target);
	} finally {
		fs.rmSync(tmp, {force: true});
	}
}
