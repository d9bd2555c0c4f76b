/**
 * Display width, truncation, padding and wrapping in terminal columns.
 *
 * Input is expected to be sanitized already (see `sanitize.ts`): these
 * functions measure text, they do not make it safe.
 *
 * Graphemes (ZWJ emoji, flags, combining marks) are never split; the width of
 * each grapheme comes from `string-width`. Printable-ASCII strings take a fast
 * path (width = length) because these run for every visible cell on every
 * frame.
 */
import {forEachGrapheme} from './grapheme.js';

export type Align = 'left' | 'right';

const ELLIPSIS = '…';
const ELLIPSIS_WIDTH = 1;

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;

function isPrintableAscii(text: string): boolean {
	return PRINTABLE_ASCII.test(text);
}

/**
 * Number of terminal columns `text` occupies: the sum of its graphemes'
 * `string-width` widths (equal to `stringWidth(text)` for sanitized text).
 */
export function displayWidth(text: string): number {
	if (isPrintableAscii(text)) {
		return text.length;
	}

	let total = 0;
	forEachGrapheme(text, (_grapheme, width) => {
		total += width;
	});
	return total;
}

function ellipsisWidth(ellipsis: string): number {
	return ellipsis === ELLIPSIS ? ELLIPSIS_WIDTH : displayWidth(ellipsis);
}

/** Normalize a requested width: NaN and negatives → 0, fractions floored. */
function normalizeWidth(width: number): number {
	if (!(width > 0)) {
		return 0;
	}

	return Math.floor(width);
}

function padding(columns: number, used: number): string {
	// An infinite width means "no limit": nothing to pad to.
	return used < columns && columns !== Number.POSITIVE_INFINITY ? ' '.repeat(columns - used) : '';
}

/**
 * Truncate and report the resulting display width, so padding does not have
 * to measure again.
 */
function truncateMeasured(text: string, width: number, ellipsis: string): [string, number] {
	if (width <= 0) {
		return ['', 0];
	}

	if (isPrintableAscii(text)) {
		if (text.length <= width) {
			return [text, text.length];
		}

		const reserved = ellipsisWidth(ellipsis);
		if (reserved > width) {
			return truncateMeasured(ellipsis, width, '');
		}

		return [text.slice(0, width - reserved) + ellipsis, width];
	}

	// No code unit is wider than 2 columns: short text fits without measuring.
	if (text.length * 2 <= width) {
		return [text, displayWidth(text)];
	}

	const reserved = ellipsisWidth(ellipsis);
	const budget = width - reserved;
	// Column count at the end of the longest prefix that leaves room for the
	// ellipsis, and where that prefix ends in `text`.
	let cutWidth = 0;
	let cutIndex = 0;
	let total = 0;
	let overflow = false;
	forEachGrapheme(text, (_grapheme, graphemeWidth, end) => {
		total += graphemeWidth;
		if (total > width) {
			overflow = true;
			return false;
		}

		if (total <= budget) {
			cutWidth = total;
			cutIndex = end;
		}

		return true;
	});

	if (!overflow) {
		return [text, total];
	}

	if (budget < 0) {
		// The ellipsis alone is wider than the cell: cut the ellipsis.
		return truncateMeasured(ellipsis, width, '');
	}

	return [text.slice(0, cutIndex) + ellipsis, cutWidth + reserved];
}

/**
 * Cut `text` so it fits in `width` columns. Text that fits is returned
 * unchanged; otherwise it is cut at a grapheme boundary and `ellipsis` is
 * appended. A wide character that would overflow is dropped whole, so the
 * result can be one column narrower than `width`. `width <= 0` gives ''.
 */
export function truncateToWidth(text: string, width: number, ellipsis: string = ELLIPSIS): string {
	return truncateMeasured(text, normalizeWidth(width), ellipsis)[0];
}

/** Truncate (with an ellipsis), then pad with spaces on the right to exactly `width` columns. */
export function padEndToWidth(text: string, width: number): string {
	const columns = normalizeWidth(width);
	const [truncated, used] = truncateMeasured(text, columns, ELLIPSIS);
	return truncated + padding(columns, used);
}

/** Truncate (with an ellipsis), then pad with spaces on the left to exactly `width` columns. */
export function padStartToWidth(text: string, width: number): string {
	const columns = normalizeWidth(width);
	const [truncated, used] = truncateMeasured(text, columns, ELLIPSIS);
	return padding(columns, used) + truncated;
}

/** Truncate + pad to exactly `width` columns; `right` aligns numbers. */
export function fitToWidth(text: string, width: number, align: Align = 'left'): string {
	return align === 'right' ? padStartToWidth(text, width) : padEndToWidth(text, width);
}

/**
 * Hard-break a word wider than `width` into pieces at grapheme boundaries.
 * All but the last piece are pushed to `lines`; the last one is returned with
 * its width so the caller can keep filling that line. A grapheme wider than
 * the whole line (a 2-wide character when width is 1) is shown as '…'.
 */
function breakWord(word: string, width: number, lines: string[]): [string, number] {
	let line = '';
	let lineWidth = 0;
	forEachGrapheme(word, (grapheme, graphemeWidth) => {
		let piece = grapheme;
		let pieceWidth = graphemeWidth;
		if (pieceWidth > width) {
			piece = ELLIPSIS;
			pieceWidth = ELLIPSIS_WIDTH;
		}

		if (lineWidth + pieceWidth > width) {
			lines.push(line);
			line = '';
			lineWidth = 0;
		}

		line += piece;
		lineWidth += pieceWidth;
	});

	return [line, lineWidth];
}

function wrapParagraph(paragraph: string, width: number, lines: string[]): void {
	if (displayWidth(paragraph) <= width) {
		lines.push(paragraph);
		return;
	}

	// Alternating runs: [leading spaces, word, spaces, word, …, trailing spaces].
	const firstLine = lines.length;
	const parts = paragraph.split(/( +)/);
	let line = '';
	let lineWidth = 0;
	// Leading spaces (indentation) only count before the first word.
	let pendingSpaces = '';
	let atParagraphStart = true;
	for (const part of parts) {
		if (part === '') {
			continue;
		}

		if (part.charCodeAt(0) === 0x20) {
			pendingSpaces = part;
			continue;
		}

		const wordWidth = displayWidth(part);
		const spaceWidth = pendingSpaces.length;
		const canUseSpaces = lineWidth > 0 || atParagraphStart;
		if (canUseSpaces && lineWidth + spaceWidth + wordWidth <= width) {
			line += pendingSpaces + part;
			lineWidth += spaceWidth + wordWidth;
		} else {
			if (lineWidth > 0) {
				lines.push(line);
				line = '';
				lineWidth = 0;
			}

			if (wordWidth <= width) {
				line = part;
				lineWidth = wordWidth;
			} else {
				[line, lineWidth] = breakWord(part, width, lines);
			}
		}

		pendingSpaces = '';
		atParagraphStart = false;
	}

	// Trailing spaces are dropped: the paragraph did not fit anyway. A
	// paragraph of nothing but spaces still yields one (empty) line.
	if (line !== '' || lines.length === firstLine) {
		lines.push(line);
	}
}

/**
 * Word-wrap a sanitized block to lines of at most `width` columns. Splits on
 * `\n` first, breaks at spaces, hard-breaks words longer than `width` at
 * grapheme boundaries. Empty input (or `width <= 0`) gives `['']`.
 */
export function wrapToWidth(text: string, width: number): string[] {
	const columns = normalizeWidth(width);
	if (text === '' || columns <= 0) {
		return [''];
	}

	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		wrapParagraph(paragraph, columns, lines);
	}

	return lines;
}
