/**
 * What the explorer's archive, trash and undo keys call: plans shown on the confirmation screen, runs with
 * progress and a stop between sessions, and taking an action back. The real one works on the folders through
 * the journalled mover (jobs/actions); tests pass their own.
 */
import type {SessionState} from '../../core/types.js';
import {listJournals, readJournal} from '../../jobs/actions/journal.js';
import {planArchive, planRestore, planTrash, type ActionPlan} from '../../jobs/actions/plan.js';
import {archiveFolderFor} from '../../jobs/actions/remembered.js';
import {runAction, type ActionProgress} from '../../jobs/actions/run-action.js';
import {planHeadline, planLines, summaryLines} from '../../jobs/actions/lines.js';

export type SessionActionKind = 'archive' | 'trash';

export type PlanView = {planId: number; lines: string[]; movable: number; label: string};

export type ActionOutcome = {actionId: string | null; message: string; movedIds: string[]};

export type ExplorerActions = {
	plan(kind: SessionActionKind, candidates: ReadonlyArray<{sessionId: string; state: SessionState}>): PlanView;
	run(planId: number, onProgress: (p: ActionProgress) => void, cancel: {cancelled: boolean}): Promise<ActionOutcome>;
	/** Takes an action back (folders and paths); the sessions moved back are in `movedIds`. */
	undo(actionId: string, onProgress: (p: ActionProgress) => void, cancel: {cancelled: boolean}): Promise<ActionOutcome>;
};

export function createExplorerActions(options: {root: string; dbPath: string; stateDir: string; env: Readonly<{[key: string]: string | undefined}>; now: () => number}): ExplorerActions {
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
			return outcome(plan, await runAction(plan, {stateDir: options.stateDir, nowMs: options.now(), cancel, onProgress}));
		},
		async undo(actionId, onProgress, cancel) {
			const file = listJournals(options.stateDir).find((j) => j.id === actionId && !j.open);
			const journal = file ? readJournal(file.file) : null;
			if (!journal) return {actionId: null, message: 'that action is no longer in the journal', movedIds: []};
			if (journal.undoneBy) return {actionId: null, message: 'that action was already taken back', movedIds: []};
			const plan = planRestore(journal, options.dbPath);
			if (plan.moves.length === 0) return {actionId: null, message: `nothing to put back: ${plan.skipped.map((s) => `${s.sessionId} ${s.reason}`).join('; ')}`, movedIds: []};
			return outcome(plan, await runAction(plan, {stateDir: options.stateDir, nowMs: options.now(), cancel, onProgress}));
		},
	};
}

