/**
 * Time in the explorer (issue 11 items 5 and 18): ages, stall reasons and export names use the current time;
 * open details refresh their ages at most once a second and draw nothing when nothing changed; every timer
 * runs on the injected clock, so tests move time themselves.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {KEYS, fakeData, renderExplorer, settle, type FakeData, type Harness} from '../helpers/explorer.js';
import {FakeClock} from '../helpers/clock.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const RECENT = '20251120_115900-recent_run';
const OLD = '20251101_100000-old_run';

function rows() {
	return [
		// Written 30 s before TEST_NOW, still running.
		storedSession(RECENT, {numImages: 20, images: 5, status: 'ongoing', idleMinutes: 0.5}),
		// Written and computed three days before TEST_NOW: every age on its details is in days.
		storedSession(OLD, {numImages: 4, images: 4, status: 'completed', idleMinutes: 60}, TEST_NOW - 3 * 86_400_000),
	];
}

async function open(columns = 120): Promise<{h: Harness; data: FakeData; clock: FakeClock}> {
	const clock = new FakeClock(TEST_NOW);
	const data = fakeData(rows());
	harness = await renderExplorer({data, columns, rows: 70, clock, now: () => clock.now()});
	await harness.waitForFrame((f) => f.includes('2 of 2 shown') && !f.includes('loading…'));
	return {h: harness, data, clock};
}

const lastWrite = (frame: string): string | undefined =>
	frame
		.split('\n')
		.find((l) => l.trim().startsWith('last write'))
		?.trim();

describe('regression: the clock goes stale (issue 11 item 5)', () => {
	it('counts ages from the time of the key, not of the last data event', async () => {
		const {h, clock} = await open();
		// Three minutes pass with nothing new from the disk.
		clock.advance(3 * 60_000);
		await settle();
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame((f) => lastWrite(f) !== undefined, 'the details');
		expect(lastWrite(frame)).toMatch(/last write +4 min ago/);
		// The state's reason counts from the same time.
		expect(frame).toMatch(/last write 4 min ago \(within the 10 min stall window\)/);
	});

	it('names and states an export at the time it is written', async () => {
		const {h, data, clock} = await open();
		clock.advance(90_000);
		await settle();
		await h.press('x', 'c');
		await h.waitForFrame(() => data.exports.length === 1, 'the export');
		expect(data.exportTimes).toEqual([clock.now()]);
	});

	it('refreshes the ages of open details once a second', async () => {
		const {h, clock} = await open();
		await h.press(KEYS.enter);
		let frame = await h.waitForFrame((f) => lastWrite(f) !== undefined, 'the details');
		expect(lastWrite(frame)).toMatch(/last write +30 s ago/);
		clock.advance(1000);
		await settle();
		expect(lastWrite(h.lastFrame())).toMatch(/last write +31 s ago/);
		clock.advance(500);
		await settle();
		expect(lastWrite(h.lastFrame())).toMatch(/last write +31 s ago/);
		clock.advance(500);
		await settle();
		frame = h.lastFrame();
		expect(lastWrite(frame)).toMatch(/last write +32 s ago/);
	});

	it('draws nothing when the time changes nothing on screen', async () => {
		const {h, clock} = await open();
		await h.press('j', KEYS.enter);
		const frame = await h.waitForFrame(
			(f) => lastWrite(f) !== undefined && f.includes('old_run'),
			'the details of the old run',
		);
		expect(lastWrite(frame)).toMatch(/last write +3 days ago/);
		// The folder's analysis lands first (it waits for the cursor to rest), a change of its own.
		await h.waitForFrame((f) => !f.includes('reading the session folder'), 'the folder analysis');
		const before = h.frames.length;
		for (let i = 0; i < 5; i++) {
			clock.advance(1000);
			await settle();
		}
		expect(h.frames.length).toBe(before);
	});
});

describe('regression: explorer timers run on the injected clock (issue 11 item 18)', () => {
	it('analyses the folder only once the injected clock passes the settle time', async () => {
		// Wide: the details of the selected session sit beside the list and its folder is analysed.
		const {h, data} = await open(160);
		expect(h.clock.pending).toBeGreaterThan(0);
		await h.press('j');
		const rested = h.lastFrame();
		for (let i = 0; i < 20; i++) await settle();
		expect(data.insightRequests).toEqual([]);
		expect(h.lastFrame()).toBe(rested);
		h.clock.advance(119);
		await settle();
		expect(data.insightRequests).toEqual([]);
		h.clock.advance(1);
		await settle();
		expect(data.insightRequests).toEqual([OLD]);
	});
});
