/** Turning one chunk of typed input (keys typed quickly, a paste) into the keys the table dispatches. */
import type {Key} from 'ink';

/**
 * The key Ink reports for one character read on its own (see Ink's parse-keypress): Enter, Tab, Backspace,
 * Delete, Ctrl with a letter, or plain text.
 */
function keyOfCharacter(char: string, chunkKey: Key): {input: string; key: Key} {
	const plain: Key = {...chunkKey, return: false, tab: false, backspace: false, delete: false, ctrl: false};
	if (char === '\r') return {input: char, key: {...plain, return: true}};
	if (char === '\t') return {input: char, key: {...plain, tab: true}};
	if (char === '\b') return {input: char, key: {...plain, backspace: true}};
	if (char === '\u007F') return {input: char, key: {...plain, delete: true}};
	if (char !== '\n' && char >= '\u0001' && char <= '\u001A')
		return {input: String.fromCharCode(char.charCodeAt(0) + 96), key: {...plain, ctrl: true}};
	return {input: char, key: plain};
}

/** Editing keys that arrive inside typed text (a held Backspace over SSH): Backspace, Ctrl-H, Ctrl-A/E/U/W. */
const EDITING_CONTROLS = new Set(['\u007F', '\b', '\u0001', '\u0005', '\u0015', '\u0017']);

/**
 * Keys typed quickly, or over a slow link, arrive in one chunk, which Ink hands over as one string without key
 * flags (it parses only escape sequences apart). Outside text inputs each character is a key of its own, as if
 * read alone. In a text input the runs of text between editing keys stay whole (a paste is one insertion) and
 * each editing key (Backspace, Ctrl-H, Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-W) is applied in turn, as Ink 7 splits out
 * backspace bytes; other control characters are dropped, never obeyed, except Enters at the chunk's end: text
 * typed and submitted faster than the terminal reads.
 */
export function splitChunk(input: string, key: Key, textInput: boolean): Array<{input: string; key: Key}> {
	const chars = [...input];
	if (!textInput) return chars.map((char) => keyOfCharacter(char, key));
	let end = chars.length;
	while (end > 0 && chars[end - 1] === '\r') end--;
	const keys: Array<{input: string; key: Key}> = [];
	let run = '';
	for (const char of chars.slice(0, end)) {
		if (!EDITING_CONTROLS.has(char)) {
			run += char;
			continue;
		}
		if (run !== '') keys.push({input: run, key});
		run = '';
		keys.push(keyOfCharacter(char, key));
	}
	if (run !== '') keys.push({input: run, key});
	for (let i = end; i < chars.length; i++) keys.push(keyOfCharacter('\r', key));
	return keys;
}
