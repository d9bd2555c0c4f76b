/**
 * Archive and undo in an explorer over two roots that both hold a folder of the same name (issue 14 over
 * issue 15's roots): the rows that leave the list and come back are the moved session's own, found by its root
 * and name (its row key), never by the name alone.
 */
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {StoredSession} from '../../source/core/types.js';
import type {ActionJob} from '../../source/jobs/actions/action-job.js';
import type {ActionPlan, PlannedMove} from '../../source/jobs/actions/plan.js';
import {createExplorerActions} from '../../source/ui/data/explorer-actions.js';
import {createMultiRootData} from '../../source/ui/data/multi-root-data.js';
import {fakeData, renderExplorer, rowLines, settle, type FakeData, type Harness} from '../helpers/explorer.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const SHARED = '20251110_100000-shared_name';

function under(root: string, rows: StoredSession[]): StoredSession[] {
	return rows.map((row) => ({...row, session_path: path.join(root, row.session_id)}));
}

function roots(): {main: FakeData; other: FakeData} {
	const main = fakeData(
		under('/results', [
			storedSession('20251118_100000-main_one', {numImages: 4, images: 4}),
			storedSession(SHARED, {numImages: 4, images: 4}),
		]),
		{root: {name: 'main', path: '/results', dbPath: '/metadata/sdstats.db', sharedPath: '/metadata/sessions.db'}},
	);
	const other = fakeData(
		under('/mnt/usb/results', [
			storedSession('20240301_100000-old_run', {numImages: 10, images: 3}),
			storedSession(SHARED, {numImages: 8, images: 8}),
		]),
		{
			root: {
				name: 'usb',
				path: '/mnt/usb/results',
				dbPath: '/mnt/usb/metadata/sdstats.db',
				sharedPath: '/mnt/usb/metadata/sessions.db',
			},
		},
	);
	return {main, other};
}

/**
 * The action job as the real one behaves, on the fakes' rows: a plan moves each candidate's own folder into its
 * root's archive folder, a run takes the moved rows out of their root's data, an undo puts them back. Only paths
 * tell the sessions apart, as in the real journal.
 */
function pathMover(parts: readonly FakeData[]): {job: ActionJob; asked: string[]} {
	const asked: string[] = [];
	const journals = new Map<string, PlannedMove[]>();
	const away = new Map<string, StoredSession>();
	const partOf = (folder: string): FakeData => parts.find((p) => path.dirname(folder) === p.root)!;
	const planOf = (kind: ActionPlan['kind'], moves: PlannedMove[]): ActionPlan => ({
		kind,
		root: '/results',
		target: '/results/../archive',
		dbPath: null,
		moves,
		skipped: [],
		freeBytes: null,
		copyBytes: 0,
	});
	const job: ActionJob = async (task) => {
		asked.push(task.task);
		if (task.task === 'plan') {
			const moves = task.candidates.map((c) => ({
				sessionId: c.sessionId,
				from: c.folder!,
				to: path.join(c.target!, c.sessionId),
				method: 'rename' as const,
				dbPath: c.root?.dbPath ?? null,
				files: 1,
				bytes: 100,
				listing: null,
			}));
			return {type: 'planned', plan: planOf(task.kind, moves)};
		}
		if (task.task === 'resume') throw new Error('no resume plans in this test');
		const moves =
			task.task === 'run'
				? task.plan.moves
				: journals.get(task.actionId)!.map((m) => ({...m, from: m.to, to: m.from}));
		for (const move of moves) {
			if (task.task === 'run') {
				const data = partOf(move.from);
				away.set(
					move.from,
					data.rows.find((r) => r.session_path === move.from)!,
				);
				data.rows = data.rows.filter((r) => r.session_path !== move.from);
			} else partOf(move.to).rows.push(away.get(move.to)!);
		}
		const actionId = `action-${journals.size + 1}`;
		if (task.task === 'run') journals.set(actionId, moves);
		const summary = {
			actionId,
			moved: moves.map((m) => ({sessionId: m.sessionId, from: m.from, to: m.to})),
			failed: [],
			stopped: [],
			databaseProblem: null,
		};
		return {type: 'ran', plan: task.task === 'run' ? task.plan : planOf('restore', moves), summary};
	};
	return {job, asked};
}

const rowOf = (frame: string, root: string): string | undefined =>
	rowLines(frame).find((line) => line.includes('shared_name') && line.includes(` ${root}`));

describe('archive and undo of one of two sessions with the same name in two roots', () => {
	it('archiving the second root’s session removes only its row, and undo brings back that row (regression: moved rows were removed and restored by name)', async () => {
		const {main, other} = roots();
		const data = createMultiRootData([main, other]);
		const {job, asked} = pathMover([main, other]);
		const actions = createExplorerActions({
			root: '/results',
			dbPath: '/metadata/sdstats.db',
			stateDir: '/state',
			env: {},
			now: () => TEST_NOW,
			severalRoots: true,
			job,
		});
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		const h = harness;
		let frame = await h.waitForFrame((f) => f.includes('4 of 4 shown') && !f.includes('loading…'));
		await settle(5);
		frame = h.lastFrame();
		expect(rowOf(frame, 'main')).toMatch(/4\/4/);
		expect(rowOf(frame, 'usb')).toMatch(/8\/8/);
		const index = rowLines(frame).findIndex((l) => l === rowOf(frame, 'usb'));
		for (let i = 0; i < index; i++) await h.press('j');
		await h.press('A');
		await h.waitForFrame((f) => f.includes('Archive the selected session?') && f.includes('y or Enter'));
		await h.press('y');
		frame = await h.waitForFrame((f) => f.includes('archived 1 session'));
		expect(other.rows.map((r) => r.session_id)).toEqual(['20240301_100000-old_run']);
		// The main root's session of that name stays; the usb root's one is gone.
		expect(rowOf(frame, 'main')).toMatch(/4\/4/);
		expect(rowOf(frame, 'usb')).toBeUndefined();
		expect(rowLines(frame)).toHaveLength(3);

		await h.press('U');
		frame = await h.waitForFrame((f) => f.includes('put back 1 session'));
		expect(asked).toEqual(['plan', 'run', 'undo']);
		expect(rowOf(frame, 'main')).toMatch(/4\/4/);
		expect(rowOf(frame, 'usb')).toMatch(/8\/8/);
		expect(rowLines(frame)).toHaveLength(4);
	});
});
