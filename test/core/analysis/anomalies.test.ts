import {describe, expect, test} from 'vitest';
import {
	PNG_END,
	checkImageFiles,
	compareFilesWithManifest,
	describeDuration,
	duplicateSessionAnomaly,
	duplicateSessions,
	endsWithPngEnd,
	firstImageBeforeFolder,
	type SessionIdentityRow,
} from '../../../source/core/analysis/anomalies.js';
import {TINY_PNG} from '../../../source/demo/corpus.js';

// ---- files against the manifest -------------------------------------------------------------------------------

describe('compareFilesWithManifest', () => {
	test('everything listed and present: nothing to report', () => {
		const result = compareFilesWithManifest(['a.png', 'b.png'], ['a.png', 'b.png']);
		expect(result).toEqual({notInManifest: [], missingFiles: [], anomalies: []});
	});

	test('files the manifest does not list, sorted, and entries whose file is gone, in manifest order', () => {
		const result = compareFilesWithManifest(
			['c.png', 'a.png', 'x.png', 'b.png'],
			['b.png', 'z.png', 'a.png', 'y.png'],
		);
		expect(result.notInManifest).toEqual(['c.png', 'x.png']);
		expect(result.missingFiles).toEqual(['z.png', 'y.png']);
		expect(result.anomalies).toEqual([
			{
				code: 'unlisted_images',
				message: '2 image files are not listed in the manifest: c.png, x.png',
				items: ['c.png', 'x.png'],
			},
			{
				code: 'missing_images',
				message: '2 manifest entries name a file that is not on disk: z.png, y.png',
				items: ['z.png', 'y.png'],
			},
		]);
	});

	test('singular messages, and long lists cut with "and N more"', () => {
		const one = compareFilesWithManifest(['a.png'], ['b.png']);
		expect(one.anomalies.map((a) => a.message)).toEqual([
			'1 image file is not listed in the manifest: a.png',
			'1 manifest entry names a file that is not on disk: b.png',
		]);
		const many = compareFilesWithManifest(['1.png', '2.png', '3.png', '4.png', '5.png'], []);
		expect(many.anomalies[0]!.message).toBe(
			'5 image files are not listed in the manifest: 1.png, 2.png, 3.png and 2 more',
		);
		expect(many.anomalies[0]!.items).toHaveLength(5);
	});

	test('a manifest name with a folder counts by its last segment; repeats and null names are ignored', () => {
		const result = compareFilesWithManifest(['a.png'], ['out/a.png', 'a.png', null, 'gone/b.png', 'gone/b.png']);
		expect(result.notInManifest).toEqual([]);
		expect(result.missingFiles).toEqual(['gone/b.png']);
	});

	test('a running session may have one image the manifest does not list yet', () => {
		expect(compareFilesWithManifest(['a.png', 'b.png'], ['a.png'], {running: true}).anomalies).toEqual([]);
		const two = compareFilesWithManifest(['a.png', 'b.png', 'c.png'], ['a.png'], {running: true});
		expect(two.anomalies.map((a) => a.code)).toEqual(['unlisted_images']);
		// The list itself is always complete.
		expect(compareFilesWithManifest(['a.png', 'b.png'], ['a.png'], {running: true}).notInManifest).toEqual([
			'b.png',
		]);
	});

	test('100,000 names', () => {
		const names = Array.from({length: 100_000}, (_, i) => `img_${i}.png`);
		const result = compareFilesWithManifest(names.slice(1), names.slice(0, -1));
		expect(result.notInManifest).toEqual(['img_99999.png']);
		expect(result.missingFiles).toEqual(['img_0.png']);
	});
});

// ---- the image files ------------------------------------------------------------------------------------------

describe('checkImageFiles', () => {
	const tail = (bytes: Uint8Array): Uint8Array => bytes.subarray(Math.max(0, bytes.length - 12));

	test('the real 1×1 PNG ends with IEND', () => {
		expect(endsWithPngEnd(tail(TINY_PNG))).toBe(true);
		expect(endsWithPngEnd(TINY_PNG)).toBe(true);
		expect(endsWithPngEnd(PNG_END)).toBe(true);
		expect(endsWithPngEnd(PNG_END.subarray(1))).toBe(false);
		expect(endsWithPngEnd(new Uint8Array(0))).toBe(false);
	});

	test('zero-byte images and cut-off PNGs', () => {
		const cut = TINY_PNG.subarray(0, TINY_PNG.length - 5);
		const result = checkImageFiles([
			{name: 'ok.png', size: TINY_PNG.length, tailBytes: tail(TINY_PNG)},
			{name: 'empty.png', size: 0, tailBytes: new Uint8Array(0)},
			{name: 'empty.jpg', size: 0},
			{name: 'cut.png', size: cut.length, tailBytes: tail(cut)},
			{name: 'tiny.PNG', size: 3, tailBytes: Uint8Array.of(1, 2, 3)},
			{name: 'unchecked.png', size: 100},
			{name: 'photo.jpg', size: 100, tailBytes: Uint8Array.of(1, 2, 3)},
			{name: 'big.png', size: 5_000_000_000n, tailBytes: PNG_END},
		]);
		expect(result.zeroByte).toEqual(['empty.jpg', 'empty.png']);
		expect(result.truncatedPng).toEqual(['cut.png', 'tiny.PNG']);
		expect(result.anomalies).toEqual([
			{
				code: 'zero_byte_images',
				message: '2 images are empty (0 bytes): empty.jpg, empty.png',
				items: ['empty.jpg', 'empty.png'],
			},
			{
				code: 'truncated_png',
				message: '2 PNG files lack the end marker (cut off or damaged): cut.png, tiny.PNG',
				items: ['cut.png', 'tiny.PNG'],
			},
		]);
	});

	test('a single finding reads in the singular; nothing to report gives no anomaly', () => {
		expect(checkImageFiles([{name: 'a.png', size: 0}]).anomalies[0]!.message).toBe(
			'1 image is empty (0 bytes): a.png',
		);
		expect(checkImageFiles([{name: 'a.png', size: 10, tailBytes: Uint8Array.of(0)}]).anomalies[0]!.message).toBe(
			'1 PNG file lacks the end marker (cut off or damaged): a.png',
		);
		expect(checkImageFiles([]).anomalies).toEqual([]);
	});
});

// ---- timestamps -----------------------------------------------------------------------------------------------

describe('firstImageBeforeFolder', () => {
	test('an image from before the folder was made is flagged', () => {
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T18:59:00.250000')).toEqual({
			code: 'image_before_folder',
			message:
				"the first image (2025-11-12T18:59:00.250000) is 2 h 05 min older than the folder's timestamp (2025-11-12T21:04:11)",
		});
	});

	test('within the tolerance (the folder name is written at run start, to the second) it is fine', () => {
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T21:03:30')).toBeNull();
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T21:03:11')).toBeNull();
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T21:03:10')).not.toBeNull();
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T21:03:30', 10_000)).not.toBeNull();
	});

	test('images after the folder, absent or unreadable times: nothing', () => {
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', '2025-11-12T21:05:00')).toBeNull();
		expect(firstImageBeforeFolder(null, '2025-11-12T21:05:00')).toBeNull();
		expect(firstImageBeforeFolder('2025-11-12T21:04:11', null)).toBeNull();
		expect(firstImageBeforeFolder('yesterday', '2025-11-12T21:05:00')).toBeNull();
	});

	test('durations read naturally', () => {
		expect(describeDuration(45_000)).toBe('45 s');
		expect(describeDuration(200_000)).toBe('3 min 20 s');
		expect(describeDuration(180_000)).toBe('3 min');
		expect(describeDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 05 min');
		expect(describeDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3 d 4 h');
		expect(describeDuration(86_400_000)).toBe('1 d');
	});
});

// ---- duplicate sessions ---------------------------------------------------------------------------------------

describe('duplicateSessions', () => {
	const row = (session_id: string, overrides: Partial<SessionIdentityRow> = {}): SessionIdentityRow => ({
		session_id,
		resolved_prompt: 'masterpiece, 1girl, {Hair}',
		sd_model: 'illustriousXL_v01.safetensors [a1b2c3d4e5]',
		width: 832,
		height: 1216,
		steps: 30,
		cfg_scale: 7,
		sampler_name: 'DPM++ 2M',
		generation_mode: 'combinatorial',
		seed_base: 1000,
		...overrides,
	});

	test('same prompt, model and parameters group together, ids sorted', () => {
		const groups = duplicateSessions([
			row('20251114_100000-b'),
			row('20251112_100000-a'),
			row('20251113_100000-other', {steps: 20}),
			row('20251115_100000-c'),
		]);
		expect(groups).toEqual([
			{
				sessionIds: ['20251112_100000-a', '20251114_100000-b', '20251115_100000-c'],
				resolved_prompt: 'masterpiece, 1girl, {Hair}',
				sd_model: 'illustriousXL_v01.safetensors [a1b2c3d4e5]',
			},
		]);
	});

	test('every identity column matters', () => {
		const base = row('s0');
		const changes: Array<Partial<SessionIdentityRow>> = [
			{resolved_prompt: 'other'},
			{sd_model: 'other'},
			{width: 1},
			{height: 1},
			{steps: 1},
			{cfg_scale: 7.5},
			{sampler_name: 'Euler a'},
			{generation_mode: 'random'},
			{seed_base: 1001},
		];
		for (const change of changes)
			expect(duplicateSessions([base, row('s1', change)]), JSON.stringify(change)).toEqual([]);
	});

	test('nulls compare equal, bigints by value; rows without a prompt never group', () => {
		const groups = duplicateSessions([
			row('a', {seed_base: 9223372036854775807n, sd_model: null, width: null}),
			row('b', {seed_base: 9223372036854775807n, sd_model: null, width: null}),
			row('c', {resolved_prompt: null}),
			row('d', {resolved_prompt: null}),
			row('e', {resolved_prompt: ''}),
			row('f', {resolved_prompt: ''}),
		]);
		expect(groups.map((g) => g.sessionIds)).toEqual([['a', 'b']]);
	});

	test('several groups, ordered by their first session', () => {
		const groups = duplicateSessions([
			row('z1', {steps: 5}),
			row('b1'),
			row('z0', {steps: 5}),
			row('b0'),
			row('lonely', {steps: 9}),
		]);
		expect(groups.map((g) => g.sessionIds)).toEqual([
			['b0', 'b1'],
			['z0', 'z1'],
		]);
	});

	test('the anomaly a session gets', () => {
		const groups = duplicateSessions([row('a'), row('b'), row('c'), row('d'), row('e'), row('solo', {steps: 1})]);
		expect(duplicateSessionAnomaly('b', groups)).toEqual({
			code: 'duplicate_session',
			message: 'same prompt, model and parameters as 4 other sessions: a, c, d and 1 more',
			items: ['a', 'c', 'd', 'e'],
		});
		expect(duplicateSessionAnomaly('solo', groups)).toBeNull();
		const pair = duplicateSessions([row('a'), row('b')]);
		expect(duplicateSessionAnomaly('a', pair)!.message).toBe(
			'same prompt, model and parameters as 1 other session: b',
		);
	});
});
