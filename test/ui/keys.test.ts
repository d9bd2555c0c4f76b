/**
 * The key table on its own: every binding documented, the help and the footer generated from it, no two
 * bindings of one mode answering the same key, and the dispatcher's answers per mode.
 */
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {BINDINGS, MODE_TITLES, dispatchKey, footerHints, helpSections, splitChunk} from '../../source/ui/keys.js';
import {explorerReducer, initialState, reducer} from '../../source/ui/state/reducer.js';
import type {ExplorerState, Mode} from '../../source/ui/state/types.js';
import {FILTER_PANE_ITEMS} from '../../source/ui/model/filter-pane.js';
import {TEST_NOW, sampleSessions} from '../helpers/sessions.js';
import {key} from '../helpers/ink-key.js';

const ALL_MODES: Mode[] = [
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
];

type Input = {label: string; input: string; key: Key};

/** What Ink hands the input hook for the keys a user can press (Esc comes with meta set, as Ink reports it). */
function representativeInputs(): Input[] {
	const inputs: Input[] = [];
	const printable = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /?.-,;:!@#*+=_[]{}';
	for (const c of printable) inputs.push({label: JSON.stringify(c), input: c, key: key({shift: /[A-Z]/.test(c)})});
	for (const c of 'abcdefghijklmnopqrstuvwxyz') inputs.push({label: `Ctrl-${c}`, input: c, key: key({ctrl: true})});
	const named: Array<keyof Key> = [
		'upArrow',
		'downArrow',
		'leftArrow',
		'rightArrow',
		'pageUp',
		'pageDown',
		'home',
		'end',
		'return',
		'tab',
		'backspace',
		'delete',
	];
	for (const name of named) inputs.push({label: name, input: '', key: key({[name]: true})});
	inputs.push({label: 'escape', input: '', key: key({escape: true, meta: true})});
	inputs.push({label: 'Meta-j', input: 'j', key: key({meta: true})});
	return inputs;
}

function loadedState(overrides: Partial<ExplorerState> = {}): ExplorerState {
	const start = initialState({
		viewport: {columns: 100, rows: 30},
		nowMs: TEST_NOW,
		stallWindowMs: 10 * 60_000,
		info: {root: '/results', dbPath: '/db/sessions.db', notice: null, readonly: false},
	});
	const loaded = reducer(start, {type: 'rows-loaded', rows: sampleSessions(), complete: true, nowMs: TEST_NOW});
	return {...loaded, ...overrides};
}

describe('the key table', () => {
	it('has a title for exactly the explorer modes', () => {
		expect(Object.keys(MODE_TITLES).sort()).toEqual([...ALL_MODES].sort());
	});

	it('gives every binding keys, help text and at least one known mode', () => {
		expect(BINDINGS.length).toBeGreaterThan(30);
		for (const binding of BINDINGS) {
			expect(binding.keys.trim(), `binding ${JSON.stringify(binding.help)}`).not.toBe('');
			expect(binding.help.trim(), `binding ${JSON.stringify(binding.keys)}`).not.toBe('');
			expect(binding.modes.length, `${binding.keys}: ${binding.help}`).toBeGreaterThan(0);
			for (const mode of binding.modes) expect(ALL_MODES).toContain(mode);
		}
	});

	it('lists every binding in the help, under each of its modes, and nothing else', () => {
		const sections = helpSections();
		expect(sections.map((s) => s.title).sort()).toEqual(Object.values(MODE_TITLES).sort());
		let expectedRows = 0;
		for (const binding of BINDINGS) {
			for (const mode of binding.modes) {
				expectedRows++;
				const section = sections.find((s) => s.title === MODE_TITLES[mode]);
				expect(section, MODE_TITLES[mode]).toBeDefined();
				expect(section!.rows, `${binding.keys} in ${mode}`).toContainEqual({
					keys: binding.keys,
					help: binding.help,
				});
			}
		}
		expect(sections.reduce((n, s) => n + s.rows.length, 0)).toBe(expectedRows);
	});

	it('has footer hints for every mode, each taken from a binding of that mode', () => {
		for (const mode of ALL_MODES) {
			const hints = footerHints(mode);
			expect(hints.length, mode).toBeGreaterThan(0);
			for (const hint of hints) {
				expect(
					BINDINGS.some((b) => b.modes.includes(mode) && b.footer?.label === hint),
					`${mode}: ${hint}`,
				).toBe(true);
			}
		}
	});

	it('orders footer hints by priority, most important first', () => {
		for (const mode of ALL_MODES) {
			const priorities = footerHints(mode).map(
				(label) => BINDINGS.find((b) => b.modes.includes(mode) && b.footer?.label === label)!.footer!.priority,
			);
			expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
		}
	});

	it('never has two bindings of one mode answer the same key', () => {
		const conflicts: string[] = [];
		for (const mode of ALL_MODES) {
			for (const {label, input, key: k} of representativeInputs()) {
				const matching = BINDINGS.filter((b) => b.modes.includes(mode) && b.match(input, k));
				if (matching.length > 1) conflicts.push(`${mode} ${label}: ${matching.map((b) => b.help).join(' | ')}`);
			}
		}
		expect(conflicts).toEqual([]);
	});

	it('binds Ctrl-C in every mode', () => {
		for (const mode of ALL_MODES) {
			const state = loadedState({mode});
			expect(dispatchKey(state, 'c', key({ctrl: true})), mode).toEqual({type: 'interrupt'});
		}
	});
});

describe('the dispatcher', () => {
	const list = (): ExplorerState => loadedState();

	it('moves in the list with arrows, j/k, pages, half pages and the edges', () => {
		const s = list();
		expect(dispatchKey(s, '', key({downArrow: true}))).toEqual({type: 'move', delta: 1});
		expect(dispatchKey(s, 'j', key())).toEqual({type: 'move', delta: 1});
		expect(dispatchKey(s, '', key({upArrow: true}))).toEqual({type: 'move', delta: -1});
		expect(dispatchKey(s, 'k', key())).toEqual({type: 'move', delta: -1});
		expect(dispatchKey(s, '', key({pageDown: true}))).toEqual({type: 'move-page', direction: 1, half: false});
		expect(dispatchKey(s, '', key({pageUp: true}))).toEqual({type: 'move-page', direction: -1, half: false});
		expect(dispatchKey(s, 'd', key({ctrl: true}))).toEqual({type: 'move-page', direction: 1, half: true});
		expect(dispatchKey(s, 'u', key({ctrl: true}))).toEqual({type: 'move-page', direction: -1, half: true});
		expect(dispatchKey(s, '', key({home: true}))).toEqual({type: 'move-edge', edge: 'top'});
		expect(dispatchKey(s, 'g', key())).toEqual({type: 'move-edge', edge: 'top'});
		expect(dispatchKey(s, '', key({end: true}))).toEqual({type: 'move-edge', edge: 'bottom'});
		expect(dispatchKey(s, 'G', key({shift: true}))).toEqual({type: 'move-edge', edge: 'bottom'});
	});

	it('maps the list commands', () => {
		const s = list();
		expect(dispatchKey(s, '', key({return: true}))).toEqual({type: 'open-details'});
		expect(dispatchKey(s, '', key({escape: true, meta: true}))).toEqual({type: 'back'});
		expect(dispatchKey(s, 'q', key())).toEqual({type: 'quit'});
		expect(dispatchKey(s, '/', key())).toEqual({type: 'filter-input-open'});
		expect(dispatchKey(s, 'f', key())).toEqual({type: 'filter-pane-open'});
		expect(dispatchKey(s, 's', key())).toEqual({type: 'sort-pane-open'});
		expect(dispatchKey(s, 'i', key())).toEqual({type: 'toggle-incomplete'});
		expect(dispatchKey(s, 'n', key())).toEqual({type: 'jump-incomplete', direction: 1});
		expect(dispatchKey(s, 'N', key({shift: true}))).toEqual({type: 'jump-incomplete', direction: -1});
		expect(dispatchKey(s, ' ', key())).toEqual({type: 'mark-toggle'});
		expect(dispatchKey(s, 'a', key())).toEqual({type: 'mark-all'});
		expect(dispatchKey(s, 'u', key())).toEqual({type: 'mark-clear'});
		expect(dispatchKey(s, 'r', key())).toEqual({type: 'recompute-selection'});
		expect(dispatchKey(s, 'R', key({shift: true}))).toEqual({type: 'confirm-open'});
		expect(dispatchKey(s, '?', key())).toEqual({type: 'help-open'});
		// Letters that mean nothing in the list do nothing.
		expect(dispatchKey(s, 'z', key())).toBeNull();
		expect(dispatchKey(s, 'x', key({ctrl: true}))).toBeNull();
	});

	it('treats every printable key in the filter input as text, never as a command', () => {
		const s = list();
		const typing = {...s, mode: 'filter-input' as const};
		for (const c of ['j', 'k', 'q', '/', '?', 'g', 'G', 'n', 'r', 'R', 'a', 'u', 'i', 'f', 's', ' ', '1']) {
			expect(dispatchKey(typing, c, key({shift: /[A-Z]/.test(c)})), c).toEqual({
				type: 'filter-input-type',
				text: c,
			});
		}
		expect(dispatchKey(typing, 'red fox', key())).toEqual({type: 'filter-input-type', text: 'red fox'});
	});

	it('deletes with both Backspace encodings, clears or closes with Esc, moves with Ctrl-N Ctrl-P while typing', () => {
		const typing = {...list(), mode: 'filter-input' as const};
		// 0x7F arrives as `delete`, 0x08 as `backspace`.
		expect(dispatchKey(typing, '', key({delete: true}))).toEqual({type: 'filter-input-delete'});
		expect(dispatchKey(typing, '', key({backspace: true}))).toEqual({type: 'filter-input-delete'});
		expect(dispatchKey(typing, '', key({escape: true, meta: true}))).toEqual({type: 'filter-input-escape'});
		expect(dispatchKey(typing, '', key({return: true}))).toEqual({type: 'filter-input-submit'});
		// ↑ ↓ recall earlier filters (issue 11 item 7); Ctrl-N Ctrl-P move in the list while typing.
		expect(dispatchKey(typing, 'n', key({ctrl: true}))).toEqual({type: 'move', delta: 1});
		expect(dispatchKey(typing, 'p', key({ctrl: true}))).toEqual({type: 'move', delta: -1});
		expect(dispatchKey(typing, '', key({upArrow: true}))).toEqual({type: 'filter-input-history', step: -1});
		expect(dispatchKey(typing, '', key({downArrow: true}))).toEqual({type: 'filter-input-history', step: 1});
		// Control characters are never typed into the filter.
		expect(dispatchKey(typing, '\u0007', key())).toBeNull();
	});

	it('scrolls in details and help, and goes back with Esc and q (q does not quit there)', () => {
		for (const mode of ['details', 'help'] as const) {
			const s = {...list(), mode};
			expect(dispatchKey(s, 'j', key()), mode).toEqual({type: 'scroll', delta: 1});
			expect(dispatchKey(s, '', key({upArrow: true})), mode).toEqual({type: 'scroll', delta: -1});
			expect(dispatchKey(s, '', key({home: true})), mode).toEqual({type: 'scroll-edge', edge: 'top'});
			expect(dispatchKey(s, 'G', key({shift: true})), mode).toEqual({type: 'scroll-edge', edge: 'bottom'});
			const page = dispatchKey(s, '', key({pageDown: true}));
			expect(page?.type).toBe('scroll');
			expect(page && page.type === 'scroll' ? page.delta : 0).toBeGreaterThan(1);
			expect(dispatchKey(s, '', key({escape: true, meta: true})), mode).toEqual({type: 'back'});
			expect(dispatchKey(s, 'q', key()), mode).toEqual({type: 'back'});
		}
		expect(dispatchKey({...list(), mode: 'help'}, '?', key())).toEqual({type: 'back'});
		expect(dispatchKey({...list(), mode: 'details'}, '', key({return: true}))).toEqual({type: 'back'});
	});

	it('answers s, a and Esc in the recompute question, and nothing else', () => {
		const s = {...list(), mode: 'confirm' as const};
		expect(dispatchKey(s, 's', key())).toEqual({type: 'confirm-choose', scope: 'stale'});
		expect(dispatchKey(s, 'a', key())).toEqual({type: 'confirm-choose', scope: 'all'});
		expect(dispatchKey(s, '', key({escape: true, meta: true}))).toEqual({type: 'back'});
		expect(dispatchKey(s, 'q', key())).toBeNull();
		expect(dispatchKey(s, 'j', key())).toBeNull();
	});

	it('chooses a column and a direction in the sort pane', () => {
		const s = reducer(list(), {type: 'sort-pane-open'});
		expect(dispatchKey(s, '', key({downArrow: true}))).toEqual({type: 'sort-pane-move', delta: 1});
		expect(dispatchKey(s, 'k', key())).toEqual({type: 'sort-pane-move', delta: -1});
		expect(dispatchKey(s, '', key({leftArrow: true}))).toEqual({type: 'sort-pane-direction', direction: 'asc'});
		expect(dispatchKey(s, '', key({rightArrow: true}))).toEqual({type: 'sort-pane-direction', direction: 'desc'});
		expect(dispatchKey(s, '', key({return: true}))).toEqual({type: 'sort-pane-apply'});
		expect(dispatchKey(s, '', key({escape: true, meta: true}))).toEqual({type: 'back'});
		expect(dispatchKey(s, 'q', key())).toBeNull();
	});

	it('types digits only into the filter pane fields that take them', () => {
		const pane = reducer(list(), {type: 'filter-pane-open'});
		const numberIndex = FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'number');
		const dateIndex = FILTER_PANE_ITEMS.findIndex((i) => i.kind === 'date');
		const at = (focus: number): ExplorerState => ({...pane, filterPane: {...pane.filterPane!, focus}});
		expect(dispatchKey(at(0), '5', key())).toBeNull();
		expect(dispatchKey(at(numberIndex), '5', key())).toEqual({type: 'filter-pane-type', text: '5'});
		expect(dispatchKey(at(dateIndex), '2', key())).toEqual({type: 'filter-pane-type', text: '2'});
		expect(dispatchKey(at(0), ' ', key())).toEqual({type: 'filter-pane-toggle'});
		expect(dispatchKey(at(0), '', key({rightArrow: true}))).toEqual({type: 'filter-pane-cycle', delta: 1});
		expect(dispatchKey(at(0), '', key({leftArrow: true}))).toEqual({type: 'filter-pane-cycle', delta: -1});
		expect(dispatchKey(at(0), '', key({downArrow: true}))).toEqual({type: 'filter-pane-move', delta: 1});
		expect(dispatchKey(at(0), '', key({return: true}))).toEqual({type: 'filter-pane-apply'});
		expect(dispatchKey(at(numberIndex), '', key({delete: true}))).toEqual({type: 'filter-pane-delete'});
		expect(dispatchKey(at(numberIndex), '', key({backspace: true}))).toEqual({type: 'filter-pane-delete'});
		// The pane's letters are not commands of the list.
		expect(dispatchKey(at(0), 'q', key())).toBeNull();
	});

	it('is what the reducer runs for a key action', () => {
		const s = list();
		const moved = explorerReducer(s, {type: 'key', input: 'j', key: key()});
		expect(moved.cursorIndex).toBe(1);
		expect(moved.cursorId).toBe(s.shown[1]!.id);
		const typing = explorerReducer(explorerReducer(s, {type: 'key', input: '/', key: key()}), {
			type: 'key',
			input: 'q',
			key: key(),
		});
		expect(typing.mode).toBe('filter-input');
		expect(typing.filter.text).toBe('q');
		expect(typing.quitting).toBe(false);
	});
});

describe('keys arriving in one chunk', () => {
	const split = (input: string, textInput: boolean) =>
		splitChunk(input, key(), textInput).map((k) => [
			k.input,
			Object.entries(k.key)
				.filter(([, on]) => on === true)
				.map(([name]) => name),
		]);

	it('outside text inputs: each character is the key Ink reports for it read alone', () => {
		expect(split('j\r\t\u007F\b\u0003 ', false)).toEqual([
			['j', []],
			['\r', ['return']],
			['\t', ['tab']],
			['\u007F', ['delete']],
			['\b', ['backspace']],
			['c', ['ctrl']],
			[' ', []],
		]);
	});

	it('in a text input: the text stays whole, control characters and all, and only Enters at its end are keys', () => {
		expect(split('city\r', true)).toEqual([
			['city', []],
			['\r', ['return']],
		]);
		expect(split('\r\r', true)).toEqual([
			['\r', ['return']],
			['\r', ['return']],
		]);
		expect(split('a\rb\u0003z', true)).toEqual([['a\rb\u0003z', []]]);
	});

	it('in a text input: each editing key of the chunk is applied in turn, the text between stays whole (regression: two Backspaces in one chunk were ignored, issue 11 item 7)', () => {
		expect(split('\u007F\u007F', true)).toEqual([
			['\u007F', ['delete']],
			['\u007F', ['delete']],
		]);
		expect(split('ab\bc d\u0017e\u0015\r', true)).toEqual([
			['ab', []],
			['\b', ['backspace']],
			['c d', []],
			['w', ['ctrl']],
			['e', []],
			['u', ['ctrl']],
			['\r', ['return']],
		]);
		expect(split('\u0001x\u0005', true)).toEqual([
			['a', ['ctrl']],
			['x', []],
			['e', ['ctrl']],
		]);
	});
});
