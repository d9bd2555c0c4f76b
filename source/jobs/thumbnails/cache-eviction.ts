/**
 * The thumbnail cache stays within a size cap: when its files add up to more than the cap, the least recently
 * used go first (last use = the later of a file's access and modification times; a cache hit refreshes the
 * modification time, since many systems mount with relatime or noatime) until it is back under 80% of the cap,
 * so it is not trimmed again on every start.
 *
 * Safe with two processes on one cache (two explorers, an explorer and `sdstats preview`): every cache file is
 * written under a temporary name and renamed into place, so a file is whole or absent; a file another process
 * removed first is skipped (ENOENT); a reader that loses a file to eviction decodes the original again; and a
 * temporary file is left alone unless it is an hour old (a writer that died).
 *
 * The cap: `SDSTATS_THUMBNAIL_CACHE_MB` (megabytes; 0 turns the cache off), default 256.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_CACHE_MB = 256;
const KEEP_FRACTION = 0.8;
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The cap in bytes from the environment; null: the cache is off (0), else the default for a bad value. */
export function cacheCapBytes(env: Readonly<Record<string, string | undefined>>): number | null {
	const raw = env['SDSTATS_THUMBNAIL_CACHE_MB']?.trim();
	const mb = raw === undefined || raw === '' ? DEFAULT_CACHE_MB : Number(raw);
	if (!Number.isFinite(mb) || mb < 0) return DEFAULT_CACHE_MB * 1024 * 1024;
	return mb === 0 ? null : Math.floor(mb * 1024 * 1024);
}

export type Eviction = {files: number; bytes: number; removed: number; freedBytes: number};

/** Trims `cacheDir` to `capBytes` (see above). Never throws: a cache it cannot read or trim is left as it is. */
export async function evictThumbnails(cacheDir: string, capBytes: number, nowMs = Date.now()): Promise<Eviction> {
	const result: Eviction = {files: 0, bytes: 0, removed: 0, freedBytes: 0};
	let names: string[];
	try {
		names = await fs.promises.readdir(cacheDir);
	} catch {
		return result;
	}
	const files: Array<{file: string; size: number; usedMs: number}> = [];
	for (const name of names) {
		const file = path.join(cacheDir, name);
		let stat: fs.Stats;
		try {
			stat = await fs.promises.stat(file);
		} catch {
			continue;
		}
		if (!stat.isFile()) continue;
		if (name.endsWith('.tmp')) {
			// Another process may be writing it right now; one that died long ago left it behind.
			if (nowMs - stat.mtimeMs > STALE_TEMP_MS) await remove(file, stat.size, result);
			continue;
		}
		files.push({file, size: stat.size, usedMs: Math.max(stat.atimeMs, stat.mtimeMs)});
		result.files++;
		result.bytes += stat.size;
	}
	if (result.bytes <= capBytes) return result;
	files.sort((a, b) => a.usedMs - b.usedMs);
	let total = result.bytes;
	const keep = capBytes * KEEP_FRACTION;
	for (const entry of files) {
		if (total <= keep) break;
		if (await remove(entry.file, entry.size, result)) total -= entry.size;
	}
	return result;
}

async function remove(file: string, size: number, result: Eviction): Promise<boolean> {
	try {
		await fs.promises.unlink(file);
		result.removed++;
		result.freedBytes += size;
		return true;
	} catch (error) {
		// Gone already (another process trimmed it): it no longer counts either way.
		return (error as NodeJS.ErrnoException).code === 'ENOENT';
	}
}

/** Marks a cache file used now (for the LRU), at most once an hour per file; errors only cost accuracy. */
export async function touchCacheFile(file: string, nowMs = Date.now()): Promise<void> {
	try {
		const stat = await fs.promises.stat(file);
		if (nowMs - stat.mtimeMs < 60 * 60 * 1000) return;
		const now = new Date(nowMs);
		await fs.promises.utimes(file, now, now);
	} catch {
		// Removed meanwhile, or a read-only cache.
	}
}
