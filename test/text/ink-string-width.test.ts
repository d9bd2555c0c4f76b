/**
 * The `string-width` the bundle hands Ink (scripts/bundle.mjs) must give Ink's own answers, or layout, truncation
 * and clipping would disagree with what the terminal shows.
 */
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import inkStringWidth from '../../source/text/ink-string-width.js';

const SAMPLES = [
	'',
	'plain ascii',
	'   2024-12-13 05:15 night_studio_9… animagine-xl-3.1 ✓ complete        99/99 100.0% █████ comb  ↻',
	'\u001B[1mbold\u001B[22m and \u001B[38;5;208morange\u001B[39m',
	'\u001B[7m› selected row ✓\u001B[27m',
	'\u009B31mC1 CSI red\u009B0m',
	'日本語の名前 / 한국어 / العربية',
	'👩\u200D💻 dev, 🇯🇵 flag, 👍🏽 thumbs, 1\uFE0F\u20E3 keycap',
	'e\u0301 combining, ｶﾞ halfwidth, \u200B zero-width space',
	'tabs\tand\ncontrols\u0007',
	'⚠ warning ▲ ▼ ‹ › ─ │ ┌',
	'\u{1F1E6} lone regional indicator',
	'\uD800 lone surrogate',
];

describe('inkStringWidth', () => {
	test.each(SAMPLES)('equals string-width: %j', (text) => {
		expect(inkStringWidth(text)).toBe(stringWidth(text));
	});

	test('options change the rules as string-width documents them', () => {
		expect(inkStringWidth('\u001B[1mab\u001B[22m', {countAnsiEscapeCodes: true})).toBe(
			stringWidth('\u001B[1mab\u001B[22m', {countAnsiEscapeCodes: true}),
		);
		expect(inkStringWidth('… ▲', {ambiguousIsNarrow: false})).toBe(stringWidth('… ▲', {ambiguousIsNarrow: false}));
	});

	test('anything but a string measures 0, as in string-width', () => {
		expect(inkStringWidth(undefined as unknown as string)).toBe(0);
	});
});
