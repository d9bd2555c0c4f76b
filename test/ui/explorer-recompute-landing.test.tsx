/**
 * What a recompute costs the list while it runs: a progress tick draws no row again, rows stored unchanged are
 * not landed, and the rows that did change (and the selected one, whose details show the new computed time) are.
 * Every list row is drawn through views/line.tsx's Line, which the test counts.
 */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {
	fakeData,
	renderExplorer,
	rowLines,
	rowNames,
	settle,
	type FakeData,
	type Harness,
} from '../helpers/explorer.js';
import {TEST_NOW, sampleSessions, storedSession} from '../helpers/sessions.js';
import type {ListedSession} from '../../source/core/types.js';
import {
	COLLECT_EVERY_MS,
	COLLECT_FROM_SIZE,
	collectionAfterJob,
	collectionDue,
} from '../../source/ui/hooks/use-jobs.js';
import {POST_JOB_CHECK_DELAY_MS} from '../../source/ui/hooks/use-data-lifecycle.js';
import {POST_JOB_COLLECTIONS_MS} from '../../source/ui/post-job-collections.js';

/** The text of every line drawn (rendered by React) since the test last cleared it. */
const drawn = vi.hoisted(() => [] as string[]);
vi.mock('../../source/ui/views/line.js', async (importOriginal) => {
	const original = await importOriginal<typeof import('../../source/ui/views/line.js')>();
	const Line: typeof original.Line = (props) => {
		drawn.push(props.segments.map((s) => s.text).join(''));
		return original.Line(props);
	};
	return {...original, Line};
});

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const PARTIAL = '20251114_100000-partial_illu';

/** The explorer with a recompute of every session running, the cursor on the first row. */
async function recomputing(stale: string[] = []): Promise<{h: Harness; data: FakeData; names: string[]}> {
	const data = fakeData(sampleSessions(), {stale: {stale, newOnDisk: []}});
	harness = await renderExplorer({data, columns: 100, rows: 30, now: () => TEST_NOW});
	const h = harness;
	await h.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
	await h.waitForFrame(() => data.staleChecks >= 1);
	await settle(5);
	await h.press('R');
	await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
	await h.press('a');
	const frame = await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
	return {h, data, names: rowNames(frame)};
}

/** Lines drawn since the last clear that show one of the list's sessions. */
function rowsDrawn(names: readonly string[]): string[] {
	return drawn.filter((line) => names.some((name) => line.includes(name)));
}

describe('the list while a recompute runs', () => {
	it('a progress tick draws the progress again, and no list row', async () => {
		const {h, data, names} = await recomputing();
		expect(names.length).toBeGreaterThan(5);
		drawn.length = 0;
		data.jobs[0]!.listener.onProgress({done: 4, total: 7, current: null, startedAtMs: TEST_NOW, errors: []});
		const frame = await h.waitForFrame((f) => f.includes('4/7 (57%)'));
		expect(rowNames(frame)).toEqual(names);
		expect(drawn.some((line) => line.includes('4/7 (57%)'))).toBe(true);
		expect(rowsDrawn(names)).toEqual([]);
	});

	it('rows stored unchanged are not landed; a changed row lands and only its line is drawn again', async () => {
		const {h, data, names} = await recomputing();
		const landed: string[][] = [];
		const fetchChanged = data.fetchChanged.bind(data);
		data.fetchChanged = (ids, shown) => {
			const found = fetchChanged(ids, shown);
			landed.push(found.rows.map((row) => row.session_id));
			return found;
		};
		const others = data.rows.map((row) => row.session_id).filter((id) => id !== PARTIAL);
		drawn.length = 0;
		data.jobs[0]!.listener.onStored(others);
		await h.waitForFrame(() => landed.length === 1);
		await settle(10);
		// Only the selected session (the first row) is read again: its details show the new computed time.
		const selected = data.rows.find((row) => row.session_id.endsWith(names[0]!))!.session_id;
		expect(landed).toEqual([[selected]]);
		expect(rowsDrawn(names.slice(1))).toEqual([]);

		const index = data.rows.findIndex((r) => r.session_id === PARTIAL);
		data.rows[index] = storedSession(PARTIAL, {numImages: 10, images: 10, status: 'completed'});
		drawn.length = 0;
		data.jobs[0]!.listener.onStored([PARTIAL]);
		const frame = await h.waitForFrame((f) =>
			rowLines(f).some((l) => l.includes('partial_illu') && l.includes('10/10')),
		);
		expect(landed.at(-1)).toEqual([PARTIAL]);
		expect(rowNames(frame)).toEqual(names);
		expect(rowsDrawn(names)).toEqual(rowsDrawn(['partial_illu']));
		expect(rowsDrawn(['partial_illu']).length).toBeGreaterThan(0);
	});

	it('a stale session stored again unchanged loses its stale mark', async () => {
		const stale = sampleSessions()[3]!.session_id;
		const {h, data} = await recomputing([stale]);
		const name = (frame: string): string | undefined =>
			rowLines(frame).find((line) => stale.endsWith(line.slice(3).trim().split(/\s+/)[2]!));
		expect(name(h.lastFrame())?.[2]).toBe('*');
		const reads: ListedSession[][] = [];
		const fetchChanged = data.fetchChanged.bind(data);
		data.fetchChanged = (ids, shown) => {
			const found = fetchChanged(ids, shown);
			reads.push(found.rows);
			return found;
		};
		data.jobs[0]!.listener.onStored([stale]);
		const frame = await h.waitForFrame((f) => name(f)?.[2] === ' ', 'the stale mark gone');
		expect(reads).toEqual([[]]);
		expect(rowNames(frame)).toHaveLength(10);
	});
});

describe('collections of the heap during a recompute', () => {
	it('are asked for only over a big list, at most every few seconds', () => {
		expect(collectionDue(COLLECT_FROM_SIZE - 1, COLLECT_EVERY_MS * 10)).toBe(false);
		expect(collectionDue(COLLECT_FROM_SIZE, COLLECT_EVERY_MS - 1)).toBe(false);
		expect(collectionDue(COLLECT_FROM_SIZE, COLLECT_EVERY_MS)).toBe(true);
		expect(collectionDue(100_000, COLLECT_EVERY_MS + 1)).toBe(true);
	});

	it('follow a job over a big list, all of them before the staleness check starts its thread', () => {
		expect(collectionAfterJob(COLLECT_FROM_SIZE - 1)).toBe(false);
		expect(collectionAfterJob(COLLECT_FROM_SIZE)).toBe(true);
		expect(Math.max(...POST_JOB_COLLECTIONS_MS)).toBeLessThan(POST_JOB_CHECK_DELAY_MS);
	});
});
