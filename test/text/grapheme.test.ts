import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {forEachGrapheme, graphemeWidth, isSimpleText} from '../../source/text/grapheme.js';
import {seededRandom} from '../helpers/random.js';

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
	test.each(samples)('%j matches Intl.Segmenter and string-width', (text) => {
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
			forEachGrapheme(text, (grapheme) => {
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

describe('long text (segmented in windows)', () => {
	function graphemesOf(text: string): string[] {
		return collect(text).map(([grapheme]) => grapheme);
	}

	test.each([
		['mixed unit', '👩\u200D💻 e\u0301 🇯🇵🇫🇷 नमस्ते 日本 abc '],
		['ZWJ family', '👨\u200D👩\u200D👧\u200D👦'],
		['flag', '🇯🇵'],
		['combining', 'e\u0301'],
		['odd-length unit', 'a\u0301\u0302😀x'],
		// No two adjacent non-joining code points: windows end mid-cluster.
		['3-unit clusters, no safe boundary', 'e\u0301\u0302'],
		['5-unit mix, no safe boundary', 'a\u0301😀\u0302'],
	])('%s repeated: same graphemes as segmenting each copy', (_name, unit) => {
		const unitGraphemes = segmenterGraphemes(unit);
		for (const copies of [1, 50, 333, 2000]) {
			const text = unit.repeat(copies);
			const graphemes = graphemesOf(text);
			expect(graphemes.length).toBe(unitGraphemes.length * copies);
			expect(graphemes.join('')).toBe(text);
			for (let index = 0; index < graphemes.length; index++) {
				if (graphemes[index] !== unitGraphemes[index % unitGraphemes.length]) {
					expect.fail(`grapheme ${index} of ${copies} copies: ${JSON.stringify(graphemes[index])}`);
				}
			}
		}
	});

	test('end offsets are absolute across windows', () => {
		const text = 'e\u0301日'.repeat(1000);
		let previous = 0;
		forEachGrapheme(text, (grapheme, _width, end) => {
			expect(end).toBe(previous + grapheme.length);
			expect(text.slice(previous, end)).toBe(grapheme);
			previous = end;
		});
		expect(previous).toBe(text.length);
	});

	test('a single gigantic cluster does not hang and keeps every code unit', () => {
		const text = `e${'\u0301'.repeat(100_000)}x`;
		const graphemes = graphemesOf(text);
		expect(graphemes.join('')).toBe(text);
		expect(graphemes.at(-1)).toBe('x');
		expect(graphemes.reduce((sum, grapheme) => sum + graphemeWidth(grapheme), 0)).toBe(2);
	});

	test('does not split a surrogate pair at a window edge', () => {
		for (let offset = 0; offset < 4; offset++) {
			for (const text of [
				`${'a\u0301'.repeat(127)}${'x'.repeat(offset)}${'😀\u0301'.repeat(300)}`,
				// One giant cluster of astral emoji modifiers: cut, but not inside a pair.
				`${'a'.repeat(offset + 1)}${'🏽'.repeat(300)}`,
			]) {
				const graphemes = graphemesOf(text);
				expect(graphemes.join('')).toBe(text);
				for (const grapheme of graphemes) {
					expect(grapheme).not.toMatch(/[\uD800-\uDFFF]/u);
				}
			}
		}
	});
});

describe('randomised equivalence with Intl.Segmenter', () => {
	const pieces = [
		'a',
		'x',
		'1',
		' ',
		'#',
		'日',
		'é',
		'😀',
		'👩',
		'💻',
		'❤',
		'\u200D',
		'\u200C',
		'\u0301',
		'\u0302',
		'\uFE0F',
		'\u20E3',
		'🏽',
		'🇯',
		'🇵',
		'🇫',
		'\u1100',
		'\u1161',
		'\u11A8',
		'가',
		'각',
		'न',
		'\u094D',
		'स',
		'ि',
		'\r',
		'\n',
		'\u0600',
		'ｶ',
		'\uFF9E',
		'ส',
		'ำ',
		'\uD800',
		'\uDC00',
		'\u{E0067}',
		'\u{1F3F4}',
	];

	test.each([
		['short strings', 2000, 60],
		['strings longer than a window', 150, 900],
	])('%s', (_name, iterations, maxPieces) => {
		const random = seededRandom(maxPieces);
		for (let iteration = 0; iteration < iterations; iteration++) {
			let text = '';
			const count = Math.floor(random() * maxPieces);
			// Bias towards runs of one piece so long joined clusters and flag runs occur.
			let piece = pieces[0]!;
			for (let index = 0; index < count; index++) {
				if (random() < 0.7) {
					piece = pieces[Math.floor(random() * pieces.length)]!;
				}

				text += piece;
			}

			const actual = collect(text).map(([grapheme]) => grapheme);
			const expected = segmenterGraphemes(text);
			expect(actual, JSON.stringify(text)).toEqual(expected);
		}
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

	test('equals string-width for every single code point (its own rules without the RGI-emoji regex), lone surrogates included', () => {
		const differences: string[] = [];
		for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
			const character = String.fromCodePoint(codePoint);
			if (graphemeWidth(character) !== stringWidth(character)) differences.push(codePoint.toString(16));
		}

		expect(differences).toEqual([]);
	});

	test("flags and their halves (regional indicators) keep string-width's widths", () => {
		for (const text of ['\u{1F1E6}', '\u{1F1FF}', '\u{1F1EF}\u{1F1F5}'])
			expect(graphemeWidth(text), text).toBe(stringWidth(text));
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
					bad.push(
						codePoints
							.map((character) => `U+${character.codePointAt(0)!.toString(16).toUpperCase()}`)
							.join(' '),
					);
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
