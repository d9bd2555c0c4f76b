/** The details of a session: every field, the state and why, scrolling, going back, and the split view. */
import {afterEach, describe, expect, it} from 'vitest';
import {displayWidth} from '../../source/text/width.js';
import {KEYS, cursorRow, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const HAIR = ['red', 'blue', 'green', 'black', 'white', 'silver', 'pink', 'purple', 'orange', 'brown', 'teal', 'gold'];
const LONG_PROMPT =
	'masterpiece, best quality, a lighthouse on a rocky coast at dusk, waves crashing against the cliffs, seagulls circling overhead, ' +
	'warm light from the lamp room, dramatic clouds, volumetric fog, long exposure, cinematic composition, highly detailed, sharp focus, ' +
	'film grain, muted colours, wide angle lens, golden hour reflections on wet stones, distant sailing ship on the horizon';

function richSession(): StoredSession {
	return storedSession('20251108_100000-rich_session', {
		numImages: 6,
		images: 6,
		seedList: [1, 2, 3],
		variations: {Hair: HAIR, Eyes: ['blue', 'green']},
		status: 'completed',
		prompt: LONG_PROMPT,
		negative: 'lowres, bad hands, watermark',
		apiParams: {width: 512, height: 768, steps: 20, cfg_scale: 6, sampler_name: 'Euler a'},
	});
}

function manySessions(count: number): StoredSession[] {
	return Array.from({length: count}, (_, i) => {
		const seconds = 23 * 3600 + 59 * 60 - i * 60;
		const hhmmss = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
			.map((n) => String(n).padStart(2, '0'))
			.join('');
		return storedSession(`20251119_${hhmmss}-s${String(i).padStart(2, '0')}`, {
			numImages: 2,
			images: 2,
			status: 'completed',
		});
	});
}

function rowNames(frame: string): string[] {
	return frame
		.split('\n')
		.filter((line) => /^[› ][● ][* ](\d{4}-)?\d\d-\d\d \d\d:\d\d /.test(line))
		.map((line) => line.slice(3).trim().split(/\s+/)[2]!);
}
function cursorName(frame: string): string | undefined {
	const row = cursorRow(frame);
	return row ? rowNames(row)[0] : undefined;
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

const LOADING = 'loading details…';

/** Opens the details and waits for the full row to arrive (it is read after the first frame). */
async function openDetails(h: Harness): Promise<string> {
	await h.press(KEYS.enter);
	return h.waitForFrame(
		(f) => !f.includes('   CREATED') && !f.includes(LOADING) && f.includes('Images'),
		'the details',
	);
}

/** The lines between the header (2 lines) and the footer (2 lines), without the `… more lines` hint. */
function body(frame: string): string[] {
	return frame
		.split('\n')
		.slice(2, -2)
		.filter((line) => !/^… \d+ more lines/.test(line));
}

/** Every details line, in order: scrolls one line at a time until the view stops moving. */
async function readAllDetails(h: Harness): Promise<string[]> {
	const content: string[] = [];
	let frame = h.lastFrame();
	for (let i = 0; i < 300; i++) {
		await h.press('j');
		const next = h.lastFrame();
		if (next === frame) {
			content.push(...body(frame));
			return content.map((line) => line.trimEnd());
		}
		content.push(body(frame)[0]!);
		frame = next;
	}
	throw new Error('details never stopped scrolling');
}

/** The value of a `label   value` line. */
function field(lines: readonly string[], label: string): string | undefined {
	const line = lines.find((l) => l.startsWith(`${label} `) && l.slice(0, 15).trim() === label);
	return line?.slice(16);
}

describe('details', () => {
	it('shows every field of the row', async () => {
		const h = await open([...sampleSessions(), richSession()]);
		await h.press(KEYS.end, 'k', 'k');
		expect(await openDetails(h)).toContain('20251108_100000-rich_session');
		const lines = await readAllDetails(h);
		expect(lines[0]).toBe('20251108_100000-rich_session');
		expect(lines[1]).toBe('✓ complete: all 6 planned images are there');
		expect(field(lines, 'found')).toBe('6 of 6 expected (100.0%)');
		expect(field(lines, 'in manifest')).toBe('6 entries');
		expect(field(lines, 'model')).toBe('illustriousXL_v01.safetensors [a1b2c3d4e5]');
		expect(field(lines, 'mode')).toBe('combinatorial');
		expect(field(lines, 'seed mode')).toBe('progressive');
		expect(field(lines, 'seed base')).toBe('1000');
		expect(field(lines, 'seed sweep')).toBe('yes');
		expect(field(lines, 'size')).toBe('512 × 768');
		expect(field(lines, 'steps')).toBe('20');
		expect(field(lines, 'cfg scale')).toBe('6');
		expect(field(lines, 'sampler')).toBe('Euler a');
		expect(field(lines, 'template')).toBe('2.0');
		expect(field(lines, 'stats version')).toBe('1');
		expect(field(lines, 'folder')).toBe('/results/20251108_100000-rich_session');
		expect(field(lines, 'database')).toBe('/metadata/sessions.db + sdstats.db');
		for (const section of [
			'Images',
			'Generation',
			'Placeholders',
			'Prompt',
			'Negative prompt',
			'Timestamps',
			'Bookkeeping',
			'Paths',
		]) {
			expect(lines, section).toContain(section);
		}
		expect(lines.slice(lines.indexOf('Negative prompt') + 1, lines.indexOf('Negative prompt') + 2)).toEqual([
			'  lowres, bad hands, watermark',
		]);
	});

	it('shows placeholders with their counts and first values', async () => {
		const h = await open([richSession()]);
		await openDetails(h);
		const lines = await readAllDetails(h);
		const hair = field(lines, 'Hair (12)');
		expect(hair).toBeDefined();
		// The first ten values are kept, and how many more there are.
		const shown = lines.slice(lines.findIndex((l) => l.startsWith('Hair (12)'))).join(' ');
		for (const value of HAIR.slice(0, 10)) expect(shown).toContain(value);
		expect(shown).toContain('+2 more');
		expect(field(lines, 'Eyes (2)')).toBe('blue, green');
	});

	it('wraps the prompt to the width, losing no word', async () => {
		const h = await open([richSession()], 80, 24);
		await openDetails(h);
		const lines = await readAllDetails(h);
		const start = lines.indexOf('Prompt') + 1;
		const end = lines.indexOf('', start);
		const prompt = lines.slice(start, end);
		expect(prompt.length).toBeGreaterThanOrEqual(4);
		for (const line of prompt) {
			expect(line.startsWith('  ')).toBe(true);
			expect(displayWidth(line)).toBeLessThanOrEqual(80);
		}
		expect(
			prompt
				.map((l) => l.trim())
				.join(' ')
				.split(/\s+/),
		).toEqual(LONG_PROMPT.split(/\s+/));
	});

	it('shows timestamps with their age, the duration and the images per minute', async () => {
		const h = await open([richSession()]);
		await openDetails(h);
		const lines = await readAllDetails(h);
		expect(field(lines, 'created')).toBe('2025-11-08T10:00:00  (12 days ago)');
		// The newest image was written 600 minutes before now, the six images 5 s apart.
		expect(field(lines, 'first image')).toBe('2025-11-20T01:59:35  (10 h ago)');
		expect(field(lines, 'last image')).toBe('2025-11-20T02:00:00  (10 h ago)');
		expect(field(lines, 'computed')).toBe('2025-11-20T12:00:00  (0 s ago)');
		expect(field(lines, 'last write')).toBe('10 h ago');
		expect(field(lines, 'duration')).toBe('25 s from first to last image');
		expect(field(lines, 'rate')).toBe('12.0 images per minute');
	});

	it('says the state and why for every state', async () => {
		const h = await open(sampleSessions(), 120, 30);
		const why: Record<string, string> = {
			running_now: '▶ running: manifest status "ongoing", last write 2 min ago (within the 10 min stall window)',
			complete_pony: '✓ complete: all 4 planned images are there',
			partial_illu: '◐ partial: 3 of 10 planned images (manifest status "completed")',
			over_run: '⊕ over: 3 images for 2 planned',
			empty_run: '○ empty: no image in the folder (5 planned)',
			stalled_run: '⏸ stalled: manifest status "ongoing", but last write 5 h ago: beyond the 10 min stall window',
			aborted_run: '✗ aborted: manifest status "aborted", 1 of 8 images',
			broken: '! unreadable: manifest.json could not be read',
			sweep: '✓ complete: all 6 planned images are there',
			'legacy.prompt': '? no manifest: no manifest.json in the folder: only the files are known',
		};
		const names = rowNames(h.lastFrame());
		expect(names).toHaveLength(10);
		for (const name of names) {
			const frame = await openDetails(h);
			expect(body(frame)[1]!.startsWith(why[name]!), `${name}: ${body(frame)[1]}`).toBe(true);
			await h.press(KEYS.escape, 'j');
		}
	});

	it('scrolls with ↓ ↑, PgDn PgUp, End and Home', async () => {
		// The folder insight lands on its own time and adds lines; kept out so frames taken apart compare equal.
		const h = await open([richSession()], 80, 20, {insightSettleMs: 600_000});
		const top = await openDetails(h);
		expect(body(top)[0]).toBe('20251108_100000-rich_session');
		expect(top).toMatch(/… \d+ more lines \(↓ PgDn\)/);
		await h.press(KEYS.down);
		expect(body(h.lastFrame())[0]).toBe(body(top)[1]);
		await h.press(KEYS.up);
		expect(h.lastFrame()).toBe(top);
		await h.press(KEYS.pageDown);
		const paged = h.lastFrame();
		expect(body(paged)[0]).not.toBe(body(top)[0]);
		expect(body(top)).not.toContain(body(paged).at(-1));
		await h.press(KEYS.pageUp);
		expect(h.lastFrame()).toBe(top);
		await h.press(KEYS.end);
		const bottom = h.lastFrame();
		expect(bottom).not.toMatch(/more lines/);
		expect(body(bottom).some((line) => line.startsWith('database'))).toBe(true);
		await h.press('G', 'g');
		expect(h.lastFrame()).toBe(top);
		await h.press('G', KEYS.home);
		expect(h.lastFrame()).toBe(top);
	});

	it('responds to ↑ at once after End', async () => {
		const h = await open([richSession()], 80, 20);
		await openDetails(h);
		await h.press(KEYS.end);
		const bottom = await h.waitForFrame((f) => body(f).some((line) => line.startsWith('database')));
		await h.press(KEYS.up);
		const up = h.lastFrame();
		expect(up).not.toBe(bottom);
		expect(up).toMatch(/… \d+ more lines/);
	});

	it('Esc returns to the list with the cursor and the scroll as they were', async () => {
		const h = await open(manySessions(60), 80, 24);
		await h.press(KEYS.pageDown, KEYS.pageDown, 'j', 'j', 'k');
		const before = h.lastFrame();
		expect(cursorName(before)).toBe('s35');
		expect(rowNames(before)[0]).not.toBe('s00');
		expect(await openDetails(h)).toContain('-s35');
		await h.press(KEYS.pageDown, 'j', 'j');
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(after).toBe(before);
	});
});

describe('split view', () => {
	it('shows the details beside the list from 140 columns, following the cursor', async () => {
		const h = await open(sampleSessions(), 140, 40);
		let frame = await h.waitForFrame((f) => f.includes('▶ running: '), 'the details beside the list');
		const lines = frame.split('\n');
		expect(lines[2]).toMatch(/^ {3}CREATED▼ .*20251120_115500-running_now$/);
		expect(lines[3]).toContain('▶ running: ');
		expect(lines.some((line) => /^ {3}\S.* {2}Generation$/.test(line))).toBe(true);
		await h.press('j');
		frame = await h.waitForFrame((f) => f.includes('✓ complete: all 4 planned'), 'the next details');
		expect(frame.split('\n')[2]).toMatch(/20251115_100000-complete_pony$/);
		expect(frame).not.toContain('20251120_115500-running_now');
		for (const line of frame.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(140);
	});

	it('has no details beside the list below 140 columns', async () => {
		const h = await open(sampleSessions(), 139, 40);
		const frame = h.lastFrame();
		expect(frame).not.toContain('20251120_115500-running_now');
		expect(frame).not.toContain('Generation');
		await h.resize(140, 40);
		await h.waitForFrame((f) => f.includes('20251120_115500-running_now'));
	});

	it('Enter in the split view scrolls the details beside the list; Esc returns with the cursor in place', async () => {
		// The folder insight is left out (it would land at a moment of its own and lengthen the details between
		// the two frames compared): this is about scrolling and the cursor.
		const h = await open(sampleSessions(), 160, 30, {insightSettleMs: 60_000});
		await h.press('j', 'j');
		const before = await h.waitForFrame((f) => f.includes('◐ partial: 3 of 10'), 'the details beside the list');
		expect(cursorName(before)).toBe('partial_illu');
		await h.press(KEYS.enter);
		const opened = h.lastFrame();
		// The list stays in sight, the cursor with it.
		expect(cursorName(opened)).toBe('partial_illu');
		expect(opened.split('\n')[2]).toMatch(/20251114_100000-partial_illu$/);
		await h.press('j', 'j');
		const scrolled = h.lastFrame();
		expect(cursorName(scrolled)).toBe('partial_illu');
		expect(scrolled.split('\n')[2]).not.toMatch(/20251114_100000-partial_illu$/);
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('/ filter'));
		expect(after).toBe(before);
	});
});
