import {describe, expect, it} from 'vitest';
import {parseQuery, type Query} from '../../source/core/query.js';
import {filterList, keepMatching} from '../../source/view/filter.js';
import {positionsIn} from '../../source/view/list-positions.js';
import {compileQuery} from '../../source/view/query-match.js';
import {carrySearchIndex, hasSearchIndex, makeSearchIndex, wordHits} from '../../source/view/search-index.js';
import {toSessionView, type SessionView} from '../../source/view/session-view.js';
import {baseOrder, SORT_KEYS, sortViews} from '../../source/view/sort.js';
import {storedSession, TEST_NOW} from '../helpers/sessions.js';

const MODELS = ['ponyDiffusionV6XL.safetensors [67ab2fd8ec]', 'Forest_Mix_v2.ckpt', 'sdxl_base.safetensors'];
const WORDS = ['forest', 'Fox', 'night', 'café', 'ab', 'cd', 'nächt', 'rain'];

function viewOf(name: string, i: number, model = MODELS[i % MODELS.length]): SessionView {
	const row =
		i % 13 === 0
			? storedSession(name, {noManifest: true, images: i % 4})
			: storedSession(name, {
					numImages: 4 + (i % 4),
					images: i % 6,
					model,
					status: 'completed',
					prompt: i % 5 === 0 ? `masterpiece, ${WORDS[(i * 5) % WORDS.length]}, {Hair}` : `plain ${i}`,
					variations: {Hair: ['red', 'black']},
				});
	return toSessionView(row, TEST_NOW, 600_000);
}

/** Sessions whose names, models and prompts share and split words every way a search can meet them. */
function views(count = 90): SessionView[] {
	const out: SessionView[] = [];
	for (let i = 0; i < count; i++) {
		const day = String(10 + (i % 9)).padStart(2, '0');
		out.push(viewOf(`202511${day}_120000-${WORDS[i % WORDS.length]}_${WORDS[(i * 3) % WORDS.length]}_${i}`, i));
	}
	return baseOrder(out);
}

const QUERIES = [
	'f',
	'fo',
	'forest',
	'FOX',
	'-forest',
	'forest -night',
	'fox rain',
	// Across the end of one name and the start of the next: no name holds them.
	'12_',
	'9202511',
	'_9',
	'_1 ab',
	'bcd',
	'café',
	'näc',
	'safetensors',
	'masterpiece',
	'xyz-nothing',
	'is:incomplete',
	'is:incomplete forest',
	'-is:incomplete f',
	'completion:<50 -f',
	'model:forest night',
	'"plain 1"',
];

function query(text: string): Query {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
	return parsed.query;
}

const ids = (list: readonly SessionView[]): string[] => list.map((v) => v.id);
const expected = (list: readonly SessionView[], text: string): string[] =>
	ids(list.filter(compileQuery(query(text), TEST_NOW)));

describe('filterList', () => {
	it('lets through exactly the rows the query matches, in the list’s own order, for every sort and query', () => {
		const base = views();
		for (const key of SORT_KEYS) {
			for (const direction of ['asc', 'desc'] as const) {
				const sorted = sortViews(base, {key, direction});
				for (const text of QUERIES)
					expect(ids(filterList(base, sorted, query(text), TEST_NOW)), `${key} ${direction} ${text}`).toEqual(
						expected(sorted, text),
					);
			}
		}
		expect(hasSearchIndex(base)).toBe(true);
	});

	it('narrows a filtered list the same way (the next letter typed), and records the result’s positions', () => {
		const base = views();
		const sorted = sortViews(base, {key: 'completion', direction: 'desc'});
		let shown: readonly SessionView[] = sorted;
		for (const text of ['f', 'fo', 'for', 'fore', 'forest', 'forest n', 'forest ni']) {
			shown = filterList(base, shown, query(text), TEST_NOW);
			expect(ids(shown), text).toEqual(expected(sorted, text));
			const positions = positionsIn(shown, base);
			expect(positions, text).not.toBeNull();
			expect(
				[...positions!].map((at) => base[at]),
				text,
			).toEqual(shown);
		}
		expect(shown.length).toBeGreaterThan(0);
	});

	it('hands back the list itself when every row passes, and an empty list when none does', () => {
		const base = views();
		const sorted = sortViews(base, {key: 'name', direction: 'asc'});
		expect(filterList(base, sorted, query('2025'), TEST_NOW)).toBe(sorted);
		expect(filterList(base, sorted, query('xyz-nothing'), TEST_NOW)).toEqual([]);
		expect(filterList([], [], query('f'), TEST_NOW)).toEqual([]);
	});

	it('filters a list made from another base list row by row, as the query says', () => {
		const base = views();
		const sorted = sortViews(views(), {key: 'images', direction: 'asc'});
		for (const text of QUERIES)
			expect(ids(filterList(base, sorted, query(text), TEST_NOW)), text).toEqual(expected(sorted, text));
	});
});

describe('the search index', () => {
	it('finds what the plain word test finds, with or without an index made ahead', () => {
		const ahead = views();
		makeSearchIndex(ahead);
		expect(hasSearchIndex(ahead)).toBe(true);
		const lazy = views();
		expect(hasSearchIndex(lazy)).toBe(false);
		for (const base of [ahead, lazy])
			for (const needle of ['f', 'fo', 'forest', 'café', 'näc', '12_', '9202511', '_9', 'safetensors', 'zzz', ''])
				expect(
					[...wordHits(base, needle)].flatMap((hit, k) => (hit === 1 ? [base[k]!.id] : [])),
					needle,
				).toEqual(
					base
						.filter(
							(v) =>
								v.nameLower.includes(needle) ||
								v.modelLower.includes(needle) ||
								v.promptLower.includes(needle),
						)
						.map((v) => v.id),
				);
	});

	it('is carried over to recomputed rows swapped in place, with their new models and prompts', () => {
		const before = views(40);
		makeSearchIndex(before);
		// Two rows recomputed: one with a new model, one unchanged but a new object.
		const after = before.map((v, k) =>
			k === 3 ? viewOf(v.id, 7, 'zebraMix_v1.safetensors') : k === 5 ? viewOf(v.id, 11) : v,
		);
		carrySearchIndex(before, after);
		expect(hasSearchIndex(after)).toBe(true);
		const sorted = sortViews(after, {key: 'created', direction: 'desc'});
		expect(ids(filterList(after, sorted, query('zebramix'), TEST_NOW))).toEqual([before[3]!.id]);
		for (const text of QUERIES)
			expect(ids(filterList(after, sorted, query(text), TEST_NOW)), text).toEqual(expected(sorted, text));
		// The index of the rows before is what it was.
		expect(
			ids(
				filterList(before, sortViews(before, {key: 'created', direction: 'desc'}), query('zebramix'), TEST_NOW),
			),
		).toEqual([]);
	});

	it('is not carried over to a list whose rows changed places or names: made again at the next word', () => {
		const before = views(40);
		makeSearchIndex(before);
		const reordered = [...before].reverse();
		carrySearchIndex(before, reordered);
		expect(hasSearchIndex(reordered)).toBe(false);
		const renamed = before.map((v, k) => (k === 2 ? viewOf('20251130_120000-zebra_only', 2) : v));
		carrySearchIndex(before, renamed);
		expect(hasSearchIndex(renamed)).toBe(false);
		const sorted = sortViews(renamed, {key: 'created', direction: 'desc'});
		expect(ids(filterList(renamed, sorted, query('zebra'), TEST_NOW))).toEqual(['20251130_120000-zebra_only']);
		expect(hasSearchIndex(renamed)).toBe(true);
	});

	it('is made afresh once its numbering holds many texts no row has any more (prompts recomputed in place again and again)', () => {
		let list = views(10);
		makeSearchIndex(list);
		let carried = 0;
		for (let round = 0; round < 200 && hasSearchIndex(list); round++) {
			const next = list.map((v, k) => (k === 0 ? {...v, promptLower: `prompt of round ${round}`} : v));
			carrySearchIndex(list, next);
			list = next;
			if (hasSearchIndex(list)) carried++;
		}
		// 10 rows: carried while the texts stay within 2 × 10 + 64, then no more.
		expect(carried).toBeGreaterThan(40);
		expect(hasSearchIndex(list)).toBe(false);
		const sorted = sortViews(list, {key: 'created', direction: 'desc'});
		expect(ids(filterList(list, sorted, query('round'), TEST_NOW))).toEqual([list[0]!.id]);
	});
});

describe('keepMatching', () => {
	it('is Array.prototype.filter, handing back the list itself when every row passes', () => {
		const rows = [1, 2, 3, 4, 5, 6];
		expect(keepMatching(rows, (n) => n % 2 === 0)).toEqual([2, 4, 6]);
		expect(keepMatching(rows, () => true)).toBe(rows);
		expect(keepMatching(rows, () => false)).toEqual([]);
	});
});
