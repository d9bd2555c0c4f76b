/** Scrolling the details and the help, and leaving them. */
import type {Binding} from './binding.js';
import {SCROLLABLE, page} from './binding.js';
import {any, char, named} from './match.js';

/** Details and help. */
export const DETAILS_HELP_KEYS: readonly Binding[] = [
	{
		modes: SCROLLABLE,
		keys: '↑ k',
		help: 'scroll up',
		match: any(named('upArrow'), char('k')),
		action: () => ({type: 'scroll', delta: -1}),
	},
	{
		modes: SCROLLABLE,
		keys: '↓ j',
		help: 'scroll down',
		footer: {label: '↑↓ scroll', priority: 3},
		match: any(named('downArrow'), char('j')),
		action: () => ({type: 'scroll', delta: 1}),
	},
	{
		modes: SCROLLABLE,
		keys: 'PgUp PgDn',
		help: 'scroll a page',
		match: any(named('pageUp'), named('pageDown')),
		action: (state, _i, key) => ({type: 'scroll', delta: (key.pageUp ? -1 : 1) * page(state)}),
	},
	{
		modes: SCROLLABLE,
		keys: 'Home g / End G',
		help: 'top / bottom',
		match: any(named('home'), char('g'), named('end'), char('G')),
		action: (_s, input, key) => ({type: 'scroll-edge', edge: key.home || input === 'g' ? 'top' : 'bottom'}),
	},
	{
		modes: ['details'],
		keys: 'Esc q Enter',
		help: 'back to the list (cursor and scroll as they were)',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q'), named('return')),
		action: () => ({type: 'back'}),
	},
	{
		modes: ['help'],
		keys: 'Tab n',
		help: 'next section',
		footer: {label: 'Tab section', priority: 2},
		match: (input, key) => (key.tab && !key.shift) || char('n')(input, key),
		action: () => ({type: 'help-section', step: 1}),
	},
	{
		modes: ['help'],
		keys: 'Shift-Tab N',
		help: 'previous section',
		match: (input, key) => (key.tab && key.shift) || char('N')(input, key),
		action: () => ({type: 'help-section', step: -1}),
	},
	{
		modes: ['help'],
		keys: 'Esc q ?',
		help: 'close the help',
		footer: {label: 'Esc close', priority: 1},
		match: any(named('escape'), char('q'), char('?')),
		action: () => ({type: 'back'}),
	},
];
