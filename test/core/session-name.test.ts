import {describe, expect, test} from 'vitest';
import {createdAtFromFolderName, createdAtFromTimestamp, displayNameOf} from '../../source/core/session-name.js';

describe('createdAtFromFolderName', () => {
	test.each([
		// Both generator formats, with and without a human part
		['2025-10-14_173320_portrait', '2025-10-14T17:33:20'],
		['2025-10-14_163854_portrait.prompt', '2025-10-14T16:38:54'],
		['2025-10-14_173320', '2025-10-14T17:33:20'],
		['20251014_173320-Hassaku-fantasy', '2025-10-14T17:33:20'],
		['20251014_173320', '2025-10-14T17:33:20'],
		['20251014_173320_x', '2025-10-14T17:33:20'],
		// Calendar edges that are real
		['2024-02-29_120000_leap', '2024-02-29T12:00:00'],
		['20000229_000000-leap-400', '2000-02-29T00:00:00'],
		['2025-12-31_235959', '2025-12-31T23:59:59'],
		['2025-01-01_000000', '2025-01-01T00:00:00'],
		['2025-04-30_101010', '2025-04-30T10:10:10'],
		['0001-01-01_000000', '0001-01-01T00:00:00'],
		['9999-12-31_235959', '9999-12-31T23:59:59'],
		// "Starts with": anything may follow the six time digits
		['2025-10-14_1733201', '2025-10-14T17:33:20'],
	])('%s → %s', (name, expected) => {
		expect(createdAtFromFolderName(name)).toBe(expected);
	});

	test.each([
		// Not a real date or time
		['2023-02-29_120000_not-leap'],
		['1900-02-29_000000'],
		['19000229_000000'],
		['2025-02-30_120000'],
		['2025-04-31_120000'],
		['2025-06-31_120000'],
		['2025-09-31_120000'],
		['2025-11-31_120000'],
		['2025-13-01_120000'],
		['2025-00-10_120000'],
		['2025-10-00_120000'],
		['2025-10-32_120000'],
		['2025-10-14_240000'],
		['2025-10-14_236000'],
		['2025-10-14_235960'],
		['20251014_246000-x'],
		['20251301_120000-x'],
		['0000-01-01_000000'],
		['00000101_000000'],
		// Not the prefix
		['portrait'],
		['portrait_2025-10-14_173320'],
		['x20251014_173320'],
		['2025-10-14-173320'],
		['2025_10_14_173320'],
		['2025-10-14_17332'],
		['2025-10-14 173320'],
		['2025-10-14T17:33:20'],
		['20251014-173320'],
		['20251014T173320'],
		['251014_173320'],
		['2025-1014_173320'],
		[''],
	])('%j → null', (name) => {
		expect(createdAtFromFolderName(name)).toBeNull();
	});
});

describe('createdAtFromTimestamp', () => {
	test.each([
		['2025-11-12T21:04:11.482913', '2025-11-12T21:04:11'],
		['2025-11-12T21:04:11', '2025-11-12T21:04:11'],
		['2025-11-12T21:04:11.000001', '2025-11-12T21:04:11'],
		['2024-02-29T23:59:59.999999', '2024-02-29T23:59:59'],
	])('%s → %s', (timestamp, expected) => {
		expect(createdAtFromTimestamp(timestamp)).toBe(expected);
	});

	test.each([
		['garbage'],
		[''],
		['2025-02-30T10:00:00'],
		['2025-11-12T25:04:11'],
		['2025-13-12T21:04:11'],
		['12/11/2025 21:04'],
	])('%j → null', (timestamp) => {
		expect(createdAtFromTimestamp(timestamp)).toBeNull();
	});
});

describe('displayNameOf', () => {
	test.each([
		['20251014_173320-Hassaku-fantasy', 'Hassaku-fantasy'],
		['2025-10-14_163854_portrait.prompt', 'portrait.prompt'],
		['20251014_173320', '20251014_173320'],
		['2025-10-14_163854', '2025-10-14_163854'],
		['portrait', 'portrait'],
		['portrait_2025-10-14_163854', 'portrait_2025-10-14_163854'],
	])('%s → %s', (name, expected) => {
		expect(displayNameOf(name)).toBe(expected);
	});
});
