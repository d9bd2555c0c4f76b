/** Answering `R`: recompute the stale sessions, or all. */
import type {Binding} from './binding.js';
import {any, char, named} from './match.js';

/** Confirm. */
export const CONFIRM_KEYS: readonly Binding[] = [
	{
		modes: ['confirm'],
		keys: 's',
		help: 'recompute the stale and new sessions',
		footer: {label: 's stale', priority: 1},
		match: char('s'),
		action: () => ({type: 'confirm-choose', scope: 'stale'}),
	},
	{
		modes: ['confirm'],
		keys: 'a',
		help: 'recompute every session',
		footer: {label: 'a all', priority: 1},
		match: char('a'),
		action: () => ({type: 'confirm-choose', scope: 'all'}),
	},
	{
		modes: ['confirm'],
		keys: 'Esc n',
		help: 'do nothing',
		footer: {label: 'Esc cancel', priority: 1},
		match: any(named('escape'), char('n')),
		action: () => ({type: 'back'}),
	},
];
