/**
 * The thumbnail of one image for one box, as a terminal will show it:
 *
 * 1. the disk cache (`$XDG_CACHE_HOME/sdstats/thumbnails/`, one JPEG per image keyed by its path, size and
 *    modification time, so an image rewritten in place gets a new thumbnail);
 * 2. else the web UI's thumbnail (`<root>/../thumbnails/<session>/<image stem>.webp`, 240 px high) when it is
 *    at least as new as the image and the box is not taller than it;
 * 3. else the original, decoded with bounds (decode.ts), and the result cached.
 *
 * Then scaled into the box and encoded for the protocol (core/preview/encode.ts). Bad input gives a reason.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {areaResize, fitInside, type CellPixels, type RgbImage} from '../../core/preview/pixels.js';
import {
	halfBlockLines,
	itermImage,
	kittyImage,
	sixelImage,
	type ColourDepth,
	type Protocol,
} from '../../core/preview/encode.js';
import {touchCacheFile} from './cache-eviction.js';
import {pngOfPixels} from '../../core/preview/png.js';
import {decodeFileToFit, decodeTrusted, encodeJpeg, resizeToFit, type Box} from './decode.js';

/** The cached thumbnail's box: big enough for any sheet or grid cell (full screen decodes the original). */
export const CACHED_BOX: Box = Object.freeze({width: 384, height: 384});
/** The web UI's thumbnails are this high. */
const WEB_THUMBNAIL_HEIGHT = 240;

export {thumbnailCacheDir} from './cache-dir.js';

/** The cache file of one version of one image. */
export function cacheKey(file: string, size: number, mtimeMs: number): string {
	return crypto
		.createHash('sha1')
		.update(`${path.resolve(file)}\0${size}\0${mtimeMs}\0${CACHED_BOX.width}x${CACHED_BOX.height}`)
		.digest('hex');
}

/** `<root>/../thumbnails/<session>/<image stem>.webp` for an image at `<root>/<session>/<name>`. */
export function webThumbnailPath(imagePath: string): string {
	const session = path.dirname(imagePath);
	const root = path.dirname(session);
	const stem = path.basename(imagePath).replace(/\.[^.]+$/, '');
	return path.join(path.dirname(root), 'thumbnails', path.basename(session), `${stem}.webp`);
}

export type ThumbnailRequest = {
	/** The image file. */
	path: string;
	/** Its size and mtime as listed (the cache key; a stale listing only costs a re-decode). */
	size: number;
	mtimeMs: number;
	cacheDir: string | null;
	/**
	 * Whether a picture decoded from the original is kept as the image's 384 px thumbnail (default: kept). A grid
	 * cell's is not: its own encoded form is cached, and a grid is hundreds of images whose small pictures would
	 * rarely be used again (only by another cell size or a sheet), while making them cost a JPEG encode per
	 * cell on the cores the grid's decodes need (measured on a cold grid: ~10% of its CPU) and ~25 KB of the
	 * cache's cap each. A picture not kept is decoded from the original straight to its box.
	 */
	keepSource?: boolean;
	/** The terminal form wanted; `full` decodes the original to fit (full-screen view), skipping the cache. */
	encode: {
		protocol: Protocol;
		cols: number;
		rows: number;
		cell: CellPixels;
		depth: ColourDepth;
		full?: boolean;
		kittyId?: number;
	};
};

export type ThumbnailSource = 'cache' | 'web' | 'original';

export type Thumbnail =
	| {
			ok: true;
			source: ThumbnailSource;
			cols: number;
			rows: number;
			width: number;
			height: number;
			text: string;
			lines: string[] | null;
	  }
	| {ok: false; reason: string};

/**
 * The pixel box a protocol fills for cols×rows cells (half blocks: one pixel across, two down, per cell).
 * Sixel draws in bands of 6 pixel rows, and some terminals (Konsole 22.12, seen under Xvfb) paint a last band
 * whole even past the image's declared height: a box of 289 rows showed 294, covering the top of the caption
 * row below. A sixel box is therefore a whole number of bands, so nothing can reach below its cells.
 */
export function pixelBox(protocol: Protocol, cols: number, rows: number, cell: CellPixels): Box {
	if (protocol === 'blocks') return {width: cols, height: rows * 2};
	const height = rows * cell.height;
	return {
		width: cols * cell.width,
		height: protocol === 'sixel' && height >= SIXEL_BAND ? height - (height % SIXEL_BAND) : height,
	};
}

/** Pixel rows in one sixel band. */
const SIXEL_BAND = 6;

async function readCached(file: string): Promise<RgbImage | null> {
	let bytes: Buffer;
	try {
		bytes = await fs.promises.readFile(file);
	} catch {
		return null;
	}
	return decodeTrusted(bytes);
}

/** Folders this thread made or found (a grid writes ~140 cache files into one: one mkdir, not 140). */
const madeFolders = new Set<string>();
let temporaries = 0;

/** Writes a cache file whole or not at all (a temporary name, then a rename: two processes may race here). */
async function writeAtomically(file: string, bytes: () => Promise<Buffer | string>): Promise<void> {
	try {
		const folder = path.dirname(file);
		if (!madeFolders.has(folder)) {
			await fs.promises.mkdir(folder, {recursive: true});
			madeFolders.add(folder);
		}
		// Unique across processes (pid), threads (their own counters start at random) and writes (the counter).
		temporaries = temporaries === 0 ? crypto.randomInt(1, 2 ** 40) : temporaries + 1;
		const temp = `${file}.${process.pid}.${temporaries.toString(36)}.tmp`;
		const data = await bytes();
		try {
			await fs.promises.writeFile(temp, data);
		} catch (error) {
			// The folder was removed since (the cache cleared by hand): made again once.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			await fs.promises.mkdir(folder, {recursive: true});
			await fs.promises.writeFile(temp, data);
		}
		await fs.promises.rename(temp, file);
	} catch {
		// A cache we cannot write (read-only home, full disk) only costs speed.
	}
}

/**
 * Cache writes run after the picture is handed back (the user waits for the picture, not for the cache);
 * `settled` lets the tests and the CLI wait for them.
 */
const pendingWrites = new Set<Promise<void>>();
function inBackground(write: Promise<void>): void {
	pendingWrites.add(write);
	void write.finally(() => pendingWrites.delete(write));
}
export async function cacheWritesSettled(): Promise<void> {
	while (pendingWrites.size > 0) await Promise.all([...pendingWrites]);
}

function writeCached(file: string, image: RgbImage): void {
	// Without optimised Huffman tables: half the encoding time for a file ~7% larger (measured at 384 px).
	inBackground(writeAtomically(file, () => encodeJpeg(image, 88, {optimise: false})));
}

async function webThumbnail(imagePath: string, mtimeMs: number): Promise<RgbImage | null> {
	const candidate = webThumbnailPath(imagePath);
	try {
		const stat = await fs.promises.stat(candidate);
		if (stat.mtimeMs < mtimeMs || stat.size === 0) return null;
	} catch {
		return null;
	}
	// Another program's file: decoded within the same bounds as an original (pixels, time), never trusted.
	const decoded = await decodeFileToFit(candidate, {width: CACHED_BOX.width, height: WEB_THUMBNAIL_HEIGHT});
	return decoded.ok ? decoded.image : null;
}

/** The small source picture of one image (from wherever is cheapest), or why there is none. */
export async function sourcePicture(
	request: Pick<ThumbnailRequest, 'path' | 'size' | 'mtimeMs' | 'cacheDir' | 'keepSource'>,
	box: Box,
): Promise<{ok: true; image: RgbImage; source: ThumbnailSource} | {ok: false; reason: string}> {
	const cacheFile = request.cacheDir
		? path.join(request.cacheDir, `${cacheKey(request.path, request.size, request.mtimeMs)}.jpg`)
		: null;
	if (cacheFile) {
		const cached = await readCached(cacheFile);
		if (cached) {
			inBackground(touchCacheFile(cacheFile));
			return {ok: true, image: cached, source: 'cache'};
		}
	}
	if (box.height <= WEB_THUMBNAIL_HEIGHT) {
		const web = await webThumbnail(request.path, request.mtimeMs);
		if (web) return {ok: true, image: web, source: 'web'};
	}
	// A picture not kept is decoded straight to the box wanted: libvips shrinks the original in one pipeline
	// (a box shrink, then its kernel), with no 384 px picture to scale again here.
	const keep = request.keepSource !== false;
	const straight = !keep && box.width <= CACHED_BOX.width && box.height <= CACHED_BOX.height;
	const decoded = await decodeFileToFit(request.path, straight ? box : CACHED_BOX);
	if (!decoded.ok) return decoded;
	if (cacheFile && keep) writeCached(cacheFile, decoded.image);
	return {ok: true, image: decoded.image, source: 'original'};
}

/** Fitted pixels → the protocol's bytes (and, for half blocks, the lines to lay out as text). */
export async function encodeFor(
	image: RgbImage,
	encode: ThumbnailRequest['encode'],
	name: string,
): Promise<{text: string; lines: string[] | null; cols: number; rows: number}> {
	const {protocol, cell} = encode;
	if (protocol === 'blocks') {
		const lines = halfBlockLines(image, encode.depth);
		return {text: lines.join('\n'), lines, cols: image.width, rows: lines.length};
	}
	const cols = Math.max(1, Math.ceil(image.width / cell.width));
	const rows = Math.max(1, Math.ceil(image.height / cell.height));
	if (protocol === 'kitty')
		return {
			text: kittyImage(pngOfPixels(image), {
				cols,
				rows,
				...(encode.kittyId === undefined ? {} : {id: encode.kittyId, placement: 1}),
			}),
			lines: null,
			cols,
			rows,
		};
	// Without optimised Huffman tables: ~0.4 ms less a cell for ~0.3 KB more (the same pixels).
	if (protocol === 'iterm')
		return {
			text: itermImage(await encodeJpeg(image, 85, {optimise: false}), {cols, rows, name}),
			lines: null,
			cols,
			rows,
		};
	return {text: sixelImage(image), lines: null, cols, rows};
}

/** One image scaled to fit `box` (from the cache, the web UI's thumbnail, or the original), or why not. */
export async function fittedPicture(
	request: Pick<ThumbnailRequest, 'path' | 'size' | 'mtimeMs' | 'cacheDir' | 'keepSource'>,
	box: Box,
	full = false,
): Promise<{ok: true; image: RgbImage; source: ThumbnailSource} | {ok: false; reason: string}> {
	if (full) {
		const decoded = await decodeFileToFit(request.path, box);
		return decoded.ok ? {ok: true, image: decoded.image, source: 'original'} : decoded;
	}
	const picture = await sourcePicture(request, box);
	if (!picture.ok) return picture;
	const {image} = picture;
	const fits =
		image.width <= box.width &&
		image.height <= box.height &&
		(image.width === box.width || image.height === box.height);
	if (fits) return {ok: true, image, source: picture.source};
	// Smaller (a cell from the cached thumbnail: the usual case) by averaging here, without another decoder
	// pipeline; larger (a tiny image in a big box) by the decoder's filter.
	const size = fitInside(image.width, image.height, box);
	const shrink = size.width <= image.width && size.height <= image.height;
	return {
		ok: true,
		image: shrink ? areaResize(image, size.width, size.height) : await resizeToFit(image, box),
		source: picture.source,
	};
}

/**
 * The file of one image's terminal form (protocol, box, cell size, colour depth, kitty id): a warm sheet is
 * then a file read per picture, with no decoding, scaling or encoding (sixel's quantising was the dearest).
 */
export function encodedCacheFile(request: ThumbnailRequest): string | null {
	const {encode} = request;
	if (!request.cacheDir || encode.full) return null;
	const form = `${ENCODED_VERSION}|${encode.protocol}|${encode.cols}x${encode.rows}|${encode.cell.width}x${encode.cell.height}|${encode.depth}|${encode.kittyId ?? ''}`;
	const key = cacheKey(request.path, request.size, request.mtimeMs);
	const formKey = crypto.createHash('sha1').update(form).digest('hex').slice(0, 16);
	return path.join(request.cacheDir, `${key}-${formKey}.${encode.protocol}`);
}
/** Bump when the encoders' output or the file's layout changes, so no stale form is read back. */
const ENCODED_VERSION = 4;

type EncodedFile = Omit<Extract<Thumbnail, {ok: true}>, 'ok' | 'source'>;

/**
 * An encoded form on disk: one line of JSON with the sizes and the text's length in bytes, then the protocol's
 * text as it is (no JSON string of tens of KB to escape and parse again; half blocks' lines are the text split
 * at its newlines). The length tells a whole file from one cut short (a crash after the rename, before the data
 * reached the disk): a cut sixel or kitty sequence sent to the terminal would swallow the explorer's next output.
 */
function encodedFileText(form: EncodedFile): string {
	const {cols, rows, width, height} = form;
	const bytes = Buffer.byteLength(form.text);
	return `${JSON.stringify({cols, rows, width, height, lines: form.lines !== null, bytes})}\n${form.text}`;
}

async function readEncoded(file: string): Promise<EncodedFile | null> {
	try {
		const content = await fs.promises.readFile(file);
		const end = content.indexOf(0x0a);
		if (end < 0) return null;
		const head = JSON.parse(content.subarray(0, end).toString('utf8')) as Partial<
			Record<keyof EncodedFile | 'bytes', unknown>
		>;
		const {cols, rows, width, height, lines, bytes} = head;
		if (
			typeof cols !== 'number' ||
			typeof rows !== 'number' ||
			typeof width !== 'number' ||
			typeof height !== 'number' ||
			typeof lines !== 'boolean' ||
			bytes !== content.length - end - 1
		)
			return null;
		const text = content.subarray(end + 1).toString('utf8');
		return {cols, rows, width, height, text, lines: lines ? text.split('\n') : null};
	} catch {
		return null;
	}
}

export async function makeThumbnail(request: ThumbnailRequest): Promise<Thumbnail> {
	const encodedFile = encodedCacheFile(request);
	if (encodedFile) {
		const cached = await readEncoded(encodedFile);
		if (cached) {
			inBackground(touchCacheFile(encodedFile));
			return {ok: true, source: 'cache', ...cached};
		}
	}
	const made = await makeFresh(request);
	if (made.ok && encodedFile) {
		const {ok: _ok, source: _source, ...form} = made;
		inBackground(writeAtomically(encodedFile, async () => encodedFileText(form)));
	}
	return made;
}

async function makeFresh(request: ThumbnailRequest): Promise<Thumbnail> {
	const {encode} = request;
	const box = pixelBox(encode.protocol, encode.cols, encode.rows, encode.cell);
	const picture = await fittedPicture(request, box, encode.full === true);
	if (!picture.ok) return picture;
	let fitted = picture.image;
	// Half blocks take pixels two rows at a time.
	if (encode.protocol === 'blocks' && fitted.height % 2 === 1)
		fitted = {
			...fitted,
			height: fitted.height - 1,
			data: fitted.data.subarray(0, (fitted.height - 1) * fitted.width * 3),
		};
	if (fitted.height === 0) return {ok: false, reason: 'too small to preview'};
	const encoded = await encodeFor(fitted, encode, path.basename(request.path));
	return {ok: true, source: picture.source, width: fitted.width, height: fitted.height, ...encoded};
}
