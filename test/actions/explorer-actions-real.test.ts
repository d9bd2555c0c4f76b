/** The explorer's actions source on real folders: plan, run, undo, and a resume plan file. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createExplorerActions} from '../../source/ui/data/explorer-actions.js';
import {computeRoot, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {actionWorkspace, pathsIn} from './action-harness.js';

describe('createExplorerActions', () => {
	it('plans, archives, takes back, and writes a resume plan of the incomplete sessions', async () => {
		const ws = actionWorkspace();
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		writeSession(ws.root, sessionName(1), {
			images: 1,
			numImages: 4,
			variations: {Hair: ['a', 'b', 'c', 'd']},
			status: 'aborted',
		});
		await computeRoot(ws.root, ws.dbPath);
		const before = sessionsIn(ws.root);
		const actions = createExplorerActions({
			root: ws.root,
			dbPath: ws.dbPath,
			stateDir: ws.stateDir,
			env: ws.env,
			now: Date.now,
			exportFolder: ws.base,
		});

		// A running session is left out, in the explorer's words, unless asked.
		const careful = await actions.plan('archive', [{sessionId: sessionName(0), state: 'running'}]);
		expect([careful.movable, careful.running]).toEqual([0, 1]);
		expect(careful.lines).toContain('skipped 1 session:');
		expect(careful.lines.join('\n')).toContain('running (i on this screen moves it anyway)');
		const asked = await actions.plan('archive', [{sessionId: sessionName(0), state: 'running'}], true);
		expect([asked.movable, asked.running]).toEqual([1, 0]);

		const plan = await actions.plan('archive', [{sessionId: sessionName(0), state: 'complete'}]);
		expect(plan.movable).toBe(1);
		expect(plan.lines[0]).toBe('archive 1 session (3 files, ' + plan.lines[0]!.split(', ')[1]);
		const progress: number[] = [];
		const done = await actions.run(plan.planId, (p) => progress.push(p.done), {cancelled: false});
		expect(done.movedKeys).toEqual([sessionName(0)]);
		expect(done.message).toMatch(/^archived 1 session/);
		expect(progress.at(-1)).toBe(1);
		expect(sessionsIn(path.join(ws.base, 'archive')).get(sessionName(0))).toBe(before.get(sessionName(0)));

		const back = await actions.undo(done.actionId!, () => {}, {cancelled: false});
		expect(back.movedKeys).toEqual([sessionName(0)]);
		expect(sessionsIn(ws.root)).toEqual(before);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(ws.root, sessionName(0)));
		expect((await actions.undo(done.actionId!, () => {}, {cancelled: false})).message).toBe(
			'that action was already taken back',
		);

		const reading: Array<[number, number]> = [];
		const {message, actionId, movedKeys} = await actions.resume(
			[
				{sessionId: sessionName(0), state: 'complete', createdAt: null},
				{sessionId: sessionName(1), state: 'aborted', createdAt: null},
			],
			(p) => reading.push([p.done, p.total]),
			{cancelled: false},
		);
		expect([actionId, movedKeys]).toEqual([null, []]);
		expect(reading.at(-1)).toEqual([2, 2]);
		expect(message).toMatch(/^resume plan for 1 session \(3 missing images, 1 skipped\) written to /);
		const file = message.slice(message.indexOf(' written to ') + ' written to '.length);
		const written = JSON.parse(fs.readFileSync(file, 'utf8')) as {
			sessions: Array<{session_id: string; resume: Array<{index: number}>}>;
		};
		expect(written.sessions.map((s) => s.session_id)).toEqual([sessionName(1)]);
		expect(written.sessions[0]!.resume.map((r) => r.index)).toEqual([1, 2, 3]);
	});
});
