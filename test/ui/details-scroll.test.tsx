/**
 * Regression (issue 11 item 4, issue 12 "one place per rule"): the details' scroll limit has one source. The
 * reducer bounded scrolling by the details' lines without the live rate while the view drew them with it, so
 * the last lines of a running session could never be scrolled to.
 */
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {reducer, initialState} from '../../source/ui/state/reducer.js';
import {detailsLinesOf, detailsWidthOf, scrollLimit, selectedView} from '../../source/ui/state/selectors.js';
import {screenOf} from '../../source/ui/state/screen.js';
import type {ExplorerState} from '../../source/ui/state/types.js';
import {createTheme} from '../../source/ui/theme.js';
import {Frame} from '../../source/ui/views/frame.js';
import {TEST_NOW, sampleSessions} from '../helpers/sessions.js';
import {key} from '../helpers/ink-key.js';

const RUNNING = '20251120_115500-running_now';

function detailsOfRunning(columns: number, rows: number, rate: number | null): ExplorerState {
	const rowsLoaded = sampleSessions();
	let s = initialState({
		viewport: {columns, rows},
		nowMs: TEST_NOW,
		stallWindowMs: 10 * 60_000,
		info: {root: '/results', dbPath: '/db/sessions.db', notice: null, readonly: false},
	});
	s = reducer(s, {type: 'rows-loaded', rows: rowsLoaded, complete: true, nowMs: TEST_NOW});
	s = reducer(s, {type: 'move', delta: s.shown.findIndex((v) => v.id === RUNNING)});
	expect(selectedView(s)?.id).toBe(RUNNING);
	s = reducer(s, {type: 'open-details'});
	s = reducer(s, {type: 'details-loaded', row: rowsLoaded.find((r) => r.session_id === RUNNING)!});
	s = reducer(s, {type: 'insight-loaded', sessionId: RUNNING, insight: null, error: null});
	if (rate !== null) s = reducer(s, {type: 'rates', rates: new Map([[RUNNING, rate]])});
	return s;
}

const instances: Array<{unmount(): void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

function frameOf(state: ExplorerState): string {
	const instance = render(<Frame state={state} theme={createTheme(false)} />);
	instances.push(instance);
	return instance.lastFrame() ?? '';
}

describe('regression: the last lines of a running session are reachable in the details (issue 11 item 4)', () => {
	for (const [columns, rows] of [
		[60, 12],
		[80, 14],
		[160, 20],
	] as const) {
		it(`End shows the last line, with a live rate, at ${columns}×${rows}`, () => {
			const start = detailsOfRunning(columns, rows, 12.5);
			const view = selectedView(start)!;
			const lines = detailsLinesOf(start, view, detailsWidthOf(start));
			// The live rate is one of the lines the view draws.
			expect(lines.some((l) => l.text.includes('12.5'))).toBe(true);
			const screen = screenOf(start);
			if (screen.kind !== 'normal') throw new Error('expected a normal screen');
			expect(lines.length).toBeGreaterThan(screen.bodyHeight);

			const atEnd = reducer(start, {type: 'key', input: '', key: key({end: true})});
			expect(atEnd.detailsScroll).toBe(scrollLimit(lines.length, screen.bodyHeight));
			const frame = frameOf(atEnd);
			expect(frame).toContain(lines.at(-1)!.text.trim());
			expect(frame).not.toContain('more lines');

			// ↓ at the bottom stays there; ↑ moves at once.
			const down = reducer(atEnd, {type: 'key', input: 'j', key: key()});
			expect(down.detailsScroll).toBe(atEnd.detailsScroll);
			expect(reducer(atEnd, {type: 'key', input: 'k', key: key()}).detailsScroll).toBe(atEnd.detailsScroll - 1);
		});
	}

	it('bounds scrolling the same with and without a rate (each by the lines it draws)', () => {
		const without = detailsOfRunning(60, 12, null);
		const withRate = detailsOfRunning(60, 12, 12.5);
		const end = (s: ExplorerState): number => reducer(s, {type: 'scroll-edge', edge: 'bottom'}).detailsScroll;
		const count = (s: ExplorerState): number => detailsLinesOf(s, selectedView(s)!, detailsWidthOf(s)).length;
		expect(end(withRate) - end(without)).toBe(count(withRate) - count(without));
	});
});
