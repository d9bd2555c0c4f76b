import {describe, expect, test} from 'vitest';
import {
	displayWidth,
	fitToWidth,
	padEndToWidth,
	padStartToWidth,
	truncateToWidth,
	wrapToWidth,
} from '../../source/text/width.js';

const WOMAN_TECHNOLOGIST = '👩\u200D💻';
const FAMILY = '👨\u200D👩\u200D👧\u200D👦';
const FLAG_JP = '🇯🇵';
const FLAG_FR = '🇫🇷';
const E_ACUTE_COMBINING = 'e\u0301';

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
function graphemes(text: string): string[] {
	return Array.from(segmenter.segment(text), ({segment}) => segment);
}

/** True when `prefix` ends on a grapheme boundary of `text`. */
function isGraphemePrefix(prefix: string, text: string): boolean {
	let joined = '';
	for (const grapheme of graphemes(text)) {
		if (joined === prefix) {
			return true;
		}

		joined += grapheme;
	}

	return joined === prefix;
}

describe('displayWidth', () => {
	test.each([
		['empty', '', 0],
		['ASCII', 'hello', 5],
		['ASCII punctuation', '(masterpiece:1.2), <lora:x>', 27],
		['CJK', '日本語', 6],
		['mixed CJK and ASCII', 'a日b', 4],
		['hiragana', 'ひらがな', 8],
		['full-width letters', 'ＡＢ', 4],
		['half-width katakana', 'ｱｲ', 2],
		['Hangul', '한국어', 6],
		['emoji', '🎨', 2],
		['emoji with text', 'art 🎨', 6],
		['ZWJ emoji', WOMAN_TECHNOLOGIST, 2],
		['family ZWJ emoji', FAMILY, 2],
		['flag', FLAG_JP, 2],
		['two flags', FLAG_JP + FLAG_FR, 4],
		['skin tone', '👍🏽', 2],
		['emoji with VS16', '❤\uFE0F', 2],
		['keycap', '1\uFE0F\u20E3', 2],
		['combining acute', E_ACUTE_COMBINING, 1],
		['precomposed é', 'é', 1],
		['several combining marks', 'a\u0301\u0302\u0303', 1],
		['accented word', 'café', 4],
		['Cyrillic', 'привет', 6],
		['ellipsis', '…', 1],
		['replacement character', '\uFFFD', 1],
		['caret notation from the sanitizer', '^[', 2],
		['zero-width joiner alone', '\u200D', 0],
		['non-breaking space', 'a\u00A0b', 3],
	])('%s: %j → %i', (_name, text, expected) => {
		expect(displayWidth(text)).toBe(expected);
	});
});

describe('truncateToWidth', () => {
	test.each([
		// [name, text, width, expected]
		['fits exactly', 'hello', 5, 'hello'],
		['fits with room', 'hello', 10, 'hello'],
		['ASCII cut', 'hello world', 8, 'hello w…'],
		['ASCII cut to 2', 'hello', 2, 'h…'],
		['width 1, too wide', 'hello', 1, '…'],
		['width 1, fits', 'h', 1, 'h'],
		['width 0', 'hello', 0, ''],
		['negative width', 'hello', -3, ''],
		['NaN width', 'hello', Number.NaN, ''],
		['fractional width is floored', 'hello world', 5.9, 'hell…'],
		['infinite width', 'hello', Number.POSITIVE_INFINITY, 'hello'],
		['empty string', '', 3, ''],
		['empty string width 0', '', 0, ''],
		['CJK fits exactly', '日本語', 6, '日本語'],
		['CJK width 5 (odd)', '日本語', 5, '日本…'],
		['CJK width 4', '日本語', 4, '日…'],
		['CJK width 3 (odd)', '日本語', 3, '日…'],
		['CJK width 2: wide char does not fit before the ellipsis', '日本語', 2, '…'],
		['CJK width 1', '日本語', 1, '…'],
		['mixed: wide char dropped whole', 'ab日本', 4, 'ab…'],
		['mixed: ASCII after CJK fits', '日ab', 4, '日ab'],
		['mixed: ASCII after CJK cut', '日ab', 3, '日…'],
		['emoji kept whole', '🎨🎨🎨', 4, '🎨…'],
		['ZWJ emoji never split', `${WOMAN_TECHNOLOGIST}${WOMAN_TECHNOLOGIST}`, 3, `${WOMAN_TECHNOLOGIST}…`],
		['ZWJ emoji at width 2', `${WOMAN_TECHNOLOGIST}x`, 2, '…'],
		['flags never split', `${FLAG_JP}${FLAG_FR}`, 3, `${FLAG_JP}…`],
		[
			'combining mark stays with its base',
			`${E_ACUTE_COMBINING}${E_ACUTE_COMBINING}${E_ACUTE_COMBINING}`,
			2,
			`${E_ACUTE_COMBINING}…`,
		],
		['combining mark fits', `caf${E_ACUTE_COMBINING}`, 4, `caf${E_ACUTE_COMBINING}`],
	])('%s', (_name, text, width, expected) => {
		const result = truncateToWidth(text, width);
		expect(result).toBe(expected);
		expect(displayWidth(result)).toBeLessThanOrEqual(Math.max(0, Number.isNaN(width) ? 0 : width));
	});

	test('returns the same string when it fits', () => {
		const text = '日本語 🎨 prompt';
		expect(truncateToWidth(text, 100)).toBe(text);
		expect(truncateToWidth(text, displayWidth(text))).toBe(text);
	});

	test.each([
		['custom ASCII ellipsis', 'hello world', 8, '...', 'hello...'],
		['empty ellipsis (hard cut)', 'hello world', 5, '', 'hello'],
		['empty ellipsis with CJK at odd width', '日本語', 3, '', '日'],
		['ellipsis wider than the width', 'hello world', 2, '...', '..'],
		['wide ellipsis', 'hello', 3, '⋯⋯', 'h⋯⋯'],
		['CJK ellipsis wider than width', 'hello', 1, '〜', ''],
	])('%s', (_name, text, width, ellipsis, expected) => {
		const result = truncateToWidth(text, width, ellipsis);
		expect(result).toBe(expected);
		expect(displayWidth(result)).toBeLessThanOrEqual(width);
	});

	test('never exceeds the width and always cuts at grapheme boundaries', () => {
		const samples = [
			'日本語のプロンプト',
			'a日b本c語d',
			`x${WOMAN_TECHNOLOGIST}y${FAMILY}z`,
			`${FLAG_JP}${FLAG_FR}${FLAG_JP}`,
			`ca${E_ACUTE_COMBINING}f${E_ACUTE_COMBINING} 🎨 한국어`,
			'masterpiece, best quality, 1girl, 🎨',
		];
		for (const text of samples) {
			const full = displayWidth(text);
			for (let width = 0; width <= full + 2; width++) {
				const result = truncateToWidth(text, width);
				const resultWidth = displayWidth(result);
				expect(resultWidth).toBeLessThanOrEqual(width);
				if (full <= width) {
					expect(result).toBe(text);
					continue;
				}

				if (width === 0) {
					expect(result).toBe('');
					continue;
				}

				expect(result.endsWith('…')).toBe(true);
				// At most one column lost to a wide character.
				expect(resultWidth).toBeGreaterThanOrEqual(width - 1);
				expect(isGraphemePrefix(result.slice(0, -1), text)).toBe(true);
			}
		}
	});

	test('is fast enough on a very long string (stops early)', () => {
		const text = '日本語'.repeat(200_000);
		expect(truncateToWidth(text, 7)).toBe('日本語…');
	});
});

describe('padEndToWidth / padStartToWidth / fitToWidth', () => {
	test.each([
		// [name, text, width, padEnd, padStart]
		['pads ASCII', 'ab', 5, 'ab   ', '   ab'],
		['exact fit', 'abc', 3, 'abc', 'abc'],
		['truncates then pads nothing', 'abcdef', 4, 'abc…', 'abc…'],
		['CJK fits', '日本', 6, '日本  ', '  日本'],
		['CJK truncated to exact odd width', '日本語', 5, '日本…', '日本…'],
		['CJK truncated one short is padded to exact width', '日本語', 4, '日… ', ' 日…'],
		['CJK at width 2', '日本語', 2, '… ', ' …'],
		['emoji', '🎨', 4, '🎨  ', '  🎨'],
		['ZWJ emoji', WOMAN_TECHNOLOGIST, 3, `${WOMAN_TECHNOLOGIST} `, ` ${WOMAN_TECHNOLOGIST}`],
		['combining mark', E_ACUTE_COMBINING, 3, `${E_ACUTE_COMBINING}  `, `  ${E_ACUTE_COMBINING}`],
		['empty text', '', 3, '   ', '   '],
		['width 0', 'abc', 0, '', ''],
		['negative width', 'abc', -1, '', ''],
		['number', '1234', 6, '1234  ', '  1234'],
	])('%s', (_name, text, width, end, start) => {
		expect(padEndToWidth(text, width)).toBe(end);
		expect(padStartToWidth(text, width)).toBe(start);
		expect(fitToWidth(text, width)).toBe(end);
		expect(fitToWidth(text, width, 'left')).toBe(end);
		expect(fitToWidth(text, width, 'right')).toBe(start);
		expect(displayWidth(end)).toBe(Math.max(0, width));
		expect(displayWidth(start)).toBe(Math.max(0, width));
	});

	test('always produces exactly the requested width', () => {
		const samples = [
			'',
			'a',
			'日本語のプロンプト',
			`x${WOMAN_TECHNOLOGIST}y${FLAG_JP}`,
			`caf${E_ACUTE_COMBINING} 🎨 한국어`,
		];
		for (const text of samples) {
			for (let width = 0; width <= 24; width++) {
				expect(displayWidth(padEndToWidth(text, width))).toBe(width);
				expect(displayWidth(padStartToWidth(text, width))).toBe(width);
			}
		}
	});

	test('infinite width does not pad', () => {
		expect(padEndToWidth('abc', Number.POSITIVE_INFINITY)).toBe('abc');
		expect(padStartToWidth('abc', Number.POSITIVE_INFINITY)).toBe('abc');
	});
});

describe('wrapToWidth', () => {
	test.each([
		// [name, text, width, expected lines]
		['empty input', '', 10, ['']],
		['empty input, width 0', '', 0, ['']],
		['width 0', 'abc', 0, ['']],
		['fits on one line', 'hello world', 20, ['hello world']],
		['fits exactly', 'hello world', 11, ['hello world']],
		[
			'breaks at spaces',
			'the quick brown fox jumps over the lazy dog',
			10,
			['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog'],
		],
		['one word per line', 'aa bb cc', 2, ['aa', 'bb', 'cc']],
		['splits on newlines first', 'one\ntwo three', 20, ['one', 'two three']],
		['keeps empty lines', 'a\n\nb', 5, ['a', '', 'b']],
		['trailing newline gives a trailing empty line', 'a\n', 5, ['a', '']],
		['only newlines', '\n\n', 5, ['', '', '']],
		['hard-breaks a long word', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
		['long word after a short one starts a new line', 'ab abcdefgh', 4, ['ab', 'abcd', 'efgh']],
		['words continue after a broken word', 'abcdefg hi', 4, ['abcd', 'efg', 'hi']],
		['collapses the break but keeps inner spacing', 'a  b  c', 4, ['a  b', 'c']],
		['drops trailing spaces on a wrapped paragraph', 'abc def   ', 4, ['abc', 'def']],
		['keeps indentation when it fits', '  ab cd', 5, ['  ab', 'cd']],
		['drops indentation when it does not fit', '   abcd', 4, ['abcd']],
		['only spaces, wider than the width', '      ', 3, ['']],
		['only spaces that fit are kept', '  ', 3, ['  ']],
		['CJK words', '日本語 の文章', 6, ['日本語', 'の文章']],
		['CJK without spaces is hard-broken', '日本語の文章です', 6, ['日本語', 'の文章', 'です']],
		['CJK at odd width leaves a column free', '日本語の', 5, ['日本', '語の']],
		[
			'emoji not split',
			`${WOMAN_TECHNOLOGIST}${WOMAN_TECHNOLOGIST}${WOMAN_TECHNOLOGIST}`,
			5,
			[`${WOMAN_TECHNOLOGIST}${WOMAN_TECHNOLOGIST}`, WOMAN_TECHNOLOGIST],
		],
		['flags not split', `${FLAG_JP}${FLAG_FR}${FLAG_JP}`, 3, [FLAG_JP, FLAG_FR, FLAG_JP]],
		[
			'combining marks not split',
			`${E_ACUTE_COMBINING}${E_ACUTE_COMBINING}${E_ACUTE_COMBINING}`,
			2,
			[`${E_ACUTE_COMBINING}${E_ACUTE_COMBINING}`, E_ACUTE_COMBINING],
		],
		['wide char in width 1 becomes an ellipsis', 'a日b', 1, ['a', '…', 'b']],
		['width 1 ASCII', 'ab c', 1, ['a', 'b', 'c']],
	])('%s', (_name, text, width, expected) => {
		const lines = wrapToWidth(text, width);
		expect(lines).toEqual(expected);
		for (const line of lines) {
			expect(displayWidth(line)).toBeLessThanOrEqual(Math.max(0, width));
			expect(line).not.toContain('\n');
		}
	});

	test('never returns a line wider than the width, and loses no visible text', () => {
		const samples = [
			'masterpiece, best quality, 1girl, solo, looking at viewer, (detailed background:1.2), <lora:style_v2:0.7>',
			'日本語のプロンプト と English words mixed 🎨 together',
			`${WOMAN_TECHNOLOGIST} ${FAMILY} ${FLAG_JP}${FLAG_FR} caf${E_ACUTE_COMBINING} 한국어 텍스트`,
			'a_very_long_token_without_any_spaces_that_must_be_hard_broken\nsecond paragraph\n\nfourth',
			'   indented   with   runs   of   spaces   ',
		];
		for (const text of samples) {
			const nonSpace = text.replaceAll(/[ \n]/g, '');
			for (let width = 2; width <= 40; width++) {
				const lines = wrapToWidth(text, width);
				for (const line of lines) {
					expect(displayWidth(line)).toBeLessThanOrEqual(width);
				}

				// Only spaces (at break points) are dropped; every grapheme survives in order.
				expect(lines.join('').replaceAll(' ', '')).toBe(nonSpace);
				expect(lines.length).toBeGreaterThanOrEqual(text.split('\n').length);
			}
		}
	});
});

describe('very long hostile input stays fast', () => {
	// Intl.Segmenter is badly superlinear on long strings; these would take
	// minutes if the whole string were segmented at once.
	const long = [
		['combining pairs', 'e\u0301'.repeat(100_000), 100_000],
		['CJK', '日本'.repeat(50_000), 200_000],
		['flags', '🇯🇵'.repeat(50_000), 100_000],
		['ZWJ emoji with spaces', '👩\u200D💻 '.repeat(30_000), 90_000],
		['ASCII with one accent', `${'a'.repeat(200_000)}e\u0301`, 200_001],
	] as const;

	test.each(long)(
		'%s',
		(_name, text, width) => {
			expect(displayWidth(text)).toBe(width);
			const truncated = truncateToWidth(text, 41);
			expect(displayWidth(truncated)).toBeLessThanOrEqual(41);
			expect(displayWidth(truncated)).toBeGreaterThanOrEqual(40);
			expect(displayWidth(padEndToWidth(text, 41))).toBe(41);
			const lines = wrapToWidth(text, 80);
			expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
			for (const line of lines.slice(0, 50)) {
				expect(displayWidth(line)).toBeLessThanOrEqual(80);
			}
		},
		20_000,
	);
});
