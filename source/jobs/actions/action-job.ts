/**
 * Plans, runs and undos of archive and trash, and resume plans, off the explorer's thread: a worker thread
 * does the listing, the copies (seconds per session across filesystems), the database update and the reading
 * of every session's manifest and images for a resume plan, and sends progress back, so the screen keeps
 * answering keys. A stop request is passed to the worker, which honours it between sessions.
 * Where no compiled worker script exists (tests run from the TypeScript sources) the task runs on this
 * thread, yielding between sessions, as before.
 */
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {listJournals, readJournal} from './journal.js';
import {planArchive, planRestore, planTrash, type ActionPlan, type Candidate, type PlanOptions} from './plan.js';
import {ResumeStopped, writeResumePlanIn, type ResumeCandidate} from './resume-plan.js';
import {ActionBusyError, runAction, type ActionProgress, type ActionSummary} from './run-action.js';

export type ActionTask =
	| {
			task: 'plan';
			kind: 'archive' | 'trash';
			candidates: Candidate[];
			/** Archive: where the sessions go. */
			target: string;
			options: PlanOptions & {env: Readonly<{[key: string]: string | undefined}>; nowMs: number};
	  }
	| {task: 'run'; plan: ActionPlan; stateDir: string; nowMs: number}
	| {task: 'undo'; actionId: string; stateDir: string; dbPath: string | null; nowMs: number}
	/** A resume plan of the candidates, written to a new file in `folder`. */
	| {task: 'resume'; root: string; candidates: ResumeCandidate[]; folder: string; nowMs: number};

export type ActionTaskResult =
	| {type: 'planned'; plan: ActionPlan}
	| {type: 'ran'; plan: ActionPlan; summary: ActionSummary}
	/** Nothing was done, and why (an undo of an action that is gone or was taken back, a stopped resume plan). */
	| {type: 'refused'; message: string}
	/** A resume plan: what was written where (or why nothing was). */
	| {type: 'written'; message: string};

export type ActionJobEvents = {
	onProgress?: (progress: ActionProgress) => void;
	/** The web UI holds sessions.db: the paths are written when it lets go. */
	onDatabaseLocked?: () => void;
};

/** What a task does, wherever it runs. */
export async function runActionTask(
	task: ActionTask,
	events: ActionJobEvents,
	cancel: {cancelled: boolean},
): Promise<ActionTaskResult> {
	const runOptions = (stateDir: string, nowMs: number) => ({
		stateDir,
		nowMs,
		cancel,
		...(events.onProgress ? {onProgress: events.onProgress} : {}),
		...(events.onDatabaseLocked ? {onDatabaseLocked: events.onDatabaseLocked} : {}),
	});
	switch (task.task) {
		case 'plan':
			return {
				type: 'planned',
				plan:
					task.kind === 'archive'
						? planArchive(task.candidates, task.target, task.options)
						: planTrash(task.candidates, task.options),
			};
		case 'run':
			return {
				type: 'ran',
				plan: task.plan,
				summary: await runAction(task.plan, runOptions(task.stateDir, task.nowMs)),
			};
		case 'undo': {
			const file = listJournals(task.stateDir).find((j) => j.id === task.actionId && !j.open);
			const journal = file ? readJournal(file.file) : null;
			if (!journal) return {type: 'refused', message: 'that action is no longer in the journal'};
			if (journal.undoneBy) return {type: 'refused', message: 'that action was already taken back'};
			const plan = planRestore(journal, task.dbPath);
			if (plan.moves.length === 0)
				return {
					type: 'refused',
					message: `nothing to put back: ${plan.skipped.map((s) => `${s.sessionId} ${s.reason}`).join('; ')}`,
				};
			return {type: 'ran', plan, summary: await runAction(plan, runOptions(task.stateDir, task.nowMs))};
		}
		case 'resume':
			try {
				const message = writeResumePlanIn(task.folder, task.root, task.candidates, {
					includeRunning: false,
					nowMs: task.nowMs,
					cancel,
					onSession: (done, total, sessionId) =>
						events.onProgress?.({done, total, bytesDone: 0, bytesTotal: 0, sessionId}),
				});
				return {type: 'written', message};
			} catch (error) {
				if (error instanceof ResumeStopped)
					return {type: 'refused', message: 'stopped: no resume plan was written'};
				throw error;
			}
	}
}

/** What the worker starts with, and the messages between the job and its worker. */
export type WorkerInput = {task: ActionTask; cancelled: boolean};
export type ToWorker = {type: 'cancel'};
export type FromWorker =
	| {type: 'progress'; progress: ActionProgress}
	| {type: 'locked'}
	| {type: 'done'; result: ActionTaskResult}
	| {type: 'failed'; message: string; busy: boolean};

const WORKER_SCRIPT = new URL('./action-worker.js', import.meta.url);

function workerScript(): string | null {
	const script = WORKER_SCRIPT.protocol === 'file:' ? fileURLToPath(WORKER_SCRIPT) : '';
	return script && fs.existsSync(script) ? script : null;
}

export type ActionJob = (
	task: ActionTask,
	events: ActionJobEvents,
	cancel: {cancelled: boolean},
) => Promise<ActionTaskResult>;

/**
 * Starts a task on a worker thread and settles with its result. `cancel` is watched (a flag the caller sets
 * from a key) and passed on; an ActionBusyError in the worker is thrown here as one.
 */
export const startActionJob: ActionJob = (task, events, cancel) => {
	if (workerScript() === null)
		return new Promise((resolve, reject) =>
			setImmediate(() => {
				runActionTask(task, events, cancel).then(resolve, reject);
			}),
		);
	return new Promise((resolve, reject) => {
		const worker = new Worker(WORKER_SCRIPT, {
			workerData: {task, cancelled: cancel.cancelled} satisfies WorkerInput,
		});
		let settled = false;
		const watch = setInterval(() => {
			if (cancel.cancelled) worker.postMessage({type: 'cancel'} satisfies ToWorker);
		}, 50);
		const finish = (then: () => void): void => {
			if (settled) return;
			settled = true;
			clearInterval(watch);
			void worker.terminate();
			then();
		};
		worker.on('message', (message: FromWorker) => {
			if (message.type === 'progress') events.onProgress?.(message.progress);
			else if (message.type === 'locked') events.onDatabaseLocked?.();
			else if (message.type === 'done') finish(() => resolve(message.result));
			else finish(() => reject(message.busy ? new ActionBusyError(message.message) : new Error(message.message)));
		});
		worker.once('error', (error) => finish(() => reject(error)));
		worker.once('exit', (code) =>
			finish(() => reject(new Error(`the action's worker stopped (exit code ${code})`))),
		);
	});
};
