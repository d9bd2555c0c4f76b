/**
 * How many pixels one terminal cell covers, as the terminal itself says. Node cannot read TIOCGWINSZ's
 * ws_xpixel/ws_ypixel, so the terminal is asked: `CSI 16 t` (the cell, answered `CSI 6 ; height ; width t`) and
 * `CSI 14 t` (the text area, answered `CSI 4 ; height ; width t`, divided by the rows and columns), then DA1,
 * which every terminal answers, in order, last: once its reply is in, nothing more is coming. Pure: reply bytes
 * in, a size out; writing the query and reading the replies belong to the explorer (ui) and the `preview`
 * command, both through core/preview/terminal-query.ts.
 */
import type {CellPixels} from './pixels.js';

const ESC = '\u001B';

/** Cell size, text area, then DA1 as the sentinel. */
export const CELL_QUERY = `${ESC}[16t${ESC}[14t${ESC}[c`;

/** A cell is at least this many pixels (a 4-pixel font) and under 1000 (a mistyped reply). */
const MIN_CELL = 2;
const MAX_CELL = 999;

function plausible(width: number, height: number): CellPixels | null {
	return Number.isSafeInteger(width) &&
		Number.isSafeInteger(height) &&
		width >= MIN_CELL &&
		height >= MIN_CELL &&
		width <= MAX_CELL &&
		height <= MAX_CELL
		? {width, height}
		: null;
}

/** The cell from a `CSI 6 ; height ; width t` reply in `input` (other bytes around and between), or null. */
export function cellReply(input: string): CellPixels | null {
	for (const match of input.matchAll(/\u001B\[6;(\d{1,6});(\d{1,6})t/g)) {
		const cell = plausible(Number(match[2]), Number(match[1]));
		if (cell) return cell;
	}
	return null;
}

/** The text area in pixels from a `CSI 4 ; height ; width t` reply, or null. */
export function textAreaReply(input: string): {width: number; height: number} | null {
	for (const match of input.matchAll(/\u001B\[4;(\d{1,6});(\d{1,6})t/g)) {
		const width = Number(match[2]);
		const height = Number(match[1]);
		if (width > 0 && height > 0) return {width, height};
	}
	return null;
}

/**
 * The cell size the replies give: the cell reply when there is one, else the text area over `grid` (the
 * terminal's columns and rows), else null (keep assuming). Padding around the text area makes the division
 * round down to the cell.
 */
export function cellFromReplies(input: string, grid: {columns?: number; rows?: number} = {}): CellPixels | null {
	const cell = cellReply(input);
	if (cell) return cell;
	const area = textAreaReply(input);
	const {columns, rows} = grid;
	if (!area || !columns || !rows || columns < 1 || rows < 1) return null;
	return plausible(Math.floor(area.width / columns), Math.floor(area.height / rows));
}

/**
 * `--cell WxH` (e.g. `9x18`, also `9×18`): the cell size in pixels, for when the terminal cannot be asked
 * (standard output piped through ssh, a terminal that does not answer). An error sentence when it is not one.
 */
export function parseCellOption(text: string): CellPixels | {error: string} {
	const match = /^\s*(\d{1,4})\s*[x×X]\s*(\d{1,4})\s*$/.exec(text);
	const cell = match ? plausible(Number(match[1]), Number(match[2])) : null;
	return (
		cell ?? {
			error: `--cell takes a cell's size in pixels as WIDTHxHEIGHT, each from ${MIN_CELL} to ${MAX_CELL} (e.g. 9x18), not "${text}"`,
		}
	);
}
