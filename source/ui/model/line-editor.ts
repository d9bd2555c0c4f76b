/**
 * The one-line editor behind every text input (the `/` filter, tag, note and the `:` command line): pure
 * functions from a line and a key's intent to the next line, as ink-ui's `use-text-input-state` keeps its
 * reducer apart from input and view. The cursor counts code points, the unit Backspace has always removed.
 * Text is sanitized before it gets here; this module only edits.
 */

export type EditLine = {
	readonly text: string;
	/** Code points before the cursor: 0 is the start, the text's length in code points is the end. */
	readonly cursor: number;
};

const points = (text: string): string[] => [...text];

/** A line holding `text`, the cursor at its end (where typing goes on). */
export function lineOf(text: string): EditLine {
	return {text, cursor: points(text).length};
}

function make(chars: readonly string[], cursor: number): EditLine {
	return {text: chars.join(''), cursor: Math.max(0, Math.min(chars.length, cursor))};
}

/** Typed or pasted text, inserted at the cursor. */
export function insertText(line: EditLine, typed: string): EditLine {
	if (typed === '') return line;
	const chars = points(line.text);
	const added = points(typed);
	chars.splice(line.cursor, 0, ...added);
	return make(chars, line.cursor + added.length);
}

/** Backspace: the code point before the cursor. */
export function deleteBackward(line: EditLine): EditLine {
	if (line.cursor === 0) return line;
	const chars = points(line.text);
	chars.splice(line.cursor - 1, 1);
	return make(chars, line.cursor - 1);
}

/** Delete: the code point under the cursor. */
export function deleteForward(line: EditLine): EditLine {
	const chars = points(line.text);
	if (line.cursor >= chars.length) return line;
	chars.splice(line.cursor, 1);
	return make(chars, line.cursor);
}

export function moveLeft(line: EditLine): EditLine {
	return line.cursor === 0 ? line : {...line, cursor: line.cursor - 1};
}

export function moveRight(line: EditLine): EditLine {
	return line.cursor >= points(line.text).length ? line : {...line, cursor: line.cursor + 1};
}

export function moveHome(line: EditLine): EditLine {
	return line.cursor === 0 ? line : {...line, cursor: 0};
}

export function moveEnd(line: EditLine): EditLine {
	const end = points(line.text).length;
	return line.cursor === end ? line : {...line, cursor: end};
}

/** Ctrl-W, as in a shell: the spaces before the cursor, then the word before them. */
export function deleteWordBackward(line: EditLine): EditLine {
	const chars = points(line.text);
	let start = line.cursor;
	while (start > 0 && /\s/u.test(chars[start - 1]!)) start--;
	while (start > 0 && !/\s/u.test(chars[start - 1]!)) start--;
	if (start === line.cursor) return line;
	chars.splice(start, line.cursor - start);
	return make(chars, start);
}

/** Ctrl-U, as in a shell: everything before the cursor. */
export function deleteToStart(line: EditLine): EditLine {
	if (line.cursor === 0) return line;
	return make(points(line.text).slice(line.cursor), 0);
}

/** The text before and after the cursor, for drawing it. */
export function splitAtCursor(line: EditLine): {before: string; after: string} {
	const chars = points(line.text);
	return {before: chars.slice(0, line.cursor).join(''), after: chars.slice(line.cursor).join('')};
}

/** The longest start every candidate shares ('' for none). */
export function commonPrefix(candidates: readonly string[]): string {
	const [first] = candidates;
	if (first === undefined) return '';
	return candidates.reduce((a, b) => {
		let i = 0;
		while (i < a.length && i < b.length && a[i] === b[i]) i++;
		return a.slice(0, i);
	}, first);
}

/**
 * Tab: with one candidate, take it; with several, complete what they share, or take the first when they share
 * no more than is typed. The result replaces the whole line, the cursor at its end.
 */
export function complete(line: EditLine, candidates: readonly string[]): EditLine {
	const [first] = candidates;
	if (first === undefined) return line;
	const prefix = commonPrefix(candidates);
	return lineOf(prefix.length > line.text.length ? prefix : first);
}
