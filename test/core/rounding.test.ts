import {describe, expect, test} from 'vitest';
import {completionPercentage, roundHalfEven2} from '../../source/core/rounding.js';

// Expected values are Python 3.11's round(x, 2).
describe('roundHalfEven2', () => {
	test.each([
		[0.125, 0.12],
		[0.375, 0.38],
		[0.625, 0.62],
		[0.875, 0.88],
		[8.125, 8.12],
		[100.125, 100.12],
		[-0.125, -0.12],
		[-0.375, -0.38],
		// Decimal-looking ties that are not ties in binary
		[2.675, 2.67],
		[1.005, 1],
		[0.285, 0.28],
		[1.115, 1.11],
		[12.345, 12.35],
		[0.005, 0.01],
		[0.015, 0.01],
		[0.025, 0.03],
		[0.035, 0.04],
		[0.045, 0.04],
		// Nothing to round
		[2.5, 2.5],
		[0, 0],
		[1e22, 1e22],
	])('round(%s, 2) = %s', (x, expected) => {
		expect(roundHalfEven2(x)).toBe(expected);
	});
});

describe('completionPercentage', () => {
	test.each([
		// Ties on the binary value go to even
		[1, 32, 3.12],
		[3, 32, 9.38],
		[5, 32, 15.62],
		[7, 32, 21.88],
		[11, 32, 34.38],
		[13, 32, 40.62],
		[15, 32, 46.88],
		[29, 32, 90.62],
		[33, 32, 103.12],
		[1, 800, 0.12],
		[3, 800, 0.38],
		[5, 800, 0.62],
		[9, 800, 1.12],
		// 7/800*100 is 0.8750000000000001: above the tie
		[7, 800, 0.88],
		// Ordinary cases
		[2, 3, 66.67],
		[1, 3, 33.33],
		[1, 7, 14.29],
		[5, 6, 83.33],
		[1, 6, 16.67],
		[1, 64, 1.56],
		[61, 64, 95.31],
		[1, 8, 12.5],
		[999, 1000, 99.9],
		[9999, 10000, 99.99],
		[1, 3000, 0.03],
		[3, 6, 50],
		[6, 6, 100],
		[0, 5, 0],
		// Over 100 %
		[7, 6, 116.67],
		[12, 6, 200],
		// Nothing expected
		[0, 0, 0],
		[5, 0, 0],
		// bigint expected
		[6, 6n, 100],
		[3, 9223372036854775807n, 0],
	])('%s of %s → %s', (actual, expected, percent) => {
		expect(completionPercentage(actual, expected)).toBe(percent);
	});
});
