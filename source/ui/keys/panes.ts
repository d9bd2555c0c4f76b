/** The sort pane, the filter pane and the roll-ups (groups). */
import {FILTER_PANE_ITEMS} from '../model/filter-pane.js';
import type {ExplorerState} from '../state/types.js';
import type {Binding} from './binding.js';
import {LIST} from './binding.js';
import {any, backspace, char, named, typedField, upward} from './match.js';

/** Whether the filter pane's focused row is a typed field (a completion bound or a date). */
function typesInField(state: ExplorerState): boolean {
	const item = state.filterPane ? FILTER_PANE_ITEMS[state.filterPane.focus] : undefined;
	return item?.kind === 'number' || item?.kind === 'date';
}

/** Sort pane. */
export const SORT_PANE_KEYS: readonly Binding[] = [
	{
		modes: ['sort-pane'],
		keys: '↑ ↓ k j',
		help: 'choose a column',
		footer: {label: '↑↓ column', priority: 2},
		match: any(named('upArrow'), named('downArrow'), char('k', 'j')),
		action: (_s, input, key) => ({type: 'sort-pane-move', delta: upward(input, key) ? -1 : 1}),
	},
	{
		modes: ['sort-pane'],
		keys: '← →',
		help: 'ascending / descending',
		footer: {label: '←→ direction', priority: 2},
		match: any(named('leftArrow'), named('rightArrow')),
		action: (_s, _i, key) => ({type: 'sort-pane-direction', direction: key.leftArrow ? 'asc' : 'desc'}),
	},
	{
		modes: ['sort-pane'],
		keys: 'Enter Space',
		help: 'sort by the column (the current column again: reverse)',
		footer: {label: 'Enter sort', priority: 1},
		match: any(named('return'), char(' ')),
		action: () => ({type: 'sort-pane-apply'}),
	},
	{
		modes: ['sort-pane'],
		keys: 'Esc',
		help: 'close without changing the sort',
		footer: {label: 'Esc cancel', priority: 1},
		match: named('escape'),
		action: () => ({type: 'back'}),
	},
];

/** Filter pane. */
export const FILTER_PANE_KEYS: readonly Binding[] = [
	{
		modes: ['filter-pane'],
		keys: '↑ ↓',
		help: 'choose a row',
		footer: {label: '↑↓ row', priority: 2},
		match: any(named('upArrow'), named('downArrow')),
		action: (_s, _i, key) => ({type: 'filter-pane-move', delta: key.upArrow ? -1 : 1}),
	},
	{
		modes: ['filter-pane'],
		keys: 'Space',
		help: 'toggle a state / an option',
		footer: {label: 'Space toggle', priority: 2},
		match: char(' '),
		action: () => ({type: 'filter-pane-toggle'}),
	},
	{
		modes: ['filter-pane'],
		keys: '← →',
		help: 'change a choice (model, mode, sweep)',
		footer: {label: '←→ change', priority: 3},
		match: any(named('leftArrow'), named('rightArrow')),
		action: (_s, _i, key) => ({type: 'filter-pane-cycle', delta: key.leftArrow ? -1 : 1}),
	},
	{
		modes: ['filter-pane'],
		keys: '0-9 . -',
		help: 'type a completion bound or a date (YYYY-MM-DD)',
		match: typedField,
		action: (state, input) => (typesInField(state) ? {type: 'filter-pane-type', text: input} : null),
	},
	{
		modes: ['filter-pane'],
		keys: 'Backspace',
		help: 'delete in a typed field',
		match: backspace,
		action: () => ({type: 'filter-pane-delete'}),
	},
	{
		modes: ['filter-pane'],
		keys: 'Enter',
		help: 'keep the filters and return to the list',
		footer: {label: 'Enter done', priority: 1},
		match: named('return'),
		action: () => ({type: 'filter-pane-apply'}),
	},
	{
		modes: ['filter-pane'],
		keys: 'Esc',
		help: 'undo the changes and close',
		footer: {label: 'Esc cancel', priority: 1},
		match: named('escape'),
		action: () => ({type: 'back'}),
	},
];

/** Roll-ups. */
export const GROUPS_KEYS: readonly Binding[] = [
	{
		modes: LIST,
		keys: 'm',
		help: 'group the shown sessions: by model, then sampler, size, mode, day or week',
		footer: {label: 'm groups', priority: 5},
		match: char('m'),
		action: () => ({type: 'groups-open'}),
	},
	{
		modes: ['groups'],
		keys: '↑ ↓ k j',
		help: 'choose a group',
		footer: {label: '↑↓ group', priority: 2},
		match: any(named('upArrow'), named('downArrow'), char('k', 'j')),
		action: (_s, input, key) => ({type: 'groups-move', delta: upward(input, key) ? -1 : 1}),
	},
	{
		modes: ['groups'],
		keys: 'm Tab / M',
		help: 'next / previous grouping (model, sampler, size, mode, day, week)',
		footer: {label: 'm by…', priority: 2},
		match: any(char('m', 'M'), named('tab')),
		action: (_s, input, key) => ({type: 'groups-switch', step: input === 'M' || key.shift ? -1 : 1}),
	},
	{
		modes: ['groups'],
		keys: 'Enter',
		help: 'show the sessions of the group in the list',
		footer: {label: 'Enter show', priority: 1},
		match: named('return'),
		action: () => ({type: 'groups-apply'}),
	},
	{
		modes: ['groups'],
		keys: 'Esc q',
		help: 'back to the list',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q')),
		action: () => ({type: 'back'}),
	},
];
