/**
 * Colour on and off with colour support forced on: `color: true` frames carry SGR colour codes, `color: false`
 * frames in the same process carry none. This proves the NO_COLOR checks elsewhere could fail (the test
 * environment turns colour off for every other file).
 *
 * FORCE_COLOR must be set before chalk (through Ink) is first imported, so the harness is imported dynamically.
 */
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {sampleSessions} from '../helpers/sessions.js';

process.env.FORCE_COLOR = '3';

type HarnessModule = typeof import('../helpers/explorer.js');
let explorer: HarnessModule;
let harness: Awaited<ReturnType<HarnessModule['renderExplorer']>> | undefined;

beforeAll(async () => {
	explorer = await import('../helpers/explorer.js');
});
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const SGR = /\u001b\[[0-9;]*m/;
const SGR_COLOUR = /\u001b\[(?:3[0-7]|9[0-7]|38;[25];[0-9;]+)m/;

async function frames(color: boolean): Promise<string[]> {
	const {KEYS, fakeData, renderExplorer} = explorer;
	harness = await renderExplorer({data: fakeData(sampleSessions()), columns: 120, rows: 30, color});
	const h = harness;
	await h.waitForFrame((f) => f.includes('10 of 10 shown'));
	const seen = [h.lastFrame()];
	for (const keys of [
		['j', ' '],
		[KEYS.enter],
		[KEYS.escape, '?'],
		[KEYS.escape, 'f'],
		[KEYS.escape, 's'],
		[KEYS.escape, 'R'],
		[KEYS.escape, '/', 'r'],
	]) {
		await h.press(...keys);
		seen.push(h.lastFrame());
	}
	return seen;
}

describe('colour', () => {
	it('colours the frames when colour is on', async () => {
		const seen = await frames(true);
		const list = seen[0]!;
		expect(list).toMatch(SGR_COLOUR);
		// The state column is coloured: an unselected row's state carries a colour code right before it.
		expect(list).toMatch(/\u001b\[3[0-7]m✓ complete/);
		// The selected row stands out (inverse) even before any key.
		expect(list).toContain('\u001b[7m');
		// Every view uses some styling.
		for (const frame of seen) expect(frame).toMatch(SGR);
	});

	it('writes no escape sequence at all when colour is off, even where colour is supported', async () => {
		const seen = await frames(false);
		for (const frame of seen) {
			expect(frame).not.toMatch(SGR);
			expect(frame).not.toContain('\u001b');
		}
		for (const frame of harness!.frames) expect(frame).not.toContain('\u001b');
		// Meaning stays: the cursor glyph and the state words.
		expect(seen[0]!.split('\n').filter((line) => line.startsWith('›'))).toHaveLength(1);
		expect(seen[0]).toContain('▶ running');
	});
});
