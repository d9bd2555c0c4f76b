/**
 * How a contact sheet fills a box of terminal cells: how many thumbnails across and down, and each one's size,
 * so that the thumbnails are as large as possible with a caption line under each. Pure.
 */
import type {CellPixels} from './pixels.js';

export type SheetLayout = {
	/** Thumbnails shown (≤ the images asked for). */
	count: number;
	across: number;
	down: number;
	/** One thumbnail's box in cells (its caption is the line below). */
	cellCols: number;
	cellRows: number;
	/** Columns between two thumbnails. */
	gap: number;
};

export const CAPTION_ROWS = 1;

/**
 * The layout that shows `count` images (fewer when the box is too small for them at `minCols`) with the largest
 * thumbnails, for images of `aspect` = width / height (SD renders: 832/1216) on cells of `cell` pixels.
 */
export function sheetLayout(
	count: number,
	cols: number,
	rows: number,
	aspect: number,
	cell: CellPixels,
	options: {gap?: number; minCols?: number} = {},
): SheetLayout | null {
	const gap = options.gap ?? 1;
	const minCols = options.minCols ?? 6;
	const safeAspect = Number.isFinite(aspect) && aspect > 0 ? aspect : 832 / 1216;
	for (let shown = count; shown >= 1; shown--) {
		let best: SheetLayout | null = null;
		for (let across = 1; across <= shown; across++) {
			const down = Math.ceil(shown / across);
			const widthLimit = Math.floor((cols - gap * (across - 1)) / across);
			const heightLimit = Math.floor(rows / down) - CAPTION_ROWS;
			if (widthLimit < minCols || heightLimit < 2) continue;
			// The largest thumbnail of this aspect that fits both limits, in cells.
			const rowsForWidth = Math.max(1, Math.round((widthLimit * cell.width) / safeAspect / cell.height));
			const cellRows = Math.min(heightLimit, rowsForWidth);
			const cellCols = Math.min(
				widthLimit,
				Math.max(1, Math.round((cellRows * cell.height * safeAspect) / cell.width)),
			);
			if (cellCols < minCols) continue;
			if (!best || cellCols * cellRows > best.cellCols * best.cellRows)
				best = {count: shown, across, down, cellCols, cellRows, gap};
		}
		if (best) return best;
	}
	return null;
}
