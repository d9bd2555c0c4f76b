/** The action job on a worker thread (the compiled build): plan, run with progress, a stop request, undo. */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import type {ActionTaskResult} from '../../source/jobs/actions/action-job.js';
import type {ActionProgress} from '../../source/jobs/actions/run-action.js';
import {computeRoot, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {actionWorkspace, pathsIn} from './action-harness.js';

async function compiledJob(): Promise<typeof import('../../source/jobs/actions/action-job.js')> {
	const compiled = fileURLToPath(new URL('../../dist/source/jobs/actions/action-job.js', import.meta.url));
	if (!fs.existsSync(compiled)) throw new Error(`build first: ${compiled} is missing (npm test builds it)`);
	expect(fs.existsSync(path.join(path.dirname(compiled), 'action-worker.js'))).toBe(true);
	return (await import(compiled)) as typeof import('../../source/jobs/actions/action-job.js');
}

function ran(result: ActionTaskResult): Extract<ActionTaskResult, {type: 'ran'}> {
	if (result.type !== 'ran') throw new Error(`expected a run, got ${JSON.stringify(result)}`);
	return result;
}

describe('the action job on a worker thread', () => {
	it('plans, archives with progress and takes it back; folders and paths follow', async () => {
		const {startActionJob} = await compiledJob();
		const ws = actionWorkspace();
		for (let i = 0; i < 3; i++) writeSession(ws.root, sessionName(i), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		const before = sessionsIn(ws.root);
		const target = path.join(ws.base, 'archive');
		const planned = await startActionJob(
			{
				task: 'plan',
				kind: 'archive',
				candidates: [0, 1, 2].map((i) => ({sessionId: sessionName(i), state: 'complete' as const})),
				target,
				options: {root: ws.root, dbPath: ws.dbPath, includeRunning: false, env: ws.env, nowMs: Date.now()},
			},
			{},
			{cancelled: false},
		);
		if (planned.type !== 'planned') throw new Error('no plan');
		expect(planned.plan.moves.map((m) => [m.method, m.files])).toEqual([
			['rename', 3],
			['rename', 3],
			['rename', 3],
		]);
		const progress: ActionProgress[] = [];
		const done = ran(
			await startActionJob(
				{task: 'run', plan: planned.plan, stateDir: ws.stateDir, nowMs: Date.now()},
				{onProgress: (p) => progress.push(p)},
				{cancelled: false},
			),
		);
		expect(done.summary.moved).toHaveLength(3);
		expect(progress.at(-1)).toMatchObject({done: 3, total: 3, sessionId: null});
		expect(sessionsIn(target)).toEqual(before);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(2))).toBe(path.join(target, sessionName(2)));

		const back = ran(
			await startActionJob(
				{
					task: 'undo',
					actionId: done.summary.actionId,
					stateDir: ws.stateDir,
					dbPath: ws.dbPath,
					nowMs: Date.now(),
				},
				{},
				{cancelled: false},
			),
		);
		expect(back.summary.moved).toHaveLength(3);
		expect(sessionsIn(ws.root)).toEqual(before);
		const again = await startActionJob(
			{
				task: 'undo',
				actionId: done.summary.actionId,
				stateDir: ws.stateDir,
				dbPath: ws.dbPath,
				nowMs: Date.now(),
			},
			{},
			{cancelled: false},
		);
		expect(again).toEqual({type: 'refused', message: 'that action was already taken back'});
	});

	it('a stop request given before the worker starts moves nothing', async () => {
		const {startActionJob} = await compiledJob();
		const ws = actionWorkspace();
		for (let i = 0; i < 2; i++) writeSession(ws.root, sessionName(i), {images: 1, numImages: 1});
		const before = sessionsIn(ws.root);
		const planned = await startActionJob(
			{
				task: 'plan',
				kind: 'archive',
				candidates: [0, 1].map((i) => ({sessionId: sessionName(i), state: 'complete' as const})),
				target: path.join(ws.base, 'archive'),
				options: {root: ws.root, dbPath: null, includeRunning: false, env: ws.env, nowMs: Date.now()},
			},
			{},
			{cancelled: false},
		);
		if (planned.type !== 'planned') throw new Error('no plan');
		const stopped = ran(
			await startActionJob(
				{task: 'run', plan: planned.plan, stateDir: ws.stateDir, nowMs: Date.now()},
				{},
				{cancelled: true},
			),
		);
		expect(stopped.summary.moved).toEqual([]);
		expect(stopped.summary.stopped).toEqual([sessionName(0), sessionName(1)]);
		expect(sessionsIn(ws.root)).toEqual(before);
	});

	it("writes the explorer's resume plan on the worker, with progress by session; a stop request writes nothing", async () => {
		const {startActionJob} = await compiledJob();
		const ws = actionWorkspace();
		const variations = {Hair: ['a', 'b', 'c', 'd']};
		writeSession(ws.root, sessionName(0), {images: 1, numImages: 4, variations, status: 'aborted'});
		writeSession(ws.root, sessionName(1), {images: 4, numImages: 4, variations, status: 'completed'});
		const out = path.join(ws.base, 'plans');
		fs.mkdirSync(out);
		const task = {
			task: 'resume' as const,
			root: ws.root,
			candidates: [
				{sessionId: sessionName(0), state: 'aborted' as const, createdAt: null},
				{sessionId: sessionName(1), state: 'complete' as const, createdAt: null},
			],
			folder: out,
			nowMs: Date.UTC(2025, 9, 5, 12),
		};
		const stopped = await startActionJob(task, {}, {cancelled: true});
		expect(stopped).toEqual({type: 'refused', message: 'stopped: no resume plan was written'});
		expect(fs.readdirSync(out)).toEqual([]);

		const progress: ActionProgress[] = [];
		const written = await startActionJob(task, {onProgress: (p) => progress.push(p)}, {cancelled: false});
		const file = path.join(out, 'sdstats-resume-20251005-120000.json');
		expect(written).toEqual({
			type: 'written',
			message: `resume plan for 1 session (3 missing images, 1 skipped) written to ${file}`,
		});
		expect(progress[0]).toMatchObject({done: 0, total: 2, sessionId: sessionName(0)});
		expect(progress.at(-1)).toMatchObject({done: 2, total: 2, sessionId: null});
		const plan = JSON.parse(fs.readFileSync(file, 'utf8')) as {sessions: Array<{session_id: string}>};
		expect(plan.sessions.map((s) => s.session_id)).toEqual([sessionName(0)]);
	});
});
