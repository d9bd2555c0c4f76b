/** The line editor on its own: every edit from a line and a cursor to the next line and cursor. */
import {describe, expect, it} from 'vitest';
import {
	EMPTY_HISTORY,
	applyEdit,
	commonPrefix,
	recall,
	remember,
	complete,
	deleteBackward,
	deleteForward,
	deleteToStart,
	deleteWordBackward,
	insertText,
	lineOf,
	moveEnd,
	moveHome,
	moveLeft,
	moveRight,
	splitAtCursor,
	type EditLine,
} from '../../source/ui/model/line-editor.js';

const at = (text: string, cursor: number): EditLine => ({text, cursor});

describe('the line editor', () => {
	it('starts with the cursor at the end of the text', () => {
		expect(lineOf('abc')).toEqual(at('abc', 3));
		expect(lineOf('')).toEqual(at('', 0));
		// Code points, not UTF-16 units: an emoji is one step.
		expect(lineOf('a😀')).toEqual(at('a😀', 2));
	});

	it('inserts typed and pasted text at the cursor', () => {
		expect(insertText(at('ac', 1), 'b')).toEqual(at('abc', 2));
		expect(insertText(at('', 0), 'hello')).toEqual(at('hello', 5));
		expect(insertText(at('x', 0), '😀')).toEqual(at('😀x', 1));
		const line = at('abc', 1);
		expect(insertText(line, '')).toBe(line);
	});

	it('deletes before the cursor (Backspace) and under it (Delete)', () => {
		expect(deleteBackward(at('abc', 3))).toEqual(at('ab', 2));
		expect(deleteBackward(at('abc', 1))).toEqual(at('bc', 0));
		expect(deleteBackward(at('a😀', 2))).toEqual(at('a', 1));
		const start = at('abc', 0);
		expect(deleteBackward(start)).toBe(start);
		expect(deleteForward(at('abc', 0))).toEqual(at('bc', 0));
		expect(deleteForward(at('abc', 1))).toEqual(at('ac', 1));
		const end = at('abc', 3);
		expect(deleteForward(end)).toBe(end);
	});

	it('moves left, right, home and end within the text', () => {
		expect(moveLeft(at('abc', 2))).toEqual(at('abc', 1));
		expect(moveLeft(at('abc', 0))).toEqual(at('abc', 0));
		expect(moveRight(at('abc', 2))).toEqual(at('abc', 3));
		expect(moveRight(at('abc', 3))).toEqual(at('abc', 3));
		expect(moveRight(at('😀😀', 1))).toEqual(at('😀😀', 2));
		expect(moveHome(at('abc', 2))).toEqual(at('abc', 0));
		expect(moveEnd(at('abc', 1))).toEqual(at('abc', 3));
	});

	it('deletes the word before the cursor (Ctrl-W) and everything before it (Ctrl-U)', () => {
		expect(deleteWordBackward(at('model:pony state:partial', 24))).toEqual(at('model:pony ', 11));
		expect(deleteWordBackward(at('one two   ', 10))).toEqual(at('one ', 4));
		expect(deleteWordBackward(at('one two', 3))).toEqual(at(' two', 0));
		const start = at('abc', 0);
		expect(deleteWordBackward(start)).toBe(start);
		expect(deleteToStart(at('save my-view', 5))).toEqual(at('my-view', 0));
		expect(deleteToStart(start)).toBe(start);
	});

	it('splits the text at the cursor for drawing', () => {
		expect(splitAtCursor(at('a😀c', 2))).toEqual({before: 'a😀', after: 'c'});
	});

	it('completes with the one candidate, the shared start of several, or the first when they share no more', () => {
		expect(commonPrefix([])).toBe('');
		expect(commonPrefix(['load a', 'load ab'])).toBe('load a');
		expect(complete(lineOf('sa'), ['save '])).toEqual(lineOf('save '));
		expect(complete(lineOf('hide s'), ['hide size', 'hide steps', 'hide sampler', 'hide sweep'])).toEqual(
			lineOf('hide size'),
		);
		expect(complete(lineOf('load '), ['load alpha', 'load alpine'])).toEqual(lineOf('load alp'));
		const line = lineOf('x');
		expect(complete(line, [])).toBe(line);
	});
});

describe('the history of an input', () => {
	it('keeps submitted lines, not blank ones and not the same twice in a row', () => {
		let h = EMPTY_HISTORY;
		for (const line of ['fox', '', '  ', 'fox', 'sweep']) h = remember(h, line);
		expect(h.entries).toEqual(['fox', 'sweep']);
	});

	it('goes back with ↑, forward with ↓, and back to the line being typed at the end', () => {
		const h = remember(remember(EMPTY_HISTORY, 'fox'), 'sweep');
		const up = recall(h, 'ru', -1)!;
		expect(up.text).toBe('sweep');
		const up2 = recall(up.history, up.text, -1)!;
		expect(up2.text).toBe('fox');
		expect(recall(up2.history, up2.text, -1)).toBeNull();
		const down = recall(up2.history, up2.text, 1)!;
		expect(down.text).toBe('sweep');
		const back = recall(down.history, down.text, 1)!;
		expect(back.text).toBe('ru');
		expect(back.history.at).toBeNull();
		expect(recall(back.history, 'ru', 1)).toBeNull();
		expect(recall(EMPTY_HISTORY, 'x', -1)).toBeNull();
	});

	it('applies each editing key by name', () => {
		expect(applyEdit(at('abc', 1), 'delete-forward')).toEqual(at('ac', 1));
		expect(applyEdit(at('abc', 1), 'end')).toEqual(at('abc', 3));
	});
});
