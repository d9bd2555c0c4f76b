/** The screen: sizes from the floor up, columns giving way in order, windowing, header, footer, wide text. */
import {afterEach, describe, expect, it} from 'vitest';
import {footerHints} from '../../source/ui/keys.js';
import {displayWidth} from '../../source/text/width.js';
import {
	KEYS,
	fakeData,
	renderExplorer,
	rowLines,
	rowNames,
	settle,
	type FakeData,
	type Harness,
} from '../helpers/explorer.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

function columnHeader(frame: string): string {
	return frame.split('\n').find((line) => line.startsWith('   CREATED'))!;
}

function manySessions(count: number): StoredSession[] {
	const width = String(count - 1).length;
	return Array.from({length: count}, (_, i) => {
		const minutes = 23 * 60 + 59 - (i % 1440);
		const day = 19 - Math.floor(i / 1440);
		const hhmmss = `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}00`;
		return storedSession(`202511${day}_${hhmmss}-s${String(i).padStart(width, '0')}`, {
			numImages: 2,
			images: 2,
			status: 'completed',
		});
	});
}

const WIDE_NAMES = [
	'20251118_100000-日本語のセッション名前がとても長いテストです',
	'20251117_100000-🎨🖌️👩‍🎨 art séance',
	'20251116_110000-한국어세션이름과긴설명',
	'20251116_100000-cafe\u0301 naïve Ünïcödé',
	'20251115_110000-混合mixed文字列abc',
	'20251115_100000-plain_ascii_name',
];
function wideSessions(): StoredSession[] {
	return WIDE_NAMES.map((name, i) =>
		storedSession(name, {numImages: 4, images: i % 5, status: 'completed', model: `模型モデル${i}.safetensors`}),
	);
}

const STATE_CELL = /(✓|◐|⊕|○|▶|⏸|✗|\?|!) (complete|partial|over|empty|running|stalled|aborted|no manifest|unreadable)/;

/** Lets the event loop run until no new frame comes (a resize takes two renders: the size, then the layout). */
async function quiet(h: Harness): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const count = h.frames.length;
		await settle(5);
		if (h.frames.length === count) return;
	}
	throw new Error('frames never stopped coming');
}

async function resize(h: Harness, columns: number, rows: number): Promise<string> {
	await h.resize(columns, rows);
	await quiet(h);
	return h.lastFrame();
}

function checkFrame(frame: string, columns: number, rows: number, what: string): void {
	const lines = frame.split('\n');
	expect(lines.length, `${what}: ${lines.length} lines at ${columns}×${rows}\n${frame}`).toBeLessThanOrEqual(
		rows - 1,
	);
	for (const line of lines) {
		expect(displayWidth(line), `${what} at ${columns}×${rows}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(
			columns,
		);
	}
}

async function open(
	rows: StoredSession[],
	columns: number,
	lines: number,
	data?: FakeData,
): Promise<{h: Harness; data: FakeData}> {
	const d = data ?? fakeData(rows);
	harness = await renderExplorer({data: d, columns, rows: lines});
	await harness.waitForFrame(
		(f) =>
			(f.includes(`${rows.length} of ${rows.length} shown`) && !f.includes('loading…')) ||
			f.includes('terminal too small'),
	);
	await quiet(harness);
	return {h: harness, data: d};
}

describe('every size from 60×15 to 250×80', () => {
	const SIZES: Array<[number, number]> = [
		[60, 15],
		[80, 24],
		[100, 30],
		[120, 20],
		[140, 40],
		[200, 50],
		[250, 80],
	];
	const rows = (): StoredSession[] => [...sampleSessions(), ...wideSessions(), ...manySessions(40)];

	for (const [columns, lines] of SIZES) {
		it(`fits every frame in ${columns}×${lines}, in every mode, with and without a recompute running`, async () => {
			const data = rows();
			const {h, data: fake} = await open(data, columns, lines);
			const visit = async (label: string): Promise<void> => {
				checkFrame(h.lastFrame(), columns, lines, `list ${label}`);
				await h.press('j', 'j');
				checkFrame(h.lastFrame(), columns, lines, `list moved ${label}`);
				await h.press(KEYS.enter);
				checkFrame(h.lastFrame(), columns, lines, `details ${label}`);
				await h.press(KEYS.pageDown);
				checkFrame(h.lastFrame(), columns, lines, `details paged ${label}`);
				await h.press(KEYS.end);
				checkFrame(h.lastFrame(), columns, lines, `details end ${label}`);
				await h.press(KEYS.escape, '?');
				checkFrame(h.lastFrame(), columns, lines, `help ${label}`);
				await h.press(KEYS.end);
				checkFrame(h.lastFrame(), columns, lines, `help end ${label}`);
				await h.press(KEYS.escape, 'f');
				checkFrame(h.lastFrame(), columns, lines, `filter pane ${label}`);
				for (let i = 0; i < 20; i++) await h.press(KEYS.down);
				checkFrame(h.lastFrame(), columns, lines, `filter pane bottom ${label}`);
				await h.press(KEYS.escape, 's');
				checkFrame(h.lastFrame(), columns, lines, `sort pane ${label}`);
				await h.press(KEYS.escape, '/');
				await h.type('an extremely long filter text that does not fit anywhere on a narrow terminal at all');
				checkFrame(h.lastFrame(), columns, lines, `filter input ${label}`);
				await h.press(KEYS.escape, KEYS.escape, ' ', 'G');
				checkFrame(h.lastFrame(), columns, lines, `marked, last row ${label}`);
				await h.press('g');
			};
			await visit('idle');
			await h.press('R');
			checkFrame(h.lastFrame(), columns, lines, 'confirm');
			await h.press(KEYS.escape, 'r');
			await h.waitForFrame((f) => f.includes('Recomputing'));
			fake.jobs[0]!.listener.onProgress({
				done: 3,
				total: 1234,
				current: WIDE_NAMES[0]!,
				startedAtMs: TEST_NOW,
				errors: [
					{
						sessionId: WIDE_NAMES[1]!,
						reason: 'manifest.json is not valid JSON: unexpected end of input at line 1 column 14',
					},
				],
			});
			await h.waitForFrame((f) => f.includes('/1234'));
			await visit('during a recompute');
			expect(h.lastFrame()).toContain('Recomputing');
		});
	}

	it('uses the whole height for rows: the frame is rows − 1 lines at every size', async () => {
		const {h} = await open(manySessions(120), 100, 30);
		for (const [columns, lines] of SIZES) {
			await resize(h, columns, lines);
			const frame = h.lastFrame();
			expect(frame.split('\n').length, `${columns}×${lines}`).toBe(lines - 1);
			// Header 2, column header 1, footer 2, and the list rows fill the rest.
			expect(rowLines(frame).length, `${columns}×${lines}`).toBe(lines - 1 - 5);
		}
	});
});

describe('below the floor', () => {
	it('says the terminal is too small and recovers when enlarged', async () => {
		const {h} = await open(sampleSessions(), 100, 30);
		await resize(h, 60, 15);
		expect(rowLines(h.lastFrame()).length).toBe(9);
		await resize(h, 59, 15);
		let frame = h.lastFrame();
		const match = /terminal too small: need (\d+)×(\d+), have 59×15/.exec(frame);
		expect(match, frame).not.toBeNull();
		expect(Number(match![1])).toBe(60);
		const needRows = Number(match![2]);
		expect(needRows).toBeLessThanOrEqual(15);
		expect(rowLines(frame)).toEqual([]);
		await resize(h, 60, needRows - 1);
		frame = h.lastFrame();
		expect(frame).toContain(`terminal too small: need 60×${needRows}, have 60×${needRows - 1}`);
		await resize(h, 60, needRows);
		expect(rowLines(h.lastFrame()).length).toBeGreaterThan(0);
		await resize(h, 30, 6);
		frame = h.lastFrame();
		checkFrame(frame, 30, 6, 'too small');
		expect(frame.startsWith('terminal too small')).toBe(true);
		// Keys still work while too small, and the list comes back as it was left.
		await h.press('j', 'j');
		expect(h.quitCalled()).toBe(false);
		await resize(h, 80, 24);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(frame.split('\n').find((line) => line.startsWith('›'))).toContain('partial_illu');
		checkFrame(frame, 80, 24, 'recovered');
	});
});

describe('the list', () => {
	it('renders only the visible rows of 500', async () => {
		const {h} = await open(manySessions(500), 80, 24);
		let frame = h.lastFrame();
		expect(rowNames(frame)).toEqual(Array.from({length: 18}, (_, i) => `s${String(i).padStart(3, '0')}`));
		expect(frame).not.toContain('s018');
		expect(frame).not.toContain('s499');
		await h.press(KEYS.end);
		frame = h.lastFrame();
		expect(rowNames(frame)).toEqual(Array.from({length: 18}, (_, i) => `s${String(482 + i).padStart(3, '0')}`));
		expect(frame).not.toContain('s000');
		expect(frame.split('\n').at(-1)).toBe('500 of 500 shown');
	});

	it('shows every column on a wide list: created, name without its prefix, model, state, images, completion and bar, mode, sweep, size, steps, cfg, sampler', async () => {
		const {h} = await open(sampleSessions(), 139, 30);
		const frame = h.lastFrame();
		expect(columnHeader(frame).trim().split(/\s+/)).toEqual([
			'CREATED▼',
			'NAME',
			'MODEL',
			'STATE',
			'IMAGES',
			'DONE',
			'MODE',
			'SW',
			'SIZE',
			'STP',
			'CFG',
			'SAMPLER',
		]);
		const sweep = rowLines(frame).find((line) => line.includes(' sweep '))!;
		// MODEL is 15 wide: the flags column took one more for ✎ beside # (issue 11 item 15).
		expect(sweep).toMatch(
			/^ {3}2025-11-08 10:00 sweep +illustriousXL_… ✓ complete +6\/6 +100\.0% █████ comb +↻ +512×768 +20 +6 Euler a *$/,
		);
		const partial = rowLines(frame).find((line) => line.includes('partial_illu'))!;
		expect(partial).toMatch(/◐ partial +3\/10 +30\.0% ██░░░ /);
		const legacy = rowLines(frame).find((line) => line.includes('legacy.prompt'))!;
		expect(legacy).toMatch(/^ {3}2025-10-14 16:38 legacy\.prompt +\? no manifest +3\/\? +- *$/);
		for (const line of rowLines(frame)) expect(line).not.toMatch(/\d{8}_\d{6}|\d{4}-\d\d-\d\d_\d{6}/);
	});

	it('drops low-priority columns first as the terminal narrows', async () => {
		// First to go first; the created column shortens last.
		const order = ['SAMPLER', 'CFG', 'STP', 'SIZE', 'MODE', 'SW', 'bar', 'MODEL', 'full created'];
		const {h} = await open(sampleSessions(), 139, 30);
		let previous: boolean[] | null = null;
		for (let columns = 139; columns >= 60; columns--) {
			await resize(h, columns, 30);
			const frame = h.lastFrame();
			const tokens = columnHeader(frame)
				.trim()
				.split(/\s+/)
				.map((t) => t.replace(/[▲▼]$/, ''));
			for (const always of ['CREATED', 'NAME', 'STATE', 'IMAGES', 'DONE'])
				expect(tokens, `${always} at ${columns}`).toContain(always);
			const rows = rowLines(frame);
			const present = order.map((column) => {
				if (column === 'bar') return rows.some((line) => /[█░]/.test(line));
				if (column === 'full created') return rows.every((line) => /^.{3}\d{4}-/.test(line));
				return tokens.includes(column);
			});
			const firstPresent = present.indexOf(true);
			// Once a column is there, every column that goes after it is there too.
			if (firstPresent >= 0)
				expect(
					present.slice(firstPresent).every(Boolean),
					`${columns}: ${order.filter((_, i) => present[i]).join(',')}`,
				).toBe(true);
			if (previous)
				for (let i = 0; i < order.length; i++)
					if (present[i]) expect(previous[i], `${order[i]} came back at ${columns}`).toBe(true);
			previous = present;
			checkFrame(frame, columns, 30, 'narrowing');
		}
		expect(previous).toEqual(order.map(() => false));
		await resize(h, 139, 30);
		expect(columnHeader(h.lastFrame())).toContain('SAMPLER');
	});

	it('keeps CJK and emoji names aligned and cuts them with an ellipsis', async () => {
		const {h} = await open([...wideSessions(), ...sampleSessions()], 100, 30);
		for (const columns of [60, 72, 80, 100, 121, 139, 140, 200, 250]) {
			await resize(h, columns, 30);
			const frame = h.lastFrame();
			const rows = rowLines(frame);
			expect(rows.length).toBe(16);
			const starts = rows.map((line) => {
				const match = STATE_CELL.exec(line);
				expect(match, line).not.toBeNull();
				return displayWidth(line.slice(0, match!.index));
			});
			expect(new Set(starts).size, `${columns}:\n${rows.join('\n')}`).toBe(1);
			const cjk = rows.find((line) => line.includes('日本語'))!;
			expect(cjk).toContain('…');
			expect(cjk).not.toContain('テストです');
			checkFrame(frame, columns, 30, 'wide names');
		}
	});

	it('says when nothing matches and when nothing is cached', async () => {
		const {h} = await open(sampleSessions(), 100, 30);
		await h.press('/');
		await h.type('nothing-like-this');
		expect(h.lastFrame()).toContain('no sessions match');
		h.unmount();
		const empty = fakeData([], {readonlyReason: 'the database is read-only'});
		harness = await renderExplorer({data: empty, columns: 100, rows: 30});
		const frame = await harness.waitForFrame((f) => f.includes('no sessions cached'));
		expect(frame).toContain('0 of 0 shown');
	});
});

describe('header and footer', () => {
	it('shows the root, the database and the count of every state', async () => {
		const {h} = await open(sampleSessions(), 250, 30);
		const [first, second] = h.lastFrame().split('\n');
		// Both files: the web UI's sessions.db (triage) and sdstats' cache beside it.
		expect(first).toMatch(/^sdstats {2}\/results {2}db \/metadata\/sessions\.db \+ sdstats\.db$/);
		expect(second).toContain('10 sessions');
		for (const count of [
			'? 1 no manifest',
			'! 1 unreadable',
			'▶ 1 running',
			'⏸ 1 stalled',
			'✗ 1 aborted',
			'✓ 2 complete',
			'⊕ 1 over',
			'○ 1 empty',
			'◐ 1 partial',
		]) {
			expect(second).toContain(count);
		}
	});

	it('shortens the state counts when they do not fit, never dropping one silently (regression: issue 11 item 13)', async () => {
		const {h} = await open(sampleSessions(), 120, 30);
		let second = h.lastFrame().split('\n')[1]!;
		expect(displayWidth(second)).toBeLessThanOrEqual(120);
		// At 120 columns partial, the state people triage, keeps its word; the rare states shorten first.
		for (const count of ['?1', '1 unreadable', '◐ 1 partial', '✓ 2 complete']) expect(second).toContain(count);
		await resize(h, 60, 30);
		second = h.lastFrame().split('\n')[1]!;
		expect(displayWidth(second)).toBeLessThanOrEqual(60);
		// Nine states in 60 columns: every one is there, partial still with its word.
		for (const count of ['?1', '!1', '▶1', '⏸1', '✗1', '○1', '◐ 1 partial']) expect(second).toContain(count);
	});

	it('shortens the footer hints as the width shrinks, most important kept', async () => {
		const {h} = await open(sampleSessions(), 250, 30);
		const all = footerHints('list').join('  ');
		expect(h.lastFrame().split('\n').at(-2)).toBe(all);
		let wider = all;
		for (const columns of [200, 140, 120, 100, 80, 70, 60]) {
			await resize(h, columns, 30);
			const hints = h.lastFrame().split('\n').at(-2)!;
			expect(displayWidth(hints)).toBeLessThanOrEqual(columns);
			expect(hints.startsWith(footerHints('list')[0]!)).toBe(true);
			expect(wider.startsWith(hints)).toBe(true);
			wider = hints;
		}
		expect(wider.length).toBeLessThan(all.length);
	});

	it('shows N of M shown with the filter in the status line', async () => {
		const {h} = await open(sampleSessions(), 120, 30);
		await h.press('i', '/');
		await h.type('run');
		await h.press(KEYS.enter);
		await settle();
		expect(h.lastFrame().split('\n').at(-1)).toBe('4 of 10 shown (filter: is:incomplete run)');
	});
});
