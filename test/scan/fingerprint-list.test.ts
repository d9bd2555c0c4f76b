/**
 * A compute holds the fingerprints of its changed folders as numbers (FingerprintList) and makes their text only
 * when a batch is sent: that text must be exactly the one fingerprintSession gives the same folder, in every case
 * (a manifest, none, one that cannot be examined, a folder gone), and with --deep exactly deepFingerprint of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {
	deepFingerprint,
	FingerprintList,
	fingerprintSession,
	fingerprintText,
	statFingerprint,
} from '../../source/scan/sessions.js';
import {makeWorkspace} from '../helpers/temp.js';

/** Folders of every kind a fingerprint tells apart, by name. */
function folders(): {root: string; paths: string[]} {
	const {root} = makeWorkspace('sdstats-fingerprints-');
	const withManifest = path.join(root, '20251001_100000-with_manifest');
	fs.mkdirSync(withManifest);
	fs.writeFileSync(path.join(withManifest, 'manifest.json'), '{"snapshot": {}}');
	// Odd mtimes: fractions of a millisecond, a time before 1970, a whole second.
	fs.utimesSync(path.join(withManifest, 'manifest.json'), 1_759_276_800.123456, 1_759_276_800.123456);
	const withoutManifest = path.join(root, '20251001_100001-images_only');
	fs.mkdirSync(withoutManifest);
	fs.writeFileSync(path.join(withoutManifest, '00001.png'), '');
	fs.utimesSync(withoutManifest, -86_400.5, -86_400.5);
	const emptyManifest = path.join(root, '20251001_100002-empty_manifest');
	fs.mkdirSync(emptyManifest);
	fs.writeFileSync(path.join(emptyManifest, 'manifest.json'), '');
	fs.utimesSync(emptyManifest, 1_700_000_000, 1_700_000_000);
	// A file where a folder is expected: its "manifest" cannot be examined (ENOTDIR), the '?' fingerprint.
	const notAFolder = path.join(root, '20251001_100003-a_file');
	fs.writeFileSync(notAFolder, 'x');
	const gone = path.join(root, '20251001_100004-gone');
	return {root, paths: [withManifest, withoutManifest, emptyManifest, notAFolder, gone]};
}

describe('fingerprints kept as numbers', () => {
	it('give back exactly the text fingerprintSession gives, every kind of folder', () => {
		const {paths} = folders();
		const expected = paths.map((p) => fingerprintSession(p));
		expect(expected[1]).toMatch(/:-L1$/);
		expect(expected[3]).toMatch(/^[\d.]+:\?$/);
		expect(expected[4]).toBeNull();
		const list = new FingerprintList();
		const stats = new Float64Array(3);
		for (const p of paths) list.push(statFingerprint(p, stats, 0) ? stats : null);
		expect(list.length).toBe(paths.length);
		expect(paths.map((_, i) => list.at(i))).toEqual(expected);
		// The scratch written for one folder makes the same text directly.
		expect(statFingerprint(paths[0]!, stats, 0)).toBe(true);
		expect(fingerprintText(stats, 0)).toBe(expected[0]);
		expect(statFingerprint(paths[4]!, stats, 0)).toBe(false);
	});

	it('with deep, each is the deep fingerprint of the folder (only folders without a manifest change)', () => {
		const {paths} = folders();
		const list = new FingerprintList(true);
		const stats = new Float64Array(3);
		for (const p of paths) list.push(statFingerprint(p, stats, 0) ? stats : null);
		expect(paths.map((_, i) => list.at(i))).toEqual(
			paths.map((p) => {
				const plain = fingerprintSession(p);
				return plain === null ? null : deepFingerprint(plain);
			}),
		);
		expect(list.at(1)).toMatch(/:-L1:deep$/);
		expect(list.at(0)).toBe(fingerprintSession(paths[0]!));
	});

	it('keeps every entry in order as it grows past its first capacity', () => {
		const list = new FingerprintList();
		const values = new Float64Array(3);
		const expected: Array<string | null> = [];
		for (let i = 0; i < 5000; i++) {
			if (i % 7 === 3) {
				list.push(null);
				expected.push(null);
				continue;
			}
			values[0] = 1_759_276_800_000 + i / 3;
			values[1] = 1_759_276_800_000.25 + i;
			values[2] = i;
			list.push(values);
			expected.push(`${values[0]}:${values[1]}:${i}`);
		}
		expect(list.length).toBe(5000);
		expect(Array.from({length: 5000}, (_, i) => list.at(i))).toEqual(expected);
		expect(() => list.at(5000)).toThrow(RangeError);
	});
});
