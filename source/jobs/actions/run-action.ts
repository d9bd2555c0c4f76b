/**
 * Carries out a plan. The journal gets the action and every session's intent (fsynced) before the first
 * folder moves; each session then ends as `done`, `skipped` (with the reason) or `rolledback`. Renames are
 * recorded in bulk (their state is read back from the folders after a kill), copies step by step. Paths in
 * the database follow in one transaction at the end; a kill before that is finished by the next command.
 * A stop request (Esc, Ctrl-C) is honoured between sessions: the one being moved finishes first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {errorCode} from '../../scan/errors.js';
import {inventory, InventoryError, type Inventory} from '../../scan/folder-inventory.js';
import {relocateInDatabaseRetrying, RelocationError, type PathChange} from '../../store/session-paths.js';
import type {RetryClock} from '../../store/busy-retry.js';
import {createTrashInfo, prepareTrash} from './freedesktop-trash.js';
import {
	ActionLock,
	fsyncDirectory,
	JournalWriter,
	markUndone,
	newActionId,
	type Intent,
	type Record,
	type Step,
} from './journal.js';
import {openCopier, type FileCopier} from './copy-pool.js';
import type {ActionPlan, PlannedMove} from './plan.js';
import {compactListing, copyVerified, publish, removeSource, removeTree, renameInto} from './transfer.js';

export type ActionProgress = {
	done: number;
	total: number;
	sessionId: string | null;
	bytesDone: number;
	bytesTotal: number;
};

export type RunOptions = {
	stateDir: string;
	nowMs: number;
	cancel?: {cancelled: boolean};
	onProgress?: (progress: ActionProgress) => void;
	/** Told once when the web UI holds sessions.db locked at the end (the paths are written when it lets go). */
	onDatabaseLocked?: () => void;
	/** Timers for the database retries (tests pass a fake). */
	retryClock?: RetryClock;
	/** Test hook: called at named points of each session's move (the crash tests kill the process there). */
	onStep?: (point: string, sessionId: string) => void;
	/** Test hook: the copy threads' script instead of the compiled one (tests give one that fails). */
	copyWorkerScript?: string;
};

export type ActionSummary = {
	actionId: string;
	moved: PathChange[];
	failed: Array<{sessionId: string; reason: string}>;
	stopped: string[];
	/** Set when the database could not be updated: the next sdstats command tries again. */
	databaseProblem: string | null;
};

export class ActionBusyError extends Error {
	override name = 'ActionBusyError';
}

export async function runAction(plan: ActionPlan, options: RunOptions): Promise<ActionSummary> {
	const taken = ActionLock.tryAcquire(options.stateDir);
	if (!taken.ok)
		throw new ActionBusyError(
			`another sdstats action is running (pid ${taken.pid}); try again when it has finished`,
		);
	try {
		return await runLocked(plan, options);
	} finally {
		taken.lock.release();
	}
}

const tmpName = (to: string, id: string, seq: number): string =>
	path.join(path.dirname(to), `.sdstats-tmp-${id}-${seq}`);
const delName = (from: string, id: string, seq: number): string =>
	path.join(path.dirname(from), `.sdstats-del-${id}-${seq}`);

async function runLocked(plan: ActionPlan, options: RunOptions): Promise<ActionSummary> {
	// The copy threads start first: they take 0.1–0.4 s on a loaded machine, which the journal's fsyncs overlap.
	const copier = openCopier(options.copyWorkerScript);
	if (plan.moves.some((m) => m.method === 'copy' && !m.already)) copier.warm();
	try {
		return await runWith(plan, options, copier);
	} finally {
		await copier.close();
	}
}

async function runWith(plan: ActionPlan, options: RunOptions, copier: FileCopier): Promise<ActionSummary> {
	const id = newActionId(options.nowMs);
	const journal = JournalWriter.create(options.stateDir, {
		t: 'action',
		id,
		kind: plan.kind,
		createdAt: new Date(options.nowMs).toISOString(),
		pid: process.pid,
		host: os.hostname(),
		dbPath: plan.dbPath,
		root: plan.root,
		target: plan.target,
		...(plan.undoOf ? {undoOf: plan.undoOf} : {}),
	});
	const intents: Intent[] = plan.moves.map((move, seq) => {
		const intent: Intent = {
			t: 'intent',
			seq,
			sessionId: move.sessionId,
			from: move.from,
			to: move.to,
			method: move.method,
			tmp: tmpName(move.to, id, seq),
			del: delName(move.from, id, seq),
		};
		if (move.dbPath !== plan.dbPath) intent.dbPath = move.dbPath;
		if (move.trashInfo) intent.trashInfo = move.trashInfo;
		if (move.removeInfo) intent.removeInfo = move.removeInfo;
		return intent;
	});
	journal.append(intents, true);

	const summary: ActionSummary = {actionId: id, moved: [], failed: [], stopped: [], databaseProblem: null};
	const settled: Step[] = [];
	const bytesTotal = plan.moves.reduce((sum, m) => sum + (m.bytes ?? 0), 0);
	let bytesDone = 0;
	const touched = new Set<string>();
	const report = (done: number, sessionId: string | null): void =>
		options.onProgress?.({done, total: plan.moves.length, sessionId, bytesDone, bytesTotal});
	const fail = (seq: number, move: PlannedMove, reason: string, sync: boolean): void => {
		summary.failed.push({sessionId: move.sessionId, reason});
		const step: Step = {t: 'step', seq, phase: 'skipped', reason};
		if (sync) journal.append([step], true);
		else settled.push(step);
	};

	// Copies run as a pipeline: while one session's copy is recorded, published and its source removed (waits
	// on the disks: journal fsync, unlinks), the next session is being copied. At most one session finishes
	// behind the one being copied; its steps are chained in order, so the journal and the summary read as before.
	let finishing: Promise<void> = Promise.resolve();
	// The finishing of the session copied last, and of the one before it.
	let lastFinish: Promise<void> = Promise.resolve();
	let finishBeforeLast: Promise<void> = Promise.resolve();
	let broken: {error: unknown} | null = null;
	const afterCopy = (work: () => Promise<void>): Promise<void> => {
		const done = finishing.then(() => (broken === null ? work() : undefined));
		finishing = done.catch((error: unknown) => {
			broken ??= {error};
		});
		return finishing;
	};
	try {
		let lastYield = Date.now();
		for (let seq = 0; seq < plan.moves.length && broken === null; seq++) {
			const move = plan.moves[seq]!;
			const intent = intents[seq]!;
			if (Date.now() - lastYield >= 30) {
				// Between sessions: lets a stop request (a signal, a key) and a progress redraw in.
				await new Promise((resolve) => setImmediate(resolve));
				lastYield = Date.now();
			}
			if (options.cancel?.cancelled) {
				summary.stopped.push(move.sessionId);
				settled.push({t: 'step', seq, phase: 'skipped', reason: 'stopped before it was moved'});
				continue;
			}
			report(seq, move.sessionId);
			if (move.already) {
				summary.moved.push({sessionId: move.sessionId, from: move.from, to: move.to});
				continue;
			}
			if (move.trash && move.trashInfo) {
				try {
					prepareTrash(move.trash);
					createTrashInfo(move.trashInfo.path, move.trashInfo.body);
				} catch (error) {
					fail(
						seq,
						move,
						errorCode(error) === 'EEXIST'
							? 'its trash name was taken meanwhile; try again'
							: `the trash cannot be written (${(error as Error).message})`,
						false,
					);
					continue;
				}
			} else {
				try {
					fs.mkdirSync(path.dirname(move.to), {recursive: true});
				} catch (error) {
					fail(seq, move, `the target folder cannot be made (${(error as Error).message})`, false);
					continue;
				}
			}
			options.onStep?.('before-move', move.sessionId);
			let method = move.method;
			if (method === 'rename') {
				const renamed = renameInto(move.from, move.to);
				if (renamed.ok) {
					touched.add(path.dirname(move.from)).add(path.dirname(move.to));
					summary.moved.push({sessionId: move.sessionId, from: move.from, to: move.to});
					bytesDone += move.bytes ?? 0;
					continue;
				}
				if (!('exdev' in renamed)) {
					undoTrashInfo(move);
					fail(seq, move, renamed.reason, false);
					continue;
				}
				// Same device but another mount (a bind mount, an overlay's lower layer): copy instead.
				method = 'copy';
				journal.append([{t: 'step', seq, phase: 'method', method}], true);
			}
			touched.add(path.dirname(move.from));
			// The session before the last must be finished before another copy starts: one session finishes
			// while the next is copied, never more (the sources' space comes back as the copies go on).
			await finishBeforeLast;
			if (broken !== null) break;
			const copied = await copyOne(move, intent, copier, (bytes) => {
				bytesDone += bytes;
				report(seq, move.sessionId);
			});
			if (!copied.ok) {
				undoTrashInfo(move);
				fail(seq, move, copied.reason, true);
				continue;
			}
			finishBeforeLast = lastFinish;
			lastFinish = afterCopy(async () => {
				const finished = await finishCopy(move, intent, journal, seq, options, copied.copied);
				if (finished.ok) summary.moved.push({sessionId: move.sessionId, from: move.from, to: move.to});
				else {
					undoTrashInfo(move);
					fail(seq, move, finished.reason, true);
				}
			});
		}
	} finally {
		// Whatever stopped the loop (a thrown test hook, an error), nothing is left running behind it.
		await finishing;
	}
	if (broken !== null) throw (broken as {error: unknown}).error;
	for (const dir of touched) fsyncDirectory(dir);
	// The pipeline may settle a failure after a later session's: the summary lists them in plan order.
	const order = new Map(plan.moves.map((m, seq) => [m.sessionId, seq]));
	summary.failed.sort((a, b) => order.get(a.sessionId)! - order.get(b.sessionId)!);
	report(plan.moves.length, null);
	options.onStep?.('before-database', '');

	// Each session's rows are in its own root's database: one update per database.
	const dbOf = new Map(plan.moves.map((m) => [m.from, m.dbPath]));
	for (const [dbPath, changes] of byDatabase(summary.moved, (c) => {
		const own = dbOf.get(c.from);
		return own !== undefined ? own : plan.dbPath;
	})) {
		try {
			await relocateInDatabaseRetrying(dbPath, changes, {
				onLocked: options.onDatabaseLocked,
				clock: options.retryClock,
			});
		} catch (error) {
			if (!(error instanceof RelocationError)) throw error;
			summary.databaseProblem ??= error.message;
		}
	}
	const movedIds = new Set(summary.moved.map((m) => m.sessionId));
	const records: Record[] = [...settled];
	for (const intent of intents) {
		if (!movedIds.has(intent.sessionId)) continue;
		if (intent.removeInfo) fs.rmSync(intent.removeInfo, {force: true});
		if (summary.databaseProblem === null) records.push({t: 'step', seq: intent.seq, phase: 'done'});
	}
	journal.append(records, true);
	if (summary.databaseProblem !== null) {
		// Left open: the next command (or doctor) finds the folders moved and updates the paths.
		journal.close();
		return summary;
	}
	journal.finish({moved: summary.moved.length, skipped: summary.failed.length + summary.stopped.length});
	if (plan.undoOf) markUndone(options.stateDir, plan.undoOf, id);
	return summary;
}

/** Changes grouped by the database they go to, in the order first seen. */
export function byDatabase(
	changes: readonly PathChange[],
	dbPathOf: (change: PathChange) => string | null,
): Map<string | null, PathChange[]> {
	const groups = new Map<string | null, PathChange[]>();
	for (const change of changes) {
		const dbPath = dbPathOf(change);
		const group = groups.get(dbPath) ?? [];
		group.push(change);
		groups.set(dbPath, group);
	}
	return groups;
}

/** The .trashinfo made for a move that did not happen goes again (the spec: an info file names a trashed file). */
function undoTrashInfo(move: PlannedMove): void {
	if (move.trashInfo) fs.rmSync(move.trashInfo.path, {force: true});
}

/** Lists the source again and copies it under its temporary name, verified (transfer.ts). */
async function copyOne(
	move: PlannedMove,
	intent: Intent,
	copier: FileCopier,
	onBytes: (bytes: number) => void,
): Promise<{ok: true; copied: Inventory} | {ok: false; reason: string}> {
	let listing;
	try {
		// Listed again now: the plan may be minutes old (a confirmation screen left open).
		listing = inventory(move.from);
	} catch (error) {
		return {ok: false, reason: error instanceof InventoryError ? error.message : String(error)};
	}
	return copyVerified(move.from, intent.tmp, listing, copier, onBytes);
}

/**
 * A verified copy: recorded (durably) with the listing it must hold, given its final name, and only then the
 * source set aside and removed.
 */
async function finishCopy(
	move: PlannedMove,
	intent: Intent,
	journal: JournalWriter,
	seq: number,
	options: RunOptions,
	copied: Inventory,
): Promise<{ok: true} | {ok: false; reason: string}> {
	options.onStep?.('copied', move.sessionId);
	await journal.appendDurable([{t: 'step', seq, phase: 'copied', listing: compactListing(copied)}]);
	const published = publish(intent.tmp, move.to);
	if (!published.ok) {
		removeTree(intent.tmp);
		return published;
	}
	// Not fsynced: after a crash, a copy found under its final name with 'copied' recorded counts as published.
	journal.append([{t: 'step', seq, phase: 'published'}], false);
	options.onStep?.('published', move.sessionId);
	const removed = await removeSource(move.from, intent.del);
	if (!removed.ok && fs.existsSync(move.from)) {
		// The original cannot be taken out (permissions): take the copy back, so the session stays in one place.
		try {
			fs.renameSync(move.to, intent.tmp);
			removeTree(intent.tmp);
		} catch {
			// Left published: recovery sees both and reports it rather than guess.
		}
		journal.append([{t: 'step', seq, phase: 'rolledback', reason: removed.reason}], true);
		return {ok: false, reason: removed.reason};
	}
	return {ok: true};
}
