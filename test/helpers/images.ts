/** Real image files for the preview tests: smooth, distinct pictures (a gradient per image), and bad ones. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import {writeSession} from '../../source/demo/corpus.js';
import type {RgbImage} from '../../source/core/preview/pixels.js';

/** A picture that differs per `seed`: a diagonal gradient with a coloured block, so mistakes in layout show. */
export function gradientImage(width: number, height: number, seed: number): RgbImage {
	const data = new Uint8Array(width * height * 3);
	const hue = (seed * 67) % 256;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			const block = x < width / 2 && y < height / 3;
			data[i] = block ? hue : Math.round((x / width) * 255);
			data[i + 1] = block ? 255 - hue : Math.round((y / height) * 255);
			data[i + 2] = block ? 40 : (hue + 128) % 256;
		}
	}
	return {width, height, data};
}

/** `gradientImage` with a little noise in every channel: thousands of colours, like a real render's pixels. */
export function noisyImage(width: number, height: number, seed: number): RgbImage {
	const image = gradientImage(width, height, seed);
	let state = seed * 7919 + 1;
	for (let i = 0; i < image.data.length; i++) {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		image.data[i] = Math.max(0, Math.min(255, image.data[i]! + ((state >> 16) % 21) - 10));
	}
	return image;
}

export async function pngOf(image: RgbImage): Promise<Buffer> {
	return sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}})
		.png()
		.toBuffer();
}

/** Decodes any image file back to RGB (for comparisons). */
export async function rgbOf(bytes: Buffer): Promise<RgbImage> {
	const {data, info} = await sharp(bytes).removeAlpha().raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: new Uint8Array(data)};
}

/**
 * A session of `count` real PNGs of `width`×`height` (default 1216×832 scaled down to keep tests quick), with
 * a manifest naming each image's placeholder values and seed.
 */
export async function imageSession(
	root: string,
	name: string,
	count: number,
	options: {width?: number; height?: number; status?: string; firstImageMs?: number} = {},
): Promise<string[]> {
	const width = options.width ?? 208;
	const height = options.height ?? 304;
	writeSession(root, {
		name,
		manifest: {
			numImages: count,
			status: options.status ?? 'completed',
			variations: {Hair: ['short', 'long', 'braids'], Mood: ['calm', 'angry', 'happy', 'sad']},
		},
		images: count,
		firstImageMs: options.firstImageMs ?? Date.UTC(2025, 9, 1),
		imageIntervalMs: 4000,
	});
	const folder = path.join(root, name);
	const names = fs
		.readdirSync(folder)
		.filter((n) => n.endsWith('.png'))
		.sort();
	for (const [index, file] of names.entries()) {
		const stat = fs.statSync(path.join(folder, file));
		fs.writeFileSync(path.join(folder, file), await pngOf(gradientImage(width, height, index + 1)));
		fs.utimesSync(path.join(folder, file), stat.atime, stat.mtime);
	}
	return names;
}

/**
 * A greyscale PNG of `width`×`height` black pixels whose IDAT inflates to `inflatedBytes` (default: exactly the
 * image, so the file is valid): huge images in a few hundred KB, and with a large claim, a decompression bomb.
 */
export async function zeroPng(width: number, height: number, inflatedBytes = (width + 1) * height): Promise<Buffer> {
	const deflate = zlib.createDeflate({level: 9});
	const parts: Buffer[] = [];
	deflate.on('data', (part: Buffer) => parts.push(part));
	const done = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
	const block = Buffer.alloc(1 << 20);
	for (let left = inflatedBytes; left > 0; left -= block.length) {
		if (!deflate.write(left >= block.length ? block : block.subarray(0, left)))
			await new Promise((resolve) => deflate.once('drain', resolve));
	}
	deflate.end();
	await done;
	return pngWithIdat(width, height, Buffer.concat(parts));
}

function pngWithIdat(width: number, height: number, idat: Buffer): Buffer {
	const crcTable = Array.from({length: 256}, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (bytes: Buffer): number => {
		let c = 0xffffffff;
		for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, body: Buffer): Buffer => {
		const head = Buffer.alloc(8);
		head.writeUInt32BE(body.length, 0);
		head.write(type, 4, 'ascii');
		const tail = Buffer.alloc(4);
		tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), body])), 0);
		return Buffer.concat([head, body, tail]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 0; // greyscale: 1 byte per pixel, plus one filter byte per row
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', idat),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
