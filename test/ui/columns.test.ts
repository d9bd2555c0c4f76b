/** The list's cells on their own. */
import {describe, expect, it} from 'vitest';
import fs from 'node:fs';
import {
	MIN_LIST_WIDTH,
	flagsText,
	formatCompletion,
	formatCount,
	headerCells,
	imagesText,
	layoutColumns,
} from '../../source/ui/model/columns.js';
import {MIN_COLUMNS, MIN_ROWS, tooSmallMessage} from '../../source/ui/state/screen.js';
import {toSessionView} from '../../source/view/session-view.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

const view = (triage: NonNullable<Parameters<typeof storedSession>[1]>['triage']) =>
	toSessionView(
		storedSession('20251101_100000-x', {numImages: 1, images: 1, status: 'completed', triage}),
		TEST_NOW,
		600_000,
	);

describe('regression: the flags column shows every flag that is set (issue 11 item 15)', () => {
	it('shows # for tags and ✎ for a note together', () => {
		const text = flagsText(view({tags: ['keep'], user_note: 'redo the hands'}));
		expect(text).toContain('#');
		expect(text).toContain('✎');
	});

	it('shows all five at once, each in its place, and fits its column', () => {
		const text = flagsText(view({is_favorite: 1, is_test: 1, user_rating: 'like', tags: ['a'], user_note: 'n'}));
		expect(text).toBe('★T+#✎');
		expect(flagsText(view({user_note: 'n'}))).toBe('    ✎');
		const flags = layoutColumns(200).columns.find((c) => c.id === 'flags')!;
		expect(flags.width).toBeGreaterThanOrEqual(text.length);
	});
});

describe('regression: layout at the edges (issue 11 item 14)', () => {
	it('caps IMAGES: a plan of 2^63−1 images is written 9.2e18, so it does not widen the column', () => {
		expect(imagesText(1, 9223372036854775807n)).toBe('1/9.2e18');
		expect(imagesText(12, '9223372036854775807')).toBe('12/9.2e18');
		expect(imagesText(99_999, 99_999)).toBe('99999/99999');
		expect(imagesText(3, null)).toBe('3/?');
		expect(formatCount(123_456)).toBe('1.2e5');
		expect(formatCount(999_999)).toBe('1.0e6');
	});

	it('writes a huge completion in its 6 columns', () => {
		for (const completion of [0, 42, 999.9, 1250, 99_999, 10_000_000, 1e300, Number.POSITIVE_INFINITY]) {
			expect(formatCompletion(completion).length, String(completion)).toBeLessThanOrEqual(6);
		}
		expect(formatCompletion(10_000_000)).toBe('1e7%');
		expect(formatCompletion(42)).toBe('42.0%');
	});

	it('keeps the header within the width at the minimum size, whatever IMAGES needs', () => {
		const layout = layoutColumns(MIN_LIST_WIDTH, 13);
		const used = 3 + layout.columns.reduce((sum, c) => sum + c.width + 1, 0);
		expect(used).toBeLessThanOrEqual(MIN_LIST_WIDTH);
		const done = headerCells(layout, 'completion', '▼').find((c) => c.id === 'completion')!;
		expect(done.text.trim()).toBe('DONE▼');
	});

	it('gives the name more room at 120 columns than the leftovers', () => {
		const name = layoutColumns(120).columns.find((c) => c.id === 'name')!;
		expect(name.width).toBeGreaterThanOrEqual(20);
	});

	it('says terminal too small within the terminal, with the minimum the README states', () => {
		for (const columns of [59, 40, 30, 20, 10, 5]) {
			const text = tooSmallMessage({columns: MIN_COLUMNS, rows: MIN_ROWS}, {columns, rows: 5});
			expect(text.length, String(columns)).toBeLessThanOrEqual(columns);
			expect(text).toContain(`${MIN_COLUMNS}×${MIN_ROWS}`);
		}
		const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
		expect(readme).toContain(`It works from ${MIN_COLUMNS}×${MIN_ROWS} up`);
	});
});
