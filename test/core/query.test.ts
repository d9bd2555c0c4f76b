import {describe, expect, it} from 'vitest';
import {formatQuery, parseQuery, type FieldValue, type QueryTerm} from '../../source/core/query.js';

function terms(text: string): QueryTerm[] {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(`${parsed.error.message} at ${parsed.error.position}`);
	return parsed.query.terms;
}

function value(text: string): FieldValue {
	const [term] = terms(text);
	if (!term || term.kind !== 'field') throw new Error('not a field term');
	return term.value;
}

function error(text: string): {message: string; position: number} {
	const parsed = parseQuery(text);
	if (parsed.ok) throw new Error(`expected an error for ${text}`);
	return parsed.error;
}

describe('parseQuery', () => {
	it('reads free words, phrases and exclusions', () => {
		expect(terms('pony  fox')).toMatchObject([
			{kind: 'word', text: 'pony', negate: false, start: 0},
			{kind: 'word', text: 'fox', negate: false, start: 6},
		]);
		expect(terms('"red fox" -blurry')).toMatchObject([
			{kind: 'word', text: 'red fox', negate: false},
			{kind: 'word', text: 'blurry', negate: true, start: 11},
		]);
		expect(terms('-"two words"')).toMatchObject([{kind: 'word', text: 'two words', negate: true}]);
		expect(terms('-')).toMatchObject([{kind: 'word', text: '-', negate: false}]);
		expect(terms('')).toEqual([]);
	});

	it.each([
		['state:partial,stalled', {type: 'states', values: ['partial', 'stalled']}],
		['state:incomplete', {type: 'states', values: ['partial', 'stalled', 'aborted', 'empty', 'running']}],
		['state:no-manifest', {type: 'states', values: ['no_manifest']}],
		['model:pony', {type: 'text', values: ['pony']}],
		['model:pony,illustrious', {type: 'text', values: ['pony', 'illustrious']}],
		['model:"sd xl"', {type: 'text', values: ['sd xl']}],
		['sampler:euler', {type: 'text', values: ['euler']}],
		['mode:comb', {type: 'text', values: ['comb']}],
		['sweep:yes', {type: 'bool', value: true}],
		['fav:no', {type: 'bool', value: false}],
		['test:true', {type: 'bool', value: true}],
		['complete:0', {type: 'bool', value: false}],
		['completion:<80', {type: 'compare', op: '<', value: 80}],
		['completion:<=80.5', {type: 'compare', op: '<=', value: 80.5}],
		['completion:>0', {type: 'compare', op: '>', value: 0}],
		['images:>=100', {type: 'compare', op: '>=', value: 100}],
		['images:=3', {type: 'compare', op: '=', value: 3}],
		['images:12', {type: 'compare', op: '=', value: 12}],
		['completion:50..80', {type: 'range', min: 50, max: 80}],
		['created:>2025-10-01', {type: 'date', op: '>', value: '2025-10-01'}],
		['created:2025-10-01', {type: 'date', op: '=', value: '2025-10-01'}],
		['created:2025-10-01..2025-10-31', {type: 'date-range', from: '2025-10-01', to: '2025-10-31'}],
		['created:7d', {type: 'recent', amount: 7, unit: 'd'}],
		['created:24h', {type: 'recent', amount: 24, unit: 'h'}],
		['created:2w', {type: 'recent', amount: 2, unit: 'w'}],
		['created:>7d', {type: 'recent', amount: 7, unit: 'd'}],
		['created:<30d', {type: 'older', amount: 30, unit: 'd'}],
		['created:<=12h', {type: 'older', amount: 12, unit: 'h'}],
		['tag:redo', {type: 'text', values: ['redo']}],
		['rating:like', {type: 'rating', values: ['like']}],
		['rating:dislike,none', {type: 'rating', values: ['dislike', 'none']}],
		['is:incomplete', {type: 'is', value: 'incomplete'}],
	] as Array<[string, FieldValue]>)('reads %s', (text, expected) => {
		expect(value(text)).toEqual(expected);
	});

	it('negates field terms too', () => {
		expect(terms('-state:complete')).toMatchObject([{kind: 'field', field: 'state', negate: true, start: 1}]);
	});

	it.each([
		['state:parital', 'state: unknown state "parital"', 6],
		['pony state:partial,bogus', 'state: unknown state "bogus"', 19],
		['color:red', 'unknown field "color"', 0],
		['fox -colour:red', 'unknown field "colour"', 5],
		['completion:<eighty', 'completion: "eighty" is not a number', 12],
		['completion:90..10', 'completion: the range 90..10 is empty', 11],
		['images:', 'images: a value is missing', 7],
		['created:2025-13-01', 'created: "2025-13-01" is not a date', 8],
		['created:>2025-02-30', 'created: "2025-02-30" is not a date', 9],
		['sweep:maybe', 'sweep: expected yes or no', 6],
		['rating:love', 'rating: expected like, dislike or none', 7],
		['is:done', 'is: expected incomplete', 3],
		['"unterminated', 'unterminated quote', 0],
		['a "b', 'unterminated quote', 2],
	])('reports %s with its position', (text, message, position) => {
		const e = error(text);
		expect(e.message.startsWith(message), e.message).toBe(true);
		expect(e.position).toBe(position);
	});

	it('formats back to text that parses to the same query', () => {
		for (const text of [
			'pony "red fox" -blurry state:partial,stalled model:"sd xl" completion:<80 images:>=100 created:>2025-10-01 created:7d created:<30d tag:redo fav:yes rating:like is:incomplete -state:complete completion:50..80',
			'sweep:no mode:comb sampler:euler,dpm created:2025-10-01..2025-10-31',
		]) {
			const once = parseQuery(text);
			expect(once.ok).toBe(true);
			if (!once.ok) continue;
			const formatted = formatQuery(once.query);
			const twice = parseQuery(formatted);
			expect(twice.ok).toBe(true);
			if (twice.ok) expect(formatQuery(twice.query)).toBe(formatted);
		}
		expect(formatQuery({terms: terms('"has:colon" x')})).toBe('"has:colon" x');
	});
});
