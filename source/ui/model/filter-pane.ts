/**
 * The rows of the filter pane. Each row reads and writes terms of the query text, so the pane and `/` edit
 * the same thing and the status line shows a query that pastes into `sdstats list --filter`.
 */
import {SESSION_STATES, type SessionState} from '../../core/types.js';
import type {Query} from '../../core/query.js';
import {fieldTerms, isLowerBound, isUpperBound, setField} from '../../view/query-edit.js';
import {STATE_SYMBOL, STATE_WORD} from './columns.js';

type BoolField = 'sweep' | 'fav' | 'test' | 'complete';

export type FilterPaneItem =
	| {kind: 'incomplete'; label: string}
	| {kind: 'state'; state: SessionState; label: string}
	| {kind: 'choice'; field: 'model' | 'mode' | 'tag'; label: string}
	| {kind: 'bool'; field: BoolField; label: string}
	| {kind: 'rating'; label: string}
	| {kind: 'number'; field: 'completion'; bound: 'min' | 'max'; label: string}
	| {kind: 'date'; bound: 'min' | 'max'; label: string}
	| {kind: 'clear'; label: string};

export const FILTER_PANE_ITEMS: readonly FilterPaneItem[] = [
	{kind: 'incomplete', label: 'incomplete only (i)'},
	...SESSION_STATES.map((state): FilterPaneItem => ({
		kind: 'state',
		state,
		label: `${STATE_SYMBOL[state]} ${STATE_WORD[state]}`,
	})),
	{kind: 'choice', field: 'model', label: 'model'},
	{kind: 'choice', field: 'mode', label: 'mode'},
	{kind: 'bool', field: 'sweep', label: 'seed sweep'},
	{kind: 'number', field: 'completion', bound: 'min', label: 'completion ≥'},
	{kind: 'number', field: 'completion', bound: 'max', label: 'completion ≤'},
	{kind: 'date', bound: 'min', label: 'created from'},
	{kind: 'date', bound: 'max', label: 'created to'},
	{kind: 'bool', field: 'fav', label: '★ favourite'},
	{kind: 'bool', field: 'test', label: 'test'},
	{kind: 'bool', field: 'complete', label: 'marked complete'},
	{kind: 'rating', label: 'rating'},
	{kind: 'choice', field: 'tag', label: 'tag'},
	{kind: 'clear', label: 'clear all filters'},
];

const TRI: Array<boolean | null> = [null, true, false];
const RATINGS: Array<'like' | 'dislike' | 'none' | null> = [null, 'like', 'dislike', 'none'];

const isIncompleteTerm = (t: {value: {type: string; value?: unknown}}): boolean =>
	t.value.type === 'is' && t.value.value === 'incomplete';

export function hasIncomplete(query: Query): boolean {
	return fieldTerms(query, 'is', isIncompleteTerm).length > 0;
}

export function setIncomplete(query: Query, on: boolean): Query {
	return setField(query, 'is', on ? {type: 'is', value: 'incomplete'} : null, isIncompleteTerm);
}

function selectedStates(query: Query): Set<SessionState> {
	const term = fieldTerms(query, 'state')[0];
	return new Set(term && term.value.type === 'states' ? term.value.values : []);
}

function choiceValue(query: Query, field: 'model' | 'mode' | 'tag'): string | null {
	const term = fieldTerms(query, field)[0];
	return term && term.value.type === 'text' && term.value.values.length === 1 ? term.value.values[0]! : null;
}

function boolValue(query: Query, field: BoolField): boolean | null {
	const term = fieldTerms(query, field)[0];
	return term && term.value.type === 'bool' ? term.value.value : null;
}

function ratingValue(query: Query): 'like' | 'dislike' | 'none' | null {
	const term = fieldTerms(query, 'rating')[0];
	return term && term.value.type === 'rating' && term.value.values.length === 1 ? term.value.values[0]! : null;
}

function boundText(query: Query, item: Extract<FilterPaneItem, {kind: 'number' | 'date'}>): string {
	const field = item.kind === 'number' ? 'completion' : 'created';
	const term = fieldTerms(query, field, item.bound === 'min' ? isLowerBound : isUpperBound)[0];
	if (!term) return '';
	if (term.value.type === 'compare' || term.value.type === 'date') return String(term.value.value);
	return '';
}

/** Space/Enter on a row. */
export function toggleItem(query: Query, item: FilterPaneItem): Query {
	switch (item.kind) {
		case 'incomplete':
			return setIncomplete(query, !hasIncomplete(query));
		case 'state': {
			const states = selectedStates(query);
			if (states.has(item.state)) states.delete(item.state);
			else states.add(item.state);
			const ordered = SESSION_STATES.filter((s) => states.has(s));
			return setField(query, 'state', ordered.length > 0 ? {type: 'states', values: ordered} : null);
		}
		case 'clear':
			return {terms: []};
		default:
			return cycleItem(query, item, 1, []);
	}
}

/** ←/→ on a choice; `options` are the values present in the data, most common first. */
export function cycleItem(query: Query, item: FilterPaneItem, delta: 1 | -1, options: readonly string[]): Query {
	const step = <T>(values: readonly T[], current: T): T =>
		values[(values.indexOf(current) + delta + values.length) % values.length]!;
	switch (item.kind) {
		case 'choice': {
			const next = step<string | null>([null, ...options], choiceValue(query, item.field));
			return setField(query, item.field, next === null ? null : {type: 'text', values: [next]});
		}
		case 'bool': {
			const next = step(TRI, boolValue(query, item.field));
			return setField(query, item.field, next === null ? null : {type: 'bool', value: next});
		}
		case 'rating': {
			const next = step(RATINGS, ratingValue(query));
			return setField(query, 'rating', next === null ? null : {type: 'rating', values: [next]});
		}
		case 'incomplete':
		case 'state':
			return toggleItem(query, item);
		default:
			return query;
	}
}

/** Characters a typed row accepts. */
export function acceptsCharacter(item: FilterPaneItem, char: string): boolean {
	if (item.kind === 'number') return /^[0-9.]$/.test(char);
	if (item.kind === 'date') return /^[0-9-]$/.test(char);
	return false;
}

/** Typed text of a bound row → its term; text that is not (yet) a number or a date removes the bound. */
export function applyTyped(query: Query, item: FilterPaneItem, text: string): Query {
	if (item.kind === 'number') {
		const value = text === '' || Number.isNaN(Number(text)) || !/^\d+(\.\d+)?$/.test(text) ? null : Number(text);
		const accept = item.bound === 'min' ? isLowerBound : isUpperBound;
		return setField(
			query,
			'completion',
			value === null ? null : {type: 'compare', op: item.bound === 'min' ? '>=' : '<=', value},
			accept,
		);
	}
	if (item.kind === 'date') {
		const accept = item.bound === 'min' ? isLowerBound : isUpperBound;
		const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
		return setField(
			query,
			'created',
			valid ? {type: 'date', op: item.bound === 'min' ? '>=' : '<=', value: text} : null,
			accept,
		);
	}
	return query;
}

/** The text a typed row starts from. */
export function currentText(query: Query, item: FilterPaneItem): string {
	return item.kind === 'number' || item.kind === 'date' ? boundText(query, item) : '';
}

/** The value column of a row, as the pane shows it. */
export function itemValue(query: Query, item: FilterPaneItem, editing: string | null): string {
	switch (item.kind) {
		case 'incomplete':
			return hasIncomplete(query) ? '[x]' : '[ ]';
		case 'state':
			return selectedStates(query).has(item.state) ? '[x]' : '[ ]';
		case 'choice':
			return `‹ ${choiceValue(query, item.field) ?? 'any'} ›`;
		case 'bool': {
			const value = boolValue(query, item.field);
			return `‹ ${value === null ? 'any' : value ? 'yes' : 'no'} ›`;
		}
		case 'rating':
			return `‹ ${ratingValue(query) ?? 'any'} ›`;
		case 'number':
		case 'date':
			return `[${editing ?? boundText(query, item)}]`;
		case 'clear':
			return '';
	}
}
