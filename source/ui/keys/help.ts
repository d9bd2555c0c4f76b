/** The help screen and the footer, generated from the key table. */
import type {Mode} from '../state/types.js';
import {BINDINGS} from './table.js';

export const MODE_TITLES: Record<Mode, string> = {
	list: 'List',
	'filter-input': 'Typing a filter (/)',
	'filter-pane': 'Filter pane (f)',
	'sort-pane': 'Sort pane (s)',
	details: 'Details (Enter)',
	help: 'Help (?)',
	confirm: 'Recompute what? (R)',
	'tag-input': 'Tag (t)',
	'note-input': 'Note (e)',
	command: 'Command line (:)',
	export: 'Export (x)',
	groups: 'Groups (m)',
	'action-confirm': 'Archive or trash? (A, D)',
	grid: 'Combination grid (v in details)',
	image: 'One image (o in details or the grid)',
};

/** Help lines per mode, generated from the table. */
export function helpSections(): Array<{title: string; mode: Mode; rows: Array<{keys: string; help: string}>}> {
	const modes = Object.keys(MODE_TITLES) as Mode[];
	return modes.map((mode) => ({
		title: MODE_TITLES[mode],
		mode,
		rows: BINDINGS.filter((b) => b.modes.includes(mode)).map((b) => ({keys: b.keys, help: b.help})),
	}));
}

/** Footer hints for the mode, most important first. */
export function footerHints(mode: Mode): string[] {
	return BINDINGS.filter((b) => b.modes.includes(mode) && b.footer)
		.sort((a, b) => a.footer!.priority - b.footer!.priority)
		.map((b) => b.footer!.label);
}
