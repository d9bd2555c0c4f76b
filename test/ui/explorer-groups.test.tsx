/** The grouping view: m by model, switching the grouping, Enter filters the list to a group, Esc returns. */
import {afterEach, describe, expect, it} from 'vitest';
import {KEYS, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions, storedSession} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

const lines = (frame: string): string[] => frame.split('\n');

function rows() {
	return [
		...sampleSessions(),
		storedSession('20251116_100000-pony_a', {
			numImages: 10,
			images: 10,
			status: 'completed',
			model: 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
			apiParams: {width: 512, height: 512, steps: 20, cfg_scale: 6, sampler: 'Euler a'},
		}),
		storedSession('20251116_110000-pony_b', {
			numImages: 10,
			images: 4,
			status: 'aborted',
			model: 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
			apiParams: {width: 512, height: 512, steps: 20, cfg_scale: 6, sampler: 'Euler a'},
		}),
	];
}

describe('the grouping view', () => {
	it('groups by model with counts, switches grouping, filters the list to a group, and Esc returns', async () => {
		harness = await renderExplorer({data: fakeData(rows()), columns: 130, rows: 30});
		await harness.press('m');
		let frame = await harness.waitForFrame((f) => f.includes('grouped by model'));
		const pony = lines(frame).find((l) => l.includes('ponyDiffusionV6XL'));
		// 3 pony sessions: 4/4 complete, 10/10 complete, 4/10 aborted.
		expect(pony).toMatch(/ponyDiffusionV6XL\s+3\s+18\/24\s+80\.0\s+1\s+0\s+1/);
		expect(lines(frame).find((l) => l.startsWith('›'))).toContain('illustriousXL_v01');
		await harness.press('m');
		frame = await harness.waitForFrame((f) => f.includes('grouped by sampler'));
		// Euler a: the two pony runs and the sweep.
		expect(frame).toMatch(/Euler a\s+3\s+20\/26\s+80\.0/);
		await harness.press('M');
		frame = await harness.waitForFrame((f) => f.includes('grouped by model'));
		await harness.press('j', KEYS.enter);
		frame = await harness.waitForFrame((f) => f.includes('3 sessions of ponyDiffusionV6XL'));
		expect(lines(frame).at(-1)).toContain('3 of 12 shown (filter: model:=');
		await harness.press('m', KEYS.escape);
		frame = await harness.waitForFrame((f) => !f.includes('grouped by') && f.includes('CREATED'));
		expect(lines(frame).at(-1)).toContain('3 of 12 shown');
	});
});
