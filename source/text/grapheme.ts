/**
 * Grapheme iteration and per-grapheme display width, tuned for speed.
 *
 * `Intl.Segmenter` is correct but slow (≈1 µs per grapheme plus an object per
 * segment), and `string-width` runs several Unicode-property regexes per
 * call. Most text (ASCII, CJK, Cyrillic, plain emoji) has no characters that
 * join with a neighbour, so every code point is its own grapheme: such text
 * is walked code point by code point and widths come from a small cache.
 * Only text containing a possibly-joining character goes through the
 * Segmenter.
 */
import stringWidth from 'string-width';

/** The one Segmenter of the module (never create one per call). */
export const graphemeSegmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * A superset of the characters that can join an adjacent code point into one
 * grapheme cluster (UAX #29): Extend, ZWJ and SpacingMark (marks, format
 * characters, emoji modifiers, the Lo/Lm exceptions), Prepend (format
 * characters and a few Lo), Hangul L/V/T jamo, Regional Indicators and CR.
 * Verified against the runtime's Intl.Segmenter over every assigned code point
 * in test/text/grapheme.test.ts.
 */
const MAY_JOIN =
	/[\r\p{M}\p{Cf}\p{Emoji_Modifier}\p{Regional_Indicator}\u0D4E\u0E33\u0EB3\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\uFF9E\uFF9F\u{111C2}\u{111C3}\u{113D1}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}\u{16D63}\u{16D67}-\u{16D6A}]/u;

/** True when every code point of `text` is a grapheme of its own. */
export function isSimpleText(text: string): boolean {
	return !MAY_JOIN.test(text);
}

const WIDTH_CACHE_LIMIT = 8192;
let widthCache = new Map<string, number>();

/** Display width of one grapheme cluster (or any string measured as a whole). */
export function graphemeWidth(grapheme: string): number {
	if (grapheme.length === 1) {
		const code = grapheme.charCodeAt(0);
		if (code >= 0x20 && code <= 0x7e) {
			return 1;
		}
	}

	let width = widthCache.get(grapheme);
	if (width === undefined) {
		width = stringWidth(grapheme);
		if (widthCache.size >= WIDTH_CACHE_LIMIT) {
			widthCache = new Map();
		}

		widthCache.set(grapheme, width);
	}

	return width;
}

/**
 * Call `visit(grapheme, width, end)` for each grapheme of `text` in order,
 * where `end` is the UTF-16 index just after the grapheme. Stops early when
 * `visit` returns false.
 */
export function forEachGrapheme(text: string, visit: (grapheme: string, width: number, end: number) => boolean | void): void {
	if (isSimpleText(text)) {
		const length = text.length;
		for (let index = 0; index < length; ) {
			const code = text.charCodeAt(index);
			let grapheme: string;
			let width: number;
			if (code >= 0x20 && code <= 0x7e) {
				grapheme = text[index]!;
				width = 1;
				index++;
			} else {
				const codePoint = text.codePointAt(index)!;
				const size = codePoint > 0xffff ? 2 : 1;
				grapheme = text.slice(index, index + size);
				width = graphemeWidth(grapheme);
				index += size;
			}

			if (visit(grapheme, width, index) === false) {
				return;
			}
		}

		return;
	}

	for (const {segment, index} of graphemeSegmenter.segment(text)) {
		if (visit(segment, graphemeWidth(segment), index + segment.length) === false) {
			return;
		}
	}
}
