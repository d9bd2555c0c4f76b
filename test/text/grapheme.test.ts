import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {forEachGrapheme, graphemeWidth, isSimpleText} from '../../source/text/grapheme.js';

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

function segmenterGraphemes(text: string): string[] {
	return Array.from(segmenter.segment(text), ({segment}) => segment);
}

function collect(text: string): Array<[string, number, number]> {
	const result: Array<[string, number, number]> = [];
	forEachGrapheme(text, (grapheme, width, end) => {
		result.push([grapheme, width, end]);
	});
	return result;
}

const samples = [
	'',
	'plain ascii',
	'日本語のプロンプト',
	'Ελληνικά кириллица',
	'🎨 emoji 😀 and 𝒳 astral',
	'👩\u200D💻 ZWJ',
	'👨\u200D👩\u200D👧\u200D👦',
	'🇯🇵🇫🇷',
	'e\u0301 combining',
	'👍🏽 skin tone',
	'❤\uFE0F variation',
	'1\uFE0F\u20E3 keycap',
	'한국어 \u1100\u1161\u11A8 jamo',
	'ﾊﾞｶ half-width with sound marks',
	'नमस्ते Devanagari conjuncts',
	'ไทย Thai สำ',
	'العربية \u0600\u0661 prepend',
	'a\r\nb CRLF',
	'\uFFFD replacement ^[ caret',
	'lone \uD800 surrogate',
];

describe('forEachGrapheme', () => {
	test.each(samples)('%j matches Intl.Segmenter and string-width', text => {
		const graphemes = collect(text);
		expect(graphemes.map(([grapheme]) => grapheme)).toEqual(segmenterGraphemes(text));
		let end = 0;
		for (const [grapheme, width, graphemeEnd] of graphemes) {
			end += grapheme.length;
			expect(graphemeEnd).toBe(end);
			expect(width).toBe(stringWidth(grapheme));
		}
	});

	test('stops when the visitor returns false', () => {
		for (const text of ['abcdef', '日本語です', 'e\u0301e\u0301e\u0301e\u0301']) {
			const seen: string[] = [];
			forEachGrapheme(text, grapheme => {
				seen.push(grapheme);
				return seen.length < 2;
			});
			expect(seen).toHaveLength(2);
		}
	});

	test.each([
		['ASCII', 'abc', true],
		['CJK', '日本語', true],
		['emoji', '🎨😀', true],
		['combining mark', 'e\u0301', false],
		['ZWJ', '👩\u200D💻', false],
		['variation selector', '❤\uFE0F', false],
		['flag', '🇯🇵', false],
		['skin tone', '👍🏽', false],
		['Hangul jamo', '\u1100\u1161', false],
		['CR', 'a\rb', false],
		['Thai SARA AM', 'สำ', false],
	])('isSimpleText: %s → %s', (_name, text, expected) => {
		expect(isSimpleText(text)).toBe(expected);
	});
});

describe('graphemeWidth', () => {
	test('equals string-width, also after the cache has been flushed', () => {
		// More distinct graphemes than the cache holds.
		for (let codePoint = 0x4e00; codePoint < 0x4e00 + 10_000; codePoint++) {
			const character = String.fromCodePoint(codePoint);
			expect(graphemeWidth(character)).toBe(stringWidth(character));
		}

		expect(graphemeWidth('a')).toBe(1);
		expect(graphemeWidth('日')).toBe(2);
		expect(graphemeWidth('👩\u200D💻')).toBe(2);
		expect(graphemeWidth('e\u0301')).toBe(1);
	});
});

describe('isSimpleText against the runtime segmenter', () => {
	// The fast path treats each code point of "simple" text as a grapheme of
	// its own. That holds if no simple code point can join a neighbour: check
	// every assigned code point that isSimpleText accepts against
	// Intl.Segmenter, after a letter (Extend, SpacingMark), doubled (Hangul
	// L, Regional Indicator) and before a letter (Prepend), in short
	// "a X X a Y Y … a" strings (ICU gets slow on very long strings).
	test('no simple code point joins a neighbour', () => {
		const assigned = /\P{Cn}/u;
		const bad: string[] = [];
		let checked = 0;
		let chunk = '';
		let chunkSize = 0;
		const check = (): void => {
			chunk += 'a';
			let count = 0;
			for (const {segment} of segmenter.segment(chunk)) {
				count++;
				const codePoints = Array.from(segment);
				if (codePoints.length > 1) {
					bad.push(codePoints.map(character => `U+${character.codePointAt(0)!.toString(16).toUpperCase()}`).join(' '));
				}
			}

			if (count !== chunkSize * 3 + 1 && bad.length === 0) {
				bad.push(`grapheme count mismatch in ${JSON.stringify(chunk)}`);
			}

			chunk = '';
			chunkSize = 0;
		};

		for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
			if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
				continue;
			}

			const character = String.fromCodePoint(codePoint);
			if (!assigned.test(character) || !isSimpleText(character)) {
				continue;
			}

			chunk += `a${character}${character}`;
			chunkSize++;
			checked++;
			if (chunkSize === 200) {
				check();
			}
		}

		check();
		expect(bad.slice(0, 20)).toEqual([]);
		expect(checked).toBeGreaterThan(250_000);
	});
});
