/**
 * Finishing or rolling back an action that was interrupted (a kill, a crash, a power cut). Each unsettled
 * session is judged by what is on disk, with the journal saying what sdstats made:
 *   - a rename: the folder is either still at its old place (roll back: remove our empty claim of the target
 *     and our .trashinfo) or at its new one (finish: paths in the database, the .trashinfo of a restore);
 *   - a copy: once the copy was verified and took its final name (or is found there, matching the listing
 *     recorded when it was verified), the source is removed; before that the temporary copy is removed and
 *     the source, never touched, stays.
 * A session found in both places, or in neither, is left alone and reported: nothing is deleted on a guess.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {relocateInDatabase, RelocationError, type PathChange} from '../../store/session-paths.js';
import {
	ActionLock,
	fsyncDirectory,
	hasPhase,
	JournalWriter,
	listJournals,
	markUndone,
	methodOf,
	outcomeOf,
	processAlive,
	readJournal,
	type Intent,
	type ParsedJournal,
	type Record,
	type Step,
} from './journal.js';
import {byDatabase} from './run-action.js';
import {exists, isEmptyFolder, matchesListing, removeIfEmpty, removeTree} from './transfer.js';

export type RecoveryReport = {
	actionId: string;
	kind: string;
	finished: number;
	rolledBack: number;
	notReached: number;
	conflicts: string[];
	databaseProblem: string | null;
};

const VERB: {[kind: string]: string} = {archive: 'archive', trash: 'trash', restore: 'undo'};

export function describeRecovery(report: RecoveryReport): string {
	const parts: string[] = [];
	if (report.finished > 0) parts.push(`finished ${report.finished} session${report.finished === 1 ? '' : 's'}`);
	if (report.rolledBack > 0)
		parts.push(`put ${report.rolledBack} back where ${report.rolledBack === 1 ? 'it was' : 'they were'}`);
	if (report.notReached > 0) parts.push(`${report.notReached} not reached (untouched)`);
	if (parts.length === 0) parts.push('nothing was left half-done');
	let line = `an interrupted ${VERB[report.kind] ?? report.kind} (${report.actionId}): ${parts.join(', ')}`;
	if (report.conflicts.length > 0) line += `; left alone for you: ${report.conflicts.join('; ')}`;
	if (report.databaseProblem)
		line += `; the database could not be updated (${report.databaseProblem}), tried again next time`;
	return line;
}

/** Settles every interrupted action whose process is gone. Returns what was done, one report per action. */
export function recoverActions(stateDir: string): RecoveryReport[] {
	const open = listJournals(stateDir).filter((j) => j.open);
	if (open.length === 0) return [];
	const taken = ActionLock.tryAcquire(stateDir);
	if (!taken.ok) return []; // another sdstats is acting (or recovering) now
	try {
		const reports: RecoveryReport[] = [];
		for (const file of open) {
			const journal = readJournal(file.file);
			if (!journal) {
				// Killed before the header reached the disk: nothing moved after it.
				fs.rmSync(file.file, {force: true});
				continue;
			}
			const {header} = journal;
			if (
				header.host === os.hostname() &&
				header.pid !== process.pid &&
				processAlive(header.pid) &&
				isSdstats(header.pid)
			)
				continue;
			reports.push(recoverOne(stateDir, journal));
		}
		return reports;
	} finally {
		taken.lock.release();
	}
}

function isSdstats(pid: number): boolean {
	try {
		return /node|sdstats/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
	} catch {
		return true;
	}
}

type Verdict = {step: Step; change?: PathChange; conflict?: string};

function judge(intent: Intent, steps: readonly Step[] | undefined): Verdict {
	const {seq} = intent;
	const forward = (): Verdict => ({
		step: {t: 'step', seq, phase: 'done'},
		change: {sessionId: intent.sessionId, from: intent.from, to: intent.to},
	});
	const rollback = (reason: string): Verdict => {
		if (intent.trashInfo && !(exists(intent.to) && !isEmptyFolder(intent.to)))
			fs.rmSync(intent.trashInfo.path, {force: true});
		return {step: {t: 'step', seq, phase: 'rolledback', reason}};
	};
	const conflict = (reason: string): Verdict => ({
		step: {t: 'step', seq, phase: 'conflict', reason},
		conflict: `${intent.sessionId} ${reason}`,
	});
	const fromThere = exists(intent.from);
	const toFull = exists(intent.to) && !isEmptyFolder(intent.to);
	const infoMade = intent.trashInfo !== undefined && exists(intent.trashInfo.path);
	if (
		fromThere &&
		!exists(intent.to) &&
		!exists(intent.tmp) &&
		!exists(intent.del) &&
		!infoMade &&
		steps === undefined
	) {
		// Its turn never came: nothing of it was touched.
		return {step: {t: 'step', seq, phase: 'skipped', reason: 'not reached before the interruption'}};
	}

	if (methodOf(intent, steps) === 'rename') {
		// (Renames claim no name first, so an empty folder at the target is not ours to remove.)
		if (fromThere && !toFull) return rollback('interrupted before it moved');
		if (!fromThere && toFull) return forward();
		return fromThere
			? conflict(`is at both ${intent.from} and ${intent.to}`)
			: conflict(`is at neither ${intent.from} nor ${intent.to}`);
	}

	const copied = hasPhase(steps, 'copied');
	const listing = copied?.listing ?? null;
	const published =
		hasPhase(steps, 'published') !== undefined || (copied !== undefined && !exists(intent.tmp) && toFull);
	if (published && listing !== null && toFull && matchesListing(intent.to, listing)) {
		if (fromThere) {
			fs.renameSync(intent.from, intent.del);
			fsyncDirectory(path.dirname(intent.from));
		}
		removeTree(intent.del);
		return forward();
	}
	if (published && toFull && !fromThere && !exists(intent.del)) return forward();
	// Not published: the source was never touched. Put a set-aside source back, then clear our temporaries.
	if (!fromThere && exists(intent.del)) fs.renameSync(intent.del, intent.from);
	if (!exists(intent.from)) return conflict(`is at neither ${intent.from} nor ${intent.to}`);
	// Never two copies left quietly: a full target beside a whole source is the user's to judge.
	if (toFull)
		return conflict(
			`is at both ${intent.from} and ${intent.to}${published ? ' (the copy does not match what was verified)' : ''}`,
		);
	removeTree(intent.tmp);
	removeIfEmpty(intent.to);
	return rollback('interrupted before its copy was complete');
}

function recoverOne(stateDir: string, journal: ParsedJournal): RecoveryReport {
	const {header} = journal;
	const report: RecoveryReport = {
		actionId: header.id,
		kind: header.kind,
		finished: 0,
		rolledBack: 0,
		notReached: 0,
		conflicts: [],
		databaseProblem: null,
	};
	const writer = JournalWriter.resume(stateDir, header.id);
	try {
		const records: Record[] = [];
		const changes: PathChange[] = [];
		const finishing: Intent[] = [];
		for (const intent of journal.intents) {
			const settled = outcomeOf(journal.steps.get(intent.seq));
			if (settled !== null) continue;
			const verdict = judge(intent, journal.steps.get(intent.seq));
			if (verdict.change) {
				changes.push(verdict.change);
				finishing.push(intent);
			} else {
				records.push(verdict.step);
				if (verdict.step.phase === 'rolledback') report.rolledBack++;
				if (verdict.step.phase === 'skipped') report.notReached++;
				if (verdict.conflict) report.conflicts.push(verdict.conflict);
			}
		}
		writer.append(records, true);
		const dbOf = new Map(finishing.map((intent) => [intent.from, intent.dbPath]));
		for (const [dbPath, group] of byDatabase(changes, (c) => {
			const own = dbOf.get(c.from);
			return own !== undefined ? own : header.dbPath;
		})) {
			try {
				relocateInDatabase(dbPath, group);
			} catch (error) {
				if (!(error instanceof RelocationError)) throw error;
				report.databaseProblem = error.message;
				return report;
			}
		}
		for (const intent of finishing) if (intent.removeInfo) fs.rmSync(intent.removeInfo, {force: true});
		writer.append(
			finishing.map((intent): Step => ({t: 'step', seq: intent.seq, phase: 'done'})),
			true,
		);
		report.finished = finishing.length;
		let moved = 0;
		let skipped = 0;
		for (const intent of journal.intents) {
			const phase = outcomeOf(journal.steps.get(intent.seq))?.phase;
			if (phase === 'done' || finishing.includes(intent)) moved++;
			else skipped++;
		}
		writer.finish({moved, skipped});
		if (header.undoOf) {
			try {
				markUndone(stateDir, header.undoOf, header.id);
			} catch {
				// The action taken back is gone from the journal folder: nothing to mark.
			}
		}
		return report;
	} finally {
		writer.close();
	}
}
