import {describe, expect, test} from 'vitest';
import {DEFAULT_STALL_WINDOW_MS, deriveState, type StateFacts} from '../../source/core/state.js';
import {SESSION_STATES, type SessionState} from '../../source/core/types.js';

const NOW = Date.UTC(2025, 10, 12, 22, 0, 0);
const MINUTE = 60_000;

function facts(overrides: Partial<StateFacts>): StateFacts {
	return {
		manifestState: 'ok',
		manifestStatus: null,
		imagesActual: 0,
		imagesExpected: 0,
		lastActivityMs: NOW - 60 * MINUTE,
		...overrides,
	};
}

describe('deriveState', () => {
	test('the stall window defaults to 10 minutes', () => {
		expect(DEFAULT_STALL_WINDOW_MS).toBe(600_000);
	});

	test('the states in their order', () => {
		expect(SESSION_STATES).toEqual([
			'no_manifest',
			'unreadable',
			'running',
			'stalled',
			'aborted',
			'complete',
			'over',
			'empty',
			'partial',
		]);
	});

	const cases: Array<[string, Partial<StateFacts>, SessionState]> = [
		// no_manifest comes first, whatever else is true
		['missing manifest', {manifestState: 'missing', imagesExpected: null, imagesActual: 3}, 'no_manifest'],
		['missing manifest with no images', {manifestState: 'missing', imagesExpected: null, imagesActual: 0}, 'no_manifest'],
		[
			'missing manifest with a fresh active status',
			{manifestState: 'missing', manifestStatus: 'ongoing', lastActivityMs: NOW},
			'no_manifest',
		],
		// unreadable next
		['unreadable manifest', {manifestState: 'unreadable', imagesExpected: null, imagesActual: 3}, 'unreadable'],
		[
			'unreadable beats running',
			{manifestState: 'unreadable', manifestStatus: 'ongoing', lastActivityMs: NOW},
			'unreadable',
		],
		[
			'unreadable beats complete',
			{manifestState: 'unreadable', imagesActual: 6, imagesExpected: 6},
			'unreadable',
		],
		// running / stalled
		['ongoing, fresh', {manifestStatus: 'ongoing', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW - MINUTE}, 'running'],
		['in_progress, fresh', {manifestStatus: 'in_progress', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW - MINUTE}, 'running'],
		['ongoing, activity right now', {manifestStatus: 'ongoing', lastActivityMs: NOW}, 'running'],
		['ongoing, activity in the future', {manifestStatus: 'ongoing', lastActivityMs: NOW + MINUTE}, 'running'],
		['ongoing, exactly at the window', {manifestStatus: 'ongoing', lastActivityMs: NOW - 10 * MINUTE}, 'running'],
		['ongoing, 1 ms beyond the window', {manifestStatus: 'ongoing', lastActivityMs: NOW - 10 * MINUTE - 1}, 'stalled'],
		['in_progress, 1 ms beyond the window', {manifestStatus: 'in_progress', lastActivityMs: NOW - 10 * MINUTE - 1}, 'stalled'],
		['ongoing, an hour idle', {manifestStatus: 'ongoing', imagesActual: 3, imagesExpected: 6}, 'stalled'],
		['ongoing, no activity known', {manifestStatus: 'ongoing', lastActivityMs: null}, 'stalled'],
		// running/stalled beat the count-based states
		['running although complete', {manifestStatus: 'ongoing', imagesActual: 6, imagesExpected: 6, lastActivityMs: NOW}, 'running'],
		['running although over', {manifestStatus: 'ongoing', imagesActual: 7, imagesExpected: 6, lastActivityMs: NOW}, 'running'],
		['running although empty', {manifestStatus: 'ongoing', imagesActual: 0, imagesExpected: 6, lastActivityMs: NOW}, 'running'],
		['stalled although complete', {manifestStatus: 'ongoing', imagesActual: 6, imagesExpected: 6}, 'stalled'],
		['stalled although empty', {manifestStatus: 'in_progress', imagesActual: 0, imagesExpected: 6}, 'stalled'],
		// aborted
		['aborted, partial', {manifestStatus: 'aborted', imagesActual: 3, imagesExpected: 6}, 'aborted'],
		['aborted, empty', {manifestStatus: 'aborted', imagesActual: 0, imagesExpected: 6}, 'aborted'],
		['aborted, nothing expected', {manifestStatus: 'aborted', imagesActual: 0, imagesExpected: 0}, 'aborted'],
		['aborted, over', {manifestStatus: 'aborted', imagesActual: 7, imagesExpected: 6}, 'aborted'],
		['aborted but complete', {manifestStatus: 'aborted', imagesActual: 6, imagesExpected: 6}, 'complete'],
		['aborted, fresh activity (status is not active)', {manifestStatus: 'aborted', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW}, 'aborted'],
		// complete
		['complete, status completed', {manifestStatus: 'completed', imagesActual: 6, imagesExpected: 6}, 'complete'],
		['complete, no status', {manifestStatus: null, imagesActual: 6, imagesExpected: 6}, 'complete'],
		['complete, bigint expected', {imagesActual: 6, imagesExpected: 6n}, 'complete'],
		['complete, unknown status', {manifestStatus: 'paused', imagesActual: 1, imagesExpected: 1}, 'complete'],
		// over
		['over', {manifestStatus: 'completed', imagesActual: 7, imagesExpected: 6}, 'over'],
		['over, no status', {imagesActual: 100, imagesExpected: 1}, 'over'],
		// empty
		['empty, something expected', {manifestStatus: 'completed', imagesActual: 0, imagesExpected: 6}, 'empty'],
		['empty, nothing expected', {imagesActual: 0, imagesExpected: 0}, 'empty'],
		['empty, huge expected', {imagesActual: 0, imagesExpected: 9223372036854775807n}, 'empty'],
		// partial: everything else
		['partial', {manifestStatus: 'completed', imagesActual: 3, imagesExpected: 6}, 'partial'],
		['partial, no status', {imagesActual: 1, imagesExpected: 6}, 'partial'],
		['partial, nothing expected but images', {imagesActual: 3, imagesExpected: 0}, 'partial'],
		['partial, huge expected', {imagesActual: 3, imagesExpected: 9223372036854775807n}, 'partial'],
		['partial, unknown status', {manifestStatus: 'weird', imagesActual: 3, imagesExpected: 6}, 'partial'],
		['status is case-sensitive', {manifestStatus: 'Ongoing', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW}, 'partial'],
		['status "ABORTED" is not aborted', {manifestStatus: 'ABORTED', imagesActual: 3, imagesExpected: 6}, 'partial'],
	];

	test.each(cases)('%s', (_name, overrides, expected) => {
		expect(deriveState(facts(overrides), NOW)).toBe(expected);
	});

	test('the state moves from running to stalled with the clock alone', () => {
		const f = facts({manifestStatus: 'ongoing', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW});
		expect(deriveState(f, NOW)).toBe('running');
		expect(deriveState(f, NOW + 600_000)).toBe('running');
		expect(deriveState(f, NOW + 600_001)).toBe('stalled');
	});

	test('a custom stall window', () => {
		const f = facts({manifestStatus: 'ongoing', lastActivityMs: NOW - 30_000});
		expect(deriveState(f, NOW, 30_000)).toBe('running');
		expect(deriveState(f, NOW, 29_999)).toBe('stalled');
		expect(deriveState(f, NOW, 60 * MINUTE)).toBe('running');
		expect(deriveState(facts({manifestStatus: 'ongoing', lastActivityMs: NOW - 11 * MINUTE}), NOW, 60 * MINUTE)).toBe('running');
	});
});
