/**
 * What an action will do, decided before anything moves: for each selected session where it goes, how (a
 * rename, or a verified copy to another filesystem), its files and bytes, and the sessions that will be
 * skipped and why. The confirmation screen and --dry-run show exactly this; the runner carries it out.
 * Planning only reads the filesystem. A copy lists every file (its sizes decide whether it fits); a rename
 * counts its files from the folder entries and measures bytes only when a person is shown the plan.
 *
 * Long on purpose: archive, trash and resume plan with one set of rules (targets, collisions, running sessions,
 * space, several roots); kept together so every action skips the same sessions for the same reasons.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {SessionState} from '../../core/types.js';
import {describeFsError, errorCode} from '../../scan/errors.js';
import {bytesOnTarget, folderTotals, inventory, InventoryError, type Inventory} from '../../scan/folder-inventory.js';
import {
	deviceOf,
	freeTrashName,
	readTrashInfoPath,
	trashFor,
	trashInfoBody,
	type TrashPlace,
} from './freedesktop-trash.js';
import {outcomeOf, type ActionKind, type MoveMethod, type ParsedJournal} from './journal.js';
import {exists} from './transfer.js';

/**
 * A selected session. `folder` is where it lives when that is not `<root>/<id>` (a session of another root
 * when several are open); it must end in the session's id. With several roots open each session acts through
 * its own: `root` names its results root and the database its rows are in, `target` its archive folder
 * (defaults: the plan's).
 */
export type Candidate = {
	sessionId: string;
	state: SessionState | null;
	folder?: string;
	root?: {path: string; dbPath: string | null} | null;
	target?: string;
};

export type PlannedMove = {
	sessionId: string;
	from: string;
	to: string;
	method: MoveMethod;
	/** The database whose rows follow this session (its root's; null: none). */
	dbPath: string | null;
	files: number;
	/** null: not measured (a rename planned without `sizes`: nothing is shown before it runs). */
	bytes: number | null;
	/** Every entry with its size: taken for copies (and restores), null for renames. */
	listing: Inventory | null;
	trashInfo?: {path: string; body: string};
	/** The trash a move goes into (its files/ and info/ are made first). */
	trash?: TrashPlace;
	removeInfo?: string;
	/** The folder is already at `to` (put back by hand from the desktop's trash): only the paths follow. */
	already?: boolean;
};

export type SkippedSession = {sessionId: string; from: string; reason: string};

export type ActionPlan = {
	kind: ActionKind;
	root: string;
	target: string;
	dbPath: string | null;
	moves: PlannedMove[];
	skipped: SkippedSession[];
	/** Free bytes at the target (null: it cannot be measured). */
	freeBytes: number | null;
	/** Bytes the copies will take at the target (0 when every move is a rename). */
	copyBytes: number;
	undoOf?: string;
};

export const RUNNING_REASON = 'running (add --include-running to move it anyway)';

export type PlanOptions = {
	root: string;
	dbPath: string | null;
	includeRunning: boolean;
	/**
	 * Measure the bytes of folders that move by rename (default yes): a confirmation and --dry-run show them;
	 * a run confirmed in advance (--yes) skips the stat of every file.
	 */
	sizes?: boolean;
};

function freeSpace(target: string): {free: number; block: number} | null {
	let current = path.resolve(target);
	for (;;) {
		try {
			const stats = fs.statfsSync(current);
			return {free: stats.bavail * stats.bsize, block: stats.bsize};
		} catch {
			const parent = path.dirname(current);
			if (parent === current) return null;
			current = parent;
		}
	}
}

function nearestExisting(p: string): string {
	let current = path.resolve(p);
	while (!exists(current)) {
		const parent = path.dirname(current);
		if (parent === current) break;
		current = parent;
	}
	return current;
}

/** Why nothing can be written at a folder (it or its nearest existing ancestor), or null. */
export function writeProblemAt(dir: string, what: string): string | null {
	const existing = nearestExisting(dir);
	try {
		fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
		return null;
	} catch (error) {
		return errorCode(error) === 'EROFS'
			? `${what} is on a read-only filesystem`
			: `${what} cannot be written (${describeFsError(error)})`;
	}
}

/**
 * Where a candidate's folder is: its own `folder` when that ends in its id, else `<its root>/<id>`. The
 * explorer finds the row of each moved session by this path (two roots may hold the same name).
 */
export function candidateFolder(root: string, candidate: Pick<Candidate, 'sessionId' | 'folder' | 'root'>): string {
	return candidate.folder !== undefined && path.basename(candidate.folder) === candidate.sessionId
		? path.resolve(candidate.folder)
		: path.join(path.resolve(candidate.root ? candidate.root.path : root), candidate.sessionId);
}

/** The folder of one candidate (with its device), or why it is skipped. */
function sessionFolder(
	root: string,
	candidate: Candidate,
	includeRunning: boolean,
): {from: string; device: number} | SkippedSession {
	const from = candidateFolder(root, candidate);
	const skip = (reason: string): SkippedSession => ({sessionId: candidate.sessionId, from, reason});
	if (candidate.state === 'running' && !includeRunning) return skip(RUNNING_REASON);
	let stat: fs.Stats;
	try {
		stat = fs.lstatSync(from);
	} catch (error) {
		return skip(
			`its folder ${errorCode(error) === 'ENOENT' ? 'is not under the root any more' : `cannot be read (${describeFsError(error)})`}`,
		);
	}
	if (!stat.isDirectory()) return skip('it is not a folder');
	return {from, device: stat.dev};
}

type Measured = {files: number; bytes: number | null; listing: Inventory | null};

/** What a move of `from` shows and needs: a copy's full listing, a rename's totals. Throws InventoryError. */
function measure(from: string, method: MoveMethod, sizes: boolean): Measured {
	if (method === 'copy') {
		const listing = inventory(from);
		return {files: listing.files, bytes: listing.bytes, listing};
	}
	return {...folderTotals(from, sizes), listing: null};
}

function measureOrSkip(from: string, method: MoveMethod, sizes: boolean, sessionId: string): Measured | SkippedSession {
	try {
		return measure(from, method, sizes);
	} catch (error) {
		return {sessionId, from, reason: error instanceof InventoryError ? error.message : describeFsError(error)};
	}
}

/**
 * Copies must fit: each one is planned only while the free space at its target covers it (targets measured
 * once each; several roots may archive to several places). `freeBytes` shown is the first target's.
 */
function fitCopies(plan: ActionPlan, target: string): void {
	const spaces = new Map<string, {left: number; block: number}>();
	const spaceAt = (dir: string): {left: number; block: number} => {
		let space = spaces.get(dir);
		if (!space) {
			const measured = freeSpace(dir);
			space = measured
				? {left: measured.free - 1024 * 1024, block: measured.block}
				: {left: Number.POSITIVE_INFINITY, block: 4096};
			spaces.set(dir, space);
		}
		return space;
	};
	plan.freeBytes = freeSpace(target)?.free ?? null;
	if (!plan.moves.some((m) => m.method === 'copy')) return;
	const kept: PlannedMove[] = [];
	for (const move of plan.moves) {
		if (move.method !== 'copy' || move.listing === null) {
			kept.push(move);
			continue;
		}
		const space = spaceAt(path.dirname(move.to));
		const need = bytesOnTarget(move.listing, space.block);
		if (need > space.left) {
			plan.skipped.push({
				sessionId: move.sessionId,
				from: move.from,
				reason: `not enough free space at the target (needs ${need} bytes, ${Math.max(0, space.left)} left)`,
			});
			continue;
		}
		space.left -= need;
		plan.copyBytes += need;
		kept.push(move);
	}
	plan.moves = kept;
}

const dbPathOf = (candidate: Candidate, options: PlanOptions): string | null =>
	candidate.root ? candidate.root.dbPath : options.dbPath;

export function planArchive(candidates: readonly Candidate[], target: string, options: PlanOptions): ActionPlan {
	const root = path.resolve(options.root);
	const archive = path.resolve(target);
	const plan: ActionPlan = {
		kind: 'archive',
		root,
		target: archive,
		dbPath: options.dbPath,
		moves: [],
		skipped: [],
		freeBytes: null,
		copyBytes: 0,
	};
	const sourceProblems = new Map<string, string | null>();
	const sourceProblemOf = (from: string): string | null => {
		const parent = path.dirname(from);
		if (!sourceProblems.has(parent)) sourceProblems.set(parent, writeProblemAt(parent, 'the results root'));
		return sourceProblems.get(parent)!;
	};
	const targets = new Map<string, {problem: string | null; device: number | null}>();
	const targetOf = (dir: string): {problem: string | null; device: number | null} => {
		let known = targets.get(dir);
		if (!known) {
			known = {problem: writeProblemAt(dir, 'the archive folder'), device: deviceOf(dir)};
			targets.set(dir, known);
		}
		return known;
	};
	for (const candidate of candidates) {
		const folder = sessionFolder(root, candidate, options.includeRunning);
		if ('reason' in folder) {
			plan.skipped.push(folder);
			continue;
		}
		const {from} = folder;
		const into = candidate.target === undefined ? archive : path.resolve(candidate.target);
		const target = targetOf(into);
		const to = path.join(into, candidate.sessionId);
		const problem =
			sourceProblemOf(from) ??
			target.problem ??
			(exists(to) ? 'a folder of that name is already in the archive (nothing is overwritten)' : null);
		if (problem) {
			plan.skipped.push({sessionId: candidate.sessionId, from, reason: problem});
			continue;
		}
		const method: MoveMethod = folder.device === target.device ? 'rename' : 'copy';
		const measured = measureOrSkip(from, method, options.sizes ?? true, candidate.sessionId);
		if ('reason' in measured) {
			plan.skipped.push(measured);
			continue;
		}
		plan.moves.push({
			sessionId: candidate.sessionId,
			from,
			to,
			method,
			dbPath: dbPathOf(candidate, options),
			...measured,
		});
	}
	fitCopies(plan, archive);
	return plan;
}

export function planTrash(
	candidates: readonly Candidate[],
	options: PlanOptions & {env: Readonly<{[key: string]: string | undefined}>; home?: string; nowMs: number},
): ActionPlan {
	const root = path.resolve(options.root);
	const plan: ActionPlan = {
		kind: 'trash',
		root,
		target: '',
		dbPath: options.dbPath,
		moves: [],
		skipped: [],
		freeBytes: null,
		copyBytes: 0,
	};
	const reserved = new Map<string, Set<string>>();
	for (const candidate of candidates) {
		const folder = sessionFolder(root, candidate, options.includeRunning);
		if ('reason' in folder) {
			plan.skipped.push(folder);
			continue;
		}
		const {from} = folder;
		const sourceProblem = writeProblemAt(path.dirname(from), 'the results root');
		if (sourceProblem) {
			plan.skipped.push({sessionId: candidate.sessionId, from, reason: sourceProblem});
			continue;
		}
		const {place, sameDevice} = trashFor(from, options.env, options.home);
		const problem = writeProblemAt(place.dir, 'the trash');
		if (problem) {
			plan.skipped.push({sessionId: candidate.sessionId, from, reason: problem});
			continue;
		}
		const names = reserved.get(place.dir) ?? new Set<string>();
		reserved.set(place.dir, names);
		const method: MoveMethod = sameDevice ? 'rename' : 'copy';
		const measured = measureOrSkip(from, method, options.sizes ?? true, candidate.sessionId);
		if ('reason' in measured) {
			plan.skipped.push(measured);
			continue;
		}
		const name = freeTrashName(place, candidate.sessionId, names);
		plan.target = place.dir;
		plan.moves.push({
			sessionId: candidate.sessionId,
			from,
			to: path.join(place.dir, 'files', name),
			method,
			dbPath: dbPathOf(candidate, options),
			...measured,
			trash: place,
			trashInfo: {
				path: path.join(place.dir, 'info', `${name}.trashinfo`),
				body: trashInfoBody(from, place, options.nowMs),
			},
		});
	}
	if (plan.target !== '') fitCopies(plan, plan.target);
	return plan;
}

/**
 * Taking an action back: each session it moved goes back where it came from. A session already back (put
 * back by hand from the desktop's trash) only has its paths restored; one whose old place is taken, or that
 * is no longer where the action left it, is skipped with the reason.
 */
export function planRestore(journal: ParsedJournal, dbPath: string | null): ActionPlan {
	const {header} = journal;
	const plan: ActionPlan = {
		kind: 'restore',
		root: header.root,
		target: header.root,
		dbPath: dbPath ?? header.dbPath,
		moves: [],
		skipped: [],
		freeBytes: null,
		copyBytes: 0,
		undoOf: header.id,
	};
	// Rows go back in the database the action wrote them to (the journal says which), whatever is open now.
	const dbPathOfIntent = (intent: ParsedJournal['intents'][number]): string | null =>
		intent.dbPath !== undefined ? intent.dbPath : (header.dbPath ?? plan.dbPath);
	for (const intent of journal.intents) {
		if (outcomeOf(journal.steps.get(intent.seq))?.phase !== 'done') continue;
		const skip = (reason: string): void => {
			plan.skipped.push({sessionId: intent.sessionId, from: intent.to, reason});
		};
		const infoFile = intent.trashInfo?.path;
		if (!exists(intent.to)) {
			if (exists(intent.from)) {
				// Restored by hand (the desktop's trash removes the .trashinfo itself).
				plan.moves.push({
					sessionId: intent.sessionId,
					from: intent.to,
					to: intent.from,
					method: 'rename',
					dbPath: dbPathOfIntent(intent),
					files: 0,
					bytes: 0,
					listing: null,
					already: true,
				});
			} else {
				skip(`it is no longer at ${intent.to}`);
			}
			continue;
		}
		if (exists(intent.from)) {
			skip(`its old place ${intent.from} is taken (nothing is overwritten)`);
			continue;
		}
		if (infoFile && header.kind === 'trash') {
			const place: TrashPlace = {dir: path.dirname(path.dirname(infoFile)), topdir: null};
			const named = readTrashInfoPath(infoFile, place);
			if (named !== null && path.isAbsolute(named) && named !== intent.from) {
				skip('its trash entry now names another place');
				continue;
			}
		}
		const problem = writeProblemAt(path.dirname(intent.from), 'the original folder');
		if (problem) {
			skip(problem);
			continue;
		}
		const method: MoveMethod =
			fs.statSync(intent.to).dev === deviceOf(path.dirname(intent.from)) ? 'rename' : 'copy';
		const measured = measureOrSkip(intent.to, method, true, intent.sessionId);
		if ('reason' in measured) {
			skip(measured.reason);
			continue;
		}
		const move: PlannedMove = {
			sessionId: intent.sessionId,
			from: intent.to,
			to: intent.from,
			method,
			dbPath: dbPathOfIntent(intent),
			...measured,
		};
		if (infoFile) move.removeInfo = infoFile;
		plan.moves.push(move);
	}
	fitCopies(plan, plan.target);
	return plan;
}

/** Totals of the moves; `bytes` is null when some were not measured. */
export function planTotals(plan: ActionPlan): {sessions: number; files: number; bytes: number | null} {
	let files = 0;
	let bytes: number | null = 0;
	for (const move of plan.moves) {
		files += move.files;
		bytes = bytes === null || move.bytes === null ? null : bytes + move.bytes;
	}
	return {sessions: plan.moves.length, files, bytes};
}
