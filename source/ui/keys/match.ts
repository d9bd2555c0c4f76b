/**
 * How a row of the key table recognises its key: small matchers over what Ink hands the input hook (the typed
 * text and its key flags), combined with `any`.
 */
import type {Key} from 'ink';

export type Matcher = (input: string, key: Key) => boolean;

export const char =
	(...chars: string[]): Matcher =>
	(input, key) =>
		!key.ctrl && !key.meta && chars.includes(input);
export const ctrl =
	(letter: string): Matcher =>
	(input, key) =>
		key.ctrl && input === letter;
export const named =
	(
		name:
			| 'upArrow'
			| 'downArrow'
			| 'leftArrow'
			| 'rightArrow'
			| 'pageUp'
			| 'pageDown'
			| 'home'
			| 'end'
			| 'return'
			| 'escape'
			| 'tab',
	): Matcher =>
	(_input, key) =>
		key[name] === true;
export const any =
	(...matchers: Matcher[]): Matcher =>
	(input, key) =>
		matchers.some((m) => m(input, key));
/**
 * Ink 6 reports the Backspace key (0x7F) as `delete` and Ctrl-H (0x08) as `backspace`: both delete backwards.
 * It reports the Delete key (ESC [3~) as `delete` too; the app tells it apart by its raw sequence and hands it
 * over with FORWARD_DELETE as the input (see hooks/use-raw-sequence.ts).
 */
export const FORWARD_DELETE = '\u001B[3~';
export const backspace: Matcher = (input, key) => (key.backspace || key.delete) && input !== FORWARD_DELETE;
export const forwardDelete: Matcher = (input, key) => key.delete && input === FORWARD_DELETE;

/** ↑ or k: up (the rows that take both directions decide by the key). */
export const upward = (input: string, key: Key): boolean => key.upArrow || input === 'k';

/** The characters a number or date field of the filter pane takes. */
export const typedField: Matcher = (input, key) => !key.ctrl && !key.meta && /^[0-9.-]$/.test(input);
