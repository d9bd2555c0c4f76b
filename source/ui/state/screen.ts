/**
 * How the terminal's rows and columns are shared between header, list, panels and footer. Everything is sized
 * so the frame is at most rows − 1 lines tall: Ink 6 clears the whole terminal on every frame otherwise.
 */
import {MIN_LIST_WIDTH} from '../model/columns.js';
import type {ExplorerState, Viewport} from './types.js';

export const MIN_COLUMNS = MIN_LIST_WIDTH;
export const MIN_ROWS = 10;
export const SPLIT_DETAILS_MIN_COLUMNS = 140;

const HEADER_LINES = 2;
const FOOTER_LINES = 2;
const JOB_PANEL_LINES = 2;

export type Screen =
	| {kind: 'too-small'; need: Viewport; have: Viewport}
	| {
			kind: 'normal';
			/** Lines for list rows (below the column header). */
			listHeight: number;
			/** Width the list gets (all of it, or the left part when details sit beside it). */
			listWidth: number;
			/** Width of the side details panel, 0 when there is none. */
			sideWidth: number;
			/** Lines for a full-screen body (details, help, panes): between header and footer. */
			bodyHeight: number;
			jobPanel: boolean;
	  };

export function computeScreen(viewport: Viewport, jobPanel: boolean): Screen {
	const {columns, rows} = viewport;
	if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
		return {kind: 'too-small', need: {columns: MIN_COLUMNS, rows: MIN_ROWS}, have: viewport};
	}
	const panel = jobPanel ? JOB_PANEL_LINES : 0;
	// One line is kept free: a frame as tall as the terminal makes Ink 6 clear the screen on every render.
	const bodyHeight = rows - 1 - HEADER_LINES - FOOTER_LINES - panel;
	const listHeight = Math.max(1, bodyHeight - 1);
	const sideWidth = columns >= SPLIT_DETAILS_MIN_COLUMNS ? Math.max(50, Math.floor(columns * 0.38)) : 0;
	return {
		kind: 'normal',
		listHeight,
		listWidth: columns - (sideWidth > 0 ? sideWidth + 1 : 0),
		sideWidth,
		bodyHeight,
		jobPanel,
	};
}

export function screenOf(state: Pick<ExplorerState, 'viewport' | 'job'>): Screen {
	return computeScreen(state.viewport, state.job !== null);
}

export function listHeightOf(state: Pick<ExplorerState, 'viewport' | 'job'>): number {
	const screen = screenOf(state);
	return screen.kind === 'normal' ? screen.listHeight : 1;
}

/**
 * What a too-small terminal shows: the longest of a few wordings that fits its width, so the minimum (the one
 * the README states) is always readable, down to a 5-column terminal.
 */
export function tooSmallMessage(need: Viewport, have: Viewport): string {
	const minimum = `${need.columns}×${need.rows}`;
	const variants = [
		`terminal too small: need ${minimum}, have ${have.columns}×${have.rows}`,
		`terminal too small: need ${minimum}`,
		`too small: need ${minimum}`,
		`need ${minimum}`,
		minimum,
	];
	return variants.find((text) => text.length <= have.columns) ?? minimum;
}
