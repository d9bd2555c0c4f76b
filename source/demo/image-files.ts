/**
 * Small but valid image files carrying generation parameters the way A1111/Forge and ComfyUI write them: for
 * the demo root's older sessions, the bench's legacy root and the tests. Pixels are blank; the chunks are real.
 */
import {deflateSync} from 'node:zlib';

const CRC_TABLE = Array.from({length: 256}, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

export type TextChunk = {type: 'tEXt' | 'iTXt' | 'zTXt'; key: string; text: string | Uint8Array; compressed?: boolean};

/** A text chunk as Pillow writes it: tEXt in latin-1, zTXt deflated latin-1, iTXt in UTF-8 (optionally deflated). */
export function textChunk({type, key, text, compressed}: TextChunk): Buffer {
	const body = typeof text === 'string' ? Buffer.from(text, type === 'iTXt' ? 'utf8' : 'latin1') : Buffer.from(text);
	const keyBytes = Buffer.from(key, 'latin1');
	if (type === 'tEXt') return pngChunk('tEXt', Buffer.concat([keyBytes, Buffer.of(0), body]));
	if (type === 'zTXt') return pngChunk('zTXt', Buffer.concat([keyBytes, Buffer.of(0, 0), deflateSync(body)]));
	return pngChunk(
		'iTXt',
		Buffer.concat([keyBytes, Buffer.of(0, compressed ? 1 : 0, 0, 0, 0), compressed ? deflateSync(body) : body]),
	);
}

const blankData = new Map<string, Buffer>();

/** Deflated blank grayscale rows, shared by every image of one size. */
function blankIdat(width: number, height: number): Buffer {
	const key = `${width}x${height}`;
	let data = blankData.get(key);
	if (!data) blankData.set(key, (data = deflateSync(Buffer.alloc((width + 1) * height))));
	return data;
}

/** A PNG of the given size with the text chunks before its image data, as Pillow places them. */
export function pngFile(width: number, height: number, texts: readonly TextChunk[]): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 0; // grayscale
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		...texts.map(textChunk),
		pngChunk('IDAT', blankIdat(width, height)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

export type InfotextSpec = {
	prompt: string;
	negative?: string;
	steps?: number;
	sampler?: string;
	scheduler?: string;
	cfg?: number;
	seed?: number | bigint;
	width?: number;
	height?: number;
	model?: string;
	modelHash?: string;
	extra?: Record<string, string>;
};

/** A1111's `quote`: values with a comma, a newline or a colon become JSON strings. */
function quote(value: string): string {
	return /[,\n:]/.test(value) ? JSON.stringify(value) : value;
}

/** An infotext as A1111's create_infotext writes it (same key order, same quoting, no empty negative line). */
export function a1111Infotext(spec: InfotextSpec): string {
	const pairs: Array<[string, string | number | bigint | undefined]> = [
		['Steps', spec.steps ?? 30],
		['Sampler', spec.sampler ?? 'DPM++ 2M'],
		['Schedule type', spec.scheduler],
		['CFG scale', spec.cfg ?? 7],
		['Seed', spec.seed ?? 1234],
		['Size', `${spec.width ?? 832}x${spec.height ?? 1216}`],
		['Model hash', spec.modelHash],
		['Model', spec.model],
		...Object.entries(spec.extra ?? {}),
	];
	const line = pairs
		.filter(([, v]) => v !== undefined)
		.map(([k, v]) => `${k}: ${quote(String(v))}`)
		.join(', ');
	const negative = spec.negative ? `\nNegative prompt: ${spec.negative}` : '';
	return `${spec.prompt}${negative}\n${line}`;
}

/** Pillow's rule: text that fits latin-1 goes in tEXt, anything else in UTF-8 iTXt. */
export function parametersChunk(text: string): TextChunk {
	return {type: /^[\u0000-\u00ff]*$/.test(text) ? 'tEXt' : 'iTXt', key: 'parameters', text};
}

/** An A1111 PNG: blank pixels of the infotext's size, with its `parameters` chunk. */
export function a1111Png(spec: InfotextSpec, pixels?: {width: number; height: number}): Buffer {
	const width = pixels?.width ?? Math.max(1, Math.round((spec.width ?? 832) / 32));
	const height = pixels?.height ?? Math.max(1, Math.round((spec.height ?? 1216) / 32));
	return pngFile(width, height, [parametersChunk(a1111Infotext(spec))]);
}

/** A TIFF/EXIF block holding only a UserComment, as piexif dumps it (`UNICODE\0` + UTF-16BE by default). */
export function exifWithUserComment(text: string, encoding: 'unicode' | 'ascii' | 'unicode-le' = 'unicode'): Buffer {
	const prefix = Buffer.from(encoding === 'ascii' ? 'ASCII\0\0\0' : 'UNICODE\0', 'latin1');
	let body: Buffer;
	if (encoding === 'ascii') body = Buffer.from(text, 'latin1');
	else {
		body = Buffer.from(text, 'utf16le');
		if (encoding === 'unicode') body.swap16();
	}
	const comment = Buffer.concat([prefix, body]);
	// Big-endian TIFF: header (8), IFD0 with one entry (ExifIFD pointer), Exif IFD with one entry (UserComment).
	const ifd0 = 8;
	const exifIfd = ifd0 + 2 + 12 + 4;
	const data = exifIfd + 2 + 12 + 4;
	const tiff = Buffer.alloc(data + comment.length);
	tiff.write('MM', 0, 'latin1');
	tiff.writeUInt16BE(42, 2);
	tiff.writeUInt32BE(ifd0, 4);
	tiff.writeUInt16BE(1, ifd0);
	tiff.writeUInt16BE(0x8769, ifd0 + 2);
	tiff.writeUInt16BE(4, ifd0 + 4);
	tiff.writeUInt32BE(1, ifd0 + 6);
	tiff.writeUInt32BE(exifIfd, ifd0 + 10);
	tiff.writeUInt16BE(1, exifIfd);
	tiff.writeUInt16BE(0x9286, exifIfd + 2);
	tiff.writeUInt16BE(7, exifIfd + 4);
	tiff.writeUInt32BE(comment.length, exifIfd + 6);
	tiff.writeUInt32BE(data, exifIfd + 10);
	comment.copy(tiff, data);
	return tiff;
}

/** A JPEG with an EXIF APP1 segment and a frame header; its "scan" is a few filler bytes. */
export function jpegFile(width: number, height: number, tiff: Buffer): Buffer {
	const app1Body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
	const app1 = Buffer.alloc(4);
	app1.writeUInt16BE(0xffe1, 0);
	app1.writeUInt16BE(app1Body.length + 2, 2);
	const sof = Buffer.alloc(19);
	sof.writeUInt16BE(0xffc0, 0);
	sof.writeUInt16BE(17, 2);
	sof[4] = 8;
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	sof[9] = 3;
	return Buffer.concat([
		Buffer.of(0xff, 0xd8),
		app1,
		app1Body,
		sof,
		Buffer.of(0xff, 0xda, 0, 2),
		Buffer.alloc(64, 0x55),
		Buffer.of(0xff, 0xd9),
	]);
}

/** An extended WebP: VP8X, a (fake) VP8 image chunk, then EXIF after it, where libwebp puts it. */
export function webpFile(width: number, height: number, tiff: Buffer): Buffer {
	const chunk = (type: string, data: Buffer): Buffer => {
		const head = Buffer.alloc(8);
		head.write(type, 0, 'latin1');
		head.writeUInt32LE(data.length, 4);
		return Buffer.concat([head, data, data.length % 2 ? Buffer.of(0) : Buffer.alloc(0)]);
	};
	const vp8x = Buffer.alloc(10);
	vp8x[0] = 0x08; // EXIF present
	vp8x.writeUIntLE(width - 1, 4, 3);
	vp8x.writeUIntLE(height - 1, 7, 3);
	const body = Buffer.concat([
		Buffer.from('WEBP', 'latin1'),
		chunk('VP8X', vp8x),
		chunk('VP8 ', Buffer.alloc(5000, 0x11)),
		chunk('EXIF', tiff),
	]);
	const riff = Buffer.alloc(8);
	riff.write('RIFF', 0, 'latin1');
	riff.writeUInt32LE(body.length, 4);
	return Buffer.concat([riff, body]);
}
