/**
 * Each protocol's output decoded back by a decoder that is not ours and compared with the downscaled source:
 * kitty's and iTerm2's base64 payloads (pngjs, jpeg-js), sixel through libsixel's sixel2png (Debian's
 * libsixel-bin; skipped with the reason when absent) and through the sixel package's own decoder, half blocks
 * rebuilt into pixels from their colours. Mean colour error under a stated threshold, exact cell size.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import {PNG} from 'pngjs';
import {decode as sixelDecode} from 'sixel';
import {describe, expect, test} from 'vitest';
import {
	halfBlockLines,
	kittyImage,
	sixelImage,
	tmuxPassthrough,
	xterm256Rgb,
} from '../../source/core/preview/encode.js';
import {boxResize, meanColourError, type RgbImage} from '../../source/core/preview/pixels.js';
import {encodeFor, pixelBox} from '../../source/jobs/thumbnails/thumbnail.js';
import {decodeToFit, encodeJpeg} from '../../source/jobs/thumbnails/decode.js';
import {pngOfPixels} from '../../source/core/preview/png.js';
import {gradientImage, noisyImage, pngOf} from '../helpers/images.js';

const CELL = {width: 10, height: 20};
/** A 1216×832-shaped render, smaller so the suite stays quick on a loaded machine. */
const SOURCE = gradientImage(416, 608, 3);
/** The same with a render's grain: its payload needs several kitty chunks (a smooth gradient now fits in one). */
const GRAINY = noisyImage(416, 608, 3);

/** The thresholds, per channel on 0–255: lossless paths only differ by the scaling filter. */
const LOSSLESS = 6;
const JPEG = 8;
const PALETTE_256 = 12;
const CUBE_256 = 20;

async function fitted(
	cols: number,
	rows: number,
	protocol: 'kitty' | 'iterm' | 'sixel' | 'blocks',
	source = SOURCE,
): Promise<RgbImage> {
	const result = await decodeToFit(await pngOf(source), pixelBox(protocol, cols, rows, CELL));
	if (!result.ok) throw new Error(result.reason);
	return result.image;
}

function pngDecode(bytes: Buffer): RgbImage {
	const png = PNG.sync.read(bytes);
	const data = new Uint8Array(png.width * png.height * 3);
	for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) data.set(png.data.subarray(i, i + 3), j);
	return {width: png.width, height: png.height, data};
}

/** The source, downscaled by our reference box filter to the size the protocol shows. */
function reference(width: number, height: number, source = SOURCE): RgbImage {
	return boxResize(source, width, height);
}

describe('kitty graphics', () => {
	test('the base64 PNG payload, chunked at 4096 bytes, decodes to the downscaled source at cols×rows cells', async () => {
		const image = await fitted(16, 12, 'kitty', GRAINY);
		const encoded = await encodeFor(
			image,
			{protocol: 'kitty', cols: 16, rows: 12, cell: CELL, depth: 'truecolor'},
			'x.png',
		);
		const commands = [...encoded.text.matchAll(/\u001B_G([^;]*);([^\u001B]*)\u001B\\/g)];
		expect(commands.length).toBeGreaterThan(1);
		const first = Object.fromEntries(commands[0]![1]!.split(',').map((kv) => kv.split('=')));
		expect(first).toMatchObject({
			a: 'T',
			f: '100',
			t: 'd',
			q: '2',
			C: '1',
			c: String(encoded.cols),
			r: String(encoded.rows),
			m: '1',
		});
		expect(encoded.cols).toBe(Math.ceil(image.width / CELL.width));
		expect(encoded.rows).toBe(12);
		commands.forEach(([, keys, payload], index) => {
			expect(payload!.length).toBeLessThanOrEqual(4096);
			if (index > 0) expect(keys).toBe(index === commands.length - 1 ? 'm=0' : 'm=1');
		});
		const decoded = pngDecode(Buffer.from(commands.map((c) => c[2]).join(''), 'base64'));
		expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
		expect(meanColourError(decoded, image)).toBe(0);
		expect(meanColourError(decoded, reference(image.width, image.height, GRAINY))).toBeLessThan(LOSSLESS);
	});

	test('a small payload is one chunk with m=0', () => {
		const text = kittyImage(Uint8Array.of(1, 2, 3), {cols: 2, rows: 1, id: 7, placement: 1});
		expect(text).toBe('\u001B_Ga=T,f=100,t=d,q=2,C=1,c=2,r=1,i=7,p=1,m=0;AQID\u001B\\');
	});
});

describe('iTerm2 inline images', () => {
	test('the base64 JPEG payload decodes to the downscaled source; width and height are the cell box', async () => {
		const image = await fitted(16, 12, 'iterm');
		const encoded = await encodeFor(
			image,
			{protocol: 'iterm', cols: 16, rows: 12, cell: CELL, depth: 'truecolor'},
			'face.png',
		);
		const match = /^\u001B\]1337;File=([^:]*):([A-Za-z0-9+/=]*)\u0007$/.exec(encoded.text);
		expect(match).not.toBeNull();
		const args = Object.fromEntries(match![1]!.split(';').map((kv) => kv.split('=') as [string, string]));
		const bytes = Buffer.from(match![2]!, 'base64');
		expect(args).toMatchObject({
			inline: '1',
			width: String(encoded.cols),
			height: String(encoded.rows),
			size: String(bytes.length),
		});
		expect(Buffer.from(args.name!, 'base64').toString()).toBe('face.png');
		const decoded = jpeg.decode(bytes, {useTArray: true, formatAsRGBA: false});
		const rgb: RgbImage = {width: decoded.width, height: decoded.height, data: decoded.data};
		expect([rgb.width, rgb.height]).toEqual([image.width, image.height]);
		expect(meanColourError(rgb, reference(image.width, image.height))).toBeLessThan(JPEG);
	});
});

function sixelHeader(text: string): {width: number; height: number} {
	const raster = /"1;1;(\d+);(\d+)/.exec(text);
	if (!raster) throw new Error('no raster attributes');
	return {width: Number(raster[1]), height: Number(raster[2])};
}

describe('sixel', () => {
	test('the sixel package decoder gets back the downscaled source at the box size', async () => {
		const image = await fitted(16, 12, 'sixel');
		const text = sixelImage(image);
		expect(sixelHeader(text)).toEqual({width: image.width, height: image.height});
		expect(Math.ceil(image.height / CELL.height)).toBe(12);
		const decoded = sixelDecode(text);
		const rgb = new Uint8Array(decoded.width * decoded.height * 3);
		const view = new Uint8Array(
			decoded.data32.buffer,
			decoded.data32.byteOffset,
			decoded.width * decoded.height * 4,
		);
		for (let i = 0, j = 0; i < view.length; i += 4, j += 3) rgb.set(view.subarray(i, i + 3), j);
		expect(
			meanColourError(
				{width: decoded.width, height: decoded.height, data: rgb},
				reference(image.width, image.height),
			),
		).toBeLessThan(PALETTE_256);
	});

	const sixel2png = spawnSync('sixel2png', ['--version']).error ? null : 'sixel2png';
	test.skipIf(!sixel2png)(
		`libsixel's sixel2png decodes it to the downscaled source${sixel2png ? '' : ' (skipped: sixel2png not installed; apt-get install libsixel-bin)'}`,
		async () => {
			const image = await fitted(12, 8, 'sixel');
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-sixel-'));
			try {
				fs.writeFileSync(path.join(dir, 'in.six'), sixelImage(image));
				const run = spawnSync('sixel2png', ['-i', path.join(dir, 'in.six'), '-o', path.join(dir, 'out.png')], {
					encoding: 'utf8',
				});
				expect(run.status, run.stderr).toBe(0);
				const decoded = pngDecode(fs.readFileSync(path.join(dir, 'out.png')));
				expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
				expect(meanColourError(decoded, reference(image.width, image.height))).toBeLessThan(PALETTE_256);
			} finally {
				fs.rmSync(dir, {recursive: true, force: true});
			}
		},
	);

	test.skipIf(!sixel2png)(
		`libsixel's sixel2png decodes a grid cell of a noisy render (thousands of colours, a band per six rows) to its pixels${sixel2png ? '' : ' (skipped: sixel2png not installed; apt-get install libsixel-bin)'}`,
		() => {
			const image = noisyImage(120, 82, 11);
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-sixel-'));
			try {
				fs.writeFileSync(path.join(dir, 'in.six'), sixelImage(image));
				const run = spawnSync('sixel2png', ['-i', path.join(dir, 'in.six'), '-o', path.join(dir, 'out.png')], {
					encoding: 'utf8',
				});
				expect(run.status, run.stderr).toBe(0);
				const decoded = pngDecode(fs.readFileSync(path.join(dir, 'out.png')));
				expect([decoded.width, decoded.height]).toEqual([120, 82]);
				expect(meanColourError(decoded, image)).toBeLessThan(PALETTE_256);
			} finally {
				fs.rmSync(dir, {recursive: true, force: true});
			}
		},
	);
});

/** Half-block lines → pixels: each ▀ gives its foreground to the upper pixel and its background to the lower. */
function rebuildHalfBlocks(lines: readonly string[]): RgbImage {
	const width = [...lines[0]!.replace(/\u001B\[[\d;]*m/g, '')].length;
	const data = new Uint8Array(width * lines.length * 2 * 3);
	lines.forEach((line, row) => {
		let fg = [0, 0, 0];
		let bg = [0, 0, 0];
		let x = 0;
		for (const token of line.match(/\u001B\[[\d;]*m|▀/g) ?? []) {
			if (token === '▀') {
				data.set(fg, (row * 2 * width + x) * 3);
				data.set(bg, ((row * 2 + 1) * width + x) * 3);
				x++;
				continue;
			}
			const codes = token.slice(2, -1).split(';').map(Number);
			for (let i = 0; i < codes.length;) {
				const ground = codes[i];
				if ((ground === 38 || ground === 48) && codes[i + 1] === 2) {
					if (ground === 38) fg = codes.slice(i + 2, i + 5);
					else bg = codes.slice(i + 2, i + 5);
					i += 5;
				} else if ((ground === 38 || ground === 48) && codes[i + 1] === 5) {
					if (ground === 38) fg = xterm256Rgb(codes[i + 2]!);
					else bg = xterm256Rgb(codes[i + 2]!);
					i += 3;
				} else i++;
			}
		}
		expect(x).toBe(width);
	});
	return {width, height: lines.length * 2, data};
}

describe('half blocks', () => {
	test('true colour: rebuilt pixels are the fitted picture exactly, one line per cell row, one ▀ per column', async () => {
		const image = await fitted(24, 12, 'blocks');
		const encoded = await encodeFor(
			image,
			{protocol: 'blocks', cols: 24, rows: 12, cell: CELL, depth: 'truecolor'},
			'x.png',
		);
		expect(encoded.rows).toBe(image.height / 2);
		expect(encoded.rows).toBeLessThanOrEqual(12);
		expect(encoded.cols).toBe(image.width);
		const rebuilt = rebuildHalfBlocks(encoded.lines!);
		expect(meanColourError(rebuilt, image)).toBe(0);
		expect(meanColourError(rebuilt, reference(image.width, image.height))).toBeLessThan(LOSSLESS * 2);
	});

	test('256 colours: the cube and greys stay near the source', async () => {
		const image = await fitted(24, 12, 'blocks');
		const rebuilt = rebuildHalfBlocks(halfBlockLines(image, '256'));
		expect(meanColourError(rebuilt, image)).toBeLessThan(CUBE_256);
	});
});

test('tmux passthrough doubles every ESC inside and ends with ST', () => {
	expect(tmuxPassthrough('\u001B_Ga=T;AA\u001B\\')).toBe('\u001BPtmux;\u001B\u001B_Ga=T;AA\u001B\u001B\\\u001B\\');
});

test('pngOfPixels and encodeJpeg keep the size; the PNG is lossless', async () => {
	const image = gradientImage(30, 20, 1);
	const png = pngDecode(pngOfPixels(image));
	expect(png).toMatchObject({width: 30, height: 20});
	expect(meanColourError(png, image)).toBe(0);
	expect(jpeg.decode(await encodeJpeg(image))).toMatchObject({width: 30, height: 20});
});

test('pngOfPixels: one pixel, and a noisy render, decode back exactly (pngjs checks every CRC)', () => {
	for (const image of [gradientImage(1, 1, 2), noisyImage(121, 83, 4)]) {
		const png = pngDecode(pngOfPixels(image));
		expect([png.width, png.height]).toEqual([image.width, image.height]);
		expect(meanColourError(png, image)).toBe(0);
	}
});
