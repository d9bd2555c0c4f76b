/**
 * The query language shared by the explorer's `/` filter, its filter pane and `sdstats list --filter`:
 *
 *   free words            match name, model and prompt (case-insensitive; all words must match)
 *   "two words"           a phrase
 *   -term                 excludes what the term matches (any term below too)
 *   state:partial,stalled any of the states (also: incomplete = partial,stalled,aborted,empty,running)
 *   model:pony            model name contains (any of several, comma-separated); sampler:, name:, prompt: alike
 *   model:="a b"          the whole value exactly, case and all (one value, commas included); sampler:, mode:,
 *                         name:, prompt: alike
 *   model:none            no value (NULL or empty); sampler:, mode:, size:, created: alike
 *   mode:combinatorial    generation mode (a prefix is enough: mode:comb)
 *   size:832x1216         width × height (any of several)
 *   sweep:yes             seed sweeps (yes/no); fav:, test:, complete: (the user's flags) alike
 *   completion:<80        completion % compared (<, <=, >, >=, =) or a range 50..80; images: alike (images found)
 *   created:>2025-10-01   created date compared, a day (created:2025-10-01), a range (a..b), or recent (7d, 24h, 2w);
 *                         created:<30d is older than that (a session without a date matches neither, where
 *                         -created:30d keeps it); a created value that is not a date matches only created:none
 *   tag:redo              has the tag (any of several)
 *   rating:like           like, dislike or none
 *   is:incomplete         the explorer's `i` preset
 *   source:png            where the row's values came from: manifest (manifest.json), v1 (a V1 <name>_manifest.json),
 *                         phase1 (metadata.json), png (the images' parameters), comfyui (a ComfyUI graph), header
 *                         (image sizes only), files (nothing but the files); any of several
 *   root:photos           the results root's name contains (several roots: each --root, or IMAGE_FOLDERS); root:=NAME
 *   is:anomaly            deserves a look: empty images, images and manifest entries that disagree in number, or a
 *                         first image older than the folder's timestamp (view/query-match.ts has the definition)
 *
 * Inside quotes, "" is one literal quote.
 *
 * This module only parses and formats; matching lives with the rows it matches (view/query-match.ts).
 *
 * Long on purpose: the query language's tokenizer, value parsers and formatter are one grammar; they stay
 * together so parse and format cannot drift apart (view/query-match.ts applies a query, elsewhere).
 *
 * Long on purpose: the grammar above is the user's reference (also shown in the help); the lexer, parser and
 * matcher below are one language and change together.
 */
import {SESSION_STATES, type SessionState} from './types.js';

export type Comparison = '<' | '<=' | '>' | '>=' | '=';

export const QUERY_FIELDS = [
	'state',
	'model',
	'sampler',
	'name',
	'prompt',
	'mode',
	'size',
	'sweep',
	'fav',
	'test',
	'complete',
	'completion',
	'images',
	'created',
	'tag',
	'rating',
	'source',
	'root',
	'is',
] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

export type FieldValue =
	| {type: 'states'; values: SessionState[]}
	| {type: 'text'; values: string[]}
	/** The whole value, exactly (`model:=NAME`). */
	| {type: 'exact'; value: string}
	/** No value: NULL or empty (`model:none`); for created, no date. */
	| {type: 'none'}
	| {type: 'sizes'; values: Array<{width: number; height: number}>}
	| {type: 'bool'; value: boolean}
	| {type: 'compare'; op: Comparison; value: number}
	| {type: 'range'; min: number; max: number}
	| {type: 'date'; op: Comparison; value: string}
	| {type: 'date-range'; from: string; to: string}
	| {type: 'recent'; amount: number; unit: 'h' | 'd' | 'w'}
	/** Created before that long ago (`created:<30d`): unlike `-created:30d`, never a session without a date. */
	| {type: 'older'; amount: number; unit: 'h' | 'd' | 'w'}
	| {type: 'rating'; values: Array<'like' | 'dislike' | 'none'>}
	| {type: 'is'; value: IsValue};

export type QueryTerm =
	| {kind: 'word'; text: string; negate: boolean; start: number}
	| {kind: 'field'; field: QueryField; value: FieldValue; negate: boolean; start: number};

export type Query = {terms: QueryTerm[]};

export type QueryError = {message: string; position: number};

export type ParseResult = {ok: true; query: Query} | {ok: false; error: QueryError};

/** The values `is:` takes. */
export const IS_VALUES = ['incomplete', 'anomaly'] as const;
export type IsValue = (typeof IS_VALUES)[number];

export const INCOMPLETE_QUERY_STATES: readonly SessionState[] = ['partial', 'stalled', 'aborted', 'empty', 'running'];

const TEXT_FIELDS = new Set<QueryField>(['model', 'sampler', 'name', 'prompt', 'mode', 'tag', 'root']);
const BOOL_FIELDS = new Set<QueryField>(['sweep', 'fav', 'test', 'complete']);
const NUMBER_FIELDS = new Set<QueryField>(['completion', 'images']);
/** Fields that take `=VALUE` (the whole value exactly) and `none` (no value). */
const EXACT_FIELDS = new Set<QueryField>(['model', 'sampler', 'mode', 'name', 'prompt', 'root']);
const NONE_FIELDS = new Set<QueryField>(['model', 'sampler', 'mode', 'size', 'created']);

class QuerySyntaxError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(message);
	}
}

type Token = {text: string; start: number; end: number; quoted: boolean};

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
				// Inside quotes, "" is a literal quote.
				const open = i;
				let close = input.indexOf('"', i + 1);
				while (close >= 0 && input[close + 1] === '"') {
					text += `${input.slice(i + 1, close)}"`;
					i = close + 1;
					close = input.indexOf('"', i + 1);
				}
				if (close < 0) throw new QuerySyntaxError('unterminated quote', open);
				text += input.slice(i + 1, close);
				quoted = true;
				i = close + 1;
			} else {
				text += input[i];
				i++;
			}
		}
		tokens.push({text, start, end: i, quoted});
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
	for (const op of ['<=', '>=', '<', '>', '='] as const)
		if (raw.startsWith(op)) return {op, rest: raw.slice(op.length)};
	return {op: '=', rest: raw};
}

function parseNumber(raw: string, position: number, field: string): number {
	if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new QuerySyntaxError(`${field}: "${raw}" is not a number`, position);
	return Number(raw);
}

/** YYYY-MM-DD naming a day of the (proleptic Gregorian) calendar. Plain arithmetic: rows are checked with it too. */
export function isRealDate(text: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) return false;
	const year = Number(m[1]);
	const month = Number(m[2]);
	const day = Number(m[3]);
	if (month < 1 || month > 12 || day < 1) return false;
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
	return day <= days;
}

function parseDate(raw: string, position: number): string {
	if (!isRealDate(raw)) throw new QuerySyntaxError(`created: "${raw}" is not a date (YYYY-MM-DD)`, position);
	return raw;
}

const SIZE_PATTERN = /^(-?\d+(?:\.\d+)?)[x×](-?\d+(?:\.\d+)?)$/i;

/**
 * `verbatim` is the value as typed (quotes included): `=` and `none` are operators only when typed as they are,
 * so `model:"=x"` and `model:"none"` still mean "contains".
 */
function parseValue(field: QueryField, raw: string, position: number, verbatim: string): FieldValue {
	if (raw === '') throw new QuerySyntaxError(`${field}: a value is missing`, position);
	if (NONE_FIELDS.has(field) && raw.toLowerCase() === 'none' && verbatim.toLowerCase() === 'none')
		return {type: 'none'};
	if (EXACT_FIELDS.has(field) && verbatim.startsWith('=')) {
		if (raw.length <= 1) throw new QuerySyntaxError(`${field}: a value is missing after =`, position + 1);
		return {type: 'exact', value: raw.slice(1)};
	}
	if (field === 'size') {
		const values: Array<{width: number; height: number}> = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const m = SIZE_PATTERN.exec(part);
			if (!m)
				throw new QuerySyntaxError(
					`size: expected WIDTHxHEIGHT (832x1216) or none, not "${part}"`,
					position + offset,
				);
			values.push({width: Number(m[1]), height: Number(m[2])});
			offset += part.length + 1;
		}
		return {type: 'sizes', values};
	}
	if (field === 'state') {
		const values: SessionState[] = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const name = part.toLowerCase();
			const states =
				STATE_ALIASES[name] ??
				((SESSION_STATES as readonly string[]).includes(name) ? [name as SessionState] : null);
			if (!states)
				throw new QuerySyntaxError(
					`state: unknown state "${part}" (states: ${SESSION_STATES.join(', ')}, incomplete)`,
					position + offset,
				);
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
		// A moment that long ago, compared like a date: `<30d` before it (older), `30d` or `>30d` since it.
		const relative = /^(<=|>=|<|>)?(\d+)([hdw])$/.exec(raw);
		if (relative) {
			const older = relative[1] === '<' || relative[1] === '<=';
			return {
				type: older ? 'older' : 'recent',
				amount: Number(relative[2]),
				unit: relative[3] as 'h' | 'd' | 'w',
			};
		}
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
	if (field === 'source') {
		const values: string[] = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const name = SOURCE_ALIASES[part.toLowerCase()] ?? part.toLowerCase();
			if (!(QUERY_SOURCES as readonly string[]).includes(name)) {
				throw new QuerySyntaxError(
					`source: unknown source "${part}" (sources: ${QUERY_SOURCES.join(', ')})`,
					position + offset,
				);
			}
			if (!values.includes(name)) values.push(name);
			offset += part.length + 1;
		}
		return {type: 'text', values};
	}
	if (field === 'rating') {
		const values: Array<'like' | 'dislike' | 'none'> = [];
		let offset = 0;
		for (const part of raw.split(',')) {
			const value = part.toLowerCase();
			if (value !== 'like' && value !== 'dislike' && value !== 'none')
				throw new QuerySyntaxError(`rating: expected like, dislike or none, not "${part}"`, position + offset);
			values.push(value);
			offset += part.length + 1;
		}
		return {type: 'rating', values};
	}
	// is:
	const wanted = raw.toLowerCase();
	const value = IS_VALUES.find((v) => v === wanted);
	if (value === undefined) throw new QuerySyntaxError(`is: expected incomplete or anomaly, not "${raw}"`, position);
	return {type: 'is', value};
}

/** What `source:` takes: the sources of core/sources.ts, and `files` for rows with nothing but the files. */
export const QUERY_SOURCES = ['manifest', 'v1', 'phase1', 'png', 'comfyui', 'header', 'files'] as const;
const SOURCE_ALIASES: Record<string, string> = {
	'phase-1': 'phase1',
	metadata: 'phase1',
	images: 'png',
	infotext: 'png',
	comfy: 'comfyui',
};

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
					throw new QuerySyntaxError(
						`unknown field "${field[1]}" (fields: ${QUERY_FIELDS.join(', ')}; quote a word that holds a colon)`,
						start,
					);
				}
				const valueStart = start + field[0].length;
				const verbatim = input.slice(valueStart, token.end);
				terms.push({
					kind: 'field',
					field: name,
					value: parseValue(name, text.slice(field[0].length), valueStart, verbatim),
					negate,
					start,
				});
			} else if (text !== '') {
				terms.push({kind: 'word', text, negate, start});
			}
		}
		return {ok: true, query: {terms}};
	} catch (error) {
		if (error instanceof QuerySyntaxError)
			return {ok: false, error: {message: error.message, position: error.position}};
		throw error;
	}
}

const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

function quoteIfNeeded(text: string): string {
	return /[\s"]/.test(text) || /^[a-z]+:/i.test(text) || text.startsWith('-') ? quote(text) : text;
}

/** A "contains" value that would read as `=` (exact) or `none` when written bare is quoted. */
function quoteTextValue(text: string, field: QueryField, only: boolean): string {
	if (
		(EXACT_FIELDS.has(field) && text.startsWith('=')) ||
		(only && NONE_FIELDS.has(field) && text.toLowerCase() === 'none')
	)
		return quote(text);
	return quoteIfNeeded(text);
}

function formatValue(field: QueryField, value: FieldValue): string {
	switch (value.type) {
		case 'states':
			return value.values.join(',');
		case 'text':
			return value.values.map((v) => quoteTextValue(v, field, value.values.length === 1)).join(',');
		case 'exact':
			// The rest of the term is the value, commas included; quoted when it holds a blank or a quote.
			return `=${/[\s"]/.test(value.value) ? quote(value.value) : value.value}`;
		case 'none':
			return 'none';
		case 'sizes':
			return value.values.map((v) => `${v.width}x${v.height}`).join(',');
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
		case 'older':
			return `<${value.amount}${value.unit}`;
		case 'rating':
			return value.values.join(',');
		case 'is':
			return value.value;
	}
}

export function formatTerm(term: QueryTerm): string {
	const sign = term.negate ? '-' : '';
	if (term.kind === 'word') return `${sign}${quoteIfNeeded(term.text)}`;
	return `${sign}${term.field}:${formatValue(term.field, term.value)}`;
}

/** The canonical text of a query; parsing it gives the same query back. */
export function formatQuery(query: Query): string {
	return query.terms.map(formatTerm).join(' ');
}

/** Two terms that mean the same (positions aside). */
export function sameTerm(a: QueryTerm, b: QueryTerm): boolean {
	return formatTerm(a) === formatTerm(b);
}
