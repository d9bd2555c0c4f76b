/** Archive and trash from the explorer: which sessions, the confirmation screen, progress, stopping, and one U. */
import {afterEach, describe, expect, it} from 'vitest';
import {
	createExplorerActions,
	type ActionOutcome,
	type ExplorerActions,
	type SessionActionKind,
} from '../../source/ui/data/explorer-actions.js';
import type {ActionJob, ActionJobEvents, ActionTaskResult} from '../../source/jobs/actions/action-job.js';
import type {ActionPlan} from '../../source/jobs/actions/plan.js';
import type {ActionSummary} from '../../source/jobs/actions/run-action.js';
import type {StoredSession} from '../../source/core/types.js';
import {
	KEYS,
	cursorName,
	fakeData,
	renderExplorer,
	rowNames,
	waitFor,
	type FakeData,
	type Harness,
} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

type Progress = Parameters<ExplorerActions['run']>[1];

/** Actions that move rows out of (and back into) the fake data, recording what was asked. */
function fakeActions(
	data: FakeData,
	options: {gate?: (progress: Progress, cancel: {cancelled: boolean}, ids: string[]) => Promise<string[]>} = {},
) {
	const plans = new Map<number, {kind: SessionActionKind; ids: string[]}>();
	const archived = new Map<string, StoredSession[]>();
	const log: string[] = [];
	let next = 1;
	let nextAction = 1;
	const actions: ExplorerActions = {
		async plan(kind, candidates, includeRunning = false) {
			const planId = next++;
			const movable = candidates.filter((c) => includeRunning || c.state !== 'running');
			plans.set(planId, {kind, ids: movable.map((c) => c.sessionId)});
			log.push(
				`plan ${kind} ${candidates.map((c) => c.sessionId).join(',')}${includeRunning ? ' with running' : ''}`,
			);
			const skipped = candidates
				.filter((c) => !includeRunning && c.state === 'running')
				.map((c) => `  ${c.sessionId}  running (i on this screen moves it anyway)`);
			return {
				planId,
				lines: [
					`${kind} ${movable.length} sessions (8 files, 1.0 kB)`,
					...movable.map((c) => `  ${c.sessionId}  → archive/${c.sessionId}  (rename)`),
					...(skipped.length ? ['skipped:', ...skipped] : []),
					'total: …',
				],
				movable: movable.length,
				running: skipped.length,
				label: `${kind} ${movable.length}`,
			};
		},
		async run(planId, progress, cancel) {
			const plan = plans.get(planId)!;
			log.push(`run ${plan.kind} ${plan.ids.join(',')}`);
			const ids = options.gate ? await options.gate(progress, cancel, plan.ids) : plan.ids;
			const actionId = `action-${nextAction++}`;
			archived.set(
				actionId,
				data.rows.filter((r) => ids.includes(r.session_id)),
			);
			data.rows = data.rows.filter((r) => !ids.includes(r.session_id));
			return {
				actionId,
				message: `${plan.kind === 'archive' ? 'archived' : 'moved to the trash'} ${ids.length} sessions`,
				movedKeys: ids,
			} satisfies ActionOutcome;
		},
		async resume(candidates) {
			log.push(`resume ${candidates.map((c) => `${c.sessionId}:${c.state}`).join(',')}`);
			return {
				actionId: null,
				message: `resume plan for ${candidates.length} sessions written to /tmp/plan.json`,
				movedKeys: [],
			};
		},
		async undo(actionId) {
			log.push(`undo ${actionId}`);
			const rows = archived.get(actionId) ?? [];
			data.rows = [...data.rows, ...rows];
			return {
				actionId: 'restore',
				message: `put back ${rows.length} sessions`,
				movedKeys: rows.map((r) => r.session_id),
			};
		},
	};
	return {actions, log};
}

describe('archive and trash keys', () => {
	it('A on the marked sessions: the confirmation lists them, y moves them out of the list, U brings them back', async () => {
		const data = fakeData(sampleSessions());
		const {actions, log} = fakeActions(data);
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		// The newest is running_now (skipped as running); mark it and the next one.
		await harness.press(KEYS.space, KEYS.space);
		await harness.press('A');
		let frame = await harness.waitForFrame(
			(f) => f.includes('Archive the 2 marked sessions?') && f.includes('y or Enter: do it'),
		);
		expect(frame).toContain('running_now  running (i on this screen moves it anyway)');
		expect(frame).toContain('i: archive the 1 running one too');
		expect(frame).toContain('→ archive/20251115_100000-complete_pony');
		expect(log).toEqual(['plan archive 20251120_115500-running_now,20251115_100000-complete_pony']);
		await harness.press('y');
		frame = await harness.waitForFrame((f) => f.includes('archived 1 sessions · U takes it back'));
		expect(frame).not.toContain('complete_pony');
		expect(frame).toContain('running_now');
		await harness.press('U');
		frame = await harness.waitForFrame((f) => f.includes('put back 1 sessions'));
		expect(frame).toContain('complete_pony');
		expect(log.at(-1)).toBe('undo action-1');
	});

	it('i on the confirmation plans the running sessions too; y then moves them with the rest', async () => {
		const data = fakeData(sampleSessions());
		const {actions, log} = fakeActions(data);
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		await harness.press(KEYS.space, KEYS.space);
		await harness.press('D');
		await harness.waitForFrame((f) => f.includes('i: trash the 1 running one too'));
		await harness.press('i');
		const frame = await harness.waitForFrame(
			(f) => f.includes('→ archive/20251120_115500-running_now') && f.includes('y or Enter: do it'),
		);
		expect(frame).not.toContain('running one too');
		expect(log).toEqual([
			'plan trash 20251120_115500-running_now,20251115_100000-complete_pony',
			'plan trash 20251120_115500-running_now,20251115_100000-complete_pony with running',
		]);
		// Asked once: a second i changes nothing.
		await harness.press('i');
		await harness.press('y');
		await harness.waitForFrame((f) => f.includes('moved to the trash 2 sessions'));
		expect(log.at(-1)).toBe('run trash 20251120_115500-running_now,20251115_100000-complete_pony');
	});

	it('without marks, acts on the filtered view; without a filter, on the selected session only', async () => {
		const data = fakeData(sampleSessions());
		const {actions, log} = fakeActions(data);
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		await harness.press('D');
		await harness.waitForFrame((f) => f.includes('Move to the trash the selected session?'));
		await harness.press(KEYS.escape);
		await harness.waitForFrame((f) => f.includes('nothing was moved'));
		await harness.press('/');
		await harness.type('name:stalled,aborted');
		await harness.press(KEYS.enter);
		const filtered = await harness.waitForFrame((f) => f.includes('2 of 10 shown'));
		expect(rowNames(filtered)).toEqual(['stalled_run', 'aborted_run']);
		await harness.press('D');
		await harness.waitForFrame((f) => f.includes('Move to the trash the 2 sessions of the filtered view?'));
		expect(log).toEqual([
			'plan trash 20251120_115500-running_now',
			'plan trash 20251111_100000-stalled_run,20251110_100000-aborted_run',
		]);
		await harness.press('n');
		await harness.waitForFrame((f) => f.includes('nothing was moved'));
		expect(log.filter((l) => l.startsWith('run'))).toEqual([]);
	});

	it('U takes back the last thing done, whichever kind: the archive after a triage change, then the triage change', async () => {
		const data = fakeData(sampleSessions());
		const {actions, log} = fakeActions(data);
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		await harness.press(KEYS.down, '*');
		await harness.waitForFrame((f) => f.includes('set ★ favourite on 1 session'));
		await harness.press(KEYS.down, 'A');
		await harness.waitForFrame((f) => f.includes('y or Enter: do it'));
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('U takes it back'));
		await harness.press('U');
		await harness.waitForFrame((f) => f.includes('put back 1 sessions'));
		expect(log.at(-1)).toBe('undo action-1');
		await harness.press('U');
		await harness.waitForFrame((f) => f.includes('undone: set ★ favourite'));
		await harness.press('U');
		await harness.waitForFrame((f) => f.includes('nothing to undo'));
	});

	it('shows progress while folders move, and Esc stops after the current session', async () => {
		const data = fakeData(sampleSessions());
		let release: (() => void) | null = null;
		let seenCancel = false;
		const {actions} = fakeActions(data, {
			gate: async (progress, cancel, ids) => {
				progress({done: 1, total: ids.length, bytesDone: 2_000_000, bytesTotal: 6_000_000, sessionId: ids[1]!});
				await new Promise<void>((resolve) => {
					release = resolve;
				});
				seenCancel = cancel.cancelled;
				return ids.slice(0, 2);
			},
		});
		harness = await renderExplorer({data, actions, columns: 160, rows: 30});
		await harness.press(KEYS.down, KEYS.space, KEYS.space, KEYS.space);
		await harness.press('A');
		await harness.waitForFrame((f) => f.includes('Archive the 3 marked sessions?') && f.includes('y or Enter'));
		await harness.press('y');
		let frame = await harness.waitForFrame((f) => f.includes('moving sessions: 1/3'));
		expect(frame).toContain('2.0 MB of 6.0 MB');
		expect(frame).toContain('Esc stops after this session');
		await harness.press(KEYS.escape);
		frame = await harness.waitForFrame((f) => f.includes('stopping after the current session'));
		expect(release).not.toBeNull();
		release!();
		frame = await harness.waitForFrame((f) => f.includes('archived 2 sessions'));
		expect(seenCancel).toBe(true);
	});

	it('W writes a resume plan of the same sessions (here the filtered view) without asking', async () => {
		const data = fakeData(sampleSessions());
		const {actions, log} = fakeActions(data);
		harness = await renderExplorer({data, actions, columns: 140, rows: 30});
		await harness.press('/');
		await harness.type('name:stalled,partial');
		await harness.press(KEYS.enter, 'W');
		await harness.waitForFrame((f) => f.includes('resume plan for 2 sessions written to /tmp/plan.json'));
		expect(log).toEqual(['resume 20251114_100000-partial_illu:partial,20251111_100000-stalled_run:stalled']);
	});

	it('without an actions source (a read-only or test run), the keys say so and nothing moves', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press('A');
		await harness.waitForFrame((f) => f.includes('archive and trash are not available here'));
	});
});

describe('actions run off the screen thread', () => {
	it('keys answer during a long move: the cursor moves while the job works, and Esc reaches the job', async () => {
		const data = fakeData(sampleSessions());
		const asked: string[] = [];
		let release: ((summary: ActionSummary) => void) | null = null;
		let runEvents: ActionJobEvents = {};
		let runCancel: {cancelled: boolean} = {cancelled: false};
		// A slow mover: the run settles only when the test says so, as a copy of many gigabytes would.
		const job: ActionJob = async (task, events, cancel) => {
			asked.push(task.task);
			if (task.task === 'plan') {
				const moves = task.candidates.map((c) => ({
					sessionId: c.sessionId,
					from: c.folder ?? c.sessionId,
					to: `/archive/${c.sessionId}`,
					method: 'copy' as const,
					dbPath: null,
					files: 3,
					bytes: 3_000_000,
					listing: null,
				}));
				const plan: ActionPlan = {
					kind: 'archive',
					root: '/results',
					target: '/archive',
					dbPath: null,
					moves,
					skipped: [],
					freeBytes: 1e12,
					copyBytes: 3_000_000 * moves.length,
				};
				return {type: 'planned', plan};
			}
			if (task.task !== 'run') throw new Error('unexpected task');
			runEvents = events;
			runCancel = cancel;
			const summary = await new Promise<ActionSummary>((resolve) => {
				release = resolve;
			});
			return {type: 'ran', plan: task.plan, summary};
		};
		const actions = createExplorerActions({
			root: '/results',
			dbPath: '/metadata/sessions.db',
			stateDir: '/state',
			env: {},
			now: () => 0,
			job,
		});
		harness = await renderExplorer({data, actions, columns: 160, rows: 30});
		const first = cursorName(await harness.waitForFrame((f) => cursorName(f) !== undefined));
		await harness.press(KEYS.down, 'A');
		await harness.waitForFrame((f) => f.includes('Archive the selected session?') && f.includes('y or Enter'));
		await harness.press('y');
		await waitFor(
			() => release !== null,
			() => 'the run to start',
		);
		runEvents.onProgress?.({done: 0, total: 1, bytesDone: 1_000_000, bytesTotal: 3_000_000, sessionId: 'x'});
		await harness.waitForFrame((f) => f.includes('moving sessions: 0/1'));
		// The move is still going: keys are answered at once.
		await harness.press(KEYS.up);
		await harness.waitForFrame((f) => cursorName(f) === first && f.includes('moving sessions: 0/1'));
		await harness.press(KEYS.down, KEYS.down);
		const moved = await harness.waitForFrame((f) => cursorName(f) !== first && f.includes('moving sessions'));
		expect(rowNames(moved).indexOf(cursorName(moved)!)).toBe(2);
		await harness.press(KEYS.escape);
		await harness.waitForFrame((f) => f.includes('stopping after the current session'));
		await waitFor(
			() => runCancel.cancelled,
			() => 'the stop request to reach the job',
		);
		release!({actionId: 'a1', moved: [], failed: [], stopped: ['x'], databaseProblem: null});
		await harness.waitForFrame((f) => f.includes('archived 0 sessions') && !f.includes('moving sessions'));
		expect(asked).toEqual(['plan', 'run']);
	});

	it('W: a slow resume plan is worked out on the action job; keys answer meanwhile, progress shows, Esc reaches it', async () => {
		const data = fakeData(sampleSessions());
		const asked: Array<{task: string; sessions: string[]}> = [];
		let finish: ((result: ActionTaskResult) => void) | null = null;
		let events: ActionJobEvents = {};
		let cancelled: {cancelled: boolean} = {cancelled: false};
		// A slow reader: the plan settles only when the test says so, as reading thousands of manifests would.
		const job: ActionJob = async (task, given, cancel) => {
			if (task.task !== 'resume') throw new Error(`unexpected task ${task.task}`);
			asked.push({task: task.task, sessions: task.candidates.map((c) => c.sessionId)});
			events = given;
			cancelled = cancel;
			return new Promise<ActionTaskResult>((resolve) => {
				finish = resolve;
			});
		};
		const actions = createExplorerActions({
			root: '/results',
			dbPath: '/metadata/sessions.db',
			stateDir: '/state',
			env: {},
			now: () => 0,
			exportFolder: '/plans',
			job,
		});
		harness = await renderExplorer({data, actions, columns: 160, rows: 30});
		await harness.press('/');
		await harness.type('name:stalled,partial');
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('2 of 10 shown'));
		await harness.press('W');
		await waitFor(
			() => finish !== null,
			() => 'the resume plan to be asked of the job',
		);
		expect(asked).toEqual([
			{task: 'resume', sessions: ['20251114_100000-partial_illu', '20251111_100000-stalled_run']},
		]);
		events.onProgress?.({done: 1, total: 2, bytesDone: 0, bytesTotal: 0, sessionId: '20251111_100000-stalled_run'});
		let frame = await harness.waitForFrame((f) => f.includes('writing the resume plan: 1/2 sessions read'));
		expect(frame).toContain('Esc stops (nothing is written)');
		expect(frame).not.toContain('MB/s');
		// The plan is still being read: keys are answered at once, and a second W or an archive waits its turn.
		await harness.press('G');
		await harness.waitForFrame((f) => cursorName(f) === 'stalled_run' && f.includes('writing the resume plan'));
		await harness.press('g');
		await harness.waitForFrame((f) => cursorName(f) === 'partial_illu' && f.includes('writing the resume plan'));
		await harness.press('W');
		await harness.waitForFrame((f) => f.includes('an action is already running'));
		expect(asked).toHaveLength(1);
		await harness.press(KEYS.escape);
		await harness.waitForFrame((f) => f.includes('stopping'));
		await waitFor(
			() => cancelled.cancelled,
			() => 'the stop request to reach the job',
		);
		finish!({type: 'refused', message: 'stopped: no resume plan was written'});
		frame = await harness.waitForFrame(
			(f) => f.includes('stopped: no resume plan was written') && !f.includes('writing the resume plan'),
		);

		// Once more, to the end: the message says where the plan went, and U has nothing of it to take back.
		finish = null;
		await harness.press('W');
		await waitFor(
			() => finish !== null,
			() => 'the second resume plan to be asked of the job',
		);
		expect(cancelled.cancelled).toBe(false);
		finish!({type: 'written', message: 'resume plan for 2 sessions (9 missing images) written to /plans/p.json'});
		frame = await harness.waitForFrame((f) => f.includes('written to /plans/p.json'));
		expect(frame).not.toContain('U takes it back');
	});

	it('W: a resume plan that cannot be written says why in one line', async () => {
		const data = fakeData(sampleSessions());
		const job: ActionJob = async () => {
			throw new Error("EACCES: permission denied, open '/plans/sdstats-resume.json'");
		};
		const actions = createExplorerActions({
			root: '/results',
			dbPath: '/metadata/sessions.db',
			stateDir: '/state',
			env: {},
			now: () => 0,
			job,
		});
		harness = await renderExplorer({data, actions, columns: 160, rows: 30});
		await harness.press('W');
		await harness.waitForFrame((f) =>
			f.includes("the resume plan was not written: EACCES: permission denied, open '/plans/sdstats-resume.json'"),
		);
	});
});
