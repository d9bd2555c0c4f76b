/** The one-line inputs (tag, note, `:` command) and their slice's actions (state/inputs.ts). */
import type {EditLine, LineEdit} from '../../model/line-editor.js';

/** A one-line text input (tag, note, `:` command): the line being edited, with Tab completion candidates. */
export type TextInput = EditLine & {completions: readonly string[]};
/** The one-line inputs: tag, note and the `:` command line (state/inputs.ts). */
export type InputAction =
	| {type: 'input-open'; purpose: 'tag-input' | 'note-input' | 'command'}
	| {type: 'input-type'; text: string}
	| {type: 'input-delete'}
	| {type: 'input-edit'; edit: LineEdit}
	| {type: 'input-history'; step: -1 | 1}
	| {type: 'input-complete'}
	| {type: 'input-submit'};
