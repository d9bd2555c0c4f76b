/** The one-line text inputs: the `/` filter, the tag, note and `:` lines, and the editing keys they share. */
import type {Action, ExplorerState} from '../state/types.js';
import type {LineEdit} from '../model/line-editor.js';
import type {Binding} from './binding.js';
import {HISTORY_INPUTS, INPUTS, TEXT_INPUTS} from './binding.js';
import {any, backspace, ctrl, forwardDelete, named} from './match.js';

/** An editing key, for the `/` filter or the other inputs. */
const edit = (state: ExplorerState, what: LineEdit): Action =>
	state.mode === 'filter-input' ? {type: 'filter-input-edit', edit: what} : {type: 'input-edit', edit: what};

/** Typing a text filter. */
export const FILTER_INPUT_KEYS: readonly Binding[] = [
	{
		modes: ['filter-input'],
		keys: 'Enter',
		help: 'keep the filter and return to the list',
		footer: {label: 'Enter done', priority: 1},
		match: named('return'),
		action: () => ({type: 'filter-input-submit'}),
	},
	{
		modes: ['filter-input'],
		keys: 'Esc',
		help: 'clear the text; a second Esc closes the input',
		footer: {label: 'Esc clear/close', priority: 1},
		match: named('escape'),
		action: () => ({type: 'filter-input-escape'}),
	},
	{
		modes: ['filter-input'],
		keys: 'Backspace',
		help: 'delete the character before the cursor',
		match: backspace,
		action: () => ({type: 'filter-input-delete'}),
	},
	{
		modes: ['filter-input'],
		keys: 'Ctrl-P Ctrl-N',
		help: 'move in the list while typing',
		footer: {label: '^P^N move', priority: 3},
		match: any(ctrl('p'), ctrl('n')),
		action: (_s, input) => ({type: 'move', delta: input === 'p' ? -1 : 1}),
	},
];

/** Editing in every text input (/, tag, note, :). */
export const LINE_EDITING_KEYS: readonly Binding[] = [
	{
		modes: TEXT_INPUTS,
		keys: '← →',
		help: 'move the cursor',
		match: any(named('leftArrow'), named('rightArrow')),
		action: (state, _i, key) => edit(state, key.leftArrow ? 'left' : 'right'),
	},
	{
		modes: TEXT_INPUTS,
		keys: 'Home Ctrl-A',
		help: 'start of the line',
		match: any(named('home'), ctrl('a')),
		action: (state) => edit(state, 'home'),
	},
	{
		modes: TEXT_INPUTS,
		keys: 'End Ctrl-E',
		help: 'end of the line',
		match: any(named('end'), ctrl('e')),
		action: (state) => edit(state, 'end'),
	},
	{
		modes: TEXT_INPUTS,
		keys: 'Delete',
		help: 'delete the character under the cursor',
		match: forwardDelete,
		action: (state) => edit(state, 'delete-forward'),
	},
	{
		modes: TEXT_INPUTS,
		keys: 'Ctrl-W',
		help: 'delete the word before the cursor',
		match: ctrl('w'),
		action: (state) => edit(state, 'delete-word'),
	},
	{
		modes: TEXT_INPUTS,
		keys: 'Ctrl-U',
		help: 'delete everything before the cursor',
		match: ctrl('u'),
		action: (state) => edit(state, 'delete-to-start'),
	},
	{
		modes: HISTORY_INPUTS,
		keys: '↑ ↓',
		help: 'earlier / later lines typed here (history)',
		footer: {label: '↑↓ history', priority: 4},
		match: any(named('upArrow'), named('downArrow')),
		action: (state, _i, key) =>
			state.mode === 'filter-input'
				? {type: 'filter-input-history', step: key.upArrow ? -1 : 1}
				: {type: 'input-history', step: key.upArrow ? -1 : 1},
	},
];

/** Typed inputs (tag, note, command). */
export const TYPED_INPUT_KEYS: readonly Binding[] = [
	{
		modes: INPUTS,
		keys: 'Enter',
		help: 'apply',
		footer: {label: 'Enter apply', priority: 1},
		match: named('return'),
		action: () => ({type: 'input-submit'}),
	},
	{
		modes: INPUTS,
		keys: 'Esc',
		help: 'cancel',
		footer: {label: 'Esc cancel', priority: 1},
		match: named('escape'),
		action: () => ({type: 'back'}),
	},
	{
		modes: INPUTS,
		keys: 'Tab',
		help: 'complete (tags in use, commands, view and column names)',
		footer: {label: 'Tab complete', priority: 2},
		match: named('tab'),
		action: () => ({type: 'input-complete'}),
	},
	{
		modes: INPUTS,
		keys: 'Backspace',
		help: 'delete the character before the cursor',
		match: backspace,
		action: () => ({type: 'input-delete'}),
	},
];
