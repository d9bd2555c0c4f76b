import {describe, expect, it} from 'vitest';
import {createProgressReporter, describeProgress} from '../../source/commands/progress-line.js';
import type {ComputeProgress} from '../../source/jobs/compute-job.js';
import {truncateToWidth} from '../../source/text/width.js';

function terminal(columns: number): {isTTY: true; columns: number; writes: string[]; write(chunk: string): boolean} {
	const writes: string[] = [];
	return {
		isTTY: true,
		columns,
		writes,
		write(chunk: string) {
			writes.push(chunk);
			return true;
		},
	};
}

const progress = (current: string | null, done = 5): ComputeProgress => ({
	done,
	total: 10,
	current,
	startedAtMs: 0,
	errors: [],
});

const CLEAR = '\r\u001B[2K';

describe('the live progress line', () => {
	it('fits a line of ASCII and middle dots without loading the width tables, as truncateToWidth would', () => {
		let clock = 0;
		const stream = terminal(40);
		let loads = 0;
		const reporter = createProgressReporter(
			stream,
			() => clock,
			async () => {
				loads++;
				return truncateToWidth;
			},
		);
		clock = 1000;
		reporter.update(progress('20251014_173320-facial_expressions_and_more'));
		expect(stream.writes).toHaveLength(1);
		const line = stream.writes[0]!.slice(CLEAR.length);
		expect(stream.writes[0]!.startsWith(CLEAR)).toBe(true);
		const whole = describeProgress(progress('20251014_173320-facial_expressions_and_more'), 1000);
		expect(whole.length).toBeGreaterThan(39);
		expect(line).toBe(truncateToWidth(whole, 39));
		expect(line.endsWith('…')).toBe(true);
		expect(loads).toBe(0);
	});

	it('leaves a short plain line whole', () => {
		let clock = 0;
		const stream = terminal(200);
		const reporter = createProgressReporter(stream, () => clock);
		clock = 500;
		reporter.update(progress(null, 10));
		expect(stream.writes).toEqual([`${CLEAR}${describeProgress(progress(null, 10), 500)}`]);
		expect(stream.writes[0]).not.toContain('…');
	});

	it('draws a line with wide characters once the width tables are loaded, cut by columns', async () => {
		let clock = 0;
		const stream = terminal(41);
		let loads = 0;
		const reporter = createProgressReporter(
			stream,
			() => clock,
			async () => {
				loads++;
				return truncateToWidth;
			},
		);
		const name = '20251014_173320-表情の研究とその他のもの';
		clock = 1000;
		reporter.update(progress(name));
		// Not drawn cut by code units: it waits for the tables.
		expect(stream.writes).toEqual([]);
		await new Promise((resolve) => setImmediate(resolve));
		clock = 1200;
		reporter.update(progress(name, 6));
		expect(loads).toBe(1);
		const expected = truncateToWidth(describeProgress(progress(name, 6), 1200), 40);
		expect(stream.writes).toEqual([`${CLEAR}${expected}`]);
		expect(expected.endsWith('…')).toBe(true);
	});

	it('writes plain lines to a log, whole, without a terminal', () => {
		let clock = 0;
		const writes: string[] = [];
		const reporter = createProgressReporter(
			{
				write: (chunk: string) => {
					writes.push(chunk);
					return true;
				},
			},
			() => clock,
		);
		clock = 2500;
		reporter.update(progress('表情'));
		expect(writes).toEqual([`${describeProgress(progress('表情'), 2500)}\n`]);
		expect(writes[0]).toContain('表情');
	});
});
