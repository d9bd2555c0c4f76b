/** `sdstats resume` in-process, and the action commands through the built binary (flags, refusals, doctor). */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {JournalWriter} from '../../source/jobs/actions/journal.js';
import {buildResumePlan, ResumeStopped, writeResumePlanIn} from '../../source/jobs/actions/resume-plan.js';
import {computeRoot, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {runCli} from '../helpers/run-cli.js';
import {actionWorkspace, resume} from './action-harness.js';

describe('sdstats resume', () => {
	it('writes one plan of every selected incomplete session with plan index and seed; complete ones are skipped with the reason', async () => {
		const ws = actionWorkspace();
		const variations = {Hair: ['bob', 'long', 'short'], Eyes: ['blue', 'green']};
		writeSession(ws.root, '20251005_100000-partial', {images: 2, numImages: 6, variations, status: 'aborted'});
		writeSession(ws.root, '20251005_110000-done', {images: 6, numImages: 6, variations, status: 'completed'});
		await computeRoot(ws.root, ws.dbPath);
		const output = path.join(ws.base, 'plan.json');
		const result = resume(ws, {filter: '', output});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('resume plan for 1 session (4 missing images)');
		expect(result.stderr).toContain('skipped 20251005_110000-done: complete: nothing to resume');
		const plan = JSON.parse(fs.readFileSync(output, 'utf8')) as {
			sessions: Array<{
				session_id: string;
				missing_count: number;
				resume: Array<{index: number; values: object; seed?: number}>;
			}>;
			total_missing: number;
		};
		expect(plan.total_missing).toBe(4);
		expect(plan.sessions).toHaveLength(1);
		expect(plan.sessions[0]!.session_id).toBe('20251005_100000-partial');
		expect(plan.sessions[0]!.resume.map((r) => r.index)).toEqual([2, 3, 4, 5]);
		expect(plan.sessions[0]!.resume.every((r) => typeof r.seed === 'number')).toBe(true);
	});

	it('a stop request between sessions ends the plan there and writes no file', () => {
		const ws = actionWorkspace();
		const variations = {Hair: ['a', 'b']};
		for (let i = 0; i < 3; i++)
			writeSession(ws.root, sessionName(i), {images: 1, numImages: 2, variations, status: 'aborted'});
		const cancel = {cancelled: false};
		const read: string[] = [];
		expect(() =>
			writeResumePlanIn(
				ws.base,
				ws.root,
				[0, 1, 2].map((i) => ({sessionId: sessionName(i), state: 'aborted' as const, createdAt: null})),
				{
					includeRunning: false,
					nowMs: Date.now(),
					cancel,
					onSession: (_done, _total, id) => {
						if (id) read.push(id);
						// Esc while the second session is read: the third is never read.
						if (read.length === 2) cancel.cancelled = true;
					},
				},
			),
		).toThrow(ResumeStopped);
		expect(read).toEqual([sessionName(0), sessionName(1)]);
		expect(fs.readdirSync(ws.base).filter((f) => f.startsWith('sdstats-resume'))).toEqual([]);
	});

	it('names every root its sessions come from, not only the first open one (regression: root was the first root)', () => {
		const ws = actionWorkspace();
		const other = path.join(ws.base, 'second-root');
		fs.mkdirSync(other);
		const variations = {Hair: ['a', 'b']};
		writeSession(ws.root, sessionName(0), {images: 1, numImages: 2, variations, status: 'aborted'});
		writeSession(other, sessionName(1), {images: 1, numImages: 2, variations, status: 'aborted'});
		const candidate = (root: string, i: number) => ({
			sessionId: sessionName(i),
			state: 'aborted' as const,
			createdAt: null,
			folder: path.join(root, sessionName(i)),
		});
		const both = buildResumePlan(ws.root, [candidate(ws.root, 0), candidate(other, 1)], {
			includeRunning: false,
			nowMs: Date.now(),
		});
		expect(both.root).toBeNull();
		expect(both.roots).toEqual([path.resolve(ws.root), path.resolve(other)]);
		expect(both.sessions.map((s) => s.session_path)).toEqual([
			path.join(path.resolve(ws.root), sessionName(0)),
			path.join(path.resolve(other), sessionName(1)),
		]);
		// Sessions of the second root alone: that root, not the first open one.
		const second = buildResumePlan(ws.root, [candidate(other, 1)], {includeRunning: false, nowMs: Date.now()});
		expect(second.root).toBe(path.resolve(other));
		expect(second.roots).toEqual([path.resolve(other)]);
	});

	it('asks for -o', async () => {
		const ws = actionWorkspace();
		const result = resume(ws, {filter: '', output: ''});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('-o FILE');
	});
});

describe('the action commands through the binary', () => {
	it('without --yes and without a terminal, shows the plan and moves nothing', async () => {
		const ws = actionWorkspace();
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		const env = {SDSTATS_STATE_DIR: ws.stateDir};
		const result = await runCli(['archive', '--root', ws.root, '--filter', ''], {env});
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('archive 1 session');
		expect(result.stderr).toContain('add --yes to go ahead');
		expect(sessionsIn(ws.root).size).toBe(1);
		const done = await runCli(['archive', '--root', ws.root, '--filter', '', '--yes'], {env});
		expect(done.code).toBe(0);
		expect(done.stdout).toContain(`browse the archive with \`sdstats --root ${path.join(ws.base, 'archive')}\``);
	});

	it('rejects flags of other commands and a bad undo number', async () => {
		const trashTo = await runCli(['trash', '--to', '/x', '--filter', '']);
		expect(trashTo.code).toBe(2);
		expect(trashTo.stderr).toContain('--to cannot be used with `sdstats trash`');
		const undo = await runCli(['undo', 'last']);
		expect(undo.code).toBe(2);
		expect(undo.stderr).toContain('undo takes the number of an action');
	});

	it('doctor settles an interrupted action and says what it did; a second doctor finds nothing', async () => {
		const ws = actionWorkspace();
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		// An archive killed right after its intent was written (pid 0 never runs sdstats).
		const from = path.join(ws.root, sessionName(0));
		const to = path.join(ws.base, 'archive', sessionName(0));
		const journal = JournalWriter.create(ws.stateDir, {
			t: 'action',
			id: '20250101T000000000-1-abcd',
			kind: 'archive',
			createdAt: '2025-01-01T00:00:00.000Z',
			pid: 999_999_999,
			host: 'elsewhere-host',
			dbPath: ws.dbPath,
			root: ws.root,
			target: path.dirname(to),
		});
		journal.append(
			[
				{
					t: 'intent',
					seq: 0,
					sessionId: sessionName(0),
					from,
					to,
					method: 'rename',
					tmp: `${to}.tmp`,
					del: `${from}.del`,
				},
			],
			true,
		);
		journal.close();
		fs.mkdirSync(path.dirname(to), {recursive: true});
		fs.renameSync(from, to);
		const env = {SDSTATS_STATE_DIR: ws.stateDir};
		const first = await runCli(['doctor', '--root', ws.root, '--db', ws.dbPath], {env});
		expect(first.stdout).toContain(
			'actions: an interrupted archive (20250101T000000000-1-abcd): finished 1 session',
		);
		const second = await runCli(['doctor', '--root', ws.root, '--db', ws.dbPath], {env});
		expect(second.stdout).toContain('actions: nothing was left half-done');
	});
});
