/**
 * Colour reduction for sixel: at most 256 colours by median cut over a 5-bit-per-channel histogram, and each
 * pixel's palette index (what a sixel encoder needs: no colour matching left to do).
 *
 * Why our own: the `sixel` package's quantizer (its `image2sixel`) took ~50 ms of CPU for one 230×160
 * thumbnail, against well under 1 ms here, and a contact sheet is 12 of them, a grid 70 (measured with the
 * bench's pictures section). Thumbnails need no dithering: a cell of a few hundred pixels per side shows no
 * banding worth the cost.
 *
 * The histogram's tables are kept between calls (a grid quantises one cell after another on one thread) and
 * only the bins a picture used are cleared after it: fresh tables cost more in page faults than the work.
 * Pure: same pixels in, same palette and indices out.
 */
import type {RgbImage} from './pixels.js';

export type Quantized = {
	/** The palette, at most `maxColours` (≤ 256) entries. */
	palette: Array<[number, number, number]>;
	/** Each pixel's palette index, rows top to bottom. */
	indices: Uint8Array;
};

const BINS = 32 * 32 * 32;

/** Pixels per bin, per-channel sums (reused; all zero between calls), and each used bin's palette entry. */
let counts: Uint32Array | null = null;
let sums: Uint32Array | null = null;
let paletteOfBin: Uint8Array | null = null;
/** Each pixel's bin (reused) for pictures up to a sheet's largest cells; larger ones get their own. */
const SHARED_PIXELS = 512 * 512;
let binOf = new Uint16Array(0);

const channelOf = (bin: number, axis: number): number =>
	axis === 0 ? bin >> 10 : axis === 1 ? (bin >> 5) & 31 : bin & 31;

/** A box of the median cut: bins `order[start..end)`, their pixel count, and its widest channel. */
type Box = {start: number; end: number; count: number; range: number; axis: number};

function describe(order: Int32Array, start: number, end: number, table: Uint32Array): Box {
	let lowR = 31;
	let lowG = 31;
	let lowB = 31;
	let highR = 0;
	let highG = 0;
	let highB = 0;
	let count = 0;
	for (let i = start; i < end; i++) {
		const bin = order[i]!;
		const r = bin >> 10;
		const g = (bin >> 5) & 31;
		const b = bin & 31;
		if (r < lowR) lowR = r;
		if (r > highR) highR = r;
		if (g < lowG) lowG = g;
		if (g > highG) highG = g;
		if (b < lowB) lowB = b;
		if (b > highB) highB = b;
		count += table[bin]!;
	}
	const rangeR = highR - lowR;
	const rangeG = highG - lowG;
	const rangeB = highB - lowB;
	const axis = rangeR >= rangeG && rangeR >= rangeB ? 0 : rangeG >= rangeB ? 1 : 2;
	return {start, end, count, range: axis === 0 ? rangeR : axis === 1 ? rangeG : rangeB, axis};
}

export function quantize(image: RgbImage, maxColours = 256): Quantized {
	const colours = Math.max(1, Math.min(256, maxColours));
	const {data} = image;
	const pixels = image.width * image.height;
	counts ??= new Uint32Array(BINS);
	paletteOfBin ??= new Uint8Array(BINS);
	// A bin's sum reaches 255 × its pixels: past 2³² (16 million pixels in one bin) the shared 32-bit sums would
	// wrap, so such a picture gets its own wide table.
	const wide = pixels * 255 >= 2 ** 32;
	sums ??= new Uint32Array(BINS * 3);
	const table = counts;
	const sum: Uint32Array | Float64Array = wide ? new Float64Array(BINS * 3) : sums;
	// Cells share one array of bins; a picture larger than a cell (full screen) gets its own, so the thread does
	// not keep megabytes for the rest of its life.
	if (binOf.length < pixels && pixels <= SHARED_PIXELS) binOf = new Uint16Array(SHARED_PIXELS);
	const bins = pixels <= SHARED_PIXELS ? binOf : new Uint16Array(pixels);
	const used: number[] = [];
	for (let p = 0, i = 0; p < pixels; p++, i += 3) {
		const r = data[i]!;
		const g = data[i + 1]!;
		const b = data[i + 2]!;
		const bin = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
		bins[p] = bin;
		const seen = table[bin]!;
		if (seen === 0) used.push(bin);
		table[bin] = seen + 1;
		const s = bin * 3;
		sum[s] = sum[s]! + r;
		sum[s + 1] = sum[s + 1]! + g;
		sum[s + 2] = sum[s + 2]! + b;
	}
	// Boxes are ranges of one array of bins, split in place: sorting a range by a channel keeps it one range.
	const order = Int32Array.from(used).sort();
	const boxes: Box[] = order.length > 0 ? [describe(order, 0, order.length, table)] : [];
	// Split the box whose pixels spread the most (count × range) at its weighted median, until full.
	while (boxes.length < colours) {
		let pick = -1;
		let best = 0;
		for (let index = 0; index < boxes.length; index++) {
			const box = boxes[index]!;
			const score = box.range > 0 && box.end - box.start > 1 ? box.count * box.range : 0;
			if (score > best) {
				best = score;
				pick = index;
			}
		}
		if (pick < 0) break;
		const box = boxes[pick]!;
		// Sorted by the channel, ties by bin: the channel as the high bits of one integer key.
		const range = order.subarray(box.start, box.end);
		for (let i = 0; i < range.length; i++) range[i] = (channelOf(range[i]!, box.axis) << 15) | range[i]!;
		range.sort();
		for (let i = 0; i < range.length; i++) range[i] = range[i]! & 0x7fff;
		let seen = 0;
		let cut = 1;
		for (; cut < range.length; cut++) {
			seen += table[range[cut - 1]!]!;
			if (seen * 2 >= box.count) break;
		}
		cut = box.start + Math.max(1, Math.min(range.length - 1, cut));
		boxes.splice(pick, 1, describe(order, box.start, cut, table), describe(order, cut, box.end, table));
	}
	const toPalette = paletteOfBin;
	const palette: Array<[number, number, number]> = boxes.map((box, index) => {
		let r = 0;
		let g = 0;
		let b = 0;
		for (let i = box.start; i < box.end; i++) {
			const bin = order[i]!;
			toPalette[bin] = index;
			r += sum[bin * 3]!;
			g += sum[bin * 3 + 1]!;
			b += sum[bin * 3 + 2]!;
		}
		return [Math.round(r / box.count), Math.round(g / box.count), Math.round(b / box.count)];
	});
	const indices = new Uint8Array(pixels);
	for (let p = 0; p < pixels; p++) indices[p] = toPalette[bins[p]!]!;
	// Leave the shared tables as they were found: all zero.
	for (const bin of used) {
		table[bin] = 0;
		if (!wide) {
			sum[bin * 3] = 0;
			sum[bin * 3 + 1] = 0;
			sum[bin * 3 + 2] = 0;
		}
	}
	return {palette, indices};
}
