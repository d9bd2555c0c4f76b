/** Keys through the whole app: movement, the text filter, marks, the incomplete preset, help, quitting, idling. */
import {afterEach, describe, expect, it} from 'vitest';
import {BINDINGS} from '../../source/ui/keys.js';
import {
	KEYS,
	cursorName,
	fakeData,
	renderExplorer,
	rowLines,
	rowNames,
	settle,
	type Harness,
} from '../helpers/explorer.js';
import {sampleSessions, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

/** `count` completed sessions named s00, s01, … newest first (one minute apart). */
function manySessions(count: number): StoredSession[] {
	const width = String(count - 1).length;
	return Array.from({length: count}, (_, i) => {
		const seconds = 23 * 3600 + 59 * 60 - i * 60;
		const hhmmss = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
			.map((n) => String(n).padStart(2, '0'))
			.join('');
		return storedSession(`20251119_${hhmmss}-s${String(i).padStart(width, '0')}`, {
			numImages: 2,
			images: 2,
			status: 'completed',
		});
	});
}

function footer(frame: string): {hints: string; status: string} {
	const lines = frame.split('\n');
	return {hints: lines.at(-2)!, status: lines.at(-1)!};
}

async function open(
	rows: StoredSession[],
	columns = 100,
	lines = 30,
	options: {insightSettleMs?: number} = {},
): Promise<Harness> {
	harness = await renderExplorer({data: fakeData(rows), columns, rows: lines, ...options});
	await harness.waitForFrame((f) => f.includes(`${rows.length} of ${rows.length} shown`) && !f.includes('loading…'));
	return harness;
}

describe('moving', () => {
	it('pages with PgUp/PgDn, half pages with Ctrl-U/Ctrl-D, and shows only the rows that fit', async () => {
		const h = await open(manySessions(60), 80, 24);
		// 24 rows: one kept free, header 2, footer 2, column header 1 → 18 list rows; a page moves 17.
		expect(rowNames(h.lastFrame())).toEqual(Array.from({length: 18}, (_, i) => `s${String(i).padStart(2, '0')}`));
		await h.press(KEYS.pageDown);
		expect(cursorName(h.lastFrame())).toBe('s17');
		await h.press(KEYS.pageDown);
		expect(cursorName(h.lastFrame())).toBe('s34');
		expect(rowNames(h.lastFrame())).toHaveLength(18);
		expect(rowNames(h.lastFrame())).toContain('s34');
		expect(rowNames(h.lastFrame())).not.toContain('s00');
		await h.press(KEYS.pageUp);
		expect(cursorName(h.lastFrame())).toBe('s17');
		await h.press(KEYS.ctrlD);
		expect(cursorName(h.lastFrame())).toBe('s26');
		await h.press(KEYS.ctrlU, KEYS.ctrlU);
		expect(cursorName(h.lastFrame())).toBe('s08');
		await h.press('G');
		expect(cursorName(h.lastFrame())).toBe('s59');
		expect(rowNames(h.lastFrame()).at(-1)).toBe('s59');
		await h.press(KEYS.pageDown, 'j', KEYS.down);
		expect(cursorName(h.lastFrame())).toBe('s59');
		await h.press(KEYS.home, 'k', KEYS.up, KEYS.pageUp);
		expect(cursorName(h.lastFrame())).toBe('s00');
		expect(h.quitCalled()).toBe(false);
	});

	it('shows exactly one cursor row', async () => {
		const h = await open(sampleSessions());
		for (const k of ['j', 'j', KEYS.end, 'k', KEYS.home]) {
			await h.press(k);
			expect(
				h
					.lastFrame()
					.split('\n')
					.filter((line) => line.startsWith('›')),
			).toHaveLength(1);
		}
	});
});

describe('details, back and quit', () => {
	it('Enter opens the details of the selected session, Esc goes back, q there does not quit', async () => {
		const h = await open(sampleSessions());
		await h.press('j', KEYS.enter);
		let frame = await h.waitForFrame((f) => f.includes('20251115_100000-complete_pony'));
		expect(frame).not.toMatch(/CREATED/);
		await h.press(KEYS.escape);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(cursorName(frame)).toBe('complete_pony');
		await h.press(KEYS.enter, 'q');
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(h.quitCalled()).toBe(false);
		expect(cursorName(frame)).toBe('complete_pony');
		await h.press('q');
		expect(h.quitCalled()).toBe(true);
	});

	it('Ctrl-C quits when no recompute runs', async () => {
		const h = await open(sampleSessions());
		await h.press(KEYS.ctrlC);
		expect(h.quitCalled()).toBe(true);
	});
});

describe('the text filter', () => {
	const withTypedPrompts = (): StoredSession[] => [
		...sampleSessions(),
		storedSession('20251120_110000-alpha', {numImages: 2, images: 2, status: 'completed', prompt: 'jkq/? alpha'}),
		storedSession('20251120_100000-beta', {numImages: 2, images: 2, status: 'completed', prompt: 'jkq/? beta'}),
	];

	it('takes typed letters as text: jkq/? do not quit, move, filter again or open the help', async () => {
		const h = await open(withTypedPrompts());
		await h.press('j');
		expect(cursorName(h.lastFrame())).toBe('alpha');
		await h.press('/');
		for (const [i, c] of [...'jkq/?'].entries()) {
			await h.type(c);
			const frame = h.lastFrame();
			expect(footer(frame).hints.startsWith(`/${'jkq/?'.slice(0, i + 1)}▏`), frame).toBe(true);
			expect(cursorName(frame), `after ${c}`).toBe('alpha');
			expect(rowNames(frame)).toEqual(['alpha', 'beta']);
			expect(h.quitCalled()).toBe(false);
		}
		expect(footer(h.lastFrame()).status).toBe('2 of 12 shown (filter: jkq/?)');
		expect(h.lastFrame()).not.toContain('Help');
	});

	it('narrows the list as you type and says when nothing matches', async () => {
		const h = await open(sampleSessions());
		await h.press('/');
		const counts: number[] = [];
		for (const c of 'run') {
			await h.type(c);
			counts.push(rowNames(h.lastFrame()).length);
		}
		expect(counts[2]).toBe(5);
		for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
		expect(rowNames(h.lastFrame())).toEqual(['running_now', 'over_run', 'empty_run', 'stalled_run', 'aborted_run']);
		expect(footer(h.lastFrame()).status).toBe('5 of 10 shown (filter: run)');
		await h.type('zz');
		const frame = h.lastFrame();
		expect(rowNames(frame)).toEqual([]);
		expect(frame).toContain('no sessions match');
		expect(footer(frame).status).toBe('0 of 10 shown (filter: runzz)');
	});

	it('deletes with both Backspace encodings; Esc clears, a second Esc closes', async () => {
		const h = await open(sampleSessions());
		await h.press('/');
		await h.type('ponyx');
		expect(rowNames(h.lastFrame())).toEqual([]);
		await h.press(KEYS.backspace);
		expect(footer(h.lastFrame()).hints.startsWith('/pony▏')).toBe(true);
		expect(rowNames(h.lastFrame())).toEqual(['complete_pony']);
		await h.press(KEYS.ctrlH);
		expect(footer(h.lastFrame()).hints.startsWith('/pon▏')).toBe(true);
		await h.press(KEYS.escape);
		let frame = await h.waitForFrame((f) => footer(f).hints.startsWith('/▏'));
		expect(rowNames(frame)).toHaveLength(10);
		expect(footer(frame).status).toBe('10 of 10 shown');
		await h.press(KEYS.escape);
		frame = await h.waitForFrame((f) => !footer(f).hints.includes('▏'));
		expect(footer(frame).hints).toContain('/ filter');
		// The cursor stayed on the session it was on while filtered (complete_pony, second row); back in the
		// list, letters are commands again.
		expect(cursorName(frame)).toBe('complete_pony');
		await h.press('j');
		expect(cursorName(h.lastFrame())).toBe('partial_illu');
	});

	it('Enter keeps the filter; the status line says which', async () => {
		const h = await open(sampleSessions());
		await h.press('/');
		await h.type('fox');
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame((f) => !footer(f).hints.includes('▏'));
		expect(rowNames(frame)).toEqual(['partial_illu']);
		expect(footer(frame).status).toBe('1 of 10 shown (filter: fox)');
		// Esc in the list clears the text filter.
		await h.press(KEYS.escape);
		await h.waitForFrame((f) => footer(f).status === '10 of 10 shown');
	});

	it('moves with Ctrl-N and Ctrl-P while typing (↑ ↓ recall earlier filters, issue 11 item 7)', async () => {
		const h = await open(sampleSessions());
		await h.press('/');
		await h.type('run');
		await h.press('\u000E', '\u000E');
		expect(cursorName(h.lastFrame())).toBe('empty_run');
		await h.press('\u0010');
		expect(cursorName(h.lastFrame())).toBe('over_run');
		expect(footer(h.lastFrame()).hints.startsWith('/run▏')).toBe(true);
	});
});

describe('the incomplete preset and jumps', () => {
	it('i shows the incomplete sessions, lowest completion first, and i again restores', async () => {
		const h = await open(sampleSessions());
		await h.press('i');
		let frame = h.lastFrame();
		expect(rowNames(frame)).toEqual(['empty_run', 'aborted_run', 'running_now', 'stalled_run', 'partial_illu']);
		expect(frame).toContain('DONE▲');
		expect(frame).not.toContain('CREATED▼');
		expect(footer(frame).status).toBe('5 of 10 shown (filter: is:incomplete)');
		await h.press('i');
		frame = h.lastFrame();
		expect(rowNames(frame)).toHaveLength(10);
		expect(rowNames(frame)[0]).toBe('running_now');
		expect(frame).toContain('CREATED▼');
		expect(footer(frame).status).toBe('10 of 10 shown');
	});

	it('n and N move to the next and previous incomplete session', async () => {
		const h = await open(sampleSessions());
		await h.press('n');
		expect(cursorName(h.lastFrame())).toBe('partial_illu');
		await h.press('n');
		expect(cursorName(h.lastFrame())).toBe('empty_run');
		await h.press('n');
		expect(cursorName(h.lastFrame())).toBe('stalled_run');
		await h.press('N', 'N');
		expect(cursorName(h.lastFrame())).toBe('partial_illu');
	});
});

describe('marks', () => {
	it('Space marks and moves down, a marks all shown, u clears; the status counts them', async () => {
		const h = await open(sampleSessions());
		await h.press(' ');
		let frame = h.lastFrame();
		expect(cursorName(frame)).toBe('complete_pony');
		expect(rowLines(frame)[0]!.startsWith(' ●')).toBe(true);
		expect(rowLines(frame).filter((l) => l[1] === '●')).toHaveLength(1);
		expect(footer(frame).status).toBe('10 of 10 shown · 1 marked');
		await h.press(' ', ' ');
		expect(footer(h.lastFrame()).status).toBe('10 of 10 shown · 3 marked');
		await h.press('/');
		await h.type('run');
		await h.press(KEYS.enter, 'a');
		frame = h.lastFrame();
		// running_now, complete_pony and partial_illu were marked; `a` adds the four other shown ones.
		expect(footer(frame).status).toBe('5 of 10 shown (filter: run) · 7 marked');
		expect(rowLines(frame).every((l) => l[1] === '●')).toBe(true);
		await h.press('u');
		frame = h.lastFrame();
		expect(footer(frame).status).toBe('5 of 10 shown (filter: run)');
		expect(rowLines(frame).some((l) => l[1] === '●')).toBe(false);
	});
});

describe('help', () => {
	it('? shows every binding of the key table; Esc closes it', async () => {
		const h = await open(sampleSessions(), 120, 30);
		await h.press('?');
		let frame = await h.waitForFrame((f) => f.includes('List'));
		const seen = new Set(frame.split('\n'));
		for (let i = 0; i < 200; i++) {
			await h.press('j');
			const next = h.lastFrame();
			if (next === frame) break;
			frame = next;
			for (const line of frame.split('\n')) seen.add(line);
		}
		const text = [...seen].join('\n');
		for (const binding of BINDINGS) {
			expect(text, `${binding.keys}: ${binding.help}`).toContain(binding.help);
			expect(text, binding.keys).toContain(binding.keys);
		}
		for (const title of [
			'List',
			'Typing a filter (/)',
			'Filter pane (f)',
			'Sort pane (s)',
			'Details (Enter)',
			'Help (?)',
			'Recompute what? (R)',
		]) {
			expect(text).toContain(title);
		}
		await h.press(KEYS.escape);
		await h.waitForFrame((f) => f.includes('CREATED▼'));
		await h.press('?', '?');
		await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(h.quitCalled()).toBe(false);
	});
});

describe('idling', () => {
	it('writes no frame while nothing happens after the last key', async () => {
		// The details' folder insight, which lands a moment after the cursor rests, is left out.
		const h = await open(sampleSessions(), 100, 30, {insightSettleMs: 60_000});
		for (const keys of [
			['j', 'j'],
			['/', 'r', 'u'],
			[KEYS.escape, KEYS.escape, KEYS.enter],
			[KEYS.escape, 'f'],
			[KEYS.escape, '?'],
		]) {
			await h.press(...keys);
			await settle(10);
			const count = h.frames.length;
			const last = h.lastFrame();
			for (let i = 0; i < 5; i++) await settle(10);
			expect(h.frames.length, `after ${JSON.stringify(keys)}`).toBe(count);
			expect(h.lastFrame()).toBe(last);
		}
	});
});

describe('keys arriving together', () => {
	it('takes several keys that arrive in one chunk one by one (fast typing, slow links)', async () => {
		const {fakeData: fake, renderExplorer: render} = await import('../helpers/explorer.js');
		const {sampleSessions: sessions} = await import('../helpers/sessions.js');
		const h = await render({data: fake(sessions())});
		await h.press('  j');
		const frame = h.lastFrame();
		expect(frame.split('\n').filter((l) => l.startsWith(' ●') || l.startsWith('›●')).length).toBe(2);
		expect(frame.split('\n').find((l) => l.startsWith('›'))).toContain('over_run');
		h.unmount();
	});

	it('takes an Enter that arrives with the text before it, and two Enters together (regression: both were lost)', async () => {
		const {fakeData: fake, renderExplorer: render} = await import('../helpers/explorer.js');
		const {sampleSessions: sessions} = await import('../helpers/sessions.js');
		const h = await render({data: fake(sessions())});
		await h.press('/');
		await h.press('sweep\r');
		let frame = await h.waitForFrame((f) => !f.includes('Enter done'), 'the filter input closed');
		expect(frame).toContain('(filter: sweep)');
		await h.press('/');
		await h.press('\r\r');
		frame = await h.waitForFrame((f) => f.includes('Esc back'), 'the details of the selected session');
		expect(frame).toContain('(filter: sweep)');
		h.unmount();
	});
});
