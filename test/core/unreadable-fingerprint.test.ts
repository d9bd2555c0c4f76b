import {describe, expect, it} from 'vitest';
import {fingerprintMatches} from '../../source/scan/sessions.js';
import {unchangedSinceUnreadable, unreadableFingerprint} from '../../source/core/unreadable-fingerprint.js';

describe('the fingerprint of an unreadable session', () => {
	it('is never taken as unchanged by a compute, deep or not', () => {
		const stored = unreadableFingerprint('1.5:2.5:10');
		expect(fingerprintMatches(stored, '1.5:2.5:10', false)).toBe(false);
		expect(fingerprintMatches(stored, '1.5:2.5:10', true)).toBe(false);
	});

	it('tells the stale check whether the folder is as it was when read', () => {
		const stored = unreadableFingerprint('1.5:?');
		expect(unchangedSinceUnreadable(stored, '1.5:?')).toBe(true);
		expect(unchangedSinceUnreadable(stored, '1.6:?')).toBe(false);
		expect(unchangedSinceUnreadable('1.5:?', '1.5:?')).toBe(false);
		expect(unchangedSinceUnreadable(null, '1.5:?')).toBe(false);
		expect(unchangedSinceUnreadable(stored, null)).toBe(false);
		expect(unreadableFingerprint(null)).toBeNull();
	});
});
