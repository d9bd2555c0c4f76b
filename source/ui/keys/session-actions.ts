/** Actions on whole sessions (archive, trash, resume plan), their confirmation, and the export and `:` openers. */
import type {Binding} from './binding.js';
import {BROWSING, page} from './binding.js';
import {any, char, named, upward} from './match.js';

/** Actions on whole sessions: the marked ones, else the filtered view, else the selected one. */
export const SESSION_ACTION_KEYS: readonly Binding[] = [
	{
		modes: BROWSING,
		keys: 'A',
		help: 'archive the marked sessions, else the filtered view, else the selected one (asks)',
		match: char('A'),
		action: () => ({type: 'session-action', action: 'archive'}),
	},
	{
		modes: BROWSING,
		keys: 'D',
		help: 'move the same sessions to the trash instead (asks)',
		match: char('D'),
		action: () => ({type: 'session-action', action: 'trash'}),
	},
	{
		modes: BROWSING,
		keys: 'W',
		help: "write a resume plan of the same sessions' missing images to a JSON file here",
		match: char('W'),
		action: () => ({type: 'resume-plan'}),
	},
	{
		modes: ['action-confirm'],
		keys: 'y Enter',
		help: 'do it',
		footer: {label: 'y do it', priority: 1},
		match: any(char('y'), named('return')),
		action: () => ({type: 'action-go'}),
	},
	{
		modes: ['action-confirm'],
		keys: 'i',
		help: 'plan the running sessions too (they are skipped unless asked)',
		match: char('i'),
		action: () => ({type: 'action-include-running'}),
	},
	{
		modes: ['action-confirm'],
		keys: 'Esc n',
		help: 'do nothing',
		footer: {label: 'Esc cancel', priority: 1},
		match: any(named('escape'), char('n')),
		action: () => ({type: 'back'}),
	},
	{
		modes: ['action-confirm'],
		keys: '↑ ↓ k j',
		help: 'scroll the list of sessions',
		footer: {label: '↑↓ scroll', priority: 2},
		match: any(named('upArrow'), named('downArrow'), char('k', 'j')),
		action: (_s, input, key) => ({type: 'action-scroll', delta: upward(input, key) ? -1 : 1}),
	},
	{
		modes: ['action-confirm'],
		keys: 'PgUp PgDn',
		help: 'scroll a page',
		match: any(named('pageUp'), named('pageDown')),
		action: (state, _i, key) => ({type: 'action-scroll', delta: (key.pageUp ? -1 : 1) * page(state)}),
	},
	{
		modes: BROWSING,
		keys: 'x',
		help: 'export the view (or the marked rows) to a CSV or JSON file here',
		footer: {label: 'x export', priority: 8},
		match: char('x'),
		action: () => ({type: 'export-open'}),
	},
	{
		modes: BROWSING,
		keys: ':',
		help: 'command line: save NAME, load NAME, delete NAME, views, hide COL, show COL, columns, help, q',
		footer: {label: ': command', priority: 8},
		match: char(':'),
		action: () => ({type: 'input-open', purpose: 'command'}),
	},
];
