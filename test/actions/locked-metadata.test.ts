/**
 * The web UI holds sessions.db while an archive finishes: the folders move, our stats follow at once, and the
 * session_metadata paths are written when the lock is let go (tried again on a timer, never a blocking wait).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {planArchive} from '../../source/jobs/actions/plan.js';
import {runAction} from '../../source/jobs/actions/run-action.js';
import type {RetryClock} from '../../source/store/busy-retry.js';
import {computeRoot, sessionName, writeSession} from '../helpers/action-fixtures.js';
import {actionWorkspace, addTriage, pathsIn} from './action-harness.js';

describe('session_metadata locked by the web UI at the end of an action', () => {
	// A busy wait would hold this thread (and the web UI's connection here with it) for the 10 s busy timeout
	// on every try: the test would time out.
	it('is written when the lock is let go: retried on the timer, no busy wait, nothing lost', async () => {
		const ws = actionWorkspace();
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		addTriage(ws.dbPath, sessionName(0), path.join(ws.root, sessionName(0)));
		const target = path.join(ws.base, 'archive');
		const plan = planArchive([{sessionId: sessionName(0), state: 'complete'}], target, {
			root: ws.root,
			dbPath: ws.dbPath,
			includeRunning: false,
			sizes: false,
		});
		// The web UI's write transaction, held open.
		const webUi = new Database(ws.dbPath);
		webUi.prepare('BEGIN IMMEDIATE').run();
		const events: string[] = [];
		let waits = 0;
		const clock: RetryClock = {
			now: () => waits * 1000,
			sleep: async () => {
				waits++;
				events.push(`wait ${waits}`);
				// Still locked on the first retry; the web UI commits before the second.
				if (waits === 2) webUi.prepare('COMMIT').run();
			},
		};
		const summary = await runAction(plan, {
			stateDir: ws.stateDir,
			nowMs: Date.now(),
			retryClock: clock,
			onDatabaseLocked: () => events.push('locked'),
		});
		webUi.close();
		expect(summary.databaseProblem).toBeNull();
		expect(summary.moved).toHaveLength(1);
		expect(events).toEqual(['locked', 'wait 1', 'wait 2']);
		expect(pathsIn(ws.dbPath, 'session_metadata').get(sessionName(0))).toBe(path.join(target, sessionName(0)));
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(target, sessionName(0)));
	});

	it('a lock held past the limit leaves the paths to the next command, which finishes them', async () => {
		const ws = actionWorkspace();
		writeSession(ws.root, sessionName(0), {images: 1, numImages: 1});
		await computeRoot(ws.root, ws.dbPath);
		addTriage(ws.dbPath, sessionName(0), path.join(ws.root, sessionName(0)));
		const target = path.join(ws.base, 'archive');
		const plan = planArchive([{sessionId: sessionName(0), state: 'complete'}], target, {
			root: ws.root,
			dbPath: ws.dbPath,
			includeRunning: false,
		});
		const webUi = new Database(ws.dbPath);
		webUi.prepare('BEGIN IMMEDIATE').run();
		let t = 0;
		const summary = await runAction(plan, {
			stateDir: ws.stateDir,
			nowMs: Date.now(),
			retryClock: {now: () => t, sleep: async (ms) => void (t += ms)},
		});
		expect(summary.databaseProblem).toMatch(/session_metadata in .*sessions\.db stayed locked by another program/);
		webUi.prepare('COMMIT').run();
		webUi.close();
		const {recoverActions} = await import('../../source/jobs/actions/recover.js');
		const reports = recoverActions(ws.stateDir);
		expect(reports).toHaveLength(1);
		expect(reports[0]!.finished).toBe(1);
		expect(pathsIn(ws.dbPath, 'session_metadata').get(sessionName(0))).toBe(path.join(target, sessionName(0)));
	});
});
