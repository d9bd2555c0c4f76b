/**
 * Terminal hygiene: text from session folders (names, prompts, models, ids) and from the user (the filter)
 * never reaches the terminal as control bytes; without colour, frames carry no escape sequence at all and
 * every meaning is told by a glyph or a word.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {KEYS, cursorRow, fakeData, renderExplorer, settle, type FakeData, type Harness} from '../helpers/explorer.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const HOSTILE = [
	'\u001b]0;pwned\u0007',
	'\u001b[2J',
	'\u001b]52;c;aGk=\u0007',
	'\u009b31m',
	'\r',
	'\b',
	'\u0007',
	'\u202E',
];
const EVIL = `a${HOSTILE.join('b')}z`;
const EVIL_ID = `20251116_100000-evil${EVIL}`;
/** No timestamp prefix: the whole id is the displayed name. */
const BARE_ID = `${EVIL}bare`;

function hostileSessions(): StoredSession[] {
	return [
		...sampleSessions(),
		storedSession(EVIL_ID, {
			numImages: 4,
			images: 2,
			status: `completed${EVIL}`,
			prompt: `prompt ${EVIL} more`,
			negative: `neg ${EVIL}`,
			model: `model${EVIL}.safetensors`,
			variations: {Hair: [`red${EVIL}`, 'blue']},
			apiParams: {sampler_name: `Euler${EVIL}`},
		}),
		storedSession(BARE_ID, {
			numImages: 2,
			images: 1,
			status: 'ongoing',
			idleMinutes: 500,
			prompt: EVIL,
			model: EVIL,
		}),
	];
}

/** Control bytes a frame may never hold with colour off. */
function problems(frame: string): string[] {
	const found: string[] = [];
	for (const char of frame) {
		const code = char.codePointAt(0)!;
		if (code === 0x1b) found.push('ESC');
		else if (code < 0x20 && code !== 0x0a) found.push(`C0 0x${code.toString(16)}`);
		else if (code === 0x7f) found.push('DEL');
		else if (code >= 0x80 && code <= 0x9f) found.push(`C1 0x${code.toString(16)}`);
		else if (code === 0x202e) found.push('U+202E');
	}
	return [...new Set(found)];
}
function expectClean(frame: string, where: string): void {
	expect(problems(frame), `${where}:\n${JSON.stringify(frame)}`).toEqual([]);
}

async function open(columns = 100, lines = 30): Promise<{h: Harness; data: FakeData}> {
	const data = fakeData(hostileSessions());
	harness = await renderExplorer({data, columns, rows: lines, color: false});
	await harness.waitForFrame((f) => f.includes('12 of 12 shown') && !f.includes('loading…'));
	return {h: harness, data};
}

/** Moves the cursor to the row containing `text`. */
async function moveTo(h: Harness, text: string): Promise<void> {
	await h.press('g');
	for (let i = 0; i < 12 && !cursorRow(h.lastFrame())?.includes(text); i++) await h.press('j');
	expect(cursorRow(h.lastFrame())).toContain(text);
}

describe('hostile text from session folders', () => {
	it('is sanitized in the list at every width', async () => {
		const {h} = await open();
		for (const [columns, lines] of [
			[60, 15],
			[100, 30],
			[139, 30],
			[160, 40],
			[250, 60],
		] as const) {
			await h.resize(columns, lines);
			await settle(10);
			const frame = h.lastFrame();
			expect(frame).toContain('evil');
			expectClean(frame, `list ${columns}×${lines}`);
			// Every frame written so far, not only the last one.
			for (const [i, written] of h.frames.entries()) expectClean(written, `frame ${i}`);
		}
	});

	it('is sanitized in the details, from top to bottom, and beside the list', async () => {
		const {h} = await open(100, 20);
		// The bare id's row is the only one with 1 of 2 images.
		for (const row of ['evil', ' 1/2 ']) {
			await moveTo(h, row);
			await h.press(KEYS.enter);
			let frame = await h.waitForFrame((f) => f.includes('Images'));
			for (let i = 0; i < 120; i++) {
				expectClean(frame, `details of ${row}, line ${i}`);
				await h.press('j');
				if (h.lastFrame() === frame) break;
				frame = h.lastFrame();
			}
			expect(frame).toContain('database');
			await h.press(KEYS.escape);
		}
		await h.resize(160, 60);
		await moveTo(h, 'evil');
		await h.waitForFrame(
			(f) => f.includes('Placeholders') && f.includes('20251116_100000-evil'),
			'the details beside the list',
		);
		for (const [i, written] of h.frames.entries()) expectClean(written, `frame ${i}`);
	});

	it('is sanitized in placeholder names read from the manifest', async () => {
		const data = fakeData([
			storedSession('20251116_100000-placeholders', {
				numImages: 2,
				images: 2,
				status: 'completed',
				variations: {[`Ha${EVIL}ir`]: [`red${EVIL}`, 'blue']},
			}),
		]);
		harness = await renderExplorer({data, columns: 100, rows: 40, color: false});
		const h = harness;
		await h.waitForFrame((f) => f.includes('1 of 1 shown'));
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame((f) => f.includes('Placeholders'));
		expect(frame).toMatch(/^Ha/m);
		expectClean(frame, 'placeholders');
	});

	it('is sanitized in the filter pane, the sort pane and the recompute panel', async () => {
		const {h, data} = await open();
		await h.press('f');
		for (let i = 0; i < 20; i++) {
			await h.press(KEYS.down);
			for (let n = 0; n < 4; n++) await h.press(KEYS.right);
		}
		await h.press(KEYS.escape, 's', KEYS.escape);
		await moveTo(h, 'evil');
		await h.press('r');
		await h.waitForFrame((f) => f.includes('Recomputing'));
		data.jobs[0]!.listener.onProgress({
			done: 1,
			total: 2,
			current: EVIL_ID,
			startedAtMs: TEST_NOW,
			errors: [{sessionId: BARE_ID, reason: `unreadable ${EVIL}`}],
		});
		await h.waitForFrame((f) => f.includes('1/2 (50%)'));
		expect(h.lastFrame()).toContain('now: 20251116_100000-evil');
		expect(h.lastFrame()).toContain('1 unreadable: ');
		for (const [i, written] of h.frames.entries()) expectClean(written, `frame ${i}`);
	});

	it('is sanitized in a recompute error that quotes a session folder', async () => {
		const {h, data} = await open();
		await moveTo(h, 'evil');
		await h.press('r');
		await h.waitForFrame((f) => f.includes('Recomputing'));
		data.jobs[0]!.listener.onDone(null, new Error(`cannot open /results/${EVIL_ID}/manifest.json`));
		const frame = await h.waitForFrame((f) => f.includes('recompute failed'));
		expectClean(frame, 'recompute error');
	});
});

describe('hostile text typed or pasted into the filter', () => {
	it('never shows control bytes in the filter input or the status line', async () => {
		const {h} = await open();
		await h.press('/');
		await h.type('evil');
		expect(h.lastFrame()).toContain('/evil▏');
		// A paste arrives as one chunk.
		await h.press(EVIL);
		await settle(5);
		const frame = h.lastFrame();
		expect(frame.split('\n').at(-2)!.startsWith('/evil')).toBe(true);
		expectClean(frame, 'filter input after a paste');
		for (const [i, written] of h.frames.entries()) expectClean(written, `frame ${i}`);
	});

	it('never shows a right-to-left override typed into the filter', async () => {
		const {h} = await open();
		await h.press('/');
		await h.type('ab');
		await h.press('\u202E');
		await h.type('cd');
		const frame = h.lastFrame();
		expect(frame).toContain('ab');
		expectClean(frame, 'filter input with U+202E');
		expect(h.quitCalled()).toBe(false);
	});
});

describe('without colour', () => {
	it('writes no escape sequence, shows the cursor as › and every state by symbol and word', async () => {
		harness = await renderExplorer({data: fakeData(sampleSessions()), columns: 100, rows: 30, color: false});
		const h = harness;
		let frame = await h.waitForFrame((f) => f.includes('10 of 10 shown'));
		await h.press('j', ' ');
		frame = h.lastFrame();
		expect(frame).not.toMatch(/\u001b\[[0-9;]*m/);
		expect(frame).not.toContain('\u001b');
		const cursor = frame.split('\n').filter((line) => line.startsWith('›'));
		expect(cursor).toHaveLength(1);
		expect(cursor[0]).toContain('partial_illu');
		// The mark is a glyph too.
		expect(
			frame
				.split('\n')
				.find((line) => line.includes('complete_pony'))!
				.startsWith(' ●'),
		).toBe(true);
		const words: Record<string, string> = {
			running_now: '▶ running',
			complete_pony: '✓ complete',
			partial_illu: '◐ partial',
			over_run: '⊕ over',
			empty_run: '○ empty',
			stalled_run: '⏸ stalled',
			aborted_run: '✗ aborted',
			broken: '! unreadable',
			sweep: '✓ complete',
			'legacy.prompt': '? no manifest',
		};
		for (const [name, state] of Object.entries(words)) {
			const row = frame.split('\n').find((line) => line.includes(` ${name} `));
			expect(row, name).toBeDefined();
			expect(row, name).toContain(state);
		}
		// The same in every other view.
		for (const keys of [
			[KEYS.enter],
			[KEYS.escape, '?'],
			[KEYS.escape, 'f'],
			[KEYS.escape, 's'],
			[KEYS.escape, 'R'],
			[KEYS.escape, '/', 'x'],
		]) {
			await h.press(...keys);
			expect(h.lastFrame(), JSON.stringify(keys)).not.toContain('\u001b');
		}
		for (const written of h.frames) expect(written).not.toContain('\u001b');
	});
});
