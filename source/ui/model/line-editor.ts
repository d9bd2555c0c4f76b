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

/** An editing key's meaning, as the key table names it. */
export type LineEdit =
	'left' | 'right' | 'home' | 'end' | 'delete-backward' | 'delete-forward' | 'delete-word' | 'delete-to-start';

const EDITS: Readonly<Record<LineEdit, (line: EditLine) => EditLine>> = {
	left: moveLeft,
	right: moveRight,
	home: moveHome,
	end: moveEnd,
	'delete-backward': deleteBackward,
	'delete-forward': deleteForward,
	'delete-word': deleteWordBackward,
	'delete-to-start': deleteToStart,
};

export function applyEdit(line: EditLine, edit: LineEdit): EditLine {
	return EDITS[edit](line);
}

/** Lines entered before (oldest first) and where ↑ ↓ are among them: null while editing a new line. */
export type History = {readonly entries: readonly string[]; readonly at: number | null; readonly draft: string};

export const EMPTY_HISTORY: History = {entries: [], at: null, draft: ''};

/** A submitted line joins the history (not blank, not twice in a row; the newest 100 kept). */
export function remember(history: History, text: string): History {
	const entries =
		text.trim() === '' || history.entries.at(-1) === text
			? history.entries
			: [...history.entries, text].slice(-100);
	return {entries, at: null, draft: ''};
}

/** ↑ (-1) or ↓ (+1) through the history: the line to show, or null when there is nowhere to go. */
export function recall(history: History, current: string, step: -1 | 1): {history: History; text: string} | null {
	const {entries} = history;
	if (entries.length === 0) return null;
	const draft = history.at === null ? current : history.draft;
	const from = history.at ?? entries.length;
	const to = from + step;
	if (to < 0 || to > entries.length || to === from) return null;
	if (to === entries.length) return {history: {entries, at: null, draft: ''}, text: draft};
	return {history: {entries, at: to, draft}, text: entries[to]!};
}
