/**
 * The pure pixel work under the pictures: the palette (quantize.ts), the sixel encoder of its indices
 * (sixel.ts) decoded back by the `sixel` package's decoder, and the area-average downscale (pixels.ts). The
 * decode-back against libsixel's sixel2png is in protocols.test.ts.
 */
import {decode as sixelDecode} from 'sixel';
import {describe, expect, test} from 'vitest';
import {sixelImage} from '../../source/core/preview/encode.js';
import {areaResize, boxResize, fitInside, meanColourError, type RgbImage} from '../../source/core/preview/pixels.js';
import {quantize} from '../../source/core/preview/quantize.js';
import {sixelIndexed} from '../../source/core/preview/sixel.js';
import {gradientImage, noisyImage} from '../helpers/images.js';

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
	return {width, height, data};
}

/**
 * The `sixel` package's decoder: the picture as RGB, and its size. It takes the sixel data alone (after the DCS
 * introducer's `q`, before ST): only then are the raster attributes the first thing it reads and its size theirs.
 */
function decodeSixel(text: string): RgbImage {
	expect(text.startsWith('\u001BP0;1;q')).toBe(true);
	expect(text.endsWith('\u001B\\')).toBe(true);
	const decoded = sixelDecode(text.slice('\u001BP0;1;q'.length, -2));
	const view = new Uint8Array(decoded.data32.buffer, decoded.data32.byteOffset, decoded.width * decoded.height * 4);
	const data = new Uint8Array(decoded.width * decoded.height * 3);
	for (let i = 0, j = 0; i < view.length; i += 4, j += 3) data.set(view.subarray(i, i + 3), j);
	return {width: decoded.width, height: decoded.height, data};
}

describe('the palette', () => {
	test('at most 256 colours, every index within the palette, each pixel near its colour', () => {
		const image = noisyImage(97, 61, 3);
		const {palette, indices} = quantize(image, 256);
		expect(palette.length).toBeLessThanOrEqual(256);
		expect(palette.length).toBeGreaterThan(64);
		expect(indices.length).toBe(97 * 61);
		expect(Math.max(...indices)).toBeLessThan(palette.length);
		const back = new Uint8Array(image.data.length);
		indices.forEach((index, p) => back.set(palette[index]!, p * 3));
		expect(meanColourError({width: 97, height: 61, data: back}, image)).toBeLessThan(6);
	});

	test('fewer colours than asked: exactly the colours there are', () => {
		const image = solid(8, 4, [200, 30, 90]);
		image.data.set([0, 0, 0], 0);
		const {palette, indices} = quantize(image, 256);
		expect(palette).toHaveLength(2);
		expect(palette[indices[0]!]).toEqual([0, 0, 0]);
		expect(palette[indices[1]!]).toEqual([200, 30, 90]);
	});

	test('its tables are reused between pictures and left clean: the same picture gives the same answer after another (regression)', () => {
		const first = noisyImage(60, 40, 1);
		const before = quantize(first, 256);
		quantize(noisyImage(80, 50, 2), 256);
		quantize(solid(3, 3, [255, 255, 255]), 16);
		const after = quantize(first, 256);
		expect(after.palette).toEqual(before.palette);
		expect(after.indices).toEqual(before.indices);
	});
});

describe('the sixel encoder', () => {
	test.each([
		['a grid cell', 120, 82],
		['a height that is not a multiple of six', 37, 13],
		['one column', 1, 9],
		['one pixel', 1, 1],
		['full screen (its own tables, let go after)', 640, 480],
	])('%s (%i×%i) decodes back to its palette colours at its exact size', (_name, width, height) => {
		const image = noisyImage(width, height, width + height);
		const {palette, indices} = quantize(image, 256);
		const expected = new Uint8Array(image.data.length);
		indices.forEach((index, p) => expected.set(palette[index]!, p * 3));
		const decoded = decodeSixel(sixelIndexed(indices, width, height, palette));
		expect([decoded.width, decoded.height]).toEqual([width, height]);
		// Registers are given in percent: each channel within 255/200 of the palette colour.
		expect(meanColourError(decoded, {width, height, data: expected})).toBeLessThan(1.3);
	});

	test('a cell after a full-screen picture is encoded as before it (the reused buffers let go and made again)', () => {
		const cell = noisyImage(120, 82, 5);
		const before = sixelImage(cell);
		sixelImage(noisyImage(900, 700, 6));
		expect(sixelImage(cell)).toBe(before);
	});

	test('one colour: a run per band, nothing else', () => {
		const text = sixelImage(solid(40, 12, [255, 0, 0]));
		expect(text).toBe('\u001BP0;1;q"1;1;40;12#0;2;100;0;0#0!40~$-#0!40~$\u001B\\');
	});

	test('a colour that starts late in a band is preceded by empty columns, not drawn from the left edge', () => {
		const image = solid(10, 6, [0, 0, 255]);
		for (let x = 6; x < 10; x++) image.data.set([255, 255, 0], x * 3);
		const decoded = decodeSixel(sixelImage(image));
		expect(meanColourError(decoded, image)).toBe(0);
	});

	test('more than 256 colours cannot be registers', () => {
		const palette = Array.from({length: 257}, (): [number, number, number] => [0, 0, 0]);
		expect(() => sixelIndexed(new Uint8Array(1), 1, 1, palette)).toThrow(/256/);
	});
});

describe('the area-average downscale', () => {
	test('by a whole factor: each output pixel is the mean of its block', () => {
		const image: RgbImage = {
			width: 2,
			height: 2,
			data: Uint8Array.from([0, 0, 0, 100, 10, 20, 50, 50, 50, 250, 0, 2]),
		};
		expect([...areaResize(image, 1, 1).data]).toEqual([100, 15, 18]);
	});

	test('by a fraction: a flat picture stays flat, a gradient stays near the box filter', () => {
		expect(
			meanColourError(areaResize(solid(384, 263, [12, 130, 250]), 120, 82), solid(120, 82, [12, 130, 250])),
		).toBe(0);
		const source = gradientImage(384, 263, 5);
		const small = areaResize(source, 120, 82);
		expect([small.width, small.height]).toEqual([120, 82]);
		expect(meanColourError(small, boxResize(source, 120, 82))).toBeLessThan(3);
	});

	test('only shrinks', () => {
		expect(() => areaResize(solid(4, 4, [0, 0, 0]), 5, 4)).toThrow(/only shrinks/);
	});

	test('fits inside a box with the aspect kept, one side exactly the box', () => {
		expect(fitInside(384, 263, {width: 120, height: 100})).toEqual({width: 120, height: 82});
		expect(fitInside(263, 384, {width: 120, height: 100})).toEqual({width: 68, height: 100});
		expect(fitInside(1000, 1, {width: 50, height: 50})).toEqual({width: 50, height: 1});
	});
});
