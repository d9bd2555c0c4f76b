/** The header's state counts on their own: words when all fit, symbols when not, `…` rather than silence. */
import {describe, expect, it} from 'vitest';
import type {SessionState} from '../../source/core/types.js';
import {displayWidth} from '../../source/text/width.js';
import {stateCountSegments} from '../../source/ui/views/header.js';

const counts = new Map<SessionState, number>([
	['partial', 14],
	['complete', 120],
	['running', 2],
	['stalled', 1],
	['empty', 3],
]);
const text = (width: number): string =>
	stateCountSegments(counts, width)
		.map((s) => s.text)
		.join('');

describe('the header state counts (regression: issue 11 item 13, partial was dropped at 120 columns)', () => {
	it('uses words when every count fits', () => {
		expect(text(200)).toContain('◐ 14 partial');
		expect(text(200)).toContain('✓ 120 complete');
	});

	it('shortens the rare states first and partial last', () => {
		const mid = text(48);
		expect(displayWidth(mid)).toBeLessThanOrEqual(48);
		expect(mid).toContain('◐ 14 partial');
		expect(mid).toContain('○3');
	});

	it('shortens every count to its symbol when the words do not fit', () => {
		const short = text(22);
		expect(displayWidth(short)).toBeLessThanOrEqual(22);
		for (const part of ['◐14', '✓120', '▶2', '⏸1', '○3']) expect(short).toContain(part);
	});

	it('ends with … when even the symbols do not fit', () => {
		const cut = text(14);
		expect(displayWidth(cut)).toBeLessThanOrEqual(14);
		expect(cut.endsWith('…')).toBe(true);
	});
});
