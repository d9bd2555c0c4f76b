/**
 * The query language shared by the explorer's `/` filter, its filter pane and `sdstats list --filter`:
 *
 *   free words            match name, model and prompt (case-insensitive; all words must match)
 *   "two words"           a phrase
 *   -term                 excludes what the term matches (any term below too)
 *   state:partial,stalled any of the states (also: incomplete = partial,stalled,aborted,empty,running)
 *   model:pony            model name contains (any of several, comma-separated); sampler:, name:, prompt: alike
 *   mode:combinatorial    generation mode (a prefix is enough: mode:comb)
 *   sweep:yes             seed sweeps (yes/no); fav:, test:, complete: (the user's flags) alike
 *   completion:<80        completion % compared (<, <=, >, >=, =) or a range 50..80; images: alike (images found)
 *   created:>2025-10-01   created date compared, a day (created:2025-10-01), a range (a..b), or recent (7d, 24h, 2w)
 *   tag:redo              has the tag (any of several)
 *   rating:like           like, dislike or none
 *   is:incomplete         the explorer's `i` preset
 *
 * This module only parses and formats; matching lives with the rows it matches (view/query-match.ts).
 */
import {SESSION_STATES, type SessionState} from './types.js';

export type Comparison = '<' | '<=' | '>' | '>=' | '=';

export const QUERY_FIELDS = ['state', 'model', 'sampler', 'name', 'prompt', 'mode', 'sweep', 'fav', 'test', 'complete', 'completion', 'images', 'created', 'tag', 'rating', 'is'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

export type FieldValue =
	| {type: 'states'; values: SessionState[]}
	| {type: 'text'; values: string[]}
	| {type: 'bool'; value: boolean}
	| {type: 'compare'; op: Comparison; value: number}
	| {type: 'range'; min: number; max: number}
	| {type: 'date'; op: Comparison; value: string}
	| {type: 'date-range'; from: string; to: string}
	| {type: 'recent'; amount: number; unit: 'h' | 'd' | 'w'}
	| {type: 'rating'; values: Array<'like' | 'dislike' | 'none'>}
	| {type: 'is'; value: 'incomplete'};

export type QueryTerm =
	| {kind: 'word'; text: string; negate: boolean; start: number}
	| {kind: 'field'; field: QueryField; value: FieldValue; negate: boolean; start: number};

export type Query = {terms: QueryTerm[]};

export type QueryError = {message: string; position: number};

export type ParseResult = {ok: true; query: Query} | {ok: false; error: QueryError};

export const INCOMPLETE_QUERY_STATES: readonly SessionState[] = ['partial', 'stalled', 'aborted', 'empty', 'running'];

const TEXT_FIELDS = new Set<QueryField>(['model', 'sampler', 'name', 'prompt', 'mode', 'tag']);
const BOOL_FIELDS = new Set<QueryField>(['sweep', 'fav', 'test', 'complete']);
const NUMBER_FIELDS = new Set<QueryField>(['completion', 'images']);

class QuerySyntaxError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(message);
	}
}

type Token = {text: string; start: number; quoted: boolean};

/** Splits on blanks; double quotes group words ("a b"), also inside a value (model:"sd xl"). */
function tokenize(input: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < input.length) {
		while (i < input.length && /\s/.test(input[i]!)) i++;
		if (i >= input.length) break;
		const start = i;
		let text = '';
		let quoted = false;
		while (i < input.length && !/\s/.test(input[i]!)) {
			if (input[i] === '"') {
				const close = input.indexOf('"', i + 1);
				if (close < 0) throw new QuerySyntaxError('unterminated quote', i);
				text += input.slice(i + 1, close);
				quoted = true;
				i = close + 1;
			} else {
				text += input[i];
				i++;
			}
		}
		tokens.push({text, start, quoted});
	}
	return tokens;
}

const STATE_ALIASES: Record<string, SessionState[]> = {
	'no-manifest': ['no_manifest'],
	nomanifest: ['no_manifest'],
	incomplete: [...INCOMPLETE_QUERY_STATES],
};

function parseBool(raw: string, position: number, field: string): boolean {
	const value = raw.toLowerCase();
	if (['yes', 'y', 'true', '1', 'on'].includes(value)) return true;
	if (['no', 'n', 'false', '0', 'off'].includes(value)) return false;
	throw new QuerySyntaxError(`${field}: expected yes or no, not "${raw}"`, position);
}

function splitComparison(raw: string): {op: Comparison; rest: string} {
	for (const op of ['<=', '>=', '<', '>', '='] as const) if (raw.startsWith(op)) return {op, rest: raw.slice(op.length)};
	return {op: '=', rest: raw};
}

function parseNumber(raw: string, position: number, field: string): number {
	if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new QuerySyntaxError(`${field}: "${raw}" is not a number`, position);
	return Number(raw);
}

function isRealDate(text: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) return false;
	const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

function parseDate(raw: string, position: number): string {
	if (!isRealDate(raw)) throw new QuerySyntaxError(`created: "${raw}" is not a date (YYYY-MM-DD)`, position);
	return raw;
}

function parseValue(field: QueryField, raw: string, position: number): FieldValue {
	if (raw === '') throw new QuerySyntaxError(`${field}: a value is missing`, position);
	if (field === 'state') {
		const values: SessionState[] = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const name = part.toLowerCase();
			const states = STATE_ALIASES[name] ?? ((SESSION_STATES as readonly string[]).includes(name) ? [name as SessionState] : null);
			if (!states) throw new QuerySyntaxError(`state: unknown state "${part}" (states: ${SESSION_STATES.join(', ')}, incomplete)`, position + offset);
			for (const s of states) if (!values.includes(s)) values.push(s);
			offset += part.length + 1;
		}
		return {type: 'states', values};
	}
	if (TEXT_FIELDS.has(field)) {
		const values = raw.split(',').filter((v) => v !== '');
		if (values.length === 0) throw new QuerySyntaxError(`${field}: a value is missing`, position);
		return {type: 'text', values};
	}
	if (BOOL_FIELDS.has(field)) return {type: 'bool', value: parseBool(raw, position, field)};
	if (NUMBER_FIELDS.has(field)) {
		const range = /^(.+)\.\.(.+)$/.exec(raw);
		if (range) {
			const min = parseNumber(range[1]!, position, field);
			const max = parseNumber(range[2]!, position + range[1]!.length + 2, field);
			if (min > max) throw new QuerySyntaxError(`${field}: the range ${raw} is empty`, position);
			return {type: 'range', min, max};
		}
		const {op, rest} = splitComparison(raw);
		return {type: 'compare', op, value: parseNumber(rest, position + (raw.length - rest.length), field)};
	}
	if (field === 'created') {
		const recent = /^(\d+)([hdw])$/.exec(raw);
		if (recent) return {type: 'recent', amount: Number(recent[1]), unit: recent[2] as 'h' | 'd' | 'w'};
		const range = /^(.+)\.\.(.+)$/.exec(raw);
		if (range) {
			const from = parseDate(range[1]!, position);
			const to = parseDate(range[2]!, position + range[1]!.length + 2);
			if (from > to) throw new QuerySyntaxError(`created: the range ${raw} is empty`, position);
			return {type: 'date-range', from, to};
		}
		const {op, rest} = splitComparison(raw);
		return {type: 'date', op, value: parseDate(rest, position + (raw.length - rest.length))};
	}
	if (field === 'rating') {
		const values: Array<'like' | 'dislike' | 'none'> = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const value = part.toLowerCase();
			if (value !== 'like' && value !== 'dislike' && value !== 'none') throw new QuerySyntaxError(`rating: expected like, dislike or none, not "${part}"`, position + offset);
			values.push(value);
			offset += part.length + 1;
		}
		return {type: 'rating', values};
	}
	// is:
	if (raw.toLowerCase() !== 'incomplete') throw new QuerySyntaxError(`is: expected incomplete, not "${raw}"`, position);
	return {type: 'is', value: 'incomplete'};
}

const FIELD_PATTERN = /^([a-z]+):/i;

export function parseQuery(input: string): ParseResult {
	try {
		const terms: QueryTerm[] = [];
		for (const token of tokenize(input)) {
			let {text} = token;
			let start = token.start;
			let negate = false;
			if (text.length > 1 && text.startsWith('-') && !token.quoted) {
				negate = true;
				text = text.slice(1);
				start++;
			} else if (token.quoted && input[token.start] === '-' && input[token.start + 1] === '"') {
				negate = true;
				text = text.slice(1);
			}
			const field = token.quoted && input[start] === '"' ? null : FIELD_PATTERN.exec(text);
			if (field) {
				const name = field[1]!.toLowerCase() as QueryField;
				if (!(QUERY_FIELDS as readonly string[]).includes(name)) {
					throw new QuerySyntaxError(`unknown field "${field[1]}" (fields: ${QUERY_FIELDS.join(', ')}; quote a word that holds a colon)`, start);
				}
				const valueStart = start + field[0].length;
				terms.push({kind: 'field', field: name, value: parseValue(name, text.slice(field[0].length), valueStart), negate, start});
			} else if (text !== '') {
				terms.push({kind: 'word', text, negate, start});
			}
		}
		return {ok: true, query: {terms}};
	} catch (error) {
		if (error instanceof QuerySyntaxError) return {ok: false, error: {message: error.message, position: error.position}};
		throw error;
	}
}

function quoteIfNeeded(text: string): string {
	return /[\s"]/.test(text) || /^[a-z]+:/i.test(text) || text.startsWith('-') ? `"${text.replace(/"/g, '')}"` : text;
}

function formatValue(value: FieldValue): string {
	switch (value.type) {
		case 'states':
			return value.values.join(',');
		case 'text':
			return value.values.map(quoteIfNeeded).join(',');
		case 'bool':
			return value.value ? 'yes' : 'no';
		case 'compare':
			return `${value.op === '=' ? '' : value.op}${value.value}`;
		case 'range':
			return `${value.min}..${value.max}`;
		case 'date':
			return `${value.op === '=' ? '' : value.op}${value.value}`;
		case 'date-range':
			return `${value.from}..${value.to}`;
		case 'recent':
			return `${value.amount}${value.unit}`;
		case 'rating':
			return value.values.join(',');
		case 'is':
			return value.value;
	}
}

export function formatTerm(term: QueryTerm): string {
	const sign = term.negate ? '-' : '';
	if (term.kind === 'word') return `${sign}${quoteIfNeeded(term.text)}`;
	return `${sign}${term.field}:${formatValue(term.value)}`;
}

/** The canonical text of a query; parsing it gives the same query back. */
export function formatQuery(query: Query): string {
	return query.terms.map(formatTerm).join(' ');
}

/** Two terms that mean the same (positions aside). */
export function sameTerm(a: QueryTerm, b: QueryTerm): boolean {
	return formatTerm(a) === formatTerm(b);
}
