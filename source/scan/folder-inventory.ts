/**
 * Everything inside a session folder, as an action needs it: each entry's relative path, kind, size and times,
 * the totals a confirmation shows, and a comparison that tells whether two listings are the same folder
 * (a copy is checked against the source's listing; a source that changed while it was copied is caught here).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describeFsError} from './errors.js';

export type InventoryEntry = {
	/** Path relative to the folder, with '/' between parts. */
	rel: string;
	kind: 'file' | 'dir' | 'symlink';
	/** Bytes of a file (0 for folders and links). */
	size: number;
	mtimeMs: number;
	mode: number;
};

export type Inventory = {
	entries: InventoryEntry[];
	files: number;
	bytes: number;
	/** The newest mtime of anything inside (0 for an empty folder). */
	newestMtimeMs: number;
};

export class InventoryError extends Error {
	override name = 'InventoryError';
}

/** Lists a folder recursively (links are listed, never followed). Throws InventoryError with a reason. */
export function inventory(folder: string): Inventory {
	const entries: InventoryEntry[] = [];
	let files = 0;
	let bytes = 0;
	let newestMtimeMs = 0;
	const walk = (dir: string, prefix: string): void => {
		let names: fs.Dirent[];
		try {
			names = fs.readdirSync(dir, {withFileTypes: true});
		} catch (error) {
			throw new InventoryError(
				`${prefix === '' ? 'the folder' : prefix} cannot be listed: ${describeFsError(error)}`,
			);
		}
		names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const dirent of names) {
			const rel = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
			const full = path.join(dir, dirent.name);
			let stat: fs.Stats;
			try {
				stat = fs.lstatSync(full);
			} catch (error) {
				throw new InventoryError(`${rel} cannot be read: ${describeFsError(error)}`);
			}
			newestMtimeMs = Math.max(newestMtimeMs, stat.mtimeMs);
			if (stat.isDirectory()) {
				entries.push({rel, kind: 'dir', size: 0, mtimeMs: stat.mtimeMs, mode: stat.mode & 0o7777});
				walk(full, rel);
			} else if (stat.isFile()) {
				entries.push({rel, kind: 'file', size: stat.size, mtimeMs: stat.mtimeMs, mode: stat.mode & 0o7777});
				files++;
				bytes += stat.size;
			} else if (stat.isSymbolicLink()) {
				entries.push({rel, kind: 'symlink', size: 0, mtimeMs: stat.mtimeMs, mode: stat.mode & 0o7777});
				files++;
			} else {
				throw new InventoryError(
					`${rel} is a special file (device, pipe or socket), which sdstats does not move`,
				);
			}
		}
	};
	walk(folder, '');
	return {entries, files, bytes, newestMtimeMs};
}

/**
 * How many files a folder holds (anything not a folder, at any depth) and, when `withBytes`, their bytes: what a
 * confirmation shows for a folder that moves by one rename. Keeps no listing, and without bytes stats nothing
 * (the folder entries say what is a folder), so planning a rename of 100 files costs one readdir, not 100 stats.
 */
export function folderTotals(folder: string, withBytes: boolean): {files: number; bytes: number | null} {
	let files = 0;
	let bytes = 0;
	const walk = (dir: string, prefix: string): void => {
		let names: fs.Dirent[];
		try {
			names = fs.readdirSync(dir, {withFileTypes: true});
		} catch (error) {
			throw new InventoryError(
				`${prefix === '' ? 'the folder' : prefix} cannot be listed: ${describeFsError(error)}`,
			);
		}
		for (const dirent of names) {
			if (dirent.isDirectory()) {
				walk(`${dir}/${dirent.name}`, prefix === '' ? dirent.name : `${prefix}/${dirent.name}`);
				continue;
			}
			files++;
			if (!withBytes || !dirent.isFile()) continue;
			try {
				bytes += fs.lstatSync(`${dir}/${dirent.name}`).size;
			} catch (error) {
				const rel = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
				throw new InventoryError(`${rel} cannot be read: ${describeFsError(error)}`);
			}
		}
	};
	walk(folder, '');
	return {files, bytes: withBytes ? bytes : null};
}

/** Bytes a copy of these entries takes at a target whose blocks are `blockSize` bytes (folders take one block). */
export function bytesOnTarget(listing: Inventory, blockSize: number): number {
	const block = blockSize > 0 ? blockSize : 4096;
	let total = block; // the session folder itself
	for (const entry of listing.entries) total += entry.kind === 'file' ? Math.ceil(entry.size / block) * block : block;
	return total;
}

/**
 * The first difference between two listings (file list, kinds and sizes; mtimes too when asked), or null.
 * Folder mtimes are left out: creating entries in a copy changes them until the end.
 */
export function listingDifference(
	expected: readonly InventoryEntry[],
	actual: readonly InventoryEntry[],
	compareMtimes: boolean,
): string | null {
	const byRel = new Map(actual.map((entry) => [entry.rel, entry]));
	for (const want of expected) {
		const got = byRel.get(want.rel);
		if (!got) return `${want.rel} is missing`;
		if (got.kind !== want.kind) return `${want.rel} is a ${got.kind}, was a ${want.kind}`;
		if (got.size !== want.size) return `${want.rel} has ${got.size} bytes, expected ${want.size}`;
		if (compareMtimes && want.kind === 'file' && got.mtimeMs !== want.mtimeMs) return `${want.rel} was modified`;
		byRel.delete(want.rel);
	}
	const extra = byRel.keys().next();
	return extra.done ? null : `${extra.value} is new`;
}
