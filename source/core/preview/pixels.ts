/** Decoded pixels as they move between the decoder, the encoders and the tests: 8-bit RGB, rows top to bottom. */
export type RgbImage = {readonly width: number; readonly height: number; readonly data: Uint8Array};

/** How many pixels a terminal cell covers; 10×20 when the terminal does not say (most fonts are near 1:2). */
export type CellPixels = {readonly width: number; readonly height: number};
export const DEFAULT_CELL_PIXELS: CellPixels = Object.freeze({width: 10, height: 20});

export function blankImage(width: number, height: number, grey = 0): RgbImage {
	return {width, height, data: new Uint8Array(width * height * 3).fill(grey)};
}

/** The size `width`×`height` takes to fit inside `box` with its aspect kept (one side exactly the box's). */
export function fitInside(width: number, height: number, box: CellPixels): CellPixels {
	if (width * box.height >= height * box.width)
		return {width: box.width, height: Math.max(1, Math.min(box.height, Math.round((height * box.width) / width)))};
	return {width: Math.max(1, Math.min(box.width, Math.round((width * box.height) / height))), height: box.height};
}

/**
 * One axis of an area-average downscale: for each output position, the source positions it covers and how
 * much of each (fractions at the edges), the weights summing to 1.
 */
function coverage(from: number, to: number): {first: Int32Array; count: Int32Array; weights: Float32Array} {
	const scale = from / to;
	const first = new Int32Array(to);
	const count = new Int32Array(to);
	const weights: number[] = [];
	for (let o = 0; o < to; o++) {
		const start = o * scale;
		const end = Math.min(from, (o + 1) * scale);
		const lo = Math.floor(start);
		const hi = Math.min(from, Math.ceil(end));
		first[o] = lo;
		count[o] = hi - lo;
		for (let s = lo; s < hi; s++) weights.push((Math.min(end, s + 1) - Math.max(start, s)) / scale);
	}
	return {first, count, weights: Float32Array.from(weights)};
}

/**
 * Downscale to exactly `width`×`height` (each no larger than the source's) by averaging the source area each
 * output pixel covers, fractions of pixels included: what a cell's thumbnail needs from the cached one, at a
 * fraction of the cost of another decoder pipeline (~0.3 ms for a 120×82 cell from 384×263).
 */
export function areaResize(image: RgbImage, width: number, height: number): RgbImage {
	if (width > image.width || height > image.height || width < 1 || height < 1)
		throw new Error(`areaResize only shrinks: ${image.width}x${image.height} to ${width}x${height}`);
	const across = coverage(image.width, width);
	const down = coverage(image.height, height);
	const src = image.data;
	const stride = width * 3;
	const out = new Uint8Array(width * height * 3);
	// One output row at a time: the source rows it covers, each averaged across and added with its weight down.
	// Only a row of sums is kept (a whole intermediate picture of floats would cost more in fresh pages than the
	// arithmetic); a source row on the border of two output rows is averaged across twice.
	const sum = new Float32Array(stride);
	for (let y = 0, v = 0; y < height; y++) {
		sum.fill(0);
		const rowsDown = down.count[y]!;
		for (let k = 0; k < rowsDown; k++, v++) {
			const weightDown = down.weights[v]!;
			const rowIn = (down.first[y]! + k) * image.width * 3;
			for (let x = 0, w = 0; x < width; x++) {
				let r = 0;
				let g = 0;
				let b = 0;
				const n = across.count[x]!;
				for (let j = 0, i = rowIn + across.first[x]! * 3; j < n; j++, i += 3, w++) {
					const weight = across.weights[w]!;
					r += src[i]! * weight;
					g += src[i + 1]! * weight;
					b += src[i + 2]! * weight;
				}
				const o = x * 3;
				sum[o] = sum[o]! + r * weightDown;
				sum[o + 1] = sum[o + 1]! + g * weightDown;
				sum[o + 2] = sum[o + 2]! + b * weightDown;
			}
		}
		// The weights sum to 1, so a sum is within 0–255 but for float rounding: capped, as a Uint8Array wraps.
		const o = y * stride;
		for (let c = 0; c < stride; c++) out[o + c] = Math.min(255, Math.round(sum[c]!));
	}
	return {width, height, data: out};
}

/** Box-filter downscale to exactly `width`×`height` (the tests' reference, and the half blocks' last step). */
export function boxResize(image: RgbImage, width: number, height: number): RgbImage {
	const out = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		const y0 = Math.floor((y * image.height) / height);
		const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
		for (let x = 0; x < width; x++) {
			const x0 = Math.floor((x * image.width) / width);
			const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
			let r = 0;
			let g = 0;
			let b = 0;
			let n = 0;
			for (let sy = y0; sy < y1 && sy < image.height; sy++) {
				for (let sx = x0; sx < x1 && sx < image.width; sx++) {
					const i = (sy * image.width + sx) * 3;
					r += image.data[i]!;
					g += image.data[i + 1]!;
					b += image.data[i + 2]!;
					n++;
				}
			}
			const o = (y * width + x) * 3;
			out[o] = n ? Math.round(r / n) : 0;
			out[o + 1] = n ? Math.round(g / n) : 0;
			out[o + 2] = n ? Math.round(b / n) : 0;
		}
	}
	return {width, height, data: out};
}

/** Mean absolute difference per channel (0–255) of two images of the same size. */
export function meanColourError(a: RgbImage, b: RgbImage): number {
	if (a.width !== b.width || a.height !== b.height)
		throw new Error(`size differs: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
	let sum = 0;
	for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
	return a.data.length === 0 ? 0 : sum / a.data.length;
}
