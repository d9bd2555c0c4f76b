/**
 * Text inputs (issue 11 item 7): every key of a chunk is applied, the editing keys a terminal user expects work
 * in `/`, `:`, tag and note, and ↑ ↓ recall earlier lines in `/` and `:`.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {KEYS, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

async function open(): Promise<Harness> {
	harness = await renderExplorer({data: fakeData(sampleSessions()), columns: 100, rows: 30});
	await harness.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
	return harness;
}

/** The input line of the footer (the first of its two lines). */
function inputLine(frame: string): string {
	return frame.split('\n').at(-2)!.trim();
}

describe('regression: two Backspaces in one chunk are both applied (issue 11 item 7)', () => {
	it('in the / filter', async () => {
		const h = await open();
		await h.press('/');
		await h.type('red fox');
		await h.press('\u007F\u007F');
		expect(inputLine(h.lastFrame()).startsWith('/red f▏')).toBe(true);
		// Ctrl-H twice, and text typed between Backspaces in one chunk.
		await h.press('\b\bxy\u007Fz');
		expect(inputLine(h.lastFrame()).startsWith('/redxz▏')).toBe(true);
	});

	it('in the : command line, the tag and the note', async () => {
		const h = await open();
		for (const [opener, label] of [
			[':', ':'],
			['t', 'tag: '],
			['e', 'note: '],
		] as const) {
			await h.press(opener);
			await h.type('columns');
			await h.press('\u007F\u007F\u007F');
			expect(inputLine(h.lastFrame()).startsWith(`${label}colu▏`), label).toBe(true);
			await h.press(KEYS.escape);
		}
	});
});

describe('editing keys in every text input', () => {
	it('moves with ← → Home End Ctrl-A Ctrl-E and deletes with Delete, Ctrl-W and Ctrl-U in /', async () => {
		const h = await open();
		await h.press('/');
		await h.type('red fox');
		await h.press(KEYS.left, KEYS.left);
		expect(inputLine(h.lastFrame()).startsWith('/red f▏ox')).toBe(true);
		await h.type('l');
		expect(inputLine(h.lastFrame()).startsWith('/red fl▏ox')).toBe(true);
		await h.press(KEYS.deleteKey);
		expect(inputLine(h.lastFrame()).startsWith('/red fl▏x')).toBe(true);
		await h.press(KEYS.home);
		expect(inputLine(h.lastFrame()).startsWith('/▏red flx')).toBe(true);
		await h.press(KEYS.right);
		await h.press(KEYS.ctrlE);
		expect(inputLine(h.lastFrame()).startsWith('/red flx▏')).toBe(true);
		await h.press(KEYS.ctrlA, KEYS.end);
		await h.press(KEYS.ctrlW);
		expect(inputLine(h.lastFrame()).startsWith('/red ▏')).toBe(true);
		await h.type('fox');
		await h.press(KEYS.left, KEYS.left, KEYS.left, KEYS.ctrlU);
		expect(inputLine(h.lastFrame()).startsWith('/▏fox')).toBe(true);
		// The list follows the text as edited.
		await h.press(KEYS.enter);
		expect(h.lastFrame()).toContain('(filter: fox)');
	});

	it('edits the : line the same way', async () => {
		const h = await open();
		await h.press(':');
		await h.type('hide sampler');
		await h.press(KEYS.ctrlW);
		expect(inputLine(h.lastFrame()).startsWith(':hide ▏')).toBe(true);
		await h.type('cfg');
		await h.press(KEYS.ctrlA, KEYS.deleteKey, KEYS.deleteKey, KEYS.deleteKey, KEYS.deleteKey, KEYS.deleteKey);
		await h.type('show ');
		expect(inputLine(h.lastFrame()).startsWith(':show ▏cfg')).toBe(true);
		await h.press(KEYS.right, KEYS.right, KEYS.right, '\u007F');
		expect(inputLine(h.lastFrame()).startsWith(':show cf▏')).toBe(true);
	});
});

describe('history with ↑ ↓', () => {
	it('recalls earlier filters in /, and comes back to the line being typed', async () => {
		const h = await open();
		await h.press('/');
		await h.type('fox');
		await h.press(KEYS.enter, KEYS.escape);
		await h.press('/');
		await h.type('sweep');
		await h.press(KEYS.enter, KEYS.escape);
		expect(h.lastFrame()).toContain('10 of 10 shown');
		await h.press('/');
		await h.type('ru');
		await h.press(KEYS.up);
		expect(inputLine(h.lastFrame()).startsWith('/sweep▏')).toBe(true);
		expect(h.lastFrame()).toContain('1 of 10 shown (filter: sweep)');
		await h.press(KEYS.up);
		expect(inputLine(h.lastFrame()).startsWith('/fox▏')).toBe(true);
		await h.press(KEYS.up);
		expect(inputLine(h.lastFrame()).startsWith('/fox▏')).toBe(true);
		await h.press(KEYS.down, KEYS.down);
		expect(inputLine(h.lastFrame()).startsWith('/ru▏')).toBe(true);
	});

	it('recalls earlier command lines in :', async () => {
		const h = await open();
		await h.press(':');
		await h.type('hide cfg');
		await h.press(KEYS.enter);
		await h.press(':');
		await h.type('columns');
		await h.press(KEYS.enter);
		expect(h.lastFrame()).toContain('hidden columns: cfg');
		await h.press(':', KEYS.up, KEYS.up);
		expect(inputLine(h.lastFrame()).startsWith(':hide cfg▏')).toBe(true);
		await h.press(KEYS.down);
		expect(inputLine(h.lastFrame()).startsWith(':columns▏')).toBe(true);
		await h.press(KEYS.ctrlU);
		await h.type('show cfg');
		await h.press(KEYS.enter, ':');
		await h.type('columns');
		await h.press(KEYS.enter);
		expect(h.lastFrame()).toContain('hidden columns: none');
	});
});
