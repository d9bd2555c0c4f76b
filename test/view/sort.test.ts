import {describe, expect, it} from 'vitest';
import {
	baseOrder,
	SORT_KEYS,
	sortValueOf,
	sortViews,
	prepareSort,
	sortPrepared,
	type SortSpec,
} from '../../source/view/sort.js';
import {positionsIn} from '../../source/view/list-positions.js';
import {toSessionView, type SessionView} from '../../source/view/session-view.js';
import {storedSession, TEST_NOW} from '../helpers/sessions.js';

const MODELS = [
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'sdxl_base.safetensors',
];
const SAMPLERS = ['Euler a', 'DPM++ 2M', 'euler a'];

/** Sessions with many ties and unknown values in every column. */
function views(): SessionView[] {
	const out: SessionView[] = [];
	for (let i = 0; i < 60; i++) {
		const day = String(10 + (i % 5)).padStart(2, '0');
		const name = `202511${day}_1${String(i % 3)}0000-run_${i % 7}_${i}`;
		const row =
			i % 11 === 0
				? storedSession(name, {noManifest: true, images: i % 4})
				: storedSession(name, {
						numImages: i % 13 === 0 ? 0 : 4 + (i % 4),
						images: i % 6,
						model: MODELS[i % MODELS.length],
						status: 'completed',
						apiParams:
							i % 9 === 0
								? {}
								: {
										width: 512 + (i % 2) * 256,
										height: 768,
										steps: 20 + (i % 3) * 5,
										cfg_scale: 5 + (i % 2),
										sampler_name: SAMPLERS[i % SAMPLERS.length],
									},
					});
		out.push(toSessionView(row, TEST_NOW, 600_000));
	}
	return baseOrder(out);
}

/** The plain definition: ties keep the base order, unknowns last in both directions. */
function reference(base: readonly SessionView[], spec: SortSpec): SessionView[] {
	const extract = (v: SessionView): number | string => sortValueOf(spec.key, v);
	const sign = spec.direction === 'asc' ? 1 : -1;
	const missing = (k: number | string): boolean => (typeof k === 'number' ? Number.isNaN(k) : k === '');
	return base
		.map((view, index) => ({view, key: extract(view), index}))
		.sort((a, b) => {
			const am = missing(a.key);
			const bm = missing(b.key);
			if (am || bm) return am === bm ? a.index - b.index : am ? 1 : -1;
			const c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
			return c === 0 ? a.index - b.index : c * sign;
		})
		.map((k) => k.view);
}

describe('sortViews', () => {
	it('orders every column both ways as the plain definition does, first time and from its cache', () => {
		const base = views();
		for (const key of SORT_KEYS) {
			for (const direction of ['asc', 'desc', 'asc', 'desc'] as const) {
				const ids = sortViews(base, {key, direction}).map((v) => v.id);
				expect(ids, `${key} ${direction}`).toEqual(reference(base, {key, direction}).map((v) => v.id));
			}
		}
	});

	it('puts unknown values last in both directions', () => {
		const base = views();
		for (const direction of ['asc', 'desc'] as const) {
			const sorted = sortViews(base, {key: 'completion', direction});
			const firstUnknown = sorted.findIndex((v) => Number.isNaN(v.completion));
			expect(firstUnknown).toBeGreaterThan(0);
			expect(sorted.slice(firstUnknown).every((v) => Number.isNaN(v.completion))).toBe(true);
		}
	});

	it('hands out a list of its own: changing one sort result never changes the next', () => {
		const base = views();
		prepareSort(base, 'images');
		const first = sortViews(base, {key: 'images', direction: 'asc'});
		const expected = first.map((v) => v.id);
		first.reverse();
		expect(sortViews(base, {key: 'images', direction: 'asc'}).map((v) => v.id)).toEqual(expected);
	});

	it('sorts a new base list afresh (the cache belongs to the list it was made from)', () => {
		const base = views();
		sortViews(base, {key: 'steps', direction: 'asc'});
		const smaller = base.slice(10);
		expect(sortViews(smaller, {key: 'steps', direction: 'desc'}).map((v) => v.id)).toEqual(
			reference(smaller, {key: 'steps', direction: 'desc'}).map((v) => v.id),
		);
	});

	it("prepares a column's order ahead, and a sort by it then gives the same order as sorting at once", () => {
		const base = views();
		expect(sortPrepared(base, 'completion')).toBe(false);
		prepareSort(base, 'completion');
		expect(sortPrepared(base, 'completion')).toBe(true);
		// Prepared for that list only.
		expect(sortPrepared(base.slice(), 'completion')).toBe(false);
		for (const direction of ['asc', 'desc'] as const)
			expect(sortViews(base, {key: 'completion', direction}).map((v) => v.id)).toEqual(
				reference(base, {key: 'completion', direction}).map((v) => v.id),
			);
	});

	it('records where each sorted row sits in the base list, for every column and direction', () => {
		const base = views();
		for (const key of SORT_KEYS) {
			for (const direction of ['asc', 'desc'] as const) {
				const sorted = sortViews(base, {key, direction});
				const positions = positionsIn(sorted, base);
				expect(positions, `${key} ${direction}`).not.toBeNull();
				expect(
					[...positions!].map((at) => base[at]),
					`${key} ${direction}`,
				).toEqual(sorted);
				// Recorded against that base list only.
				expect(positionsIn(sorted, base.slice())).toBeNull();
			}
		}
	});
});
