/**
 * The explorer over several results roots (issue 15): one list with a root column, per-root counts in the
 * header, the `root:` filter, details naming each session's root, an unavailable root kept and marked, and every
 * mark and recompute going to the session's own root, even when two roots hold a folder of the same name.
 */
import {computeSummary} from '../helpers/compute-summary.js';
import {afterEach, describe, expect, it} from 'vitest';
import type {ComputeSummary} from '../../source/jobs/compute-job.js';
import {createMultiRootData} from '../../source/ui/data/multi-root-data.js';
import {KEYS, fakeData, renderExplorer, rowLines, settle, type FakeData, type Harness} from '../helpers/explorer.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';
import type {StoredSession} from '../../source/core/types.js';
import path from 'node:path';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

/** The same folder name in both roots: two sessions, never one row. */
const SHARED = '20251110_100000-shared_name';

function under(root: string, rows: StoredSession[]): StoredSession[] {
	return rows.map((row) => ({...row, session_path: path.join(root, row.session_id)}));
}

function roots(options: {archiveGone?: boolean} = {}): {main: FakeData; archive: FakeData} {
	const main = fakeData(
		under('/results', [
			storedSession('20251118_100000-main_one', {numImages: 4, images: 4}),
			storedSession('20251117_100000-main_two', {numImages: 4, images: 2}),
			storedSession(SHARED, {numImages: 4, images: 4}),
		]),
		{
			root: {
				name: 'main',
				label: 'main',
				path: '/results',
				dbPath: '/metadata/sdstats.db',
				sharedPath: '/metadata/sessions.db',
			},
		},
	);
	const archive = fakeData(
		under('/mnt/usb/archive-2024', [
			storedSession('20240301_100000-old_run', {numImages: 10, images: 3}),
			storedSession(SHARED, {numImages: 8, images: 8}),
		]),
		{
			root: {
				name: 'archive-disk-2024',
				// As open-explorer-data.ts labels it (core/root-labels.ts): short and unambiguous.
				label: 'archive-d…',
				path: '/mnt/usb/archive-2024',
				dbPath: '/mnt/usb/metadata/sdstats.db',
				sharedPath: '/mnt/usb/metadata/sessions.db',
			},
			...(options.archiveGone
				? {stale: {stale: [], newOnDisk: [], rootProblem: 'the results root /mnt/usb/archive-2024 is gone'}}
				: {}),
		},
	);
	return {main, archive};
}

async function open(
	options: {archiveGone?: boolean; columns?: number} = {},
): Promise<{h: Harness; main: FakeData; archive: FakeData}> {
	const {main, archive} = roots(options);
	const data = createMultiRootData([main, archive]);
	harness = await renderExplorer({data, columns: options.columns ?? 140, rows: 30});
	await harness.waitForFrame((f) => f.includes('5 of 5 shown') && !f.includes('loading…'));
	await harness.waitForFrame(() => main.staleChecks >= 1 && archive.staleChecks >= 1);
	await settle(5);
	return {h: harness, main, archive};
}

const rowOf = (frame: string, name: string, root: string): string | undefined =>
	rowLines(frame).find((line) => line.includes(name) && line.includes(` ${root}`));
const status = (frame: string): string => frame.split('\n').at(-1)!;

describe('several roots in one explorer', () => {
	it("lists every root's sessions with a root column and per-root counts in the header", async () => {
		const {h} = await open();
		const frame = h.lastFrame();
		const lines = frame.split('\n');
		expect(lines[0]).toContain('main /results · archive-d… /mnt/usb/archive-2024');
		expect(lines[0]).toContain('2 caches');
		expect(lines[1]).toMatch(/^5 sessions: main 3 · archive-d… 2/);
		expect(lines[2]).toMatch(/NAME\s+ROOT/);
		expect(rowOf(frame, 'main_one', 'main')).toBeDefined();
		expect(rowOf(frame, 'old_run', 'archive-d…')).toBeDefined();
		// The folder name both roots hold: one row each.
		expect(rowLines(frame).filter((l) => l.includes('shared_name'))).toHaveLength(2);
		expect(rowOf(frame, 'shared_name', 'main')).toMatch(/4\/4/);
		expect(rowOf(frame, 'shared_name', 'archive-d…')).toMatch(/8\/8/);
	});

	it('sorts by root from the sort pane (offered with several roots), newest first within each', async () => {
		const {h} = await open();
		await h.press('s');
		await h.waitForFrame((f) => f.includes('Sort by'));
		for (let i = 0; i < 20; i++) await h.press(KEYS.down);
		await h.waitForFrame((f) => f.includes('› results root'));
		await h.press(KEYS.left);
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame((f) => f.includes('ROOT▲'));
		const order = rowLines(frame).map((line) => (line.includes(' main ') ? 'main' : 'archive'));
		expect(order).toEqual(['archive', 'archive', 'main', 'main', 'main']);
		expect(rowLines(frame)[0]).toContain('shared_name');
		expect(rowLines(frame)[2]).toContain('main_one');
	});

	it('root:NAME keeps the sessions of that root', async () => {
		const {h} = await open();
		await h.press('/');
		await h.type('root:archive');
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame((f) => f.includes('2 of 5 shown'));
		expect(rowLines(frame)).toHaveLength(2);
		expect(rowLines(frame).every((l) => l.includes('archive-d…'))).toBe(true);
	});

	it("details name the session's root and its own database", async () => {
		const {h} = await open({columns: 100});
		// Sorted newest first: the archive's copy of the shared name is the last row.
		await h.press('G', KEYS.enter);
		await h.waitForFrame((f) => f.includes('Images'));
		await h.press(KEYS.end);
		const frame = await h.waitForFrame((f) => f.includes('Paths'));
		expect(frame).toMatch(/root\s+archive-disk-2024 {2}\/mnt\/usb\/archive-2024/);
		expect(frame).toContain('/mnt/usb/metadata/sessions.db');
	});

	it("marks go to the session's own root, by its folder name, even when another root has the same name", async () => {
		const {h, main, archive} = await open();
		const frame = h.lastFrame();
		const index = rowLines(frame).findIndex((l) => l.includes('shared_name') && l.includes('archive-d…'));
		for (let i = 0; i < index; i++) await h.press('j');
		await h.press('*');
		const after = await h.waitForFrame((f) => f.includes('set ★ favourite on 1 session'));
		expect(archive.triageLog).toEqual([{kind: 'flag', field: 'is_favorite', value: 1}]);
		expect(main.triageLog).toEqual([]);
		expect(archive.rows.find((r) => r.session_id === SHARED)!.is_favorite).toBe(1);
		expect(main.rows.find((r) => r.session_id === SHARED)!.has_metadata).toBe(0);
		// The side panel shows the archive's copy as favourite; the main root's copy (next row) is not.
		expect(after).toMatch(/flags\s+★ favourite/);
		await h.press('j');
		await h.waitForFrame((f) => /flags\s+\(none/.test(f));
		// And back, in the same root.
		await h.press('k', 'U');
		await h.waitForFrame((f) => f.includes('undone: set ★ favourite'));
		expect(archive.rows.find((r) => r.session_id === SHARED)!.has_metadata).toBe(0);
	});

	it('recomputes every root, one after the other, each with its own sessions', async () => {
		const {h, main, archive} = await open();
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame(() => main.jobs.length === 1);
		expect(archive.jobs).toHaveLength(0);
		const done = (data: FakeData, computed: number): void => {
			const job = data.jobs[0]!;
			job.listener.onProgress({
				done: computed,
				total: computed,
				current: null,
				startedAtMs: TEST_NOW,
				errors: [],
			});
			job.listener.onStored(data.rows.map((r) => r.session_id));
			job.listener.onDone(summary(computed));
		};
		done(main, 3);
		await h.waitForFrame(() => archive.jobs.length === 1);
		expect(archive.jobs[0]!.request).toEqual({id: 1, scope: 'all'});
		done(archive, 2);
		const frame = await h.waitForFrame((f) => f.includes('recomputed 5 sessions'));
		expect(rowLines(frame)).toHaveLength(5);
	});

	it('r on the marked sessions recomputes each in its own root', async () => {
		const {h, main, archive} = await open();
		const lines = rowLines(h.lastFrame());
		const archived = lines.findIndex((l) => l.includes('shared_name') && l.includes('archive-d…'));
		const mainOne = lines.findIndex((l) => l.includes('main_one'));
		for (const target of [mainOne, archived].sort((a, b) => a - b)) {
			await h.press('g');
			for (let i = 0; i < target; i++) await h.press('j');
			await h.press(' ');
		}
		await h.waitForFrame((f) => status(f).includes('2 marked'));
		await h.press('r');
		await h.waitForFrame(() => main.jobs.length === 1);
		expect(main.jobs[0]!.request).toEqual({id: 1, scope: 'sessions', sessionIds: ['20251118_100000-main_one']});
		main.jobs[0]!.listener.onDone(summary(1));
		await h.waitForFrame(() => archive.jobs.length === 1);
		expect(archive.jobs[0]!.request).toEqual({id: 1, scope: 'sessions', sessionIds: [SHARED]});
	});

	it('an unavailable root keeps its rows, marked, and says so in the header and the details', async () => {
		const {h, main, archive} = await open({archiveGone: true, columns: 100});
		const frame = await h.waitForFrame((f) => f.includes('unavailable'));
		expect(frame.split('\n')[1]).toMatch(/main 3 · archive-d… 2 unavailable/);
		expect(rowLines(frame)).toHaveLength(5);
		expect(rowOf(frame, 'old_run', 'archive-d…!')).toBeDefined();
		expect(rowOf(frame, 'main_one', 'main')).not.toContain('!');
		await h.press('G', KEYS.enter);
		await h.waitForFrame((f) => f.includes('Images'));
		await h.press(KEYS.end);
		const details = await h.waitForFrame((f) => f.includes('Paths'));
		expect(details).toContain('unavailable: the results root /mnt/usb/archive-2024 is gone');
		// A recompute leaves the unavailable root alone.
		await h.press(KEYS.escape, 'R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame(() => main.jobs.length === 1);
		main.jobs[0]!.listener.onDone(summary(3));
		await h.waitForFrame((f) => f.includes('recomputed 3 sessions'));
		expect(archive.jobs).toHaveLength(0);
	});
});

function summary(computed: number): ComputeSummary {
	return computeSummary({computed, planned: computed});
}
