/**
 * Python's `round(x, 2)`: the double nearest to the exact decimal rounding of x's binary value, ties to even.
 * `toFixed` already rounds the exact binary value but sends ties up; the only doubles that sit exactly on a
 * tie at two decimals are odd multiples of 1/8 (x.125, x.375, x.625, x.875), so those are handled apart.
 */
export function roundHalfEven2(x: number): number {
	if (!Number.isFinite(x)) return x;
	const eighths = x * 8; // exact: multiplying by a power of two
	if (Number.isInteger(eighths) && Math.abs(eighths % 2) === 1) {
		const hundredths = x * 100; // exact for these values: an integer plus one half
		const floor = Math.floor(hundredths);
		const even = floor % 2 === 0 ? floor : floor + 1;
		return even / 100;
	}
	return Number(x.toFixed(2));
}

/** completion_percentage: actual / expected * 100 rounded as Python rounds it; 0.0 when nothing is expected. */
export function completionPercentage(actual: number, expected: number | bigint): number {
	const expectedNumber = Number(expected);
	if (expectedNumber <= 0) return 0;
	return roundHalfEven2((actual / expectedNumber) * 100);
}
