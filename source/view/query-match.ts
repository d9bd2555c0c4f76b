/** Matching sessions against a parsed query (core/query.ts). The explorer and `sdstats list --filter` share it. */
import {epochMsFromIso} from '../core/iso-time.js';
import type {FieldValue, Query, QueryTerm} from '../core/query.js';
import type {SessionView} from './session-view.js';

type Test = (view: SessionView) => boolean;

function compare(op: '<' | '<=' | '>' | '>=' | '=', a: number, b: number): boolean {
	switch (op) {
		case '<':
			return a < b;
		case '<=':
			return a <= b;
		case '>':
			return a > b;
		case '>=':
			return a >= b;
		case '=':
			return a === b;
	}
}

function compareText(op: '<' | '<=' | '>' | '>=' | '=', a: string, b: string): boolean {
	switch (op) {
		case '<':
			return a < b;
		case '<=':
			return a <= b;
		case '>':
			return a > b;
		case '>=':
			return a >= b;
		case '=':
			return a === b;
	}
}

const UNIT_MS = {h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000};

function numberTest(value: FieldValue, read: (v: SessionView) => number): Test {
	if (value.type === 'range') return (v) => read(v) >= value.min && read(v) <= value.max;
	if (value.type === 'compare') return (v) => compare(value.op, read(v), value.value);
	return () => false;
}

function fieldTest(term: Extract<QueryTerm, {kind: 'field'}>, nowMs: number): Test {
	const {value} = term;
	switch (term.field) {
		case 'state':
			if (value.type !== 'states') return () => false;
			return (v) => value.values.includes(v.state);
		case 'model':
		case 'sampler':
		case 'name':
		case 'prompt': {
			if (value.type !== 'text') return () => false;
			const needles = value.values.map((x) => x.toLowerCase());
			const read = term.field === 'model' ? (v: SessionView) => v.modelLower : term.field === 'sampler' ? (v: SessionView) => v.samplerLower : term.field === 'name' ? (v: SessionView) => v.nameLower : (v: SessionView) => v.promptLower;
			return (v) => needles.some((n) => read(v).includes(n));
		}
		case 'mode': {
			if (value.type !== 'text') return () => false;
			const prefixes = value.values.map((x) => x.toLowerCase());
			return (v) => prefixes.some((p) => v.mode.toLowerCase().startsWith(p));
		}
		case 'tag': {
			if (value.type !== 'text') return () => false;
			const wanted = value.values.map((x) => x.toLowerCase());
			return (v) => v.triage.tags.some((t) => wanted.includes(t.toLowerCase()));
		}
		case 'sweep':
			return value.type === 'bool' ? (v) => (v.row.is_seed_sweep === 1) === value.value : () => false;
		case 'fav':
			return value.type === 'bool' ? (v) => v.triage.favorite === value.value : () => false;
		case 'test':
			return value.type === 'bool' ? (v) => v.triage.test === value.value : () => false;
		case 'complete':
			return value.type === 'bool' ? (v) => v.triage.complete === value.value : () => false;
		case 'rating':
			if (value.type !== 'rating') return () => false;
			return (v) => value.values.includes(v.triage.rating ?? 'none');
		case 'completion':
			// Sessions without a completion (no manifest) match no comparison.
			return numberTest(value, (v) => v.completion);
		case 'images':
			return numberTest(value, (v) => v.row.images_actual);
		case 'created': {
			if (value.type === 'recent') {
				const since = nowMs - value.amount * UNIT_MS[value.unit];
				return (v) => v.created !== '' && epochMsFromIso(v.created) >= since;
			}
			if (value.type === 'date-range') return (v) => v.created !== '' && v.created.slice(0, 10) >= value.from && v.created.slice(0, 10) <= value.to;
			if (value.type === 'date') return (v) => v.created !== '' && compareText(value.op, v.created.slice(0, 10), value.value);
			return () => false;
		}
		case 'is':
			return (v) => v.incomplete;
	}
}

function termTest(term: QueryTerm, nowMs: number): Test {
	let test: Test;
	if (term.kind === 'word') {
		const needle = term.text.toLowerCase();
		test = (v) => v.haystack.includes(needle);
	} else {
		test = fieldTest(term, nowMs);
	}
	return term.negate ? (v) => !test(v) : test;
}

/** One predicate for the whole query (every term must hold); `nowMs` anchors relative dates (created:7d). */
export function compileQuery(query: Query, nowMs: number): Test {
	const tests = query.terms.map((t) => termTest(t, nowMs));
	if (tests.length === 0) return () => true;
	if (tests.length === 1) return tests[0]!;
	return (v) => tests.every((t) => t(v));
}
