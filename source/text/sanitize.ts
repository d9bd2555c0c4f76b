/**
 * The one sanitizer every output path uses.
 *
 * Text coming from disk (folder names, prompts, model names, error messages)
 * is hostile: it may contain terminal escape sequences, control characters,
 * bidi overrides or invalid UTF-16. Everything that reaches the terminal goes
 * through `sanitizeLine` (table cells, one-line messages) or `sanitizeBlock`
 * (multi-line display).
 *
 * Rules, applied in a single left-to-right regex pass:
 * 1. Complete escape sequences are removed: CSI (`ESC [` / U+009B), OSC
 *    (`ESC ]` / U+009D, terminated by BEL, `ESC \` or U+009C, else to the end),
 *    DCS/SOS/PM/APC (`ESC P|X|^|_` / U+0090|U+0098|U+009E|U+009F, terminated by
 *    ST, else to the end), nF escapes (`ESC (B`: intermediates + final) and
 *    two-byte escapes (`ESC c`, `ESC 7`). SGR colours from data are removed too.
 * 2. `\n`, `\r`, `\r\n`, `\t`, `\v`, `\f` become one space each (sanitizeBlock
 *    keeps `\n` and turns `\r\n` into `\n`).
 * 3. Remaining C0 controls and DEL are shown in caret notation (`^@`, `^[`,
 *    `^?`); C1 controls become U+FFFD.
 * 4. Bidi controls and invisible format characters are removed (U+200D ZWJ
 *    and variation selectors are kept).
 * 5. Lone surrogates become U+FFFD.
 *
 * The output never contains U+0000–U+001F (except `\n` from sanitizeBlock),
 * U+007F–U+009F, a bidi control or a lone surrogate.
 */

// Everything that sanitizeLine changes. With the `u` flag, `[\uD800-\uDFFF]`
// only matches *lone* surrogates: a valid pair is read as one code point.
const UNSAFE_LINE =
	/[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uD800-\uDFFF]/u;

// Same, but a `\n` is fine in a block. (`\r` is still in the class, so
// `\r\n` is caught.)
const UNSAFE_BLOCK =
	/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uD800-\uDFFF]/u;

// Order matters: string-type sequences and CSI before the generic two-byte
// escape (whose final-byte range also covers `[`, `]`, `P`, `X`, `^`, `_`).
const REPLACE = new RegExp(
	[
		// OSC: ESC ] or U+009D … BEL | ESC \ | U+009C | end of string.
		String.raw`(?:\u001B\]|\u009D)[\s\S]*?(?:\u0007|\u001B\\|\u009C|$)`,
		// DCS, SOS, PM, APC … ST (ESC \ or U+009C) | end of string.
		String.raw`(?:\u001B[PX^_]|[\u0090\u0098\u009E\u009F])[\s\S]*?(?:\u001B\\|\u009C|$)`,
		// CSI: parameter bytes, intermediate bytes, final byte. An incomplete
		// CSI (cut off before its final byte) is removed as far as it goes.
		String.raw`(?:\u001B\[|\u009B)[\u0030-\u003F]*[\u0020-\u002F]*[\u0040-\u007E]?`,
		// nF escapes: ESC, intermediates, final (ESC ( B, ESC # 8, ESC SP F).
		String.raw`\u001B[\u0020-\u002F]+[\u0030-\u007E]?`,
		// Two-byte escapes: ESC c, ESC 7, ESC =, ESC \ (a stray ST) …
		String.raw`\u001B[\u0030-\u007E]`,
		String.raw`\r\n`,
		// Any single character that must be replaced or removed.
		UNSAFE_LINE.source,
	].join('|'),
	'gu',
);

const REPLACEMENT_CHARACTER = '\uFFFD';

/** Replacement for a single unsafe UTF-16 code unit below U+00A0 (line mode). */
const LOW_REPLACEMENTS: string[] = [];
for (let code = 0; code < 0xa0; code++) {
	if (code === 0x09 || code === 0x0a || code === 0x0b || code === 0x0c || code === 0x0d) {
		LOW_REPLACEMENTS.push(' ');
	} else if (code < 0x20) {
		LOW_REPLACEMENTS.push('^' + String.fromCharCode(code + 0x40));
	} else if (code === 0x7f) {
		LOW_REPLACEMENTS.push('^?');
	} else if (code >= 0x80) {
		LOW_REPLACEMENTS.push(REPLACEMENT_CHARACTER);
	} else {
		// Printable ASCII never reaches the replacer.
		LOW_REPLACEMENTS.push(String.fromCharCode(code));
	}
}

function replaceMatch(match: string, keepNewlines: boolean): string {
	const code = match.charCodeAt(0);
	if (code === 0x1b) {
		// A lone ESC (not followed by anything that forms a sequence) is the
		// only single-character ESC match.
		return match.length === 1 ? '^[' : '';
	}

	if (code === 0x0d && match.length === 2) {
		return keepNewlines ? '\n' : ' ';
	}

	if (code === 0x0a && keepNewlines) {
		return '\n';
	}

	// 8-bit sequence introducers always match as (possibly empty) sequences.
	if (code === 0x9b || code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
		return '';
	}

	if (code < 0xa0) {
		return LOW_REPLACEMENTS[code]!;
	}

	if (code >= 0xd800 && code <= 0xdfff) {
		return REPLACEMENT_CHARACTER;
	}

	// Bidi controls and invisible format characters.
	return '';
}

const replaceLine = (match: string): string => replaceMatch(match, false);
const replaceBlock = (match: string): string => replaceMatch(match, true);

/** True when `sanitizeLine(value)` would change the string. */
export function hasUnsafeCharacters(value: string): boolean {
	return UNSAFE_LINE.test(value);
}

/**
 * Make untrusted text safe for a single-line table cell or message: escape
 * sequences removed, line breaks and tabs turned into spaces, controls shown
 * visibly. A clean string is returned as is (same reference).
 */
export function sanitizeLine(value: string): string {
	if (!UNSAFE_LINE.test(value)) {
		return value;
	}

	return value.replace(REPLACE, replaceLine);
}

/**
 * Like `sanitizeLine`, but for multi-line display: `\n` is kept and `\r\n`
 * becomes `\n`; tabs (and lone `\r`, `\v`, `\f`) become a single space.
 */
export function sanitizeBlock(value: string): string {
	if (!UNSAFE_BLOCK.test(value)) {
		return value;
	}

	return value.replace(REPLACE, replaceBlock);
}
