/** Triage (the web UI's session_metadata) and exports. */
import type {Binding} from './binding.js';
import {BROWSING} from './binding.js';
import {any, char, named} from './match.js';

/** Triage (the web UI's session_metadata). */
export const TRIAGE_KEYS: readonly Binding[] = [
	{
		modes: BROWSING,
		keys: '*',
		help: 'favourite on/off (the marked sessions, or the selected one)',
		footer: {label: '* fav', priority: 6},
		match: char('*'),
		action: () => ({type: 'triage', intent: {kind: 'toggle', flag: 'favorite'}}),
	},
	{
		modes: BROWSING,
		keys: 'T',
		help: 'test flag on/off',
		match: char('T'),
		action: () => ({type: 'triage', intent: {kind: 'toggle', flag: 'test'}}),
	},
	{
		modes: BROWSING,
		keys: 'C',
		help: 'complete flag on/off',
		match: char('C'),
		action: () => ({type: 'triage', intent: {kind: 'toggle', flag: 'complete'}}),
	},
	{
		modes: BROWSING,
		keys: '+',
		help: 'rate like',
		match: char('+'),
		action: () => ({type: 'triage', intent: {kind: 'rating', value: 'like'}}),
	},
	{
		modes: BROWSING,
		keys: '-',
		help: 'rate dislike',
		match: char('-'),
		action: () => ({type: 'triage', intent: {kind: 'rating', value: 'dislike'}}),
	},
	{
		modes: BROWSING,
		keys: '=',
		help: 'clear the rating',
		match: char('='),
		action: () => ({type: 'triage', intent: {kind: 'rating', value: null}}),
	},
	{
		modes: BROWSING,
		keys: 't',
		help: 'add a tag, or remove it when every target has it (Tab completes)',
		footer: {label: 't tag', priority: 7},
		match: char('t'),
		action: () => ({type: 'input-open', purpose: 'tag-input'}),
	},
	{
		modes: BROWSING,
		keys: 'e',
		help: 'edit the note (empty clears it)',
		match: char('e'),
		action: () => ({type: 'input-open', purpose: 'note-input'}),
	},
	{
		modes: BROWSING,
		keys: 'U',
		help: 'undo the last thing done here: an archive, a trash or a triage change',
		match: char('U'),
		action: () => ({type: 'undo'}),
	},
];

/** Export. */
export const EXPORT_KEYS: readonly Binding[] = [
	{
		modes: ['export'],
		keys: 'c',
		help: 'write a CSV file',
		footer: {label: 'c CSV', priority: 1},
		match: char('c'),
		action: () => ({type: 'export-choose', format: 'csv'}),
	},
	{
		modes: ['export'],
		keys: 'j',
		help: 'write a JSON file',
		footer: {label: 'j JSON', priority: 1},
		match: char('j'),
		action: () => ({type: 'export-choose', format: 'json'}),
	},
	{
		modes: ['export'],
		keys: 'Esc n',
		help: 'do nothing',
		footer: {label: 'Esc cancel', priority: 1},
		match: any(named('escape'), char('n')),
		action: () => ({type: 'back'}),
	},
];
