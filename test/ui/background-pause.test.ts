/**
 * Background slices (the signatures read after loading) stand back while keys come. Only lower bounds on time are
 * asserted: a loaded machine can make a pause longer, never shorter.
 */
import {describe, expect, it} from 'vitest';
import {
	backgroundPause,
	MAX_WAIT_MS,
	noteKey,
	QUIET_MS,
	READ_PATIENCE_MS,
} from '../../source/ui/data/background-pause.js';

describe('backgroundPause', () => {
	it('waits until no key has come for QUIET_MS (regression: a slice ran in every turn of a key on its way to the screen)', async () => {
		const pressed = performance.now();
		noteKey(pressed);
		await backgroundPause();
		expect(performance.now() - pressed).toBeGreaterThanOrEqual(QUIET_MS);
	});

	it('waits again for each key that comes meanwhile', async () => {
		const first = performance.now();
		noteKey(first);
		let last = first;
		// Keys every 10 ms for 100 ms: the pause ends QUIET_MS after the last of them at the earliest.
		const keys = setInterval(() => {
			last = performance.now();
			noteKey(last);
		}, 10);
		setTimeout(() => clearInterval(keys), 100);
		await backgroundPause();
		clearInterval(keys);
		expect(performance.now() - first).toBeGreaterThanOrEqual(100);
		expect(performance.now() - last).toBeGreaterThanOrEqual(QUIET_MS);
	});

	it('goes on after MAX_WAIT_MS while keys never stop (a key held down)', async () => {
		noteKey();
		const keys = setInterval(() => noteKey(), 5);
		const started = performance.now();
		try {
			await backgroundPause();
		} finally {
			clearInterval(keys);
		}
		expect(performance.now() - started).toBeGreaterThanOrEqual(MAX_WAIT_MS);
	});

	it('stops waiting for keys once its read has stood back READ_PATIENCE_MS (the signatures read must not be stretched by a key held down)', async () => {
		noteKey();
		const keys = setInterval(() => noteKey(), 5);
		const order: string[] = [];
		try {
			await Promise.all([
				backgroundPause().then(() => order.push('a slice of a read that just began')),
				backgroundPause(performance.now() - READ_PATIENCE_MS).then(() => order.push('a slice of a long read')),
			]);
		} finally {
			clearInterval(keys);
		}
		expect(order).toEqual(['a slice of a long read', 'a slice of a read that just began']);
	});

	it('goes on after a turn of the event loop when no key came lately', async () => {
		noteKey(performance.now() - QUIET_MS);
		let done = false;
		const pause = backgroundPause().then(() => (done = true));
		// Not within the code that asked: other work has its turn first.
		await Promise.resolve();
		expect(done).toBe(false);
		await pause;
		expect(done).toBe(true);
	});
});
