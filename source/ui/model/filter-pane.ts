/** The rows of the filter pane and how each edits the filter. Pure: the reducer and the view both use it. */
import {SESSION_STATES, type SessionState} from '../../core/types.js';
import type {Filter, Tristate} from './filter.js';
import {STATE_SYMBOL, STATE_WORD} from './columns.js';

export type FilterPaneItem =
	| {kind: 'incomplete'; label: string}
	| {kind: 'state'; state: SessionState; label: string}
	| {kind: 'choice'; field: 'model' | 'mode'; label: string}
	| {kind: 'sweep'; label: string}
	| {kind: 'number'; field: 'completionMin' | 'completionMax'; label: string}
	| {kind: 'date'; field: 'createdFrom' | 'createdTo'; label: string}
	| {kind: 'clear'; label: string};

export const FILTER_PANE_ITEMS: readonly FilterPaneItem[] = [
	{kind: 'incomplete', label: 'incomplete only (i)'},
	...SESSION_STATES.map((state): FilterPaneItem => ({kind: 'state', state, label: `${STATE_SYMBOL[state]} ${STATE_WORD[state]}`})),
	{kind: 'choice', field: 'model', label: 'model'},
	{kind: 'choice', field: 'mode', label: 'mode'},
	{kind: 'sweep', label: 'seed sweep'},
	{kind: 'number', field: 'completionMin', label: 'completion ≥'},
	{kind: 'number', field: 'completionMax', label: 'completion ≤'},
	{kind: 'date', field: 'createdFrom', label: 'created from'},
	{kind: 'date', field: 'createdTo', label: 'created to'},
	{kind: 'clear', label: 'clear all filters'},
];

const SWEEP_CYCLE: Tristate[] = ['any', 'yes', 'no'];

/** Space/Enter on an item. */
export function toggleItem(filter: Filter, item: FilterPaneItem): Filter {
	switch (item.kind) {
		case 'incomplete':
			return {...filter, incompleteOnly: !filter.incompleteOnly};
		case 'state': {
			const states = new Set(filter.states);
			if (states.has(item.state)) states.delete(item.state);
			else states.add(item.state);
			return {...filter, states};
		}
		case 'sweep':
			return cycleItem(filter, item, 1, []);
		case 'clear':
			return {...filter, text: '', states: new Set(), model: null, mode: null, sweep: 'any', completionMin: null, completionMax: null, createdFrom: null, createdTo: null, incompleteOnly: false};
		default:
			return filter;
	}
}

/** ←/→ on a choice: `options` are the values present in the data, in display order. */
export function cycleItem(filter: Filter, item: FilterPaneItem, delta: 1 | -1, options: readonly string[]): Filter {
	if (item.kind === 'sweep') {
		const index = SWEEP_CYCLE.indexOf(filter.sweep);
		return {...filter, sweep: SWEEP_CYCLE[(index + delta + SWEEP_CYCLE.length) % SWEEP_CYCLE.length]!};
	}
	if (item.kind === 'choice') {
		const values: Array<string | null> = [null, ...options];
		const index = values.indexOf(filter[item.field]);
		const next = values[(index + delta + values.length) % values.length] ?? null;
		return {...filter, [item.field]: next};
	}
	if (item.kind === 'incomplete' || item.kind === 'state') return toggleItem(filter, item);
	return filter;
}

/** Characters a typed field accepts. */
export function acceptsCharacter(item: FilterPaneItem, char: string): boolean {
	if (item.kind === 'number') return /^[0-9.]$/.test(char);
	if (item.kind === 'date') return /^[0-9-]$/.test(char);
	return false;
}

/** Applies typed text to a number or date field; invalid or partial text leaves the bound unset. */
export function applyTyped(filter: Filter, item: FilterPaneItem, text: string): Filter {
	if (item.kind === 'number') {
		const value = text === '' ? null : Number(text);
		return {...filter, [item.field]: value === null || Number.isNaN(value) ? null : value};
	}
	if (item.kind === 'date') {
		return {...filter, [item.field]: /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null};
	}
	return filter;
}

/** The value column of an item, as the pane shows it. */
export function itemValue(filter: Filter, item: FilterPaneItem, editing: string | null): string {
	switch (item.kind) {
		case 'incomplete':
			return filter.incompleteOnly ? '[x]' : '[ ]';
		case 'state':
			return filter.states.has(item.state) ? '[x]' : '[ ]';
		case 'choice':
			return `‹ ${filter[item.field] ?? 'any'} ›`;
		case 'sweep':
			return `‹ ${filter.sweep} ›`;
		case 'number':
			return `[${editing ?? (filter[item.field] === null ? '' : String(filter[item.field]))}]`;
		case 'date':
			return `[${editing ?? filter[item.field] ?? ''}]`;
		case 'clear':
			return '';
	}
}
