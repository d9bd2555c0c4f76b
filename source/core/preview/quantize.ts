/**
 * Colour reduction for sixel: at most 256 colours by median cut over a 5-bit-per-channel histogram.
 *
 * Why our own: the `sixel` package's quantizer (its `image2sixel`) took ~50 ms of CPU for one 230×160
 * thumbnail, against ~3 ms here, and a contact sheet is 12 of them (measured with the bench's pictures
 * section; the package's encoder, fed our palette, stays: `sixelEncode` is ~8 ms). Thumbnails need no dithering:
 * a cell of a few hundred pixels per side shows no banding worth the cost. Pure.
 */
import type {RgbImage} from './pixels.js';

export type Quantized = {
	/** The palette, at most `maxColours` entries. */
	palette: Array<[number, number, number]>;
	/** The image in palette colours, RGBA (opaque), for an encoder that maps exact colours to registers. */
	rgba: Uint8Array;
};

const BINS = 32 * 32 * 32;

type Box = {bins: number[]; count: number; range: number; axis: 0 | 1 | 2};

function describe(bins: number[], counts: Uint32Array): Box {
	const low = [31, 31, 31];
	const high = [0, 0, 0];
	let count = 0;
	for (const bin of bins) {
		const channels = [bin >> 10, (bin >> 5) & 31, bin & 31];
		for (let c = 0; c < 3; c++) {
			if (channels[c]! < low[c]!) low[c] = channels[c]!;
			if (channels[c]! > high[c]!) high[c] = channels[c]!;
		}
		count += counts[bin]!;
	}
	const ranges = [high[0]! - low[0]!, high[1]! - low[1]!, high[2]! - low[2]!];
	const axis = (ranges[0]! >= ranges[1]! && ranges[0]! >= ranges[2]! ? 0 : ranges[1]! >= ranges[2]! ? 1 : 2) as
		0 | 1 | 2;
	return {bins, count, range: ranges[axis]!, axis};
}

const channelOf = (bin: number, axis: 0 | 1 | 2): number =>
	axis === 0 ? bin >> 10 : axis === 1 ? (bin >> 5) & 31 : bin & 31;

export function quantize(image: RgbImage, maxColours = 256): Quantized {
	const {data} = image;
	const pixels = image.width * image.height;
	const counts = new Uint32Array(BINS);
	const sums = new Float64Array(BINS * 3);
	const binOf = new Uint16Array(pixels);
	for (let p = 0, i = 0; p < pixels; p++, i += 3) {
		const r = data[i]!;
		const g = data[i + 1]!;
		const b = data[i + 2]!;
		const bin = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
		binOf[p] = bin;
		counts[bin]!++;
		sums[bin * 3] = sums[bin * 3]! + r;
		sums[bin * 3 + 1] = sums[bin * 3 + 1]! + g;
		sums[bin * 3 + 2] = sums[bin * 3 + 2]! + b;
	}
	const used: number[] = [];
	for (let bin = 0; bin < BINS; bin++) if (counts[bin]! > 0) used.push(bin);
	const boxes: Box[] = used.length > 0 ? [describe(used, counts)] : [];
	// Split the box whose pixels spread the most (count × range) at its weighted median, until full.
	while (boxes.length < maxColours) {
		let pick = -1;
		let best = 0;
		boxes.forEach((box, index) => {
			const score = box.range > 0 && box.bins.length > 1 ? box.count * box.range : 0;
			if (score > best) {
				best = score;
				pick = index;
			}
		});
		if (pick < 0) break;
		const box = boxes[pick]!;
		const sorted = [...box.bins].sort((a, b) => channelOf(a, box.axis) - channelOf(b, box.axis));
		let seen = 0;
		let cut = 1;
		for (; cut < sorted.length; cut++) {
			seen += counts[sorted[cut - 1]!]!;
			if (seen * 2 >= box.count) break;
		}
		cut = Math.max(1, Math.min(sorted.length - 1, cut));
		boxes.splice(pick, 1, describe(sorted.slice(0, cut), counts), describe(sorted.slice(cut), counts));
	}
	const paletteOfBin = new Uint16Array(BINS);
	const palette: Array<[number, number, number]> = boxes.map((box, index) => {
		let r = 0;
		let g = 0;
		let b = 0;
		for (const bin of box.bins) {
			paletteOfBin[bin] = index;
			r += sums[bin * 3]!;
			g += sums[bin * 3 + 1]!;
			b += sums[bin * 3 + 2]!;
		}
		return [Math.round(r / box.count), Math.round(g / box.count), Math.round(b / box.count)];
	});
	const rgba = new Uint8Array(pixels * 4);
	for (let p = 0, o = 0; p < pixels; p++, o += 4) {
		const colour = palette[paletteOfBin[binOf[p]!]!]!;
		rgba[o] = colour[0];
		rgba[o + 1] = colour[1];
		rgba[o + 2] = colour[2];
		rgba[o + 3] = 255;
	}
	return {palette, rgba};
}
