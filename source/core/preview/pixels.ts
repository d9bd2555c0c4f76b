/** Decoded pixels as they move between the decoder, the encoders and the tests: 8-bit RGB, rows top to bottom. */
export type RgbImage = {readonly width: number; readonly height: number; readonly data: Uint8Array};

/** How many pixels a terminal cell covers; 10×20 when the terminal does not say (most fonts are near 1:2). */
export type CellPixels = {readonly width: number; readonly height: number};
export const DEFAULT_CELL_PIXELS: CellPixels = Object.freeze({width: 10, height: 20});

export function blankImage(width: number, height: number, grey = 0): RgbImage {
	return {width, height, data: new Uint8Array(width * height * 3).fill(grey)};
}

/** RGB → RGBA with full opacity (the sixel encoder takes RGBA). */
export function toRgba(image: RgbImage): Uint8Array {
	const out = new Uint8Array(image.width * image.height * 4);
	for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
		out[j] = image.data[i]!;
		out[j + 1] = image.data[i + 1]!;
		out[j + 2] = image.data[i + 2]!;
		out[j + 3] = 255;
	}
	return out;
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
