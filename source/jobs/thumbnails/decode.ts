/**
 * One image file → a small picture, bounded: a size check before reading, a pixel-count check on the header
 * before decoding (16,000×16,000 and PNG bombs stop here), libvips' own timeout, and one sentence of reason for
 * every failure (empty, unreadable, not an image, cut off, too large, too slow). Never throws for bad input.
 *
 * Thumbnails are made once per image and kept on disk (thumbnail-cache.ts); the web UI's own thumbnails are
 * used instead of the original when present and not older than it.
 */
import fs from 'node:fs';
import sharp, {type Sharp} from 'sharp';
import type {RgbImage} from '../../core/preview/pixels.js';
import {decoderGate} from './decoder-gate.js';

/** Above this many pixels an image is not decoded (a 1216×832 render is 1 megapixel; upscales reach ~16). */
export const MAX_PIXELS = 40_000_000;
/** Above this many bytes a file is not read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** libvips stops a decode that takes longer. */
export const DECODE_TIMEOUT_SECONDS = 5;

// One thread per pipeline (previews share two cores with everything else) and no operation cache: every
// decode is of a different file, so a cache never hits; it only kept up to 16 MB of pixels and input alive
// (previews must stay within +50 MB).
sharp.concurrency(1);
sharp.cache(false);

export type Box = {width: number; height: number};

export type Decoded = {ok: true; image: RgbImage} | {ok: false; reason: string};

export class ImageProblem extends Error {}

function fsReason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code === 'ENOENT') return 'the file is gone';
	if (code === 'EACCES' || code === 'EPERM') return 'cannot read it: permission denied';
	if (code === 'EISDIR') return 'a folder, not an image';
	if (code === 'EIO') return 'cannot read it: input/output error';
	return `cannot read it: ${(error as Error).message ?? String(error)}`;
}

function decoderReason(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	// Checked just before, gone by the time libvips opened it.
	if (/input file is missing/i.test(message)) return 'the file is gone';
	if (/unsupported image format|bad seek|not a known file format/i.test(message))
		return 'not an image (unknown format)';
	if (/pixel limit/i.test(message)) return `too large to preview (over ${MAX_PIXELS / 1e6} megapixels)`;
	if (/timeout/i.test(message)) return `took too long to decode (over ${DECODE_TIMEOUT_SECONDS} s)`;
	if (/premature|truncat|end of|read error|corrupt|invalid|crc|bad/i.test(message))
		return `damaged or cut off (${message.split('\n')[0]!.slice(0, 80)})`;
	return `cannot decode it (${message.split('\n')[0]!.slice(0, 80)})`;
}

/** Whether the file is one we may hand to the decoder (there, readable, not empty, not huge), or why not. */
export async function checkImageFile(file: string): Promise<{ok: true} | {ok: false; reason: string}> {
	let stat: fs.Stats;
	try {
		stat = await fs.promises.stat(file);
	} catch (error) {
		return {ok: false, reason: fsReason(error)};
	}
	if (stat.isDirectory()) return {ok: false, reason: 'a folder, not an image'};
	if (stat.size === 0) return {ok: false, reason: 'empty file (0 bytes)'};
	if (stat.size > MAX_FILE_BYTES)
		return {ok: false, reason: `too large to preview (${Math.round(stat.size / 1048576)} MB)`};
	try {
		await fs.promises.access(file, fs.constants.R_OK);
	} catch (error) {
		return {ok: false, reason: fsReason(error)};
	}
	return {ok: true};
}

/**
 * An image's bytes, or its file's path: libvips then reads the file itself, a strip at a time, so a decode
 * holds neither the whole file in a JavaScript buffer nor a copy of it (less CPU, less garbage, less memory).
 */
export type ImageInput = Buffer | string;

function sharpOf(input: ImageInput): Sharp {
	return sharp(input, {limitInputPixels: MAX_PIXELS, failOn: 'error', sequentialRead: true}).timeout({
		seconds: DECODE_TIMEOUT_SECONDS,
	});
}

/** Header only (no pixels): the size, or why the bytes are no image we will decode. */
export async function probeImage(
	input: ImageInput,
): Promise<{ok: true; width: number; height: number; format: string; hasAlpha: boolean} | {ok: false; reason: string}> {
	try {
		// The header only: no pixel limit here, so the refusal below can say how large the image claims to be.
		const meta = await sharp(input, {limitInputPixels: false}).metadata();
		if (!meta.width || !meta.height) return {ok: false, reason: 'not an image (no size in its header)'};
		if (meta.width * meta.height > MAX_PIXELS)
			return {ok: false, reason: `too large to preview (${meta.width}×${meta.height} pixels)`};
		return {
			ok: true,
			width: meta.width,
			height: meta.height,
			format: meta.format ?? 'unknown',
			hasAlpha: meta.hasAlpha === true,
		};
	} catch (error) {
		return {ok: false, reason: decoderReason(error)};
	}
}

/**
 * Decode and scale to fit inside `box` (aspect kept; tiny images are enlarged, so a cell is never a dot), as
 * 8-bit RGB on black. One pass: the pixel limit is checked on the header before any pixel is decoded, and only
 * a failure asks for the header again, so that its reason can say how large the image claims to be.
 */
export async function decodeToFit(input: ImageInput, box: Box): Promise<Decoded> {
	try {
		const {data, info} = await decoderGate.run('decode', () =>
			sharpOf(input)
				// A no-op without an alpha channel (sharp checks).
				.flatten({background: {r: 0, g: 0, b: 0}})
				.resize({
					width: Math.max(1, box.width),
					height: Math.max(1, box.height),
					fit: 'inside',
					kernel: 'lanczos3',
				})
				.removeAlpha()
				.toColourspace('srgb')
				.raw()
				.toBuffer({resolveWithObject: true}),
		);
		if (info.channels !== 3) return {ok: false, reason: `cannot decode it (${info.channels} channels)`};
		return {
			ok: true,
			image: {
				width: info.width,
				height: info.height,
				data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
			},
		};
	} catch (error) {
		const probe = await probeImage(input);
		return probe.ok ? {ok: false, reason: decoderReason(error)} : probe;
	}
}

/** `decodeToFit` of a file, checked first (decode.ts's bounds and reasons), read by libvips itself. */
export async function decodeFileToFit(file: string, box: Box): Promise<Decoded> {
	const checked = await checkImageFile(file);
	return checked.ok ? decodeToFit(file, box) : checked;
}

/** Scale pixels already in memory (a cached thumbnail) to fit `box` exactly in one dimension. */
export async function resizeToFit(image: RgbImage, box: Box): Promise<RgbImage> {
	const {data, info} = await decoderGate.run('decode', () =>
		sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}})
			.resize({width: Math.max(1, box.width), height: Math.max(1, box.height), fit: 'inside'})
			.raw()
			.toBuffer({resolveWithObject: true}),
	);
	return {
		width: info.width,
		height: info.height,
		data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
	};
}

/** `optimise: false` skips the second pass that optimises the Huffman tables (faster, a slightly larger file). */
export async function encodeJpeg(image: RgbImage, quality = 85, options: {optimise?: boolean} = {}): Promise<Buffer> {
	return decoderGate.run('encode', () =>
		sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}})
			.jpeg({quality, optimiseCoding: options.optimise ?? true})
			.toBuffer(),
	);
}

/** Decodes bytes we wrote ourselves (a cached thumbnail); null when they turn out damaged. */
export async function decodeTrusted(bytes: Buffer): Promise<RgbImage | null> {
	try {
		const {data, info} = await decoderGate.run('decode', () =>
			sharp(bytes).removeAlpha().raw().toBuffer({resolveWithObject: true}),
		);
		return {
			width: info.width,
			height: info.height,
			data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
		};
	} catch {
		return null;
	}
}
