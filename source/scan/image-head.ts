/**
 * Reads the generation parameters out of an image without reading the image: the chunks before the pixel data
 * (PNG `parameters`/`prompt` text chunks and IHDR; JPEG's EXIF UserComment and frame size; WebP's EXIF chunk).
 * One read of HEAD_BYTES covers an ordinary image; a text chunk that runs past it costs exactly one more read,
 * and one over MAX_TEXT_BYTES is skipped with the reason, never loaded.
 *
 * Our own walker rather than a package: png-chunks-extract needs the whole file (it checks every CRC and
 * throws without IEND) and exifr ignores iTXt, where A1111 puts any prompt with a character outside latin-1;
 * exifreader would do but is 1.2 MB for the dozen lines each container needs here.
 */
import fs from 'node:fs';
import {inflateSync} from 'node:zlib';
import type {ImageSample} from '../core/legacy-session.js';
import {describeFsError} from './errors.js';

/** A1111 writes IHDR then its 0.3-5 kB `parameters` chunk at byte 33: 16 kB holds both in all but odd files. */
export const HEAD_BYTES = 16 * 1024;
export const MAX_TEXT_BYTES = 1024 * 1024;
/** Keys worth decoding: A1111's infotext and ComfyUI's API graph (its UI `workflow` is not needed). */
const WANTED_KEYS = new Set(['parameters', 'prompt']);

type Head = Omit<ImageSample, 'name' | 'position'>;

const emptyHead = (): Head => ({
	parameters: null,
	comfyPrompt: null,
	pixelWidth: null,
	pixelHeight: null,
	problem: null,
});

/** Reads `length` bytes at `position` (fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.allocUnsafe(length);
	let filled = 0;
	while (filled < length) {
		const n = fs.readSync(fd, buffer, filled, length - filled, position + filled);
		if (n === 0) break;
		filled += n;
	}
	return buffer.subarray(0, filled);
}

/** A window of the file that grows on demand: most images never need more than the first read. */
class FileWindow {
	private start = 0;
	private bytes: Buffer;
	constructor(private readonly fd: number) {
		this.bytes = readAt(fd, 0, HEAD_BYTES);
	}
	/** Bytes [offset, offset + length), or fewer at the end of the file. */
	slice(offset: number, length: number): Buffer {
		if (offset >= this.start && offset + length <= this.start + this.bytes.length) {
			return this.bytes.subarray(offset - this.start, offset - this.start + length);
		}
		const got = readAt(this.fd, offset, Math.max(length, 4096));
		this.start = offset;
		this.bytes = got;
		return got.subarray(0, length);
	}
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

/** Text a writer claimed was latin-1 (tEXt) is often UTF-8 in practice; valid UTF-8 is read as such. */
function decodeLatin1OrUtf8(bytes: Buffer): string {
	try {
		return utf8.decode(bytes);
	} catch {
		return bytes.toString('latin1');
	}
}

function decodeUtf8(bytes: Buffer, what: string, problems: string[]): string {
	try {
		return utf8.decode(bytes);
	} catch {
		problems.push(`${what} is not valid UTF-8 (read with replacement characters)`);
		return bytes.toString('utf8');
	}
}

const megabytes = (n: number): string =>
	n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${Math.round(n / 1024)} kB`;

function readPng(window: FileWindow, head: Head): void {
	const problems: string[] = [];
	let offset = 8;
	for (let chunks = 0; chunks < 10_000; chunks++) {
		const header = window.slice(offset, 8);
		if (header.length < 8) break;
		const length = header.readUInt32BE(0);
		const type = header.toString('latin1', 4, 8);
		if (type === 'IDAT' || type === 'IEND') break;
		if (type === 'IHDR' && length >= 8) {
			const data = window.slice(offset + 8, 8);
			if (data.length === 8) {
				head.pixelWidth = data.readUInt32BE(0);
				head.pixelHeight = data.readUInt32BE(4);
			}
		} else if (type === 'tEXt' || type === 'iTXt' || type === 'zTXt') {
			// The keyword comes first (at most 79 bytes): look at it before deciding to load the rest.
			const keyBytes = window.slice(offset + 8, Math.min(length, 80));
			const nul = keyBytes.indexOf(0);
			const key = nul > 0 ? keyBytes.toString('latin1', 0, nul) : '';
			if (WANTED_KEYS.has(key)) {
				if (length > MAX_TEXT_BYTES) {
					problems.push(
						`its "${key}" chunk of ${megabytes(length)} is over the ${megabytes(MAX_TEXT_BYTES)} limit and was not read`,
					);
				} else {
					const text = decodeTextChunk(type, window.slice(offset + 8, length), nul, key, problems);
					if (text !== null) {
						if (key === 'parameters') head.parameters = text;
						else head.comfyPrompt = text;
					}
				}
			}
		}
		offset += 12 + length;
	}
	if (problems.length > 0) head.problem = problems.join('; ');
}

function decodeTextChunk(type: string, data: Buffer, nul: number, key: string, problems: string[]): string | null {
	try {
		if (type === 'tEXt') return decodeLatin1OrUtf8(data.subarray(nul + 1));
		if (type === 'zTXt')
			return decodeLatin1OrUtf8(inflateSync(data.subarray(nul + 2), {maxOutputLength: MAX_TEXT_BYTES}));
		// iTXt: keyword\0 flag method language\0 translated\0 text
		const compressed = data[nul + 1] === 1;
		const languageEnd = data.indexOf(0, nul + 3);
		const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
		if (translatedEnd < 0) {
			problems.push(`its "${key}" iTXt chunk is malformed`);
			return null;
		}
		const body = data.subarray(translatedEnd + 1);
		return decodeUtf8(
			compressed ? inflateSync(body, {maxOutputLength: MAX_TEXT_BYTES}) : body,
			`its "${key}" chunk`,
			problems,
		);
	} catch {
		problems.push(`its "${key}" chunk could not be decompressed`);
		return null;
	}
}

/** EXIF (TIFF) block → the UserComment text, decoded as piexif writes it; null when there is none. */
export function userCommentOf(tiff: Buffer): string | null {
	if (tiff.length < 8) return null;
	const little = tiff.toString('latin1', 0, 2) === 'II';
	if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return null;
	const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
	const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
	const findTag = (ifd: number, tag: number): {count: number; value: number} | null => {
		if (ifd + 2 > tiff.length) return null;
		const entries = u16(ifd);
		for (let i = 0; i < entries; i++) {
			const at = ifd + 2 + i * 12;
			if (at + 12 > tiff.length) return null;
			if (u16(at) === tag) return {count: u32(at + 4), value: u32(at + 8)};
		}
		return null;
	};
	const exifPointer = findTag(u32(4), 0x8769);
	if (!exifPointer) return null;
	const comment = findTag(exifPointer.value, 0x9286);
	if (!comment || comment.count < 8) return null;
	// Values of more than 4 bytes live at the offset the entry holds.
	const bytes = tiff.subarray(comment.value, comment.value + comment.count);
	if (bytes.length < 8) return null;
	const prefix = bytes.toString('latin1', 0, 8);
	const body = bytes.subarray(8);
	if (prefix === 'UNICODE\0') return decodeUtf16(body);
	if (prefix.startsWith('ASCII')) return body.toString('latin1').replace(/\0+$/, '');
	return decodeLatin1OrUtf8(body).replace(/\0+$/, '');
}

/** piexif writes UTF-16 big-endian without a BOM; a few writers use little-endian, visible as zero odd bytes. */
function decodeUtf16(body: Buffer): string {
	const even = body.length - (body.length % 2);
	let zeroEven = 0;
	let zeroOdd = 0;
	for (let i = 0; i < Math.min(even, 200); i += 2) {
		if (body[i] === 0) zeroEven++;
		if (body[i + 1] === 0) zeroOdd++;
	}
	const copy = Buffer.from(body.subarray(0, even));
	if (zeroEven >= zeroOdd) copy.swap16();
	return copy.toString('utf16le').replace(/\0+$/, '');
}

function readJpeg(window: FileWindow, head: Head): void {
	let offset = 2;
	for (let segments = 0; segments < 1000; segments++) {
		const marker = window.slice(offset, 4);
		if (marker.length < 4 || marker[0] !== 0xff) return;
		const code = marker[1]!;
		if (code === 0xd8 || (code >= 0xd0 && code <= 0xd7) || code === 0x01 || code === 0xff) {
			offset += code === 0xff ? 1 : 2;
			continue;
		}
		if (code === 0xda || code === 0xd9) return; // Start of scan: the pixels follow.
		const length = marker.readUInt16BE(2);
		if (code === 0xe1) {
			const data = window.slice(offset + 4, length - 2);
			if (data.toString('latin1', 0, 6) === 'Exif\0\0') {
				const text = userCommentOf(data.subarray(6));
				if (text !== null) head.parameters = text;
			}
		} else if (code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc) {
			const frame = window.slice(offset + 4, 5);
			if (frame.length === 5) {
				head.pixelHeight = frame.readUInt16BE(1);
				head.pixelWidth = frame.readUInt16BE(3);
			}
		}
		offset += 2 + length;
	}
}

/** WebP keeps EXIF after the image data: the walk skips the pixel chunk by its length without reading it. */
function readWebp(window: FileWindow, head: Head): void {
	let offset = 12;
	for (let chunks = 0; chunks < 100; chunks++) {
		const header = window.slice(offset, 8);
		if (header.length < 8) return;
		const type = header.toString('latin1', 0, 4);
		const length = header.readUInt32LE(4);
		if (type === 'VP8X' && length >= 10) {
			const data = window.slice(offset + 8, 10);
			head.pixelWidth = 1 + data.readUIntLE(4, 3);
			head.pixelHeight = 1 + data.readUIntLE(7, 3);
		} else if (type === 'EXIF' && length <= MAX_TEXT_BYTES) {
			let data = window.slice(offset + 8, length);
			if (data.toString('latin1', 0, 6) === 'Exif\0\0') data = data.subarray(6);
			const text = userCommentOf(data);
			if (text !== null) head.parameters = text;
			return;
		}
		offset += 8 + length + (length % 2);
	}
}

/** Reads one image's parameters; never throws (a problem is returned as the sample's reason). */
export function readImageHead(filePath: string): Head {
	const head = emptyHead();
	let fd: number;
	try {
		fd = fs.openSync(filePath, 'r');
	} catch (error) {
		head.problem = `it could not be opened (${describeFsError(error)})`;
		return head;
	}
	try {
		const window = new FileWindow(fd);
		const magic = window.slice(0, 12);
		if (magic.length >= 8 && magic.readUInt32BE(0) === 0x89504e47 && magic.readUInt32BE(4) === 0x0d0a1a0a)
			readPng(window, head);
		else if (magic.length >= 3 && magic[0] === 0xff && magic[1] === 0xd8 && magic[2] === 0xff)
			readJpeg(window, head);
		else if (
			magic.length >= 12 &&
			magic.toString('latin1', 0, 4) === 'RIFF' &&
			magic.toString('latin1', 8, 12) === 'WEBP'
		)
			readWebp(window, head);
		else head.problem = magic.length === 0 ? 'the file is empty' : 'not a PNG, JPEG or WebP file';
	} catch (error) {
		head.problem = `it could not be read (${describeFsError(error)})`;
	} finally {
		fs.closeSync(fd);
	}
	if (head.problem === null && head.parameters === null && head.comfyPrompt === null)
		head.problem = 'no parameters in the image';
	return head;
}
