/** Our PNG writer (core/preview/png.ts): lossless pixels back through an independent decoder, and every chunk's CRC right. */
import sharp from 'sharp';
import {describe, expect, test} from 'vitest';
import {crc32, pngOfPixels} from '../../source/core/preview/png.js';

/** The reference CRC-32 (bit by bit, no table): independent of the one under test. */
function referenceCrc(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const byte of bytes) {
		c ^= byte;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	}
	return (c ^ 0xffffffff) >>> 0;
}

describe('pngOfPixels', () => {
	const width = 37;
	const height = 23;
	const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7919) % 251);

	test('decodes back to the same pixels', async () => {
		const decoded = await sharp(pngOfPixels({width, height, data})).raw().toBuffer({resolveWithObject: true});
		expect(decoded.info).toMatchObject({width, height, channels: 3});
		expect(Buffer.compare(decoded.data, Buffer.from(data))).toBe(0);
	});

	test('every chunk carries the CRC of its type and body (written without copying the body first)', () => {
		const png = pngOfPixels({width, height, data});
		const types: string[] = [];
		for (let at = 8; at < png.length;) {
			const length = png.readUInt32BE(at);
			types.push(png.toString('latin1', at + 4, at + 8));
			expect(png.readUInt32BE(at + 8 + length)).toBe(referenceCrc(png.subarray(at + 4, at + 8 + length)));
			at += 12 + length;
		}
		expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
	});

	test('crc32 continues from the CRC of earlier bytes', () => {
		const first = Uint8Array.from([1, 2, 3, 250]);
		const second = Uint8Array.from([9, 8, 7]);
		expect(crc32(second, crc32(first))).toBe(referenceCrc(Uint8Array.from([...first, ...second])));
	});
});
