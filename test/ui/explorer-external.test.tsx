import {afterEach, describe, expect, it} from 'vitest';
import {fakeData, renderExplorer, waitFor, type Harness} from '../helpers/explorer.js';
import {sampleSessions, storedSession} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

describe('another process writing the database', () => {
	it('refreshes rows after the other writer commits, and keeps browsing meanwhile', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data});
		await harness.waitForFrame((f) => f.includes('10 of 10 shown'));
		await harness.press('j');
		const id = '20251114_100000-partial_illu';
		const index = data.rows.findIndex((r) => r.session_id === id);
		data.rows[index] = {
			...storedSession(id, {numImages: 10, images: 9, status: 'completed'}),
			stats_computed_at: '2025-11-20T12:30:00',
		};
		data.rows.push(
			storedSession('20251119_090000-from_the_web_ui', {numImages: 2, images: 2, status: 'completed'}),
		);
		data.dataVersion++;
		const frame = await harness.waitForFrame(
			(f) => f.includes('9/10') && f.includes('from_the_web_ui'),
			'the rows another process wrote',
		);
		expect(frame).toContain('11 of 11 shown');
		// The cursor stayed on its session through the refresh.
		expect(frame.split('\n').find((l) => l.startsWith('›'))).toContain('complete_pony');
	});

	it('draws nothing when nobody else committed', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data});
		// Loaded ("10 of 10 shown · loading…" is the frame before; taken for this one on a busy machine, the loaded
		// frame after it was counted as drawn by a poll), and what follows loading drawn: counted from the first poll.
		await harness.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
		await waitFor(
			() => data.externalPolls >= 1,
			() => `a first poll (${data.externalPolls} so far)`,
			undefined,
			harness.clock,
		);
		const before = harness.frames.length;
		// Polls pass without a commit (dataVersion unchanged): no new frame. Time moves only while waiting for them.
		await waitFor(
			() => data.externalPolls >= 4,
			() => `three more polls (${data.externalPolls} so far)`,
			undefined,
			harness.clock,
		);
		expect(harness.frames.length).toBe(before);
	});
});

describe('a results root that is unavailable', () => {
	it('keeps the cached rows and says why in the header', async () => {
		const data = fakeData(sampleSessions(), {
			stale: {
				stale: [],
				newOnDisk: [],
				rootProblem: 'the results root /results is unavailable (does not exist); cached stats are kept',
			},
		});
		harness = await renderExplorer({data});
		const frame = await harness.waitForFrame((f) => f.includes('unavailable'));
		expect(frame.split('\n')[1]).toContain('the results root /results is unavailable');
		expect(frame).toContain('10 of 10 shown');
	});
});

describe('changes on disk while the explorer is open', () => {
	it('a watch hint polls at once, long before the poll interval, and lands the changed rows', async () => {
		const data = fakeData(sampleSessions());
		// An hour between polls: only the hint can bring the change in within the test.
		harness = await renderExplorer({data, livePollMs: 3_600_000});
		await harness.waitForFrame((f) => f.includes('10 of 10 shown'));
		await harness.waitForFrame(() => data.watch.hint !== null, 'the explorer to watch the root');
		const id = '20251114_100000-partial_illu';
		const index = data.rows.findIndex((r) => r.session_id === id);
		data.rows[index] = {
			...storedSession(id, {numImages: 10, images: 10, status: 'completed'}),
			stats_computed_at: '2025-11-20T12:30:00',
		};
		data.liveCycles.push({changedIds: [id], removedIds: [], events: [], skipped: null});
		const polls = data.livePolls;
		data.watch.hint!();
		// The hint is debounced (an image is written in several steps): a quarter second, not the poll's hour.
		harness.clock.advance(250);
		await harness.waitForFrame(
			(f) => f.includes('10/10') && data.livePolls === polls + 1,
			'the hinted session recomputed',
		);
	});

	it('stops watching when the explorer closes', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data});
		await harness.waitForFrame(() => data.watch.hint !== null, 'the explorer to watch the root');
		harness.unmount();
		harness = undefined;
		expect(data.watch.closed).toBe(1);
		expect(data.watch.hint).toBeNull();
	});
});
