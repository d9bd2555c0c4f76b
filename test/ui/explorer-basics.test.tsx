import {afterEach, describe, expect, it} from 'vitest';
import {KEYS, cursorRow, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

describe('explorer basics', () => {
	it('shows the cached rows, newest first, with header counts and a status line', async () => {
		harness = await renderExplorer({data: fakeData(sampleSessions())});
		const frame = await harness.waitForFrame((f) => f.includes('10 of 10 shown'));
		const lines = frame.split('\n');
		expect(lines[0]).toContain('/results');
		expect(lines[1]).toContain('10 sessions');
		expect(lines[1]).toContain('✓ 2 complete');
		expect(lines[2]).toMatch(/CREATED▼\s+NAME/);
		expect(lines[3]).toContain('running_now');
		expect(cursorRow(frame)).toContain('running_now');
		expect(lines.length).toBeLessThanOrEqual(29);
	});

	it('counts one session as "1 session" in the header (regression: "1 sessions")', async () => {
		harness = await renderExplorer({data: fakeData(sampleSessions().slice(0, 1))});
		const frame = await harness.waitForFrame((f) => f.includes('1 of 1 shown'));
		const second = frame.split('\n')[1]!;
		expect(second).toMatch(/^1 session\b/);
		expect(second).not.toContain('1 sessions');
	});

	it('moves with arrows, j/k, g/G and every Home/End encoding', async () => {
		harness = await renderExplorer({data: fakeData(sampleSessions())});
		await harness.press(KEYS.down, 'j');
		expect(cursorRow(harness.lastFrame())).toContain('partial_illu');
		await harness.press('k');
		expect(cursorRow(harness.lastFrame())).toContain('complete_pony');
		for (const [end, home] of [
			['G', 'g'],
			[KEYS.end, KEYS.home],
			[KEYS.endTilde, KEYS.homeTilde],
			[KEYS.endSs3, KEYS.homeSs3],
			[KEYS.end8, KEYS.home7],
		]) {
			await harness.press(end!);
			expect(cursorRow(harness.lastFrame())).toContain('legacy.prompt');
			await harness.press(home!);
			expect(cursorRow(harness.lastFrame())).toContain('running_now');
		}
	});

	it('quits on q', async () => {
		harness = await renderExplorer({data: fakeData(sampleSessions())});
		await harness.press('q');
		expect(harness.quitCalled()).toBe(true);
	});
});
