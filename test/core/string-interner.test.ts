import {describe, expect, it} from 'vitest';
import {StringInterner, lowerCase, memoizeString} from '../../source/core/string-interner.js';

/** Two equal strings built separately, so identity is what is being tested. */
const fresh = (text: string): string => [...text].join('');

describe('StringInterner', () => {
	it('returns the first copy for equal strings, and null as null', () => {
		const interner = new StringInterner();
		const first = interner.intern(fresh('illustriousXL_v01.safetensors'));
		const second = interner.intern(fresh('illustriousXL_v01.safetensors'));
		expect(second).toBe(first);
		expect(interner.intern(null)).toBeNull();
	});

	it('starts over past its limit and still returns equal strings', () => {
		const interner = new StringInterner(3);
		for (const text of ['a', 'b', 'c', 'd', 'e']) expect(interner.intern(fresh(text))).toBe(text);
		expect(interner.intern(fresh('a'))).toBe('a');
	});
});

describe('memoizeString', () => {
	it('calls the function once per distinct input and shares the result', () => {
		let calls = 0;
		const upper = memoizeString((s) => {
			calls++;
			return {value: s.toUpperCase()};
		}, 2);
		const first = upper('x');
		expect(upper('x')).toBe(first);
		expect(calls).toBe(1);
		upper('y');
		upper('z'); // past the limit: the table starts over
		expect(upper('x')).toEqual({value: 'X'});
		expect(calls).toBe(4);
	});

	it('remembers undefined results too', () => {
		let calls = 0;
		const nothing = memoizeString(() => {
			calls++;
			return undefined;
		});
		nothing('a');
		nothing('a');
		expect(calls).toBe(1);
	});
});

describe('lowerCase', () => {
	it('lowers ASCII and non-ASCII text like toLowerCase', () => {
		for (const text of ['', 'already lower, 1girl', 'MiXeD Case', 'ÉCOLE Ünïcode', 'İstanbul', 'ΣΑΣ'])
			expect(lowerCase(text)).toBe(text.toLowerCase());
	});
});
