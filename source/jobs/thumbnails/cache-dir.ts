/**
 * Where thumbnails are cached. Its own module: the explorer needs the folder on its screen thread, and
 * thumbnail.ts loads sharp (libvips: ≈30 MB resident), which only the thumbnail worker should pay for.
 */
import os from 'node:os';
import path from 'node:path';

export function thumbnailCacheDir(
	env: Readonly<Record<string, string | undefined>>,
	homedir = os.homedir(),
	tmpdir = os.tmpdir(),
): string {
	const xdg = env.XDG_CACHE_HOME;
	const base =
		xdg && path.isAbsolute(xdg) ? xdg : homedir ? path.join(homedir, '.cache') : path.join(tmpdir, 'sdstats-cache');
	return path.join(base, 'sdstats', 'thumbnails');
}
