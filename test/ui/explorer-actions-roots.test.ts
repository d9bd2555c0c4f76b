/** Archive, trash and undo over several roots (issue 15): each goes through the sessions' own root and caches. */
import {describe, expect, it} from 'vitest';
import type {ActionTask} from '../../source/jobs/actions/action-job.js';
import type {ActionPlan} from '../../source/jobs/actions/plan.js';
import {createExplorerActions} from '../../source/ui/data/explorer-actions.js';

const MAIN = {name: 'main', path: '/data/results', dbPath: '/data/metadata/sdstats.db', sharedPath: null};
const OLD = {name: 'old disk', path: '/mnt/old/results', dbPath: '/mnt/old/metadata/sdstats.db', sharedPath: null};

function actions() {
	const tasks: ActionTask[] = [];
	const plan: ActionPlan = {
		kind: 'archive',
		root: '',
		target: '',
		dbPath: null,
		moves: [],
		skipped: [],
		freeBytes: null,
		copyBytes: 0,
	} as unknown as ActionPlan;
	const made = createExplorerActions({
		root: MAIN.path,
		dbPath: MAIN.dbPath,
		stateDir: '/state',
		env: {},
		now: () => 0,
		severalRoots: true,
		job: async (task) => {
			tasks.push(task);
			return task.task === 'plan' ? {type: 'planned', plan} : {type: 'refused', message: 'test'};
		},
	});
	return {made, tasks};
}

describe('session actions with several roots', () => {
	it("plans the sessions of the second root in that root, with that root's cache", async () => {
		const {made, tasks} = actions();
		await made.plan('archive', [
			{
				sessionId: '2025-09-02_140322_portraits',
				state: 'complete',
				folder: `${OLD.path}/2025-09-02_140322_portraits`,
				root: OLD,
			},
		]);
		const task = tasks[0]!;
		expect(task.task).toBe('plan');
		if (task.task !== 'plan') return;
		expect(task.options.root).toBe(OLD.path);
		expect(task.options.dbPath).toBe(OLD.dbPath);
	});

	it("one plan over two roots: each session carries its own root, cache and that root's archive folder (issue 14)", async () => {
		const {made, tasks} = actions();
		await made.plan('archive', [
			{sessionId: 'a', state: 'complete', folder: `${MAIN.path}/a`, root: MAIN},
			{sessionId: 'b', state: 'complete', folder: `${OLD.path}/b`, root: OLD},
		]);
		const task = tasks[0]!;
		if (task.task !== 'plan') throw new Error('expected a plan');
		expect(task.candidates).toEqual([
			{
				sessionId: 'a',
				state: 'complete',
				folder: `${MAIN.path}/a`,
				root: {path: MAIN.path, dbPath: MAIN.dbPath},
				target: '/data/archive',
			},
			{
				sessionId: 'b',
				state: 'complete',
				folder: `${OLD.path}/b`,
				root: {path: OLD.path, dbPath: OLD.dbPath},
				target: '/mnt/old/archive',
			},
		]);
	});

	it("undo uses the action journal's own cache, not the first root's", async () => {
		const {made, tasks} = actions();
		await made.undo('action-1', () => {}, {cancelled: false});
		expect(tasks[0]).toMatchObject({task: 'undo', actionId: 'action-1', dbPath: null});
	});
});
