/**
 * A drop-in `string-width` for Ink and its helpers (widest-line, cli-truncate, wrap-ansi), swapped in by the
 * bundler (scripts/bundle.mjs). Ink measures every line of every frame several times (layout, truncation,
 * clipping); `string-width` segments each call with Intl.Segmenter and runs Unicode-property regexes, about
 * 130 µs for one 150-column row with a ✓ or a … in it, and its first call compiles an RGI-emoji regex (≈70 ms
 * before the first frame). Here ANSI codes are stripped only when present and the width comes from
 * `displayWidth`, which walks simple text code point by code point and takes each grapheme's width from
 * `string-width` itself (cached): the same numbers, so Ink's layout and our column fitting always agree.
 */
import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';
import {displayWidth} from './width.js';

type Options = {ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean};

export default function inkStringWidth(text: string, options?: Options): number {
	if (typeof text !== 'string' || text.length === 0) return 0;
	// Options change the rules; nothing in Ink passes them, but a caller that does gets the original.
	if (options !== undefined && (options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes === true))
		return stringWidth(text, options);
	const plain = text.includes('\u001B') || text.includes('\u009B') ? stripAnsi(text) : text;
	return displayWidth(plain);
}
