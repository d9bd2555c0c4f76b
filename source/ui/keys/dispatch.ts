/** The one key dispatcher over the table. */
import type {Key} from 'ink';
import type {Action, ExplorerState} from '../state/types.js';
import {BINDINGS} from './table.js';

/** Printable text (no control characters), as typed or pasted. */
function printable(input: string, key: Key): string | null {
	if (key.ctrl || key.meta || key.return || key.escape || key.tab || input === '') return null;
	const text = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
	return text === '' ? null : text;
}

/** The one key dispatcher: (mode, key) → action, or null when the key means nothing here. */
export function dispatchKey(state: ExplorerState, input: string, key: Key): Action | null {
	for (const binding of BINDINGS) {
		if (binding.modes.includes(state.mode) && binding.match(input, key)) return binding.action(state, input, key);
	}
	// Typed text: letters in the filter input are text, never commands.
	const text = printable(input, key);
	if (text === null) return null;
	if (state.mode === 'filter-input') return {type: 'filter-input-type', text};
	if (state.mode === 'tag-input' || state.mode === 'note-input' || state.mode === 'command')
		return {type: 'input-type', text};
	return null;
}
