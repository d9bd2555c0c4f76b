/**
 * Thumbnails put together: a strip of one sheet row (sent as one image by the graphics protocols, so a row
 * costs one escape sequence) and the shareable contact-sheet PNG with captions (`sdstats sheet`).
 */
import sharp from 'sharp';
import {decoderGate} from './decoder-gate.js';
import {blankImage, type RgbImage} from '../../core/preview/pixels.js';

/** The grey of an empty cell (a missing image, or one that could not be decoded). */
export const EMPTY_GREY = 40;

/** Pixels pasted into a larger image at (x, y), clipped to it. */
export function paste(target: RgbImage, source: RgbImage, x: number, y: number): void {
	for (let row = 0; row < source.height; row++) {
		const ty = y + row;
		if (ty < 0 || ty >= target.height) continue;
		const from = row * source.width * 3;
		const width = Math.min(source.width, target.width - x);
		if (width <= 0) continue;
		target.data.set(source.data.subarray(from, from + width * 3), (ty * target.width + x) * 3);
	}
}

/** One row of a sheet: each thumbnail centred in its box, `gapPx` between boxes, empty cells grey. */
export function composeStrip(
	thumbnails: ReadonlyArray<RgbImage | null>,
	box: {width: number; height: number},
	gapPx: number,
): RgbImage {
	const strip = blankImage(thumbnails.length * box.width + Math.max(0, thumbnails.length - 1) * gapPx, box.height, 0);
	thumbnails.forEach((thumbnail, index) => {
		const left = index * (box.width + gapPx);
		if (!thumbnail) {
			paste(strip, blankImage(box.width, box.height, EMPTY_GREY), left, 0);
			return;
		}
		paste(
			strip,
			thumbnail,
			left + Math.floor((box.width - thumbnail.width) / 2),
			Math.floor((box.height - thumbnail.height) / 2),
		);
	});
	return strip;
}

function xml(text: string): string {
	return text.replace(
		/[<>&"']/g,
		(c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'})[c]!,
	);
}

export type SheetCell = {image: RgbImage | null; caption: string; reason: string | null};

/**
 * The contact sheet as a PNG: `across` thumbnails per row in boxes of `box` pixels, each with its caption
 * (and, for a cell without a picture, its reason) drawn below. Captions are SVG text rendered by libvips.
 */
export async function composeSheetPng(
	cells: readonly SheetCell[],
	options: {across: number; box: {width: number; height: number}; title: string},
): Promise<Buffer> {
	const pad = 12;
	const captionHeight = 36;
	const titleHeight = 36;
	const across = Math.max(1, Math.min(options.across, cells.length || 1));
	const down = Math.max(1, Math.ceil(cells.length / across));
	const width = pad + across * (options.box.width + pad);
	const height = titleHeight + pad + down * (options.box.height + captionHeight + pad);
	const canvas = blankImage(width, height, 24);
	const texts: string[] = [
		`<text x="${pad}" y="26" font-family="DejaVu Sans, sans-serif" font-size="18" fill="#eeeeee">${xml(options.title)}</text>`,
	];
	const charsPerLine = Math.max(8, Math.floor(options.box.width / 7));
	cells.forEach((cell, index) => {
		const x = pad + (index % across) * (options.box.width + pad);
		const y = titleHeight + pad + Math.floor(index / across) * (options.box.height + captionHeight + pad);
		if (cell.image)
			paste(
				canvas,
				cell.image,
				x + Math.floor((options.box.width - cell.image.width) / 2),
				y + Math.floor((options.box.height - cell.image.height) / 2),
			);
		else {
			paste(canvas, blankImage(options.box.width, options.box.height, EMPTY_GREY), x, y);
			texts.push(
				`<text x="${x + 8}" y="${y + options.box.height / 2}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#ff9090">${xml(clip(cell.reason ?? 'no image', charsPerLine))}</text>`,
			);
		}
		texts.push(
			`<text x="${x}" y="${y + options.box.height + 16}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#dddddd">${xml(clip(cell.caption, charsPerLine))}</text>`,
		);
	});
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`;
	return decoderGate.run('encode', () =>
		sharp(canvas.data, {raw: {width, height, channels: 3}})
			.composite([{input: Buffer.from(svg), top: 0, left: 0}])
			.png({compressionLevel: 6})
			.toBuffer(),
	);
}

function clip(text: string, chars: number): string {
	return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}
