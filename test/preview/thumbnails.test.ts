/** The thumbnail pipeline: bad input gives a cell reason (bounded, never a crash), the disk cache, the web UI's thumbnails. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {describe, expect, test} from 'vitest';
import {
	makeThumbnail,
	cacheKey,
	cacheWritesSettled,
	encodedCacheFile,
	encodeFor,
	pixelBox,
	webThumbnailPath,
	type ThumbnailRequest,
} from '../../source/jobs/thumbnails/thumbnail.js';
import {createThumbnailService} from '../../source/jobs/thumbnails/thumbnail-service.js';
import {decodeToFit} from '../../source/jobs/thumbnails/decode.js';
import {gradientImage, pngOf, zeroPng} from '../helpers/images.js';
import {makeWorkspace} from '../helpers/temp.js';

const CELL = {width: 10, height: 20};

function request(file: string, cacheDir: string | null, protocol: 'blocks' | 'kitty' = 'blocks'): ThumbnailRequest {
	const stat = fs.statSync(file);
	return {
		path: file,
		size: stat.size,
		mtimeMs: stat.mtimeMs,
		cacheDir,
		encode: {protocol, cols: 16, rows: 8, cell: CELL, depth: 'truecolor'},
	};
}

describe('bad input: a reason, never a throw or a hang', () => {
	const {base} = makeWorkspace();
	const write = (name: string, bytes: Buffer | string): string => {
		const file = path.join(base, name);
		fs.writeFileSync(file, bytes);
		return file;
	};

	test('a zero-byte file', async () => {
		expect(await makeThumbnail(request(write('empty.png', ''), null))).toEqual({
			ok: false,
			reason: 'empty file (0 bytes)',
		});
	});

	test('a truncated PNG', async () => {
		const png = await pngOf(gradientImage(200, 300, 1));
		const result = await makeThumbnail(
			request(write('cut.png', png.subarray(0, Math.floor(png.length / 2))), null),
		);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toMatch(/^damaged or cut off|^cannot decode it/);
	});

	test('a text file named .png', async () => {
		expect(await makeThumbnail(request(write('text.png', 'hello, not an image\n'), null))).toEqual({
			ok: false,
			reason: 'not an image (unknown format)',
		});
	});

	test('a 16,000×16,000 image is refused from its header, before any pixel is decoded', async () => {
		const result = await makeThumbnail(request(write('huge.png', await zeroPng(16000, 16000)), null));
		expect(result).toEqual({ok: false, reason: 'too large to preview (16000×16000 pixels)'});
	});

	test('a PNG bomb (64 KB of zeros that claim 60,000×60,000) is refused', async () => {
		const result = await makeThumbnail(request(write('bomb.png', await zeroPng(60000, 60000, 64 << 20)), null));
		expect(result).toEqual({ok: false, reason: 'too large to preview (60000×60000 pixels)'});
	});

	test.skipIf(process.getuid?.() === 0)(
		`an unreadable file${process.getuid?.() === 0 ? ' (skipped: root reads any file)' : ''}`,
		async () => {
			const file = write('locked.png', await pngOf(gradientImage(20, 20, 1)));
			fs.chmodSync(file, 0o000);
			expect(await makeThumbnail(request(file, null))).toEqual({
				ok: false,
				reason: 'cannot read it: permission denied',
			});
		},
	);

	test('a grid cell (decoded straight to its box) gets the same reasons: empty, cut off, not an image, huge, a bomb', async () => {
		const cell = async (name: string, bytes: Buffer | string): Promise<unknown> =>
			makeThumbnail({...request(write(`cell-${name}`, bytes), null, 'kitty'), keepSource: false});
		expect(await cell('empty.png', '')).toEqual({ok: false, reason: 'empty file (0 bytes)'});
		const png = await pngOf(gradientImage(200, 300, 1));
		expect(await cell('cut.png', png.subarray(0, Math.floor(png.length / 2)))).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/^damaged or cut off|^cannot decode it/) as unknown,
		});
		expect(await cell('text.png', 'hello, not an image\n')).toEqual({
			ok: false,
			reason: 'not an image (unknown format)',
		});
		expect(await cell('huge.png', await zeroPng(16000, 16000))).toEqual({
			ok: false,
			reason: 'too large to preview (16000×16000 pixels)',
		});
		expect(await cell('bomb.png', await zeroPng(60000, 60000, 64 << 20))).toEqual({
			ok: false,
			reason: 'too large to preview (60000×60000 pixels)',
		});
	});

	test('a file that vanished after the listing', async () => {
		const file = write('gone.png', await pngOf(gradientImage(20, 20, 1)));
		const req = request(file, null);
		fs.rmSync(file);
		expect(await makeThumbnail(req)).toEqual({ok: false, reason: 'the file is gone'});
	});
});

describe('the disk cache and the web UI thumbnails', () => {
	test('the first thumbnail decodes the original and caches it; the next comes from the cache; a rewrite misses', async () => {
		const {base, root} = makeWorkspace();
		const cacheDir = path.join(base, 'cache');
		fs.mkdirSync(path.join(root, 's1'));
		const file = path.join(root, 's1', 'a.png');
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 1)));
		const first = await makeThumbnail(request(file, cacheDir));
		expect(first).toMatchObject({ok: true, source: 'original'});
		await cacheWritesSettled();
		const stat = fs.statSync(file);
		expect(fs.existsSync(path.join(cacheDir, `${cacheKey(file, stat.size, stat.mtimeMs)}.jpg`))).toBe(true);
		expect(await makeThumbnail(request(file, cacheDir))).toMatchObject({ok: true, source: 'cache'});
		// Another box: made from the cached small picture, not the original.
		const other = await makeThumbnail({
			...request(file, cacheDir),
			encode: {...request(file, cacheDir).encode, cols: 10},
		});
		expect(other).toMatchObject({ok: true, source: 'cache', cols: 10});
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 2)));
		fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
		expect(await makeThumbnail(request(file, cacheDir))).toMatchObject({ok: true, source: 'original'});
	});

	test('a warm picture is its encoded form read back: the same bytes, with neither the original nor the small picture read', async () => {
		const {base, root} = makeWorkspace();
		const cacheDir = path.join(base, 'cache');
		fs.mkdirSync(path.join(root, 's1'));
		const file = path.join(root, 's1', 'a.png');
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 3)));
		for (const protocol of ['kitty', 'blocks'] as const) {
			const first = await makeThumbnail(request(file, cacheDir, protocol));
			await cacheWritesSettled();
			const encoded = encodedCacheFile(request(file, cacheDir, protocol))!;
			expect(fs.existsSync(encoded)).toBe(true);
			const stat = fs.statSync(file);
			// Without the small picture, only the encoded form (source 'cache') or the original can answer.
			fs.rmSync(path.join(cacheDir, `${cacheKey(file, stat.size, stat.mtimeMs)}.jpg`), {force: true});
			const again = await makeThumbnail(request(file, cacheDir, protocol));
			expect(again).toEqual({...first, source: 'cache'});
			// One cut short by a byte (a crash before its data reached the disk) is made again, never shown.
			await cacheWritesSettled();
			const whole = fs.readFileSync(encoded);
			fs.writeFileSync(encoded, whole.subarray(0, whole.length - 1));
			const remade = await makeThumbnail(request(file, cacheDir, protocol));
			expect(remade.ok && remade.text).toBe(first.ok && first.text);
			// A damaged encoded file is ignored, never shown (the small picture made again just now removed too).
			await cacheWritesSettled();
			fs.rmSync(path.join(cacheDir, `${cacheKey(file, stat.size, stat.mtimeMs)}.jpg`), {force: true});
			fs.writeFileSync(encoded, '{"text": 1');
			expect(await makeThumbnail(request(file, cacheDir, protocol))).toMatchObject({
				ok: true,
				source: 'original',
			});
		}
	});

	test('a grid cell (keepSource false) is decoded straight to its box and caches its encoded form only, not the 384 px thumbnail; a sheet picture keeps both', async () => {
		const {base, root} = makeWorkspace();
		const cacheDir = path.join(base, 'cache');
		fs.mkdirSync(path.join(root, 's1'));
		const file = path.join(root, 's1', 'a.png');
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 4)));
		const stat = fs.statSync(file);
		const small = path.join(cacheDir, `${cacheKey(file, stat.size, stat.mtimeMs)}.jpg`);
		const cell = {...request(file, cacheDir, 'kitty'), keepSource: false};
		const first = await makeThumbnail(cell);
		expect(first).toMatchObject({ok: true, source: 'original'});
		// Decoded from the original straight to the cell's box (one libvips pipeline), not via a 384 px picture.
		const straight = await decodeToFit(file, pixelBox('kitty', 16, 8, CELL));
		if (!straight.ok) throw new Error(straight.reason);
		expect(first.ok && first.text).toBe((await encodeFor(straight.image, cell.encode, 'a.png')).text);
		await cacheWritesSettled();
		expect(fs.existsSync(encodedCacheFile(cell)!)).toBe(true);
		expect(fs.existsSync(small)).toBe(false);
		// The same cell again: its encoded form, the same bytes.
		expect(await makeThumbnail(cell)).toEqual({...first, source: 'cache'});
		// Another box (a sheet's picture): decoded from the original, and its small picture kept.
		const sheet = {...request(file, cacheDir, 'kitty'), encode: {...cell.encode, cols: 10}};
		expect(await makeThumbnail(sheet)).toMatchObject({ok: true, source: 'original', cols: 10});
		await cacheWritesSettled();
		expect(fs.existsSync(small)).toBe(true);
		// A grid cell of a new size is then made from that small picture, not the original.
		expect(await makeThumbnail({...cell, encode: {...cell.encode, rows: 6}})).toMatchObject({
			ok: true,
			source: 'cache',
			rows: 6,
		});
	});

	test('a fresh web UI thumbnail (<root>/../thumbnails/<session>/<stem>.webp) is used; a stale one is not', async () => {
		const {root} = makeWorkspace();
		fs.mkdirSync(path.join(root, 's1'));
		const file = path.join(root, 's1', 'img_0001.png');
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 1)));
		const web = webThumbnailPath(file);
		expect(web).toBe(path.join(path.dirname(root), 'thumbnails', 's1', 'img_0001.webp'));
		fs.mkdirSync(path.dirname(web), {recursive: true});
		fs.writeFileSync(
			web,
			await sharp(await pngOf(gradientImage(164, 240, 1)))
				.webp()
				.toBuffer(),
		);
		expect(await makeThumbnail(request(file, null))).toMatchObject({ok: true, source: 'web'});
		const older = new Date(fs.statSync(file).mtimeMs - 60_000);
		fs.utimesSync(web, older, older);
		expect(await makeThumbnail(request(file, null))).toMatchObject({ok: true, source: 'original'});
	});

	test('a web UI thumbnail is decoded within the pixel limit: one claiming 8,000×8,000 is skipped for the original (regression: it was decoded unbounded)', async () => {
		const {root} = makeWorkspace();
		fs.mkdirSync(path.join(root, 's1'));
		const file = path.join(root, 's1', 'img_0001.png');
		fs.writeFileSync(file, await pngOf(gradientImage(208, 304, 1)));
		const web = webThumbnailPath(file);
		fs.mkdirSync(path.dirname(web), {recursive: true});
		fs.writeFileSync(web, await zeroPng(8000, 8000));
		expect(await makeThumbnail(request(file, null))).toMatchObject({ok: true, source: 'original'});
	});
});

describe('the service', () => {
	test('cancel drops queued requests (they resolve null) and the service keeps working', async () => {
		const {base} = makeWorkspace();
		const files = await Promise.all(
			[1, 2, 3, 4, 5].map(async (i) => {
				const file = path.join(base, `${i}.png`);
				fs.writeFileSync(file, await pngOf(gradientImage(100, 150, i)));
				return file;
			}),
		);
		const service = createThumbnailService({parallel: 1, inThread: true});
		const pending = files.map((file) => service.get(request(file, null)));
		service.cancel();
		const results = await Promise.all(pending);
		expect(results.every((r) => r === null)).toBe(true);
		expect(await service.get(request(files[0]!, null))).toMatchObject({ok: true});
		service.close();
		expect(await service.get(request(files[0]!, null))).toBeNull();
	});
});
