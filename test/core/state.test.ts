import {describe, expect, test} from 'vitest';
import {DEFAULT_STALL_WINDOW_MS, deriveState, type StateFacts} from '../../source/core/state.js';
import {computeSession} from '../../source/core/calculator.js';
import {SESSION_STATES, type ImageFact, type SessionInput, type SessionState} from '../../source/core/types.js';

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
		[
			'missing manifest with no images',
			{manifestState: 'missing', imagesExpected: null, imagesActual: 0},
			'no_manifest',
		],
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
		['unreadable beats complete', {manifestState: 'unreadable', imagesActual: 6, imagesExpected: 6}, 'unreadable'],
		// running / stalled
		[
			'ongoing, fresh',
			{manifestStatus: 'ongoing', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW - MINUTE},
			'running',
		],
		[
			'in_progress, fresh',
			{manifestStatus: 'in_progress', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW - MINUTE},
			'running',
		],
		['ongoing, activity right now', {manifestStatus: 'ongoing', lastActivityMs: NOW}, 'running'],
		['ongoing, activity in the future', {manifestStatus: 'ongoing', lastActivityMs: NOW + MINUTE}, 'running'],
		['ongoing, exactly at the window', {manifestStatus: 'ongoing', lastActivityMs: NOW - 10 * MINUTE}, 'running'],
		[
			'ongoing, 1 ms beyond the window',
			{manifestStatus: 'ongoing', lastActivityMs: NOW - 10 * MINUTE - 1},
			'stalled',
		],
		[
			'in_progress, 1 ms beyond the window',
			{manifestStatus: 'in_progress', lastActivityMs: NOW - 10 * MINUTE - 1},
			'stalled',
		],
		['ongoing, an hour idle', {manifestStatus: 'ongoing', imagesActual: 3, imagesExpected: 6}, 'stalled'],
		['ongoing, no activity known', {manifestStatus: 'ongoing', lastActivityMs: null}, 'stalled'],
		// running/stalled beat the count-based states
		[
			'running although complete',
			{manifestStatus: 'ongoing', imagesActual: 6, imagesExpected: 6, lastActivityMs: NOW},
			'running',
		],
		[
			'running although over',
			{manifestStatus: 'ongoing', imagesActual: 7, imagesExpected: 6, lastActivityMs: NOW},
			'running',
		],
		[
			'running although empty',
			{manifestStatus: 'ongoing', imagesActual: 0, imagesExpected: 6, lastActivityMs: NOW},
			'running',
		],
		['stalled although complete', {manifestStatus: 'ongoing', imagesActual: 6, imagesExpected: 6}, 'stalled'],
		['stalled although empty', {manifestStatus: 'in_progress', imagesActual: 0, imagesExpected: 6}, 'stalled'],
		// aborted
		['aborted, partial', {manifestStatus: 'aborted', imagesActual: 3, imagesExpected: 6}, 'aborted'],
		['aborted, empty', {manifestStatus: 'aborted', imagesActual: 0, imagesExpected: 6}, 'aborted'],
		['aborted, nothing expected', {manifestStatus: 'aborted', imagesActual: 0, imagesExpected: 0}, 'aborted'],
		['aborted, over', {manifestStatus: 'aborted', imagesActual: 7, imagesExpected: 6}, 'aborted'],
		['aborted but complete', {manifestStatus: 'aborted', imagesActual: 6, imagesExpected: 6}, 'complete'],
		[
			'aborted, fresh activity (status is not active)',
			{manifestStatus: 'aborted', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW},
			'aborted',
		],
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
		[
			'status is case-sensitive',
			{manifestStatus: 'Ongoing', imagesActual: 3, imagesExpected: 6, lastActivityMs: NOW},
			'partial',
		],
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
		expect(
			deriveState(facts({manifestStatus: 'ongoing', lastActivityMs: NOW - 11 * MINUTE}), NOW, 60 * MINUTE),
		).toBe('running');
	});
});

describe('deriveState from a computed session', () => {
	const MANIFEST = (status: string, numImages: number): Uint8Array =>
		Buffer.from(JSON.stringify({status, snapshot: {generation_params: {num_images: numImages}}}));

	function stateOf(input: Omit<SessionInput, 'nowMs'>, nowMs: number): SessionState {
		const {stats, bookkeeping} = computeSession({...input, nowMs});
		return deriveState(
			{
				manifestState: bookkeeping.manifest_state,
				manifestStatus: bookkeeping.manifest_status,
				imagesActual: stats.images_actual,
				imagesExpected: stats.images_expected,
				lastActivityMs: bookkeeping.last_activity_ms,
			},
			nowMs,
		);
	}

	const msToNs = (ms: number): bigint => BigInt(ms) * 1_000_000n;
	const images = (count: number, lastMs: number): ImageFact[] =>
		Array.from({length: count}, (_, i) => ({name: `${i}.png`, mtimeNs: msToNs(lastMs - (count - 1 - i) * 1000)}));

	test('an ongoing run: running while the manifest was written within 10 minutes, then stalled', () => {
		const input = {
			sessionId: 's',
			sessionPath: '/r/s',
			manifest: {kind: 'bytes', bytes: MANIFEST('ongoing', 6), mtimeNs: msToNs(NOW - 5 * MINUTE)} as const,
			images: images(3, NOW - 20 * MINUTE),
		};
		expect(stateOf(input, NOW)).toBe('running');
		expect(stateOf(input, NOW + 5 * MINUTE)).toBe('running');
		expect(stateOf(input, NOW + 5 * MINUTE + 1)).toBe('stalled');
	});

	test('an image newer than the manifest keeps the run running', () => {
		const input = {
			sessionId: 's',
			sessionPath: '/r/s',
			manifest: {kind: 'bytes', bytes: MANIFEST('in_progress', 6), mtimeNs: msToNs(NOW - 30 * MINUTE)} as const,
			images: images(3, NOW - 2 * MINUTE),
		};
		expect(stateOf(input, NOW)).toBe('running');
		expect(stateOf(input, NOW + 9 * MINUTE)).toBe('stalled');
	});

	test('count-based states', () => {
		const base = {sessionId: 's', sessionPath: '/r/s'};
		const old = NOW - 60 * MINUTE;
		const bytes = (status: string, n: number) =>
			({kind: 'bytes', bytes: MANIFEST(status, n), mtimeNs: msToNs(old)}) as const;
		expect(stateOf({...base, manifest: bytes('completed', 6), images: images(6, old)}, NOW)).toBe('complete');
		expect(stateOf({...base, manifest: bytes('completed', 6), images: images(7, old)}, NOW)).toBe('over');
		expect(stateOf({...base, manifest: bytes('completed', 6), images: []}, NOW)).toBe('empty');
		expect(stateOf({...base, manifest: bytes('completed', 6), images: images(2, old)}, NOW)).toBe('partial');
		expect(stateOf({...base, manifest: bytes('aborted', 6), images: images(2, old)}, NOW)).toBe('aborted');
		expect(stateOf({...base, manifest: bytes('aborted', 6), images: images(6, old)}, NOW)).toBe('complete');
		expect(stateOf({...base, manifest: bytes('ongoing', 6), images: images(6, old)}, NOW)).toBe('stalled');
		expect(stateOf({...base, manifest: {kind: 'missing'}, images: images(2, old)}, NOW)).toBe('no_manifest');
		expect(
			stateOf(
				{
					...base,
					manifest: {kind: 'bytes', bytes: Buffer.from('{'), mtimeNs: msToNs(old)},
					images: images(2, old),
				},
				NOW,
			),
		).toBe('unreadable');
		expect(
			stateOf(
				{
					...base,
					manifest: {kind: 'unreadable', reason: 'manifest.json: permission denied', mtimeNs: null},
					images: [],
				},
				NOW,
			),
		).toBe('unreadable');
	});
});
