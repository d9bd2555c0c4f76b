/**
 * A contact sheet as terminal text (`sdstats preview`): rows of thumbnails, a caption line under each. Half
 * blocks are laid out as text side by side; the graphics protocols send one strip image per row into space
 * reserved first (newlines, then back up), so the picture never scrolls the screen and the captions land
 * under it whatever the terminal does with its cursor after an image.
 */
import {CAPTION_ROWS, sheetLayout, type SheetLayout} from '../../core/preview/layout.js';
import {
	halfBlockLines,
	itermImage,
	kittyImage,
	sixelImage,
	type ColourDepth,
	type Protocol,
} from '../../core/preview/encode.js';
import type {CellPixels, RgbImage} from '../../core/preview/pixels.js';
import {displayWidth, fitToWidth} from '../../text/width.js';
import {composeStrip} from './compose.js';
import {pngOfPixels} from '../../core/preview/png.js';
import {encodeJpeg} from './decode.js';
import {fittedPicture, pixelBox} from './thumbnail.js';
import type {PreviewImage} from './session-images.js';

export type PreviewTextOptions = {
	/** null: captions only (no image bytes). */
	protocol: Protocol | null;
	cols: number;
	rows: number;
	cell: CellPixels;
	depth: ColourDepth;
	cacheDir: string | null;
	/** Image width / height (for the layout); SD renders are 832/1216 unless the first image says otherwise. */
	aspect: number;
};

const ESC = '\u001B';

type Cell = {image: PreviewImage; picture: RgbImage | null; reason: string | null};

function captionLine(cells: readonly Cell[], layout: SheetLayout): string {
	return cells
		.map((cell) =>
			fitToWidth(cell.reason ? `✗ ${cell.reason}` : cellCaption(cell.image, layout.cellCols), layout.cellCols),
		)
		.join(' '.repeat(layout.gap))
		.trimEnd();
}

/** The full caption when it fits the cell, else the short one (values and seed). */
export function cellCaption(image: Pick<PreviewImage, 'caption' | 'shortCaption'>, width: number): string {
	return displayWidth(image.caption) <= width ? image.caption : image.shortCaption;
}

/** The sheet's text; `images` are already the sheet's choice (first, last, between; or the newest). */
export async function renderPreviewText(
	images: readonly PreviewImage[],
	options: PreviewTextOptions,
): Promise<{text: string; layout: SheetLayout | null}> {
	const protocol = options.protocol;
	if (protocol === null) {
		// No pictures: one line per image, its file name and its caption, like a listing.
		const width = Math.max(...images.map((image) => displayWidth(image.name)));
		const text = images.map((image) => `${fitToWidth(image.name, width)}  ${image.caption}`.trimEnd()).join('\n');
		return {
			text: text ? `${text}\n` : '',
			layout: sheetLayout(images.length, options.cols, options.rows, options.aspect, options.cell),
		};
	}
	const layout = sheetLayout(images.length, options.cols, options.rows, options.aspect, options.cell);
	if (!layout) return {text: '', layout: null};
	const box = pixelBox(protocol ?? 'blocks', layout.cellCols, layout.cellRows, options.cell);
	const shown = images.slice(0, layout.count);
	const cells: Cell[] = await Promise.all(
		shown.map(async (image): Promise<Cell> => {
			const picture = await fittedPicture(
				{path: image.path, size: image.size, mtimeMs: image.mtimeMs, cacheDir: options.cacheDir},
				box,
			);
			return picture.ok
				? {image, picture: picture.image, reason: null}
				: {image, picture: null, reason: picture.reason};
		}),
	);
	let text = '';
	for (let start = 0; start < cells.length; start += layout.across) {
		const row = cells.slice(start, start + layout.across);
		if (protocol === 'blocks') text += blockRows(row, layout, box, options.depth);
		else text += await graphicRow(row, layout, box, protocol, options.cell);
		text += `${captionLine(row, layout)}\n`;
	}
	return {text, layout};
}

function blockRows(
	row: readonly Cell[],
	layout: SheetLayout,
	box: {width: number; height: number},
	depth: ColourDepth,
): string {
	const blank = ' '.repeat(layout.cellCols);
	const columns = row.map((cell) => {
		if (!cell.picture) return Array.from({length: layout.cellRows}, () => blank);
		const even = cell.picture.height - (cell.picture.height % 2);
		const lines = halfBlockLines(
			{...cell.picture, height: even, data: cell.picture.data.subarray(0, even * cell.picture.width * 3)},
			depth,
		);
		const left = Math.floor((box.width - cell.picture.width) / 2);
		const top = Math.floor((layout.cellRows - lines.length) / 2);
		return Array.from({length: layout.cellRows}, (_, i) => {
			const line = lines[i - top];
			return line === undefined
				? blank
				: ' '.repeat(left) + line + ' '.repeat(layout.cellCols - left - cell.picture!.width);
		});
	});
	let text = '';
	for (let i = 0; i < layout.cellRows; i++)
		text += `${columns.map((lines) => lines[i]).join(' '.repeat(layout.gap))}\n`;
	return text;
}

async function graphicRow(
	row: readonly Cell[],
	layout: SheetLayout,
	box: {width: number; height: number},
	protocol: Exclude<Protocol, 'blocks'>,
	cell: CellPixels,
): Promise<string> {
	const strip = composeStrip(
		row.map((c) => c.picture),
		box,
		layout.gap * cell.width,
	);
	const cols = row.length * layout.cellCols + (row.length - 1) * layout.gap;
	const rows = layout.cellRows;
	const image =
		protocol === 'kitty'
			? kittyImage(pngOfPixels(strip), {cols, rows})
			: protocol === 'iterm'
				? itermImage(await encodeJpeg(strip), {cols, rows})
				: sixelImage(strip);
	// Reserve the rows, go back to their top, draw with the cursor saved, then step below the picture.
	return `${'\n'.repeat(rows)}${ESC}[${rows}A${ESC}7${image}${ESC}8${ESC}[${rows}B\r`;
}

export {CAPTION_ROWS};
