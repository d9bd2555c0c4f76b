/** One session folder → its computation: the filesystem read (scan) plus the calculator (core). */
import {computeSession} from '../core/calculator.js';
import type {SessionComputation} from '../core/types.js';
import {readSessionFacts} from '../scan/session-facts.js';

export type FolderTask = {
	sessionId: string;
	sessionPath: string;
	fingerprint: string | null;
	/** Read every image's parameters, not a sample, for a session without manifest.json. */
	deep?: boolean;
};

export type FolderOutcome =
	| {kind: 'computed'; task: FolderTask; result: SessionComputation}
	/** Neither a manifest nor an image (any more): its stats, if any, go. */
	| {kind: 'not_a_session'; task: FolderTask}
	/** Deleted or renamed while we looked: its stats, if any, go. */
	| {kind: 'gone'; task: FolderTask};

export function computeFolder(task: FolderTask, nowMs: number): FolderOutcome {
	try {
		return computeFolderOrThrow(task, nowMs);
	} catch (error) {
		// A bug must cost one session, not the batch: record it as unreadable with the message.
		const message = error instanceof Error ? error.message : String(error);
		return unreadableOutcome(task, nowMs, `internal error: ${message}`);
	}
}

function unreadableOutcome(task: FolderTask, nowMs: number, reason: string): FolderOutcome {
	return {
		kind: 'computed',
		task,
		result: computeSession({
			sessionId: task.sessionId,
			sessionPath: task.sessionPath,
			manifest: {kind: 'unreadable', reason, mtimeNs: null},
			images: [],
			nowMs,
		}),
	};
}

function computeFolderOrThrow(task: FolderTask, nowMs: number): FolderOutcome {
	const facts = readSessionFacts(task.sessionId, task.sessionPath, nowMs, {deep: task.deep === true});
	switch (facts.kind) {
		case 'session':
			return {kind: 'computed', task, result: computeSession(facts.input)};
		case 'unlistable':
			// The folder is there but cannot be listed: report it like an unreadable manifest, so an earlier
			// good row is kept and the reason shown.
			return unreadableOutcome(task, nowMs, facts.reason);
		default:
			return {kind: facts.kind, task};
	}
}

export function computeFolders(tasks: readonly FolderTask[], nowMs: number): FolderOutcome[] {
	return tasks.map((task) => computeFolder(task, nowMs));
}
