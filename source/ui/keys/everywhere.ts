/** Keys of every mode, or of the browsing modes: help, quit, interrupt. */
import type {Binding} from './binding.js';
import {LIST} from './binding.js';
import {char, ctrl} from './match.js';

/** Everywhere. */
export const EVERYWHERE_KEYS: readonly Binding[] = [
	{
		modes: ['list', 'details'],
		keys: '?',
		help: 'this help',
		footer: {label: '? help', priority: 1},
		match: char('?'),
		action: () => ({type: 'help-open'}),
	},
	{
		modes: LIST,
		keys: 'q',
		help: 'quit',
		footer: {label: 'q quit', priority: 1},
		match: char('q'),
		action: () => ({type: 'quit'}),
	},
	{
		modes: [
			'list',
			'filter-input',
			'filter-pane',
			'sort-pane',
			'details',
			'help',
			'confirm',
			'tag-input',
			'note-input',
			'command',
			'export',
			'groups',
			'action-confirm',
			'grid',
			'image',
		],
		keys: 'Ctrl-C',
		help: 'cancel a recompute; stop an archive after the current session; otherwise quit',
		match: ctrl('c'),
		action: () => ({type: 'interrupt'}),
	},
];
