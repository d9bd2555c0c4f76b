/**
 * Moving one session folder without ever leaving it in two halves.
 *
 * Within a filesystem: one rename, after checking the name is free (see renameInto for why not a claim).
 *
 * Across filesystems: the folder is copied under a temporary name beside the target, every file fsynced and
 * read back to compare its SHA-256 with the source's as it was read (copy-file.ts, several files at a time:
 * copy-pool.ts), the source listed again to catch a change during the copy, and only then the copy takes its
 * name. The source is first renamed aside (`.sdstats-del-…`) and then
 * removed, so a half-deleted source never looks like a session. GNU mv and fs.cp do neither (actions.md §1).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describeFsError, errorCode} from '../../scan/errors.js';
import {inventory, InventoryError, listingDifference, type Inventory} from '../../scan/folder-inventory.js';
import {copyFailure, reasonOf, type Failure, type FileCopyJob, type Result} from './copy-file.js';
import type {FileCopier} from './copy-pool.js';
import {fsyncDirectory} from './journal.js';

export type {Failure, Result};

/** Whether a path exists (a link counts, never followed). */
export function exists(p: string): boolean {
	try {
		fs.lstatSync(p);
		return true;
	} catch {
		return false;
	}
}

/** A folder with nothing in it (false when it is missing, not a folder or unreadable). */
export function isEmptyFolder(p: string): boolean {
	try {
		return fs.readdirSync(p).length === 0;
	} catch {
		return false;
	}
}

/** Removes a folder only when it is empty: used on a claimed target name, never on anything with content. */
export function removeIfEmpty(p: string): void {
	try {
		fs.rmdirSync(p);
	} catch {
		// Not there, not empty or not ours to remove: left as it is.
	}
}

/**
 * Renames `from` to `to` when nothing is at `to`. Node has no RENAME_NOREPLACE; claiming the name with an
 * exclusive mkdir first and renaming onto that empty folder is exact but measured 20× slower here (the
 * filesystem must free the claimed folder: 4.7 ms against 0.22 ms a session on a loaded disk). So the name is
 * checked just before the rename instead: a folder holding anything that appears in between makes the rename
 * fail (ENOTEMPTY), and the only thing a race of those microseconds could replace is an empty folder, which
 * holds nothing to lose. `exdev` when the two are on different filesystems (or mounts).
 */
export function renameInto(from: string, to: string): Result | {ok: false; exdev: true; reason: string} {
	if (exists(to)) return {ok: false, reason: 'the target already exists (nothing is overwritten)', code: 'EEXIST'};
	try {
		fs.renameSync(from, to);
		return {ok: true};
	} catch (error) {
		const code = errorCode(error);
		if (code === 'EXDEV') return {ok: false, exdev: true, reason: 'another filesystem'};
		if (code === 'ENOTEMPTY' || code === 'EEXIST')
			return {ok: false, reason: 'something was put at the target meanwhile (nothing is overwritten)', code};
		if (code === 'ENOENT' && !exists(path.dirname(to)))
			return {ok: false, reason: 'the target folder is gone', code};
		return reasonOf(error, 'cannot move it');
	}
}

export type CopyProgress = (bytes: number) => void;

/**
 * Copies `from` to `tmp` (which must not exist) and proves the copy: every file's bytes by SHA-256 (the
 * source's as it was read, the copy's read back after fsync; copy-file.ts), the listing (names, kinds,
 * sizes), and the source unchanged since `listing` was taken. The files go through `copier` (several at a
 * time); folders and links are made here first. On failure the partial copy is removed and the source is
 * untouched.
 */
export async function copyVerified(
	from: string,
	tmp: string,
	listing: Inventory,
	copier: FileCopier,
	onBytes?: CopyProgress,
): Promise<Result<{copied: Inventory}>> {
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const where = path.dirname(tmp);
	let made = false;
	let result: Result<{copied: Inventory}> | null = null;
	try {
		result = await copyInto();
	} finally {
		// Also when the copy threw: no temporary copy is left at the target. Only one made here (a name that
		// was taken is someone else's), and a removal that fails is said, never thrown over the reason.
		if (made && (result === null || !result.ok))
			try {
				removeTree(tmp);
			} catch (error) {
				if (result !== null && !result.ok)
					result = {
						...result,
						reason: `${result.reason} (and the partial copy ${tmp} could not be removed: ${describeFsError(error)}; remove it)`,
					};
			}
	}
	return result;

	async function copyInto(): Promise<Result<{copied: Inventory}>> {
		try {
			fs.mkdirSync(tmp, {mode: 0o700});
			made = true;
		} catch (error) {
			return copyFailure(error, {source: from, target: tmp, rel: 'the session', where});
		}
		const dirs: Array<{rel: string; source: fs.Stats}> = [{rel: '', source: fs.statSync(from)}];
		const files: FileCopyJob[] = [];
		for (const entry of listing.entries) {
			const source = path.join(from, entry.rel);
			const target = path.join(tmp, entry.rel);
			try {
				if (entry.kind === 'dir') {
					fs.mkdirSync(target, {mode: 0o700});
					dirs.push({rel: entry.rel, source: fs.lstatSync(source)});
				} else if (entry.kind === 'symlink') {
					fs.symlinkSync(fs.readlinkSync(source), target);
				} else files.push({source, target, rel: entry.rel, where});
			} catch (error) {
				return copyFailure(error, {source, target, rel: entry.rel, where});
			}
		}
		const failed = await copier.copyAll(files, (bytes) => onBytes?.(bytes));
		if (failed !== null && !failed.ok) return failed;
		// Folder times and modes last (creating entries changed them), deepest first; then make the entries durable.
		for (const {rel, source} of dirs.reverse()) {
			const target = rel === '' ? tmp : path.join(tmp, rel);
			try {
				fs.chmodSync(target, source.mode & 0o7777);
				if (asRoot) fs.lchownSync(target, source.uid, source.gid);
				fs.utimesSync(target, source.atime, source.mtime);
			} catch (error) {
				return copyFailure(error, {source: path.join(from, rel), target, rel: rel || 'the folder', where});
			}
			fsyncDirectory(target);
		}
		let now: Inventory;
		let copied: Inventory;
		try {
			now = inventory(from);
			copied = inventory(tmp);
		} catch (error) {
			return {ok: false, reason: error instanceof InventoryError ? error.message : describeFsError(error)};
		}
		const changed = listingDifference(listing.entries, now.entries, true);
		if (changed !== null)
			return {
				ok: false,
				reason: `the folder changed while it was copied (${changed}); copy it again when it is quiet`,
			};
		const different = listingDifference(listing.entries, copied.entries, false);
		if (different !== null) return {ok: false, reason: `the copy does not match the source (${different})`};
		return {ok: true, copied};
	}
}

/** Removes a tree sdstats made (a temporary copy, or a source already set aside); errors are left to the caller. */
export function removeTree(p: string): void {
	fs.rmSync(p, {recursive: true, force: true, maxRetries: 2});
}

/**
 * Renames a copy (already verified) onto its final name, claimed first with an exclusive mkdir: exact
 * no-replace, and its cost is nothing beside the copy's.
 */
export function publish(tmp: string, to: string): Result {
	try {
		fs.mkdirSync(to);
	} catch (error) {
		if (errorCode(error) === 'EEXIST')
			return {ok: false, reason: 'the target already exists (nothing is overwritten)', code: 'EEXIST'};
		return reasonOf(error, 'the target cannot be created');
	}
	try {
		fs.renameSync(tmp, to);
	} catch (error) {
		removeIfEmpty(to);
		return reasonOf(error, 'the copy cannot take its name');
	}
	fsyncDirectory(path.dirname(to));
	return {ok: true};
}

/**
 * Sets the source aside under its `.sdstats-del-…` name (so a half-removed source never looks like a session),
 * then removes it on the I/O threads: the unlinks wait on the source disk while the next session is copied.
 * Its folder is not fsynced here (the caller does it once for the whole action): a removal lost to a power cut
 * leaves the original or its set-aside name beside a published copy, which recovery removes (the journal says
 * the copy was verified).
 */
export async function removeSource(from: string, del: string): Promise<Result> {
	try {
		fs.renameSync(from, del);
	} catch (error) {
		return reasonOf(error, 'the original cannot be removed');
	}
	try {
		await fs.promises.rm(del, {recursive: true, force: true, maxRetries: 2});
	} catch (error) {
		// Set aside already: nothing is lost, and recovery removes the rest later.
		return reasonOf(error, `the original was set aside as ${path.basename(del)} but not fully removed`);
	}
	return {ok: true};
}

/** Does `folder` hold exactly the listing recorded when its copy was verified? */
export function matchesListing(folder: string, listing: ReadonlyArray<[string, string, number]>): boolean {
	try {
		const now = inventory(folder);
		const expected = listing.map(([rel, kind, size]) => ({
			rel,
			kind: kind as 'file' | 'dir' | 'symlink',
			size,
			mtimeMs: 0,
			mode: 0,
		}));
		return listingDifference(expected, now.entries, false) === null;
	} catch {
		return false;
	}
}

export function compactListing(listing: Inventory): Array<[string, string, number]> {
	return listing.entries.map((e) => [e.rel, e.kind, e.size]);
}
