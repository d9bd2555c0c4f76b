/**
 * Regression (issue 11, item 3): the explorer and `watch` showed 1.7 and 2.5 images per minute for the same
 * session at the same moment (each timed the counts its own polls happened to see). One definition in one
 * function (core/rate.ts: images − 1 over the minutes from the first image to the last), used by both.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {watchCommand} from '../../source/commands/watch.js';
import {locate} from '../../source/config.js';
import {formatRate, imagesPerMinute, minutesLeft} from '../../source/core/rate.js';
import {writeSession} from '../../source/demo/corpus.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {openDatabase} from '../../source/store/db.js';
import {initialState, reducer} from '../../source/ui/state/reducer.js';
import {detailsContextOf, rateOf} from '../../source/ui/state/selectors.js';
import {buildDetails} from '../../source/ui/model/details.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

describe('one images-per-minute rate (issue 11 item 3)', () => {
	it('is (images − 1) per minute from the first image to the last', () => {
		const row = (n: number, first: string | null, last: string | null) => ({
			images_actual: n,
			first_image_created_at: first,
			last_image_created_at: last,
		});
		expect(imagesPerMinute(row(5, '2025-11-20T12:00:00.000000', '2025-11-20T12:02:00.000000'))).toBe(2);
		expect(imagesPerMinute(row(2, '2025-11-20T12:00:00', '2025-11-20T12:00:30'))).toBe(2);
		expect(imagesPerMinute(row(1, '2025-11-20T12:00:00', '2025-11-20T12:00:00'))).toBeNull();
		expect(imagesPerMinute(row(3, '2025-11-20T12:00:00', '2025-11-20T12:00:00'))).toBeNull();
		expect(imagesPerMinute(row(3, null, '2025-11-20T12:00:00'))).toBeNull();
		expect(minutesLeft(10, 2)).toBe(5);
		expect(minutesLeft(0, 2)).toBeNull();
		expect(formatRate(2.5)).toBe('2.5/min');
		expect(formatRate(12.4)).toBe('12/min');
	});

	it('watch and the explorer give the same number for the same session at the same moment', async () => {
		const {root, base, dbPath} = makeWorkspace('sdstats-rate-');
		const start = Date.now() - 4 * 60_000;
		// 7 images 30 s apart, then a pause: a poll-timed rate would depend on when each program looked.
		const running = writeSession(root, {
			name: '20251120_120000-running',
			manifest: {numImages: 20, status: 'ongoing'},
			images: 7,
			firstImageMs: start,
			imageIntervalMs: 30_000,
		});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);

		const lines: string[] = [];
		const locations = locate({rootFlag: root, env: {}, cwd: base});
		await watchCommand(
			{
				locations,
				stallWindowMs: 600_000,
				color: false,
				now: Date.now,
				intervalMs: 10,
				stop: {stopped: false},
				json: true,
				maxCycles: 2,
				afterCycle(cycle) {
					if (cycle !== 1) return;
					const next = path.join(running, 'late_0007.png');
					fs.writeFileSync(next, '');
					const seconds = (start + 7 * 30_000) / 1000;
					fs.utimesSync(next, seconds, seconds);
					const manifest = path.join(running, 'manifest.json');
					fs.writeFileSync(manifest, `${fs.readFileSync(manifest, 'utf8')} `);
				},
			},
			{stdout: {write: (s: string) => lines.push(s)}, stderr: {write: () => true}},
		);
		const events = lines
			.join('')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as {event: string; session_id: string; actual: number; rate_per_minute?: number});
		const progress = events.find((e) => e.event === 'progress' && e.session_id === '20251120_120000-running');
		expect(progress).toBeDefined();
		expect(progress!.actual).toBe(8);
		// 8 images over 3.5 minutes.
		expect(progress!.rate_per_minute).toBeCloseTo(2, 10);

		const {db} = openDatabase(dbPath, 'read');
		const stored = new StatsRepository(db).listAll().find((r) => r.session_id === '20251120_120000-running')!;
		db.close();
		let state = initialState({
			viewport: {columns: 120, rows: 40},
			nowMs: Date.now(),
			stallWindowMs: 600_000,
			info: {root, dbPath, notice: null, readonly: false},
		});
		state = reducer(state, {type: 'rows-loaded', rows: [stored], complete: true, nowMs: Date.now()});
		const view = state.shown[0]!;
		expect(view.state).toBe('running');
		// What the explorer's live poll dispatches for the row it polled (hooks/use-live.ts), and what it shows.
		const polled = imagesPerMinute(stored);
		expect(polled).toBe(progress!.rate_per_minute);
		state = reducer(state, {type: 'rates', rates: new Map([[view.id, polled!]])});
		expect(rateOf(state, state.shown[0]!)).toBe(progress!.rate_per_minute);
		expect(detailsContextOf(state, state.shown[0]!).ratePerMinute).toBe(progress!.rate_per_minute);
		const details = buildDetails(state.shown[0]!, stored, 100, detailsContextOf(state, state.shown[0]!)).map(
			(l) => l.text,
		);
		expect(
			details.some((l) => /live +2\.0 images per minute, first image to last, ETA 6 min 0 s to 20/.test(l)),
		).toBe(true);
		expect(details.some((l) => /rate +2\.0 images per minute/.test(l))).toBe(true);
	});
});
