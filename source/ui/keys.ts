/**
 * The key table: every binding of every mode, in one place. The dispatcher walks it, the help screen and the
 * footer are generated from it, so a key cannot work without being documented, or be documented without
 * working. Each row decides its action itself (it is handed the key, so `PgUp PgDn` is one row); typed text in
 * the filter, tag, note and command inputs is the only input handled outside the table.
 */
import type {Key} from 'ink';
import {FILTER_PANE_ITEMS} from './model/filter-pane.js';
import {screenOf} from './state/screen.js';
import type {LineEdit} from './model/line-editor.js';
import type {Action, ExplorerState, Mode} from './state/types.js';

type Matcher = (input: string, key: Key) => boolean;

export type Binding = {
	modes: readonly Mode[];
	/** How the keys are written in help, e.g. `↑ k`. */
	keys: string;
	help: string;
	/** A short footer hint; lower priority numbers stay longest as the terminal narrows. */
	footer?: {label: string; priority: number};
	match: Matcher;
	/** What the key does here; the key itself is passed in, so a row such as `PgUp PgDn` decides its direction. */
	action: (state: ExplorerState, input: string, key: Key) => Action | null;
};

const char =
	(...chars: string[]): Matcher =>
	(input, key) =>
		!key.ctrl && !key.meta && chars.includes(input);
const ctrl =
	(letter: string): Matcher =>
	(input, key) =>
		key.ctrl && input === letter;
const named =
	(
		name:
			| 'upArrow'
			| 'downArrow'
			| 'leftArrow'
			| 'rightArrow'
			| 'pageUp'
			| 'pageDown'
			| 'home'
			| 'end'
			| 'return'
			| 'escape'
			| 'tab',
	): Matcher =>
	(_input, key) =>
		key[name] === true;
const any =
	(...matchers: Matcher[]): Matcher =>
	(input, key) =>
		matchers.some((m) => m(input, key));
/**
 * Ink 6 reports the Backspace key (0x7F) as `delete` and Ctrl-H (0x08) as `backspace`: both delete backwards.
 * It reports the Delete key (ESC [3~) as `delete` too; the app tells it apart by its raw sequence and hands it
 * over with FORWARD_DELETE as the input (see hooks/use-raw-sequence.ts).
 */
export const FORWARD_DELETE = '\u001B[3~';
const backspace: Matcher = (input, key) => (key.backspace || key.delete) && input !== FORWARD_DELETE;
const forwardDelete: Matcher = (input, key) => key.delete && input === FORWARD_DELETE;

const LIST: readonly Mode[] = ['list'];
const SCROLLABLE: readonly Mode[] = ['details', 'help'];
const BROWSING: readonly Mode[] = ['list', 'details'];
const INPUTS: readonly Mode[] = ['tag-input', 'note-input', 'command'];
/** Every one-line text input: the `/` filter and the tag, note and command lines share the editing keys. */
const TEXT_INPUTS: readonly Mode[] = ['filter-input', ...INPUTS];
/** The inputs with a history (↑ ↓). */
const HISTORY_INPUTS: readonly Mode[] = ['filter-input', 'command'];

/** An editing key, for the `/` filter or the other inputs. */
const edit = (state: ExplorerState, what: LineEdit): Action =>
	state.mode === 'filter-input' ? {type: 'filter-input-edit', edit: what} : {type: 'input-edit', edit: what};

/** ↑ or k: up (the rows that take both directions decide by the key). */
const upward = (input: string, key: Key): boolean => key.upArrow || input === 'k';

/** The characters a number or date field of the filter pane takes. */
const typedField: Matcher = (input, key) => !key.ctrl && !key.meta && /^[0-9.-]$/.test(input);

/** Whether the filter pane's focused row is a typed field (a completion bound or a date). */
function typesInField(state: ExplorerState): boolean {
	const item = state.filterPane ? FILTER_PANE_ITEMS[state.filterPane.focus] : undefined;
	return item?.kind === 'number' || item?.kind === 'date';
}

const page = (state: ExplorerState): number => {
	const screen = screenOf(state);
	return screen.kind === 'normal' ? Math.max(1, screen.bodyHeight - 1) : 1;
};

export const BINDINGS: readonly Binding[] = [
	// --- the list -------------------------------------------------------------------------------------------------
	{
		modes: LIST,
		keys: '↑ k',
		help: 'move up',
		match: any(named('upArrow'), char('k')),
		action: () => ({type: 'move', delta: -1}),
	},
	{
		modes: LIST,
		keys: '↓ j',
		help: 'move down',
		footer: {label: '↑↓ move', priority: 6},
		match: any(named('downArrow'), char('j')),
		action: () => ({type: 'move', delta: 1}),
	},
	{
		modes: LIST,
		keys: 'PgUp PgDn',
		help: 'previous / next page',
		match: any(named('pageUp'), named('pageDown')),
		action: (_s, _i, key) => ({type: 'move-page', direction: key.pageUp ? -1 : 1, half: false}),
	},
	{
		modes: LIST,
		keys: 'Ctrl-U Ctrl-D',
		help: 'half a page up / down',
		match: any(ctrl('u'), ctrl('d')),
		action: (_s, input) => ({type: 'move-page', direction: input === 'u' ? -1 : 1, half: true}),
	},
	{
		modes: LIST,
		keys: 'Home g',
		help: 'first session',
		match: any(named('home'), char('g')),
		action: () => ({type: 'move-edge', edge: 'top'}),
	},
	{
		modes: LIST,
		keys: 'End G',
		help: 'last session',
		match: any(named('end'), char('G')),
		action: () => ({type: 'move-edge', edge: 'bottom'}),
	},
	{
		modes: LIST,
		keys: 'Enter',
		help: 'details of the session',
		footer: {label: 'Enter details', priority: 2},
		match: named('return'),
		action: () => ({type: 'open-details'}),
	},
	{
		modes: LIST,
		keys: '/',
		help: 'filter by text (name, model, prompt)',
		footer: {label: '/ filter', priority: 1},
		match: char('/'),
		action: () => ({type: 'filter-input-open'}),
	},
	{
		modes: LIST,
		keys: 'f',
		help: 'filter pane: states, model, mode, sweep, completion, dates',
		footer: {label: 'f filters', priority: 4},
		match: char('f'),
		action: () => ({type: 'filter-pane-open'}),
	},
	{
		modes: LIST,
		keys: 's',
		help: 'sort pane: any column, ascending or descending',
		footer: {label: 's sort', priority: 4},
		match: char('s'),
		action: () => ({type: 'sort-pane-open'}),
	},
	{
		modes: LIST,
		keys: 'i',
		help: 'incomplete only, lowest completion first (again: all)',
		footer: {label: 'i incomplete', priority: 2},
		match: char('i'),
		action: () => ({type: 'toggle-incomplete'}),
	},
	{
		modes: LIST,
		keys: 'n',
		help: 'next incomplete session',
		match: char('n'),
		action: () => ({type: 'jump-incomplete', direction: 1}),
	},
	{
		modes: LIST,
		keys: 'N',
		help: 'previous incomplete session',
		match: char('N'),
		action: () => ({type: 'jump-incomplete', direction: -1}),
	},
	{
		modes: LIST,
		keys: 'Space',
		help: 'mark the session and move down',
		footer: {label: 'Space mark', priority: 7},
		match: char(' '),
		action: () => ({type: 'mark-toggle'}),
	},
	{modes: LIST, keys: 'a', help: 'mark every shown session', match: char('a'), action: () => ({type: 'mark-all'})},
	{modes: LIST, keys: 'u', help: 'clear the marks', match: char('u'), action: () => ({type: 'mark-clear'})},
	{
		modes: BROWSING,
		keys: 'r',
		help: 'recompute the marked sessions, or the selected one',
		footer: {label: 'r recompute', priority: 3},
		match: char('r'),
		action: () => ({type: 'recompute-selection'}),
	},
	{
		modes: BROWSING,
		keys: 'R',
		help: 'recompute the stale sessions, or all (asks)',
		footer: {label: 'R stale/all', priority: 5},
		match: char('R'),
		action: () => ({type: 'confirm-open'}),
	},
	{
		modes: LIST,
		keys: 'Esc',
		help: 'cancel a recompute or stop an archive; clear the text filter; leave incomplete-only',
		match: named('escape'),
		action: () => ({type: 'back'}),
	},

	// --- typing a text filter ------------------------------------------------------------------------------------
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

	// --- editing in every text input (/, tag, note, :) ------------------------------------------------------------
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

	// --- details and help ----------------------------------------------------------------------------------------
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

	// --- sort pane -----------------------------------------------------------------------------------------------
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

	// --- filter pane ---------------------------------------------------------------------------------------------
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

	// --- confirm -------------------------------------------------------------------------------------------------
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

	// --- roll-ups -----------------------------------------------------------------------------------------------------
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

	// --- triage (the web UI's session_metadata) -------------------------------------------------------------------
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

	// --- actions on whole sessions: the marked ones, else the filtered view, else the selected one -----------------
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

	// --- typed inputs (tag, note, command) --------------------------------------------------------------------------
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

	// --- export ----------------------------------------------------------------------------------------------------
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

	// --- pictures: the contact sheet in details, the combination grid, one image full screen ---------------------
	{
		modes: ['details'],
		keys: '← →',
		help: 'choose an image of the contact sheet',
		match: any(named('leftArrow'), named('rightArrow')),
		action: (_s, _i, key) => ({type: 'sheet-focus', delta: key.leftArrow ? -1 : 1}),
	},
	{
		modes: ['details'],
		keys: 'o',
		help: 'the chosen image full screen',
		footer: {label: 'o image', priority: 2},
		match: char('o'),
		action: () => ({type: 'image-open'}),
	},
	{
		modes: ['details'],
		keys: 'v',
		help: 'the combination grid: an image per combination, holes where one is missing',
		footer: {label: 'v grid', priority: 2},
		match: char('v'),
		action: () => ({type: 'grid-open'}),
	},
	{
		modes: ['grid'],
		keys: '← → ↑ ↓ h l k j',
		help: 'move between cells',
		footer: {label: '←→↑↓ move', priority: 2},
		match: any(
			named('leftArrow'),
			named('rightArrow'),
			named('upArrow'),
			named('downArrow'),
			char('h', 'l', 'k', 'j'),
		),
		action: (_s, input, key) => ({
			type: 'grid-move',
			dx: key.leftArrow || input === 'h' ? -1 : key.rightArrow || input === 'l' ? 1 : 0,
			dy: upward(input, key) ? -1 : key.downArrow || input === 'j' ? 1 : 0,
		}),
	},
	{
		modes: ['grid'],
		keys: 'a A',
		help: 'next / previous pair of placeholders on the axes',
		footer: {label: 'a axes', priority: 2},
		match: char('a', 'A'),
		action: (_s, input) => ({type: 'grid-axes', step: input === 'A' ? -1 : 1}),
	},
	{
		modes: ['grid'],
		keys: 'PgDn PgUp ] [',
		help: "next / previous page: the other placeholders' values and seeds",
		footer: {label: '[] page', priority: 3},
		match: any(named('pageDown'), named('pageUp'), char(']', '[')),
		action: (_s, input, key) => ({type: 'grid-page', delta: key.pageUp || input === '[' ? -1 : 1}),
	},
	{
		modes: ['grid'],
		keys: 'o Enter',
		help: "the cell's image full screen",
		footer: {label: 'o image', priority: 2},
		match: any(char('o'), named('return')),
		action: () => ({type: 'image-open'}),
	},
	{
		modes: ['grid'],
		keys: 'Esc q',
		help: 'back to the details',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q')),
		action: () => ({type: 'back'}),
	},
	{
		modes: ['image'],
		keys: '← → h l',
		help: 'previous / next image of the session',
		footer: {label: '←→ image', priority: 2},
		match: any(named('leftArrow'), named('rightArrow'), char('h', 'l')),
		action: (_s, input, key) => ({type: 'image-step', delta: key.leftArrow || input === 'h' ? -1 : 1}),
	},
	{
		modes: ['image'],
		keys: 'Esc q',
		help: 'back to the sheet or the grid',
		footer: {label: 'Esc back', priority: 1},
		match: any(named('escape'), char('q')),
		action: () => ({type: 'back'}),
	},

	// --- everywhere ----------------------------------------------------------------------------------------------
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

/** Printable text (no control characters), as typed or pasted. */
function printable(input: string, key: Key): string | null {
	if (key.ctrl || key.meta || key.return || key.escape || key.tab || input === '') return null;
	const text = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
	return text === '' ? null : text;
}

/**
 * The key Ink reports for one character read on its own (see Ink's parse-keypress): Enter, Tab, Backspace,
 * Delete, Ctrl with a letter, or plain text.
 */
function keyOfCharacter(char: string, chunkKey: Key): {input: string; key: Key} {
	const plain: Key = {...chunkKey, return: false, tab: false, backspace: false, delete: false, ctrl: false};
	if (char === '\r') return {input: char, key: {...plain, return: true}};
	if (char === '\t') return {input: char, key: {...plain, tab: true}};
	if (char === '\b') return {input: char, key: {...plain, backspace: true}};
	if (char === '\u007F') return {input: char, key: {...plain, delete: true}};
	if (char !== '\n' && char >= '\u0001' && char <= '\u001A')
		return {input: String.fromCharCode(char.charCodeAt(0) + 96), key: {...plain, ctrl: true}};
	return {input: char, key: plain};
}

/** Editing keys that arrive inside typed text (a held Backspace over SSH): Backspace, Ctrl-H, Ctrl-A/E/U/W. */
const EDITING_CONTROLS = new Set(['\u007F', '\b', '\u0001', '\u0005', '\u0015', '\u0017']);

/**
 * Keys typed quickly, or over a slow link, arrive in one chunk, which Ink hands over as one string without key
 * flags (it parses only escape sequences apart). Outside text inputs each character is a key of its own, as if
 * read alone. In a text input the runs of text between editing keys stay whole (a paste is one insertion) and
 * each editing key (Backspace, Ctrl-H, Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-W) is applied in turn, as Ink 7 splits out
 * backspace bytes; other control characters are dropped, never obeyed, except Enters at the chunk's end: text
 * typed and submitted faster than the terminal reads.
 */
export function splitChunk(input: string, key: Key, textInput: boolean): Array<{input: string; key: Key}> {
	const chars = [...input];
	if (!textInput) return chars.map((char) => keyOfCharacter(char, key));
	let end = chars.length;
	while (end > 0 && chars[end - 1] === '\r') end--;
	const keys: Array<{input: string; key: Key}> = [];
	let run = '';
	for (const char of chars.slice(0, end)) {
		if (!EDITING_CONTROLS.has(char)) {
			run += char;
			continue;
		}
		if (run !== '') keys.push({input: run, key});
		run = '';
		keys.push(keyOfCharacter(char, key));
	}
	if (run !== '') keys.push({input: run, key});
	for (let i = end; i < chars.length; i++) keys.push(keyOfCharacter('\r', key));
	return keys;
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
