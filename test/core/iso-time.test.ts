import {describe, expect, test} from 'vitest';
import {isoFromEpochMs, isoFromMtimeNs} from '../../source/core/iso-time.js';

// Expected strings are Python 3.11's `datetime.fromtimestamp(sec + nsec * 1e-9).isoformat()` with TZ=UTC.
describe('isoFromMtimeNs', () => {
	test('tests run in UTC', () => {
		expect(process.env.TZ).toBe('UTC');
		expect(new Date(0).getTimezoneOffset()).toBe(0);
	});

	test.each([
		// Whole seconds: no fraction at all
		[1762981451000000000n, '2025-11-12T21:04:11'],
		[0n, '1970-01-01T00:00:00'],
		[951782400000000000n, '2000-02-29T00:00:00'],
		// Fractions keep six digits, trailing zeros included
		[1762981451500000000n, '2025-11-12T21:04:11.500000'],
		[1762981451250000000n, '2025-11-12T21:04:11.250000'],
		[1762981451000001000n, '2025-11-12T21:04:11.000001'],
		[1762981451046875000n, '2025-11-12T21:04:11.046875'],
		[1762981451999999000n, '2025-11-12T21:04:11.999999'],
		// Rounded to microseconds from the double st_mtime
		[1762981451123456789n, '2025-11-12T21:04:11.123457'],
		[1762981451123456500n, '2025-11-12T21:04:11.123456'],
		[1762981451999998500n, '2025-11-12T21:04:11.999999'],
		[1762981451000001500n, '2025-11-12T21:04:11.000001'],
		// Exact binary ties, rounded half to even
		[1762981451007812500n, '2025-11-12T21:04:11.007812'],
		[1762981451023437500n, '2025-11-12T21:04:11.023438'],
		[1762981451054687500n, '2025-11-12T21:04:11.054688'],
		[2500n, '1970-01-01T00:00:00.000002'],
		[1500n, '1970-01-01T00:00:00.000002'],
		// 500 ns: 500 * 1e-9 is a little above 5e-7, so it rounds up
		[500n, '1970-01-01T00:00:00.000001'],
		// Rounds to zero microseconds: the fraction disappears
		[1762981451000000500n, '2025-11-12T21:04:11'],
		[1762981451000000499n, '2025-11-12T21:04:11'],
		[1762981451000000001n, '2025-11-12T21:04:11'],
		// Rounds up into the next second
		[1762981451999999999n, '2025-11-12T21:04:12'],
		[1762981451999999500n, '2025-11-12T21:04:12'],
		// Before the epoch
		[-1500000000n, '1969-12-31T23:59:58.500000'],
	])('%s ns → %s', (ns, expected) => {
		expect(isoFromMtimeNs(ns)).toBe(expected);
	});
});

describe('isoFromEpochMs', () => {
	test.each([
		[Date.UTC(2025, 10, 12, 21, 4, 11), '2025-11-12T21:04:11'],
		[Date.UTC(2025, 10, 12, 21, 4, 11, 250), '2025-11-12T21:04:11.250000'],
		[Date.UTC(2025, 10, 12, 21, 4, 11, 1), '2025-11-12T21:04:11.001000'],
		[Date.UTC(2025, 10, 12, 21, 4, 11, 999), '2025-11-12T21:04:11.999000'],
		[0, '1970-01-01T00:00:00'],
		[Date.UTC(2024, 1, 29, 23, 59, 59, 500), '2024-02-29T23:59:59.500000'],
	])('%s ms → %s', (ms, expected) => {
		expect(isoFromEpochMs(ms)).toBe(expected);
	});
});
