/** The filter pane (f) and the sort pane (s), through the whole app. */
import {afterEach, describe, expect, it} from 'vitest';
import {FILTER_PANE_ITEMS} from '../../source/ui/model/filter-pane.js';
import {SORT_KEYS} from '../../source/view/sort.js';
import {KEYS, cursorName, fakeData, renderExplorer, rowLines, rowNames, type Harness} from '../helpers/explorer.js';
import {sampleSessions, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

function status(frame: string): string {
	return frame.split('\n').at(-1)!;
}
function columnHeader(frame: string): string {
	return frame.split('\n').find((line) => line.startsWith('   CREATED'))!;
}

/** The sample plus a session with a fixed seed (not a sweep) and a random-mode one. */
function rows(): StoredSession[] {
	return [
		...sampleSessions(),
		storedSession('20251107_100000-fixed_seed', {numImages: 2, images: 2, seedMode: 'fixed', status: 'completed'}),
		storedSession('20251106_100000-random_mode', {numImages: 4, images: 2, mode: 'random', status: 'completed'}),
	];
}

async function open(data: StoredSession[], columns = 100, lines = 40): Promise<Harness> {
	harness = await renderExplorer({data: fakeData(data), columns, rows: lines});
	await harness.waitForFrame((f) => f.includes(`${data.length} of ${data.length} shown`) && !f.includes('loading…'));
	return harness;
}

/** Presses ↓ or ↑ until the pane's focus (the line starting with ›) is on `index`. */
async function focusItem(h: Harness, index: number): Promise<void> {
	const label = FILTER_PANE_ITEMS[index]!.label;
	// The pane has no Home key: ↑ past the first row stays there.
	for (let i = 0; i < FILTER_PANE_ITEMS.length; i++) await h.press(KEYS.up);
	for (let i = 0; i < index; i++) await h.press(KEYS.down);
	const focused = h
		.lastFrame()
		.split('\n')
		.find((line) => line.startsWith('› '));
	expect(focused?.slice(2).startsWith(label.slice(0, 15)), h.lastFrame()).toBe(true);
}
const itemIndex = (predicate: (item: (typeof FILTER_PANE_ITEMS)[number]) => boolean): number =>
	FILTER_PANE_ITEMS.findIndex(predicate);
const paneLine = (frame: string, label: string): string =>
	frame.split('\n').find((line) => line.slice(2).startsWith(`${label} `)) ?? '';

describe('the filter pane', () => {
	it('selects several states; the list changes live; Enter keeps the filter', async () => {
		const h = await open(rows());
		await h.press('f');
		let frame = await h.waitForFrame((f) => f.includes('Filters: 12 of 12 match'));
		expect(paneLine(frame, '◐ partial')).toContain('[ ]');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'state' && i.state === 'partial'),
		);
		await h.press(' ');
		frame = await h.waitForFrame((f) => f.includes('Filters: 2 of 12 match'));
		expect(paneLine(frame, '◐ partial')).toContain('[x]');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'state' && i.state === 'stalled'),
		);
		await h.press(' ');
		await h.waitForFrame((f) => f.includes('Filters: 3 of 12 match'));
		await h.press(KEYS.enter);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(rowNames(frame)).toEqual(['partial_illu', 'stalled_run', 'random_mode']);
		expect(status(frame)).toBe('3 of 12 shown (filter: state:stalled,partial)');
	});

	it('filters by model, mode and sweep, cycling through the values present', async () => {
		const h = await open(rows());
		await h.press('f');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'choice' && i.field === 'model'),
		);
		await h.press(KEYS.right);
		let frame = await h.waitForFrame((f) => paneLine(f, 'model').includes('‹ illustriousXL_v01 ›'));
		expect(frame).toContain('Filters: 9 of 12 match');
		await h.press(KEYS.right);
		frame = await h.waitForFrame((f) => paneLine(f, 'model').includes('ponyDiffusionV6XL'));
		expect(frame).toContain('Filters: 1 of 12 match');
		await h.press(KEYS.right);
		frame = await h.waitForFrame((f) => paneLine(f, 'model').includes('‹ any ›'));
		expect(frame).toContain('Filters: 12 of 12 match');

		await focusItem(
			h,
			itemIndex((i) => i.kind === 'choice' && i.field === 'mode'),
		);
		await h.press(KEYS.left);
		frame = await h.waitForFrame((f) => paneLine(f, 'mode').includes('‹ random ›'));
		expect(frame).toContain('Filters: 1 of 12 match');
		await h.press(KEYS.right);
		await h.waitForFrame((f) => paneLine(f, 'mode').includes('‹ any ›'));

		await focusItem(
			h,
			itemIndex((i) => i.kind === 'bool' && i.field === 'sweep'),
		);
		await h.press(KEYS.right);
		frame = await h.waitForFrame((f) => paneLine(f, 'seed sweep').includes('‹ yes ›'));
		const sweeps = Number(/Filters: (\d+) of 12 match/.exec(frame)![1]);
		await h.press(KEYS.right);
		frame = await h.waitForFrame((f) => paneLine(f, 'seed sweep').includes('‹ no ›'));
		const notSweeps = Number(/Filters: (\d+) of 12 match/.exec(frame)![1]);
		expect(sweeps + notSweeps).toBe(12);
		expect(notSweeps).toBeGreaterThanOrEqual(3);
		await h.press(KEYS.enter);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(rowNames(frame)).toContain('fixed_seed');
		expect(rowNames(frame)).not.toContain('complete_pony');
		expect(status(frame)).toBe(`${notSweeps} of 12 shown (filter: sweep:no)`);
		// The sweep column is empty on every row shown.
		for (const line of rowLines(frame)) expect(line).not.toContain('↻');
	});

	it('filters by a completion range and a created date range typed into the pane', async () => {
		const h = await open(rows());
		await h.press('f');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'number' && i.bound === 'min'),
		);
		await h.type('25');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'number' && i.bound === 'max'),
		);
		await h.type('50');
		let frame = await h.waitForFrame((f) => paneLine(f, 'completion ≤').includes('[50]'));
		expect(paneLine(frame, 'completion ≥')).toContain('[25]');
		// running 25%, stalled 25%, partial 30%, random_mode 50%.
		expect(frame).toContain('Filters: 4 of 12 match');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'date' && i.bound === 'min'),
		);
		await h.type('2025-11-11');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'date' && i.bound === 'max'),
		);
		await h.type('2025-11-19');
		frame = await h.waitForFrame((f) => paneLine(f, 'created to').includes('[2025-11-19]'));
		expect(frame).toContain('Filters: 2 of 12 match');
		await h.press(KEYS.enter);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(rowNames(frame)).toEqual(['partial_illu', 'stalled_run']);
		expect(status(frame)).toBe(
			'2 of 12 shown (filter: completion:>=25 completion:<=50 created:>=2025-11-11 created:<=2025-11-19)',
		);
	});

	it('Esc restores the filter as it was when the pane opened', async () => {
		const h = await open(rows());
		await h.press('/');
		await h.type('run');
		await h.press(KEYS.enter, 'j');
		const before = await h.waitForFrame((f) => status(f) === '5 of 12 shown (filter: run)');
		expect(cursorName(before)).toBe('over_run');
		await h.press('f');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'state' && i.state === 'empty'),
		);
		await h.press(' ');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'bool' && i.field === 'sweep'),
		);
		await h.press(KEYS.right);
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'clear'),
		);
		await h.press(' ');
		await h.waitForFrame((f) => f.includes('Filters: 12 of 12 match'));
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(status(after)).toBe(status(before));
		expect(rowNames(after)).toEqual(rowNames(before));
	});

	it('Esc ("undo the changes and close") also puts the cursor back where it was when the pane opened', async () => {
		const h = await open(rows());
		await h.press('j', 'j', 'j');
		const before = h.lastFrame();
		expect(cursorName(before)).toBe('over_run');
		await h.press('f');
		// Only empty sessions: the cursor's session is filtered out while the pane is open.
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'state' && i.state === 'empty'),
		);
		await h.press(' ');
		await h.waitForFrame((f) => f.includes('Filters: 1 of 12 match'));
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(after).toBe(before);
	});

	it('Esc restores the incomplete preset (lowest completion first) when the pane turned it off', async () => {
		const h = await open(rows());
		await h.press('i');
		const before = await h.waitForFrame((f) => f.includes('DONE▲'));
		expect(status(before)).toBe('6 of 12 shown (filter: is:incomplete)');
		await h.press('f');
		await focusItem(
			h,
			itemIndex((i) => i.kind === 'incomplete'),
		);
		await h.press(' ');
		await h.waitForFrame((f) => f.includes('Filters: 12 of 12 match'));
		await h.press(KEYS.escape);
		const after = await h.waitForFrame((f) => status(f).includes('filter: is:incomplete'));
		expect(columnHeader(after)).toContain('DONE▲');
		expect(rowNames(after)).toEqual(rowNames(before));
	});
});

describe('the sort pane', () => {
	// With one root the root column is not shown nor offered (test/ui/explorer-roots.test.tsx sorts by it).
	type OneRootKey = Exclude<(typeof SORT_KEYS)[number], 'root'>;
	const ONE_ROOT_KEYS = SORT_KEYS.filter((key): key is OneRootKey => key !== 'root');
	const HEADER_TOKEN: Record<OneRootKey, string> = {
		created: 'CREATED',
		name: 'NAME',
		model: 'MODEL',
		state: 'STATE',
		images: 'IMAGES',
		completion: 'DONE',
		mode: 'MODE',
		sweep: 'S',
		size: 'SIZE',
		steps: 'ST',
		cfg: 'CFG',
		sampler: 'SAMPLER',
	};

	async function sortBy(h: Harness, column: OneRootKey, direction: 'asc' | 'desc'): Promise<string> {
		await h.press('s');
		const pane = await h.waitForFrame((f) => f.includes('Sort by'));
		expect(pane).not.toContain('results root');
		for (let i = 0; i < ONE_ROOT_KEYS.length; i++) await h.press(KEYS.up);
		for (let i = 0; i < ONE_ROOT_KEYS.indexOf(column); i++) await h.press(KEYS.down);
		await h.press(direction === 'asc' ? KEYS.left : KEYS.right);
		await h.waitForFrame((f) => f.includes(direction === 'asc' ? '▲ ascending' : '▼ descending'));
		await h.press(KEYS.enter);
		return h.waitForFrame((f) => f.includes('   CREATED'));
	}

	it('sorts on any column in either direction with the arrow on exactly that column', async () => {
		// 139 columns: every column fits and the details are not beside the list yet.
		const h = await open(rows(), 139, 40);
		for (const token of Object.values(HEADER_TOKEN))
			expect(
				columnHeader(h.lastFrame())
					.split(/\s+/)
					.some((t) => t.startsWith(token)),
			).toBe(true);
		for (const column of ONE_ROOT_KEYS) {
			for (const direction of ['asc', 'desc'] as const) {
				const frame = await sortBy(h, column, direction);
				const header = columnHeader(frame);
				const arrow = direction === 'asc' ? '▲' : '▼';
				expect(header.match(/[▲▼]/g), `${column} ${direction}: ${header}`).toEqual([arrow]);
				expect(header.split(/\s+/), `${column} ${direction}: ${header}`).toContain(
					`${HEADER_TOKEN[column]}${arrow}`,
				);
				// The arrow is nowhere else but the column header.
				expect(frame.split('\n').filter((line) => /[▲▼]/.test(line))).toEqual([header]);
			}
		}
	});

	it('orders the rows by the column, unknown values last, ties newest first', async () => {
		const h = await open(sampleSessions(), 200, 40);
		expect(rowNames(await sortBy(h, 'completion', 'asc'))).toEqual([
			'empty_run',
			'aborted_run',
			'running_now',
			'stalled_run',
			'partial_illu',
			'complete_pony',
			'sweep',
			'over_run',
			'broken',
			'legacy.prompt',
		]);
		expect(rowNames(await sortBy(h, 'completion', 'desc'))).toEqual([
			'over_run',
			'complete_pony',
			'sweep',
			'partial_illu',
			'running_now',
			'stalled_run',
			'aborted_run',
			'empty_run',
			'broken',
			'legacy.prompt',
		]);
		expect(rowNames(await sortBy(h, 'images', 'desc'))).toEqual([
			'sweep',
			'running_now',
			'stalled_run',
			'complete_pony',
			'partial_illu',
			'over_run',
			'legacy.prompt',
			'broken',
			'aborted_run',
			'empty_run',
		]);
		expect(rowNames(await sortBy(h, 'name', 'asc'))).toEqual([
			'aborted_run',
			'broken',
			'complete_pony',
			'empty_run',
			'legacy.prompt',
			'over_run',
			'partial_illu',
			'running_now',
			'stalled_run',
			'sweep',
		]);
		expect(rowNames(await sortBy(h, 'state', 'asc'))).toEqual([
			'legacy.prompt',
			'broken',
			'running_now',
			'stalled_run',
			'aborted_run',
			'complete_pony',
			'sweep',
			'over_run',
			'empty_run',
			'partial_illu',
		]);
		expect(rowNames(await sortBy(h, 'state', 'desc'))).toEqual([
			'partial_illu',
			'empty_run',
			'over_run',
			'complete_pony',
			'sweep',
			'aborted_run',
			'stalled_run',
			'running_now',
			'broken',
			'legacy.prompt',
		]);
		expect(rowNames(await sortBy(h, 'created', 'asc'))).toEqual([
			'legacy.prompt',
			'sweep',
			'broken',
			'aborted_run',
			'stalled_run',
			'empty_run',
			'over_run',
			'partial_illu',
			'complete_pony',
			'running_now',
		]);
	});

	it('breaks ties on the same created time by name, in both directions of the column', async () => {
		const tied = [
			storedSession('20251110_100000-beta_tie', {numImages: 4, images: 2, status: 'completed'}),
			storedSession('20251110_100000-alpha_tie', {numImages: 4, images: 2, status: 'completed'}),
			storedSession('20251111_100000-gamma_tie', {numImages: 4, images: 2, status: 'completed'}),
		];
		const h = await open(tied, 200, 40);
		expect(rowNames(h.lastFrame())).toEqual(['gamma_tie', 'alpha_tie', 'beta_tie']);
		expect(rowNames(await sortBy(h, 'completion', 'asc'))).toEqual(['gamma_tie', 'alpha_tie', 'beta_tie']);
		expect(rowNames(await sortBy(h, 'completion', 'desc'))).toEqual(['gamma_tie', 'alpha_tie', 'beta_tie']);
		expect(rowNames(await sortBy(h, 'state', 'desc'))).toEqual(['gamma_tie', 'alpha_tie', 'beta_tie']);
		expect(rowNames(await sortBy(h, 'created', 'asc'))).toEqual(['alpha_tie', 'beta_tie', 'gamma_tie']);
	});

	it('choosing the current column again reverses it', async () => {
		const h = await open(sampleSessions());
		await h.press('s');
		let frame = await h.waitForFrame((f) => f.includes('Sort by'));
		expect(frame.split('\n').find((line) => line.startsWith('› '))).toContain('created ▼ current');
		await h.press(KEYS.enter);
		frame = await h.waitForFrame((f) => f.includes('CREATED▲'));
		expect(rowNames(frame)[0]).toBe('legacy.prompt');
		await h.press('s', KEYS.enter);
		frame = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(rowNames(frame)[0]).toBe('running_now');
	});

	it('Esc closes without changing the sort', async () => {
		const h = await open(sampleSessions());
		await h.press('j', 'j');
		const before = h.lastFrame();
		await h.press('s', KEYS.down, KEYS.down, KEYS.left, KEYS.escape);
		const after = await h.waitForFrame((f) => f.includes('CREATED▼'));
		expect(after).toBe(before);
	});

	it('keeps the cursor on its session when the sort changes', async () => {
		const h = await open(sampleSessions(), 200, 40);
		await h.press('j', 'j', 'j');
		expect(cursorName(h.lastFrame())).toBe('over_run');
		for (const [column, direction] of [
			['name', 'asc'],
			['completion', 'desc'],
			['state', 'asc'],
			['created', 'asc'],
		] as const) {
			expect(cursorName(await sortBy(h, column, direction)), `${column} ${direction}`).toBe('over_run');
		}
	});

	it('keeps the cursor on the first session when sorting before the cursor was moved', async () => {
		const h = await open(sampleSessions(), 200, 40);
		expect(cursorName(h.lastFrame())).toBe('running_now');
		const frame = await sortBy(h, 'name', 'asc');
		expect(rowNames(frame)[0]).toBe('aborted_run');
		expect(cursorName(frame)).toBe('running_now');
	});
});
