import {describe, expect, it} from 'vitest';
import {POST_JOB_COLLECTIONS_MS, schedulePostJobCollections} from '../../source/ui/post-job-collections.js';
import {FakeClock} from '../helpers/clock.js';

/** The clock times at which `collect` was called. */
function recording(clock: FakeClock): {times: number[]; collect: () => void} {
	const times: number[] = [];
	return {times, collect: () => times.push(clock.now())};
}

describe('the heap collections after a big job', () => {
	it('come at each scheduled time after the job, once each, then stop', () => {
		const clock = new FakeClock(10_000);
		const {times, collect} = recording(clock);
		schedulePostJobCollections(clock, collect, [1000, 2000, 3500]);
		clock.advance(999);
		expect(times).toEqual([]);
		clock.advance(60_000);
		expect(times).toEqual([11_000, 12_000, 13_500]);
		expect(clock.pending).toBe(0);
	});

	it('by default a collection every second for the first four seconds', () => {
		const clock = new FakeClock();
		const {times, collect} = recording(clock);
		schedulePostJobCollections(clock, collect);
		clock.advance(60_000);
		expect(times).toEqual([...POST_JOB_COLLECTIONS_MS]);
		expect(POST_JOB_COLLECTIONS_MS).toEqual([1000, 2000, 3000, 4000]);
	});

	it('stop at once when cancelled (the explorer closed, another job started), leaving no timer', () => {
		const clock = new FakeClock();
		const {times, collect} = recording(clock);
		const cancel = schedulePostJobCollections(clock, collect);
		clock.advance(2500);
		cancel();
		expect(clock.pending).toBe(0);
		clock.advance(60_000);
		expect(times).toEqual([1000, 2000]);
	});

	it('cancelled from inside a collection, schedule nothing more', () => {
		const clock = new FakeClock();
		const times: number[] = [];
		const cancel = schedulePostJobCollections(clock, () => {
			times.push(clock.now());
			cancel();
		});
		clock.advance(60_000);
		expect(times).toEqual([1000]);
		expect(clock.pending).toBe(0);
	});
});
