/**
 * What the explorer's archive, trash and undo keys call: plans shown on the confirmation screen, runs with
 * progress and a stop between sessions, and taking an action back. The real one works on the folders through
 * the journalled mover (jobs/actions); tests pass their own.
 */
import path from 'node:path';
import type {SessionState} from '../../core/types.js';
import {toJson} from '../../format/json.js';
import {buildResumePlan} from '../../jobs/actions/resume-plan.js';
import {writeNewFile} from '../../jobs/write-new-file.js';
import {listJournals, readJournal} from '../../jobs/actions/journal.js';
import {planArchive, planRestore, planTrash, type ActionPlan} from '../../jobs/actions/plan.js';
import {archiveFolderFor} from '../../jobs/actions/remembered.js';
import {runAction, type ActionProgress} from '../../jobs/actions/run-action.js';
import {planHeadline, planLines, summaryLines} from '../../jobs/actions/lines.js';

export type SessionActionKind = 'archive' | 'trash';

export type PlanView = {planId: number; lines: string[]; movable: number; label: string};

export type ActionOutcome = {actionId: string | null; message: string; movedIds: string[]};

/**
 * The root a candidate belongs to, with its caches: with several roots open, an action on a session goes
 * through its own root's databases (null: the explorer's only root).
 */
export type CandidateRoot = {name: string; path: string; dbPath: string; sharedPath: string | null} | null;

export type ExplorerActions = {
	plan(
		kind: SessionActionKind,
		candidates: ReadonlyArray<{sessionId: string; state: SessionState; folder?: string; root?: CandidateRoot}>,
	): PlanView;
	run(planId: number, onProgress: (p: ActionProgress) => void, cancel: {cancelled: boolean}): Promise<ActionOutcome>;
	/** Writes one resume plan of the sessions' missing images to a new file in the working folder; says where. */
	resume(
		candidates: ReadonlyArray<{
			sessionId: string;
			state: SessionState;
			createdAt: string | null;
			folder?: string;
			root?: CandidateRoot;
		}>,
	): string;
	/** Takes an action back (folders and paths); the sessions moved back are in `movedIds`. */
	undo(
		actionId: string,
		onProgress: (p: ActionProgress) => void,
		cancel: {cancelled: boolean},
	): Promise<ActionOutcome>;
};

export function createExplorerActions(options: {
	root: string;
	dbPath: string;
	stateDir: string;
	env: Readonly<{[key: string]: string | undefined}>;
	now: () => number;
	exportFolder?: string;
}): ExplorerActions {
	const plans = new Map<number, ActionPlan>();
	let nextPlan = 1;
	const outcome = (plan: ActionPlan, summary: Awaited<ReturnType<typeof runAction>>): ActionOutcome => ({
		actionId: summary.moved.length > 0 && summary.databaseProblem === null ? summary.actionId : null,
		message: summaryLines(plan, summary).join(' · '),
		movedIds: summary.moved.map((m) => m.sessionId),
	});
	return {
		plan(kind, candidates) {
			const planOptions = {root: options.root, dbPath: options.dbPath, includeRunning: false};
			const plan =
				kind === 'archive'
					? planArchive(candidates, archiveFolderFor(options.stateDir, options.root).folder, planOptions)
					: planTrash(candidates, {...planOptions, env: options.env, nowMs: options.now()});
			const planId = nextPlan++;
			plans.set(planId, plan);
			return {planId, lines: planLines(plan), movable: plan.moves.length, label: planHeadline(plan)};
		},
		async run(planId, onProgress, cancel) {
			const plan = plans.get(planId);
			if (!plan) return {actionId: null, message: 'that plan is gone; ask again', movedIds: []};
			plans.delete(planId);
			return outcome(
				plan,
				await runAction(plan, {stateDir: options.stateDir, nowMs: options.now(), cancel, onProgress}),
			);
		},
		resume(candidates) {
			const plan = buildResumePlan(options.root, candidates, {includeRunning: false, nowMs: options.now()});
			if (plan.sessions.length === 0)
				return `no resume plan: ${plan.skipped.length === 1 ? plan.skipped[0]!.reason : 'none of them is missing images'}`;
			const stamp = new Date(options.now()).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
			const file = writeNewFile(
				path.resolve(options.exportFolder ?? process.cwd()),
				`sdstats-resume-${stamp}`,
				'.json',
				`${toJson(plan)}\n`,
			);
			const skipped = plan.skipped.length > 0 ? `, ${plan.skipped.length} skipped` : '';
			return `resume plan for ${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'} (${String(plan.total_missing)} missing images${skipped}) written to ${file}`;
		},
		async undo(actionId, onProgress, cancel) {
			const file = listJournals(options.stateDir).find((j) => j.id === actionId && !j.open);
			const journal = file ? readJournal(file.file) : null;
			if (!journal) return {actionId: null, message: 'that action is no longer in the journal', movedIds: []};
			if (journal.undoneBy) return {actionId: null, message: 'that action was already taken back', movedIds: []};
			const plan = planRestore(journal, options.dbPath);
			if (plan.moves.length === 0)
				return {
					actionId: null,
					message: `nothing to put back: ${plan.skipped.map((s) => `${s.sessionId} ${s.reason}`).join('; ')}`,
					movedIds: [],
				};
			return outcome(
				plan,
				await runAction(plan, {stateDir: options.stateDir, nowMs: options.now(), cancel, onProgress}),
			);
		},
	};
}
