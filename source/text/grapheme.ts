/**
 * Grapheme iteration and per-grapheme display width, tuned for speed.
 *
 * `Intl.Segmenter` is correct but slow (≈1 µs per grapheme plus an object per
 * segment), and `string-width` runs several Unicode-property regexes per
 * call. Most text (ASCII, CJK, Cyrillic, plain emoji) has no characters that
 * join with a neighbour, so every code point is its own grapheme: such text
 * is walked code point by code point and widths come from a small cache.
 * Only the regions around possibly-joining characters go through the
 * Segmenter, in short windows (it is badly superlinear on long strings) whose
 * results are cached (the same cells are drawn on every frame).
 */
import {eastAsianWidth} from 'get-east-asian-width';
import stringWidth from 'string-width';

/**
 * The one Segmenter of the module (never create one per call), made on first use: the first Segmenter of a
 * process loads ICU's break rules (≈15 ms), which a command that only prints ASCII never needs.
 */
let graphemeSegmenter: Intl.Segmenter | undefined;

/**
 * A superset of the characters that can join an adjacent code point into one
 * grapheme cluster (UAX #29): Extend, ZWJ and SpacingMark (marks, format
 * characters, emoji modifiers, the Lo/Lm exceptions), Prepend (format
 * characters and a few Lo), Hangul L/V/T jamo, Regional Indicators and CR.
 * Two adjacent code points outside this class are always separate graphemes.
 * Verified against the runtime's Intl.Segmenter over every assigned code point
 * in test/text/grapheme.test.ts.
 */
const JOINING = String.raw`\r\p{M}\p{Cf}\p{Emoji_Modifier}\p{Regional_Indicator}\u0D4E\u0E33\u0EB3\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\uFF9E\uFF9F\u{111C2}\u{111C3}\u{113D1}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}\u{16D63}\u{16D67}-\u{16D6A}`;
const MAY_JOIN = new RegExp(`[${JOINING}]`, 'u');
const MAY_JOIN_GLOBAL = new RegExp(`[${JOINING}]`, 'gu');
// Two adjacent code points that cannot join: a guaranteed grapheme boundary between them.
const SIMPLE_PAIR = new RegExp(`[^${JOINING}]{2}`, 'u');

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
		width = singleCodePointWidth(grapheme) ?? stringWidth(grapheme);
		// Long clusters are rare and not worth keeping.
		if (grapheme.length <= 32) {
			if (widthCache.size >= WIDTH_CACHE_LIMIT) {
				widthCache = new Map();
			}

			widthCache.set(grapheme, width);
		}
	}

	return width;
}

// string-width's own rules for one code point, without its RGI-emoji regex: compiling that regex costs about
// 50 ms on the first non-ASCII character, which was the first frame of the explorer (a ✓ or a …). Equal to
// string-width for every code point (checked exhaustively in test/text/grapheme.test.ts).
const VISIBLE =
	/[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const NARROW_AMBIGUOUS = {ambiguousAsWide: false};

/** The width of a grapheme that is one code point, or undefined for anything else (string-width decides). */
function singleCodePointWidth(grapheme: string): number | undefined {
	const code = grapheme.codePointAt(0)!;
	const single = grapheme.length === (code > 0xffff ? 2 : 1);
	// Lone surrogates and regional indicators (a flag's halves) follow string-width's own path.
	if (!single || (code >= 0xd800 && code <= 0xdfff) || (code >= 0x1f1e6 && code <= 0x1f1ff)) {
		return undefined;
	}

	if (!VISIBLE.test(grapheme)) {
		return 0;
	}

	return EMOJI_PRESENTATION.test(grapheme) ? 2 : eastAsianWidth(code, NARROW_AMBIGUOUS);
}

type Visitor = (grapheme: string, width: number, end: number) => boolean | void;

/**
 * Longest slice handed to the Segmenter at once. V8/ICU's grapheme iterator
 * gets dramatically superlinear on long strings (measured on Node 20: 40,000
 * `e` + U+0301 pairs take ~50 s, 80,000 CJK characters ~2 min), so text is
 * only ever segmented in short windows that start at a grapheme boundary.
 */
const SEGMENT_WINDOW = 256;

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

/** Visit [from, to) where every code point is a grapheme of its own. False when stopped. */
function visitCodePoints(text: string, from: number, to: number, visit: Visitor): boolean {
	for (let index = from; index < to;) {
		const code = text.charCodeAt(index);
		let grapheme: string;
		let width: number;
		if (code >= 0x20 && code <= 0x7e) {
			grapheme = text[index]!;
			width = 1;
			index++;
		} else {
			const size = isHighSurrogate(code) && index + 1 < to && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
			grapheme = size === 1 ? text[index]! : text.slice(index, index + 2);
			width = graphemeWidth(grapheme);
			index += size;
		}

		if (visit(grapheme, width, index) === false) {
			return false;
		}
	}

	return true;
}

/**
 * Segment the region starting at `from` (a grapheme boundary) that contains
 * the joining character at `joinAt`. Returns where to continue (a grapheme
 * boundary), or -1 when the visitor stopped.
 */
function visitSegmented(text: string, from: number, joinAt: number, visit: Visitor): number {
	const length = text.length;
	let end = Math.min(from + SEGMENT_WINDOW, length);
	if (end < length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) {
		end++;
	}

	// End the window early at the first guaranteed boundary after the joining
	// character, so mostly-simple text stays on the fast path.
	let complete = end === length;
	const pair = SIMPLE_PAIR.exec(text.slice(joinAt, end));
	if (pair !== null) {
		end = joinAt + pair.index + (pair[0].codePointAt(0)! > 0xffff ? 2 : 1);
		complete = true;
	}

	const window = text.slice(from, end);
	const lengths = graphemeLengths(window);
	const last = lengths.length - 1;
	let index = 0;
	for (let segmentIndex = 0; segmentIndex <= last; segmentIndex++) {
		// Without a guaranteed boundary at the window's end, its last grapheme
		// may continue: segment it again as the start of the next window. A
		// single grapheme filling a whole window (pathological: hundreds of
		// combining marks) is cut.
		if (!complete && segmentIndex === last && index > 0) {
			return from + index;
		}

		const segmentEnd = index + lengths[segmentIndex]!;
		const segment = window.slice(index, segmentEnd);
		if (visit(segment, graphemeWidth(segment), from + segmentEnd) === false) {
			return -1;
		}

		index = segmentEnd;
	}

	return end;
}

const SEGMENT_CACHE_LIMIT = 2048;
let segmentCache = new Map<string, number[]>();

/**
 * UTF-16 lengths of the graphemes of a short string. Cached, because each
 * Segmenter call costs several microseconds and the same cells are drawn on
 * every frame.
 */
function graphemeLengths(window: string): number[] {
	let lengths = segmentCache.get(window);
	if (lengths === undefined) {
		lengths = [];
		graphemeSegmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
		for (const {segment} of graphemeSegmenter.segment(window)) {
			lengths.push(segment.length);
		}

		if (segmentCache.size >= SEGMENT_CACHE_LIMIT) {
			segmentCache = new Map();
		}

		segmentCache.set(window, lengths);
	}

	return lengths;
}

/**
 * Call `visit(grapheme, width, end)` for each grapheme of `text` in order,
 * where `end` is the UTF-16 index just after the grapheme. Stops early when
 * `visit` returns false.
 */
export function forEachGrapheme(text: string, visit: Visitor): void {
	const length = text.length;
	let position = 0;
	while (position < length) {
		MAY_JOIN_GLOBAL.lastIndex = position;
		const join = MAY_JOIN_GLOBAL.exec(text);
		if (join === null) {
			visitCodePoints(text, position, length, visit);
			return;
		}

		// Everything before the joining character is one grapheme per code
		// point, except the code point right before it, which it may join.
		const joinAt = join.index;
		let regionStart = joinAt;
		if (joinAt > position) {
			regionStart = joinAt - 1;
			if (
				regionStart > position &&
				isLowSurrogate(text.charCodeAt(regionStart)) &&
				isHighSurrogate(text.charCodeAt(regionStart - 1))
			) {
				regionStart--;
			}
		}

		if (!visitCodePoints(text, position, regionStart, visit)) {
			return;
		}

		position = visitSegmented(text, regionStart, joinAt, visit);
		if (position < 0) {
			return;
		}
	}
}
