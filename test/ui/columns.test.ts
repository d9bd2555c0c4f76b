/** The list's cells on their own. */
import {describe, expect, it} from 'vitest';
import {flagsText, layoutColumns} from '../../source/ui/model/columns.js';
import {toSessionView} from '../../source/view/session-view.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

const view = (triage: Parameters<typeof storedSession>[1]['triage']) => toSessionView(storedSession('20251101_100000-x', {numImages: 1, images: 1, status: 'completed', triage}), TEST_NOW, 600_000);

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
