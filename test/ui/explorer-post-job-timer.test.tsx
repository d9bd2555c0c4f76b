/**
 * The post-job collection timer (use-jobs.ts) is set by a job that ends after the explorer
 * unmounted (the user quit during a recompute: the job is cancelled, and its onDone comes later). Nothing
 * clears it then; with the system clock, a pending 4 s timer keeps the process alive after quitting.
 */
import {computeSummary} from '../helpers/compute-summary.js';
import {afterEach, describe, expect, it} from 'vitest';
import {fakeData, renderExplorer, settle, type Harness} from '../helpers/explorer.js';
import {storedSession} from '../helpers/sessions.js';
import {COLLECT_FROM_SIZE} from '../../source/ui/hooks/use-jobs.js';

let harness: Harness | undefined;
afterEach(() => {
	harness = undefined;
});

describe('the post-job collection timer', () => {
	it('is not left pending by a job that finishes after the explorer unmounted (regression: quitting during a big recompute kept the process 4 s)', async () => {
		const rows = Array.from({length: COLLECT_FROM_SIZE}, (_, i) =>
			storedSession(`20251101_${String(100000 + (i % 800000)).padStart(6, '0')}-s${i}`, {
				numImages: 1,
				images: 1,
			}),
		);
		const data = fakeData(rows);
		harness = await renderExplorer({data, columns: 100, rows: 30});
		const h = harness;
		await h.waitForFrame(
			(f) => f.includes(`of ${COLLECT_FROM_SIZE.toLocaleString('en-US')}`) || f.includes(`${COLLECT_FROM_SIZE}`),
			'the list',
		);
		await h.press('R');
		await h.waitForFrame((f) => f.includes('Recompute which sessions?'));
		await h.press('a');
		await h.waitForFrame((f) => f.includes('Recomputing all sessions'));
		h.unmount();
		await settle(5);
		const before = h.clock.pending;
		// The cancelled job reports its end after the unmount.
		data.jobs[0]!.listener.onDone(
			computeSummary({computed: 0, seconds: 0, cancelled: true, planned: 0}),
			undefined,
		);
		await settle(5);
		const due = h.clock.nextDue();
		expect({pending: h.clock.pending, dueInMs: due === null ? null : due - h.clock.now()}).toEqual({
			pending: before,
			dueInMs: null,
		});
	});
});
