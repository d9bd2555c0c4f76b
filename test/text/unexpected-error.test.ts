import {describe, expect, it} from 'vitest';
import {describeUnexpected} from '../../source/text/unexpected-error.js';

describe('an unexpected error on the command line', () => {
	it('is one sentence without a stack trace', () => {
		const error = new Error('a copy thread stopped (exit code 1).');
		const said = describeUnexpected(error, false);
		expect(said).toBe(
			'unexpected error (a copy thread stopped (exit code 1)): run again with SDSTATS_DEBUG=1 to see where it happened, and report it',
		);
		expect(said).not.toContain('\n');
		expect(said).not.toMatch(/\bat .+:\d+:\d+/);
	});

	it('keeps control characters out and copes with things thrown that are not errors', () => {
		expect(describeUnexpected(new Error('bad \u001b[2Jname'), false)).not.toContain('\u001b');
		expect(describeUnexpected('plain text', false)).toContain('unexpected error (plain text)');
		expect(describeUnexpected(new Error(''), false)).toContain('unexpected error (no message)');
	});

	it('shows the stack with SDSTATS_DEBUG=1', () => {
		const error = new Error('boom');
		expect(describeUnexpected(error, true)).toContain('boom');
		expect(describeUnexpected(error, true)).toMatch(/\n\s+at /);
	});
});
