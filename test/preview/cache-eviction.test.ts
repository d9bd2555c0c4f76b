/**
 * The thumbnail cache stays under its cap, least recently used first, and two processes (or two trims and the
 * pictures being made at once) never break each other: a lost file only means a decode again.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {cacheCapBytes, DEFAULT_CACHE_MB, evictThumbnails} from '../../source/jobs/thumbnails/cache-eviction.js';
import {cacheKey, cacheWritesSettled, makeThumbnail} from '../../source/jobs/thumbnails/thumbnail.js';
import {gradientImage, pngOf} from '../helpers/images.js';
import {makeWorkspace} from '../helpers/temp.js';

const NOW = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;

/** An empty cache folder of its own. */
function cacheFolder(): string {
	const dir = path.join(makeWorkspace().base, 'thumbnails');
	fs.mkdirSync(dir);
	return dir;
}

function file(dir: string, name: string, bytes: number, usedMs: number): string {
	const target = path.join(dir, name);
	fs.writeFileSync(target, Buffer.alloc(bytes, 1));
	fs.utimesSync(target, new Date(usedMs), new Date(usedMs));
	return target;
}

describe('cacheCapBytes', () => {
	test('SDSTATS_THUMBNAIL_CACHE_MB: megabytes, 0 turns the cache off, anything else unreadable is the default', () => {
		expect(cacheCapBytes({})).toBe(DEFAULT_CACHE_MB * 1024 * 1024);
		expect(cacheCapBytes({SDSTATS_THUMBNAIL_CACHE_MB: '64'})).toBe(64 * 1024 * 1024);
		expect(cacheCapBytes({SDSTATS_THUMBNAIL_CACHE_MB: '0'})).toBeNull();
		expect(cacheCapBytes({SDSTATS_THUMBNAIL_CACHE_MB: 'lots'})).toBe(DEFAULT_CACHE_MB * 1024 * 1024);
		expect(cacheCapBytes({SDSTATS_THUMBNAIL_CACHE_MB: '-5'})).toBe(DEFAULT_CACHE_MB * 1024 * 1024);
	});
});

describe('evictThumbnails', () => {
	test('under the cap nothing goes', async () => {
		const base = cacheFolder();
		for (let i = 0; i < 5; i++) file(base, `f${i}.jpg`, 1000, NOW - i * HOUR);
		expect(await evictThumbnails(base, 10_000, NOW)).toEqual({files: 5, bytes: 5000, removed: 0, freedBytes: 0});
		expect(fs.readdirSync(base)).toHaveLength(5);
	});

	test('over the cap the least recently used go first, down to 80% of the cap', async () => {
		const base = cacheFolder();
		// f0 used most recently … f9 longest ago.
		for (let i = 0; i < 10; i++) file(base, `f${i}.jpg`, 1000, NOW - i * HOUR);
		const result = await evictThumbnails(base, 5000, NOW);
		expect(result).toMatchObject({files: 10, bytes: 10_000, removed: 6, freedBytes: 6000});
		expect(fs.readdirSync(base).sort()).toEqual(['f0.jpg', 'f1.jpg', 'f2.jpg', 'f3.jpg']);
		// Trimmed below the cap: the next start has nothing to do.
		expect((await evictThumbnails(base, 5000, NOW)).removed).toBe(0);
	});

	test('last use is the later of access and modification (a hit refreshes it)', async () => {
		const base = cacheFolder();
		const old = file(base, 'old-but-read.jpg', 1000, NOW - 10 * HOUR);
		fs.utimesSync(old, new Date(NOW - 1000), new Date(NOW - 10 * HOUR));
		file(base, 'newer.jpg', 1000, NOW - 5 * HOUR);
		await evictThumbnails(base, 1500, NOW);
		expect(fs.readdirSync(base)).toEqual(['old-but-read.jpg']);
	});

	test("another process's fresh temporary file is left alone; one abandoned an hour ago goes", async () => {
		const base = cacheFolder();
		file(base, 'a.jpg.123.ab.tmp', 100, NOW - 1000);
		file(base, 'b.jpg.456.cd.tmp', 100, NOW - 2 * HOUR);
		await evictThumbnails(base, 1_000_000, NOW);
		expect(fs.readdirSync(base)).toEqual(['a.jpg.123.ab.tmp']);
	});

	test('a missing or unreadable cache folder is not an error', async () => {
		const {base} = makeWorkspace();
		expect(await evictThumbnails(path.join(base, 'nope'), 10, NOW)).toEqual({
			files: 0,
			bytes: 0,
			removed: 0,
			freedBytes: 0,
		});
	});

	test('two trims and the pictures being made, all at once on one cache: every picture comes, nothing throws', async () => {
		const {base, root} = makeWorkspace();
		const cacheDir = path.join(base, 'cache');
		fs.mkdirSync(path.join(root, 's'));
		const images: string[] = [];
		for (let i = 0; i < 8; i++) {
			const image = path.join(root, 's', `i${i}.png`);
			fs.writeFileSync(image, await pngOf(gradientImage(120, 160, i)));
			images.push(image);
		}
		const request = (image: string) => {
			const stat = fs.statSync(image);
			return {
				path: image,
				size: stat.size,
				mtimeMs: stat.mtimeMs,
				cacheDir,
				encode: {
					protocol: 'kitty' as const,
					cols: 8,
					rows: 4,
					cell: {width: 10, height: 20},
					depth: 'truecolor' as const,
				},
			};
		};
		for (const image of images) await makeThumbnail(request(image));
		await cacheWritesSettled();
		for (let round = 0; round < 3; round++) {
			const [thumbnails, first, second] = await Promise.all([
				Promise.all(images.map((image) => makeThumbnail(request(image)))),
				evictThumbnails(cacheDir, 1, Date.now()),
				evictThumbnails(cacheDir, 1, Date.now()),
			]);
			expect(thumbnails.every((t) => t.ok)).toBe(true);
			expect(first.removed + second.removed).toBeLessThanOrEqual(first.files + second.files);
			await cacheWritesSettled();
		}
		// A hit marks its file used: an hour-old cache file read again is the newest.
		const stat = fs.statSync(images[0]!);
		const small = path.join(cacheDir, `${cacheKey(images[0]!, stat.size, stat.mtimeMs)}.jpg`);
		await makeThumbnail({...request(images[0]!), encode: {...request(images[0]!).encode, cols: 5}});
		await cacheWritesSettled();
		expect(fs.existsSync(small)).toBe(true);
		fs.utimesSync(small, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
		await makeThumbnail({...request(images[0]!), encode: {...request(images[0]!).encode, cols: 6}});
		await cacheWritesSettled();
		expect(Date.now() - fs.statSync(small).mtimeMs).toBeLessThan(HOUR);
	});
});
