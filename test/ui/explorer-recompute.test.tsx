/** Recompute from the explorer: what is asked for, the progress panel, live keys, rows landing, cancelling. */
import {computeSummary} from '../helpers/compute-summary.js';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {ComputeSummary} from '../../source/jobs/compute-job.js';
import {
	KEYS,
	cursorName,
	fakeData,
	renderExplorer,
	rowLines,
	rowNames,
	settle,
	type FakeData,
	type Harness,
} from '../helpers/explorer.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import type {ListedSession, StoredSession} from '../../source/core/types.js';
import {POST_JOB_CHECK_DELAY_MS} from '../../source/ui/hooks/use-data-lifecycle.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

function rowOf(frame: string, name: string): string | undefined {
	return rowLines(frame).find((line) => line.slice(3).trim().split(/\s+/)[2] === name);
}
function status(frame: string): string {
	return frame.split('\n').at(-1)!;
}

const summary = (overrides: Partial<ComputeSummary> = {}): ComputeSummary =>
	computeSummary({seconds: 1.25, ...overrides});

type Setup = {h: Harness; data: FakeData; clock: {now: number}};

async function open(
	options: {stale?: {stale: string[]; newOnDisk: string[]}; columns?: number; rows?: number} = {},
): Promise<Setup> {
	const clock = {now: TEST_NOW};
	const data = fakeData(sampleSessions(), options.stale ? {stale: options.stale} : {});
	harness = await renderExplorer({
		data,
		columns: options.columns ?? 100,
		rows: options.rows ?? 30,
		now: () => clock.now,
	});
	await harness.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
	// The first stale check has answered.
	await harness.waitForFrame(() => data.staleChecks >= 1);
	await settle(5);
	return {h: harness, data, clock};
}

const PARTIAL = '20251114_100000-partial_illu';

describe('what r and R ask for', () => {
	it('r recomputes the selected session', async () => {
		const {h, data} = await open();
		await h.press('j', 'j', 'r');
		await h.waitForFrame((f) => f.includes('Recomputing 1 session'));
		expect(data.jobs).toHaveLength(1);
		expect(data.jobs[0]!.request).toEqual({id: 1, scope: 'sessions', sessionIds: [PARTIAL]});
	});

	it('r recomputes the marked sessions when there are marks', async () => {
		const {h, data} = await open();
		await h.press(' ', 'j', ' ', 'G', ' ');
		expect(status(h.lastFrame())).toBe('10 of 10 shown · 3 marked');
		await h.press('g', 'r');
		await h.waitForFrame((f) => f.includes('Recomputing 3 sessions'));
		expect(data.jobs).toHaveLength(1);
		const request = data.jobs[0]!.request;
		expect(request.scope).toBe('sessions');
		expect(request.scope === 'sessions' ? [...request.sessionIds].sort() : []).toEqual(
			['20251120_115500-running_now', '20251114_100000-partial_illu', '2025-10-14_163854_legacy.prompt'].sort(),
		);
	});

	it('R asks; s recomputes the stale and new sessions', async () => {
		const stale = {stale: ['20251113_100000-over_run'], newOnDisk: ['20251121_090000-fresh']};
		const {h, data} = await open({stale});
		expect(status(h.lastFrame())).toBe('10 of 10 shown · 1 stale, 1 new on disk (R recomputes)');
		// The stale session is flagged in its row.
		expect(rowOf(h.lastFrame(), 'over_run')![2]).toBe('*');
		await h.press('R');
		const frame = await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		expect(frame).toContain('the stale and new ones (2)');
		expect(data.jobs).toHaveLength(0);
		await h.press('s');
		await h.waitForFrame((f) => f.includes('Recomputing stale and new sessions'));
		expect(data.jobs).toHaveLength(1);
		expect(data.jobs[0]!.request).toEqual({id: 1, scope: 'stale'});
		expect(data.jobs[0]!.targets).toEqual(stale);
	});

	it('R then a recomputes all of them', async () => {
		const {h, data} = await open();
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
		expect(data.jobs.map((j) => j.request)).toEqual([{id: 1, scope: 'all'}]);
	});

	it('R then Esc recomputes nothing', async () => {
		const {h, data} = await open();
		await h.press('j');
		const before = h.lastFrame();
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('CREATED▼'));
		await settle(10);
		expect(data.jobs).toHaveLength(0);
		expect(after).toBe(before);
		expect(h.quitCalled()).toBe(false);
	});
});

describe('while a recompute runs', () => {
	async function started(): Promise<Setup> {
		const setup = await open();
		await setup.h.press('j', 'j', 'r');
		await setup.h.waitForFrame((f) => f.includes('Recomputing'));
		expect(setup.data.jobs).toHaveLength(1);
		return setup;
	}

	it('shows done/total, the rate, the ETA, the current session and the errors', async () => {
		const {h, data, clock} = await started();
		const listener = data.jobs[0]!.listener;
		clock.now += 2000;
		listener.onProgress({done: 4, total: 10, current: PARTIAL, startedAtMs: TEST_NOW, errors: []});
		let frame = await h.waitForFrame((f) => f.includes('4/10'));
		expect(frame).toContain('Recomputing 1 session: 4/10 (40%) · 2.0/s · ETA 3 s · Esc cancels');
		expect(frame).toContain(`now: ${PARTIAL}`);
		clock.now += 1000;
		listener.onProgress({
			done: 6,
			total: 10,
			current: '20251110_100000-aborted_run',
			startedAtMs: TEST_NOW,
			errors: [{sessionId: '20251109_100000-broken', reason: 'truncated JSON'}],
		});
		frame = await h.waitForFrame((f) => f.includes('6/10'));
		expect(frame).toContain('Recomputing 1 session: 6/10 (60%) · 2.0/s · ETA 2 s · Esc cancels');
		expect(frame).toContain(
			'now: 20251110_100000-aborted_run · 1 unreadable: 20251109_100000-broken: truncated JSON',
		);
		// The panel takes two lines; the frame stays below the terminal height.
		expect(frame.split('\n').length).toBeLessThanOrEqual(29);
	});

	it('keeps the keys live: the cursor moves and the filter works during the job', async () => {
		const {h} = await started();
		expect(cursorName(h.lastFrame())).toBe('partial_illu');
		await h.press('j');
		expect(cursorName(h.lastFrame())).toBe('over_run');
		await h.press('k', 'k');
		expect(cursorName(h.lastFrame())).toBe('complete_pony');
		await h.press('/');
		await h.type('run');
		const frame = h.lastFrame();
		expect(rowNames(frame)).toEqual(['running_now', 'over_run', 'empty_run', 'stalled_run', 'aborted_run']);
		expect(frame).toContain('Recomputing 1 session');
	});

	it('updates rows in place as their results are stored', async () => {
		const {h, data} = await started();
		const before = h.lastFrame();
		expect(rowOf(before, 'partial_illu')).toContain('◐ partial');
		expect(rowOf(before, 'partial_illu')).toContain('3/10');
		const index = data.rows.findIndex((r) => r.session_id === PARTIAL);
		data.rows[index] = storedSession(PARTIAL, {
			numImages: 10,
			images: 10,
			status: 'completed',
			prompt: 'a red fox in snow',
		});
		data.jobs[0]!.listener.onStored([PARTIAL]);
		const frame = await h.waitForFrame((f) => rowOf(f, 'partial_illu')?.includes('10/10') === true);
		const row = rowOf(frame, 'partial_illu')!;
		expect(row).toContain('✓ complete');
		expect(row).toContain('100.0%');
		expect(rowNames(frame)).toEqual(rowNames(before));
		expect(cursorName(frame)).toBe('partial_illu');
		expect(frame).toContain('✓ 3 complete');
		expect(frame).toContain('Recomputing 1 session');
	});

	it("lands stored sessions as the list's lean rows (fetchListed), never whole rows (regression: GBs at 100,000)", async () => {
		const {h, data} = await started();
		const whole = vi.spyOn(data, 'fetch');
		const lean = vi.spyOn(data, 'fetchListed');
		const index = data.rows.findIndex((r) => r.session_id === PARTIAL);
		data.rows[index] = storedSession(PARTIAL, {numImages: 10, images: 10, status: 'completed'});
		data.jobs[0]!.listener.onStored([PARTIAL]);
		await h.waitForFrame((f) => rowOf(f, 'partial_illu')?.includes('10/10') === true);
		expect(lean).toHaveBeenCalledWith([PARTIAL]);
		expect(whole).not.toHaveBeenCalledWith([PARTIAL]);
	});

	it('keeps the cursor on its session when its new values move it in the sort', async () => {
		const {h, data} = await open();
		// Lowest completion first; the cursor on partial_illu (30%), the last incomplete session.
		await h.press('i', 'G');
		expect(cursorName(h.lastFrame())).toBe('partial_illu');
		await h.press('r');
		await h.waitForFrame((f) => f.includes('Recomputing'));
		const index = data.rows.findIndex((r) => r.session_id === PARTIAL);
		data.rows[index] = storedSession(PARTIAL, {
			numImages: 10,
			images: 1,
			status: 'completed',
			prompt: 'a red fox in snow',
		});
		data.jobs[0]!.listener.onStored([PARTIAL]);
		const frame = await h.waitForFrame((f) => rowOf(f, 'partial_illu')?.includes('1/10') === true);
		expect(rowNames(frame)).toEqual(['empty_run', 'partial_illu', 'aborted_run', 'running_now', 'stalled_run']);
		expect(cursorName(frame)).toBe('partial_illu');
	});

	it('moves the cursor to the nearest row when its session no longer matches the filter', async () => {
		const {h, data} = await open();
		// `i` keeps the cursor on its session (running_now); go to the top of the incomplete list first.
		await h.press('i', 'g', 'j');
		expect(cursorName(h.lastFrame())).toBe('aborted_run');
		await h.press('r');
		await h.waitForFrame((f) => f.includes('Recomputing'));
		const id = '20251110_100000-aborted_run';
		const index = data.rows.findIndex((r) => r.session_id === id);
		data.rows[index] = storedSession(id, {numImages: 8, images: 8, status: 'completed'});
		data.jobs[0]!.listener.onStored([id]);
		const frame = await h.waitForFrame((f) => !rowNames(f).includes('aborted_run'));
		expect(rowNames(frame)).toEqual(['empty_run', 'running_now', 'stalled_run', 'partial_illu']);
		expect(['empty_run', 'running_now']).toContain(cursorName(frame));
	});

	it('Esc cancels: the job is told, the panel says Cancelling, the status says how far it got', async () => {
		const {h, data, clock} = await started();
		clock.now += 1000;
		data.jobs[0]!.listener.onProgress({done: 3, total: 10, current: PARTIAL, startedAtMs: TEST_NOW, errors: []});
		await h.waitForFrame((f) => f.includes('3/10'));
		expect(data.jobs[0]!.cancelled).toBe(false);
		await h.press(KEYS.escape);
		const frame = await h.waitForFrame((f) => f.includes('Cancelling'));
		expect(frame).toContain('Cancelling 1 session: 3/10');
		expect(frame).not.toContain('Esc cancels');
		expect(data.jobs[0]!.cancelled).toBe(true);
		expect(h.quitCalled()).toBe(false);
		data.jobs[0]!.listener.onDone(summary({cancelled: true, computed: 3, planned: 10}));
		const done = await h.waitForFrame((f) => !f.includes('Cancelling'));
		expect(status(done).startsWith('cancelled after 3/10')).toBe(true);
		expect(done).not.toContain('Recomputing');
		// The message lasts until the next key.
		await h.press('j');
		expect(status(h.lastFrame())).toBe('10 of 10 shown');
	});

	it('the first Ctrl-C cancels, a second one while cancelling quits', async () => {
		const {h, data} = await started();
		await h.press(KEYS.ctrlC);
		await h.waitForFrame((f) => f.includes('Cancelling'));
		expect(data.jobs[0]!.cancelled).toBe(true);
		expect(h.quitCalled()).toBe(false);
		await h.press(KEYS.ctrlC);
		expect(h.quitCalled()).toBe(true);
	});

	it('reports the finished job in the status line and checks the disk again', async () => {
		const {h, data} = await started();
		const checks = data.staleChecks;
		data.jobs[0]!.listener.onDone(summary({computed: 1, planned: 1, seconds: 1.25}));
		const frame = await h.waitForFrame((f) => !f.includes('Recomputing'));
		expect(status(frame).startsWith('recomputed 1 session in 1.3 s')).toBe(true);
		await h.waitForFrame(() => data.staleChecks === checks + 1);
	});

	it('stops a stale check still running when a recompute starts, and checks again after it', async () => {
		const data = fakeData(sampleSessions());
		const signals: AbortSignal[] = [];
		data.checkStale = (signal) => {
			data.staleChecks++;
			signals.push(signal!);
			// The first check is still reading the disk when the recompute starts; the next one answers.
			return signals.length === 1 ? new Promise(() => undefined) : Promise.resolve({stale: [], newOnDisk: []});
		};
		harness = await renderExplorer({data, columns: 100, rows: 30});
		const h = harness;
		await h.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
		await h.waitForFrame(() => signals.length === 1);
		expect(signals[0]!.aborted).toBe(false);
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
		await h.waitForFrame(() => signals[0]!.aborted, 'the first check stopped');
		data.jobs[0]!.listener.onDone(summary({computed: 10, planned: 10}));
		await h.waitForFrame(() => signals.length === 2);
		expect(signals[1]!.aborted).toBe(false);
	});

	it('checks the disk a few seconds after the job, not while the watches and the look for changes start', async () => {
		const {h, data} = await started();
		const checks = data.staleChecks;
		data.jobs[0]!.listener.onDone(summary({computed: 1, planned: 1, seconds: 1.25}));
		// The harness's own waits would move the clock: the frame is awaited by turns of the event loop only.
		while (h.lastFrame().includes('Recomputing')) await settle(1);
		await settle(10);
		expect(data.staleChecks).toBe(checks);
		h.clock.advance(POST_JOB_CHECK_DELAY_MS - 1);
		await settle(10);
		expect(data.staleChecks).toBe(checks);
		h.clock.advance(1);
		await settle(10);
		expect(data.staleChecks).toBe(checks + 1);
	});

	it('refuses a second recompute while one runs', async () => {
		const {h, data} = await started();
		await h.press('r');
		expect(status(h.lastFrame()).startsWith('a recompute is already running (Esc cancels it)')).toBe(true);
		await h.press('R');
		expect(h.lastFrame()).not.toContain('Recompute which sessions?');
		await settle(10);
		expect(data.jobs).toHaveLength(1);
	});

	it('writes no frame while the job reports nothing', async () => {
		const {h} = await started();
		await settle(10);
		const count = h.frames.length;
		for (let i = 0; i < 5; i++) await settle(10);
		expect(h.frames.length).toBe(count);
	});
});

describe('the details of the selected session after it is recomputed', () => {
	/** A lean copy, as the store lands in the list: none of the fields only the details show. */
	function lean<T extends ListedSession>(row: T): T {
		const copy: Record<string, unknown> = {...row};
		delete copy.stats_computed_at;
		delete copy.negative_prompt;
		return copy as T;
	}

	/** The explorer over lean listed rows, its details open on the partial session (a tall screen shows them whole). */
	async function detailsOpen(): Promise<{
		h: Harness;
		data: FakeData;
		before: string;
		old: StoredSession;
		index: number;
	}> {
		const data = fakeData(sampleSessions());
		const whole = data.fetch;
		data.loadNewest = (limit) => [...data.rows].slice(0, limit).map(lean);
		data.pages = async function* () {
			yield data.rows.map(lean);
		};
		data.fetchListed = (ids) => {
			const found = whole(ids);
			return {rows: found.rows.map(lean), missing: found.missing};
		};
		const external = data.externalChanges.bind(data);
		data.externalChanges = async (known) => {
			const result = await external(known);
			return result && {...result, changed: result.changed.map(lean)};
		};
		harness = await renderExplorer({data, columns: 100, rows: 80});
		const h = harness;
		await h.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
		await h.press('j', 'j', KEYS.enter);
		const before = await h.waitForFrame((f) => f.includes(PARTIAL) && f.includes('computed'), 'the details');
		const index = data.rows.findIndex((r) => r.session_id === PARTIAL);
		const old = data.rows[index]!;
		expect(before).toContain(old.negative_prompt ?? '');
		expect(before).not.toContain('watermark, extra fingers');
		return {h, data, before, old, index};
	}

	it('regression: the details kept the old row (computed time, negative prompt) after a recompute of the selected session', async () => {
		const {h, data, before, old, index} = await detailsOpen();
		await h.press('r');
		await h.waitForFrame((f) => f.includes('Recomputing 1 session'));
		// Recomputed: every listed field as it was, the computed time and the negative prompt new.
		data.rows[index] = {
			...old,
			stats_computed_at: '2025-11-20T11:59:30.000Z',
			negative_prompt: 'watermark, extra fingers',
		};
		const listener = data.jobs[0]!.listener;
		listener.onStored([PARTIAL]);
		listener.onDone(summary());
		const after = await h.waitForFrame(
			(f) => f.includes('watermark, extra fingers'),
			'the details read again after the recompute',
		);
		expect(after).toContain(PARTIAL);
		expect(computedLine(after)).not.toBe(computedLine(before));
	});

	it('regression: the details kept the old row after another program (a CLI compute) stored the selected session', async () => {
		const {h, data, before, old, index} = await detailsOpen();
		data.rows[index] = {
			...old,
			stats_computed_at: '2025-11-20T11:59:30.000Z',
			negative_prompt: 'watermark, extra fingers',
		};
		// Another connection committed: the next poll of changes (a timer of the injected clock) finds the row.
		data.dataVersion++;
		const after = await h.waitForFrame(
			(f) => f.includes('watermark, extra fingers'),
			'the details read again after the external change',
		);
		expect(after).toContain(PARTIAL);
		expect(computedLine(after)).not.toBe(computedLine(before));
	});
});

function computedLine(frame: string): string | undefined {
	return frame.split('\n').find((line) => line.startsWith('computed '));
}
