/**
 * What the explorer's archive, trash, undo and resume-plan keys call: plans shown on the confirmation screen,
 * runs with progress and a stop between sessions, taking an action back, and writing a resume plan. All of
 * them go to the action job (a worker thread: the listing, the copies and the reading of sessions never hold
 * the screen); tests pass their own job or their own actions.
 */
import path from 'node:path';
import type {SessionState} from '../../core/types.js';
import {candidateFolder, RUNNING_REASON, type ActionPlan} from '../../jobs/actions/plan.js';
import {archiveFolderFor} from '../../jobs/actions/remembered.js';
import type {ActionProgress, ActionSummary} from '../../jobs/actions/run-action.js';
import {startActionJob, type ActionJob, type ActionTaskResult} from '../../jobs/actions/action-job.js';
import {planHeadline, planLines, summaryLines} from '../../jobs/actions/lines.js';

export type SessionActionKind = 'archive' | 'trash';

/** A plan as the confirmation screen shows it; `running`: sessions skipped because they are running. */
export type PlanView = {planId: number; lines: string[]; movable: number; running: number; label: string};

/** The explorer's words for a running session left out: its own key, not the command line's flag. */
const RUNNING_HERE = 'running (i on this screen moves it anyway)';

/**
 * What an action did. `movedKeys` are the row keys of the sessions it moved (a session's root and name: with
 * several roots open, two roots may hold a folder of the same name, and only the moved one's row must go).
 */
export type ActionOutcome = {actionId: string | null; message: string; movedKeys: string[]};

/**
 * The root a candidate belongs to, with its caches: with several roots open, an action on a session goes
 * through its own root's databases (null: the explorer's only root).
 */
export type CandidateRoot = {name: string; path: string; dbPath: string; sharedPath: string | null} | null;

export type ExplorerActions = {
	plan(
		kind: SessionActionKind,
		candidates: ReadonlyArray<{
			sessionId: string;
			state: SessionState;
			folder?: string;
			root?: CandidateRoot;
			/** The session's row key (default: its session_id). */
			key?: string;
		}>,
		/** Move running sessions too (default: they are skipped, with the reason). */
		includeRunning?: boolean,
	): Promise<PlanView>;
	/** `onProgress` also says (as the current session's text) when the web UI holds sessions.db at the end. */
	run(planId: number, onProgress: (p: ActionProgress) => void, cancel: {cancelled: boolean}): Promise<ActionOutcome>;
	/**
	 * Writes one resume plan of the sessions' missing images to a new file in the working folder, off the
	 * screen's thread (reading every session's manifest and images), with progress and a stop between sessions;
	 * the message says where (or why nothing was written).
	 */
	resume(
		candidates: ReadonlyArray<{
			sessionId: string;
			state: SessionState;
			createdAt: string | null;
			folder?: string;
			root?: CandidateRoot;
		}>,
		onProgress: (p: ActionProgress) => void,
		cancel: {cancelled: boolean},
	): Promise<ActionOutcome>;
	/** Takes an action back (folders and paths); the rows of the sessions moved back are in `movedKeys`. */
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
	/** Where plans, runs and undos are carried out (default: a worker thread). */
	job?: ActionJob;
	/** Several roots are open: each candidate names its root (and caches), which a plan and its undo use. */
	severalRoots?: boolean;
}): ExplorerActions {
	const job = options.job ?? startActionJob;
	/** Each plan, with the row key of each session's folder (where it moves from). */
	const plans = new Map<number, {plan: ActionPlan; keys: ReadonlyMap<string, string>}>();
	/** The same, by the actions run here: an undo moves each folder back to that path. */
	const ranKeys = new Map<string, ReadonlyMap<string, string>>();
	let nextPlan = 1;
	const outcome = (plan: ActionPlan, summary: ActionSummary, keyOf: (from: string) => string | undefined) => ({
		actionId: summary.moved.length > 0 && summary.databaseProblem === null ? summary.actionId : null,
		message: summaryLines(plan, summary).join(' · '),
		movedKeys: summary.moved.map((m) => keyOf(m.from) ?? m.sessionId),
	});
	const settle = (result: ActionTaskResult, keyOf: (from: string) => string | undefined): ActionOutcome =>
		result.type === 'ran'
			? outcome(result.plan, result.summary, keyOf)
			: {actionId: null, message: result.type === 'refused' ? result.message : 'nothing was done', movedKeys: []};
	// The progress line says so while the web UI holds sessions.db (the folders have moved; the paths wait).
	const events = (onProgress: (p: ActionProgress) => void) => {
		let last: ActionProgress = {done: 0, total: 0, bytesDone: 0, bytesTotal: 0, sessionId: null};
		return {
			onProgress: (p: ActionProgress) => onProgress((last = p)),
			onDatabaseLocked: () => onProgress({...last, sessionId: 'waiting for the web UI to release sessions.db'}),
		};
	};
	return {
		async plan(kind, candidates, includeRunning = false) {
			// Defaults for the plan (its headline, its journal); each move carries its own root and database.
			const root = candidates[0]?.root ?? null;
			const rootPath = root?.path ?? options.root;
			const result = await job(
				{
					task: 'plan',
					kind,
					// Each session through its own root: its folder, its database, its root's archive folder.
					// (The row key stays here: the worker plans by folders.)
					candidates: candidates.map(({root, key, ...candidate}) => ({
						...candidate,
						...(root ? {root: {path: root.path, dbPath: root.dbPath}} : {}),
						target: archiveFolderFor(options.stateDir, root?.path ?? options.root).folder,
					})),
					target: archiveFolderFor(options.stateDir, rootPath).folder,
					options: {
						root: rootPath,
						dbPath: root?.dbPath ?? options.dbPath,
						includeRunning,
						env: options.env,
						nowMs: options.now(),
					},
				},
				{},
				{cancelled: false},
			);
			if (result.type !== 'planned') throw new Error('the plan could not be made');
			const planId = nextPlan++;
			const keys = new Map(candidates.map((c) => [candidateFolder(rootPath, c), c.key ?? c.sessionId] as const));
			plans.set(planId, {plan: result.plan, keys});
			const running = result.plan.skipped.filter((s) => s.reason === RUNNING_REASON).length;
			const shown = {
				...result.plan,
				skipped: result.plan.skipped.map((s) =>
					s.reason === RUNNING_REASON ? {...s, reason: RUNNING_HERE} : s,
				),
			};
			return {
				planId,
				lines: planLines(shown),
				movable: result.plan.moves.length,
				running,
				label: planHeadline(result.plan),
			};
		},
		async run(planId, onProgress, cancel) {
			const planned = plans.get(planId);
			if (!planned) return {actionId: null, message: 'that plan is gone; ask again', movedKeys: []};
			plans.delete(planId);
			const {plan, keys} = planned;
			const result = await job(
				{task: 'run', plan, stateDir: options.stateDir, nowMs: options.now()},
				events(onProgress),
				cancel,
			);
			if (result.type === 'ran') ranKeys.set(result.summary.actionId, keys);
			return settle(result, (from) => keys.get(from));
		},
		async resume(candidates, onProgress, cancel) {
			const result = await job(
				{
					task: 'resume',
					root: options.root,
					// Each session by its own folder (with several roots, not every one is under the first).
					candidates: candidates.map(({sessionId, state, createdAt, folder}) => ({
						sessionId,
						state,
						createdAt,
						...(folder === undefined ? {} : {folder}),
					})),
					folder: path.resolve(options.exportFolder ?? process.cwd()),
					nowMs: options.now(),
				},
				{onProgress},
				cancel,
			);
			const message =
				result.type === 'written' || result.type === 'refused' ? result.message : 'nothing was written';
			return {actionId: null, message, movedKeys: []};
		},
		async undo(actionId, onProgress, cancel) {
			// A folder goes back to where the action took it from: that path names its row.
			const keys = ranKeys.get(actionId);
			const result = await job(
				{
					task: 'undo',
					actionId,
					stateDir: options.stateDir,
					// Several roots: the journal's own cache (the root the action moved sessions of).
					dbPath: options.severalRoots ? null : options.dbPath,
					nowMs: options.now(),
				},
				events(onProgress),
				cancel,
			);
			if (result.type !== 'ran') return settle(result, () => undefined);
			const back = new Map(result.summary.moved.map((m) => [m.from, keys?.get(m.to)] as const));
			return settle(result, (from) => back.get(from));
		},
	};
}
