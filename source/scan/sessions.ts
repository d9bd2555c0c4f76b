/**
 * Which folders under the results root may be sessions, and their cheap change fingerprints.
 * Both read only directory entries and a couple of stats per folder: this is the nothing-changed fast path.
 */
import fs from 'node:fs';
import path from 'node:path';
import {MANIFEST_NAME} from '../core/images.js';
import {errorCode} from './errors.js';

export type RootListing = {
	/** Folder names directly under the root, not starting with '.', that are directories (links followed). */
	folders: string[];
	/** Entries that looked like folders but could not be examined (a link loop, say), with the reason. */
	skipped: Array<{name: string; reason: string}>;
};

/** Entries read from the root per call: the directory is streamed a slice at a time (see listSessionFolders). */
const LISTING_SLICE = 256;

/**
 * Lists candidate session folders, sorted by name. Throws when the root itself cannot be read.
 *
 * Streamed (opendir), not one readdir with types: that one held a Dirent for every entry of the root at once and
 * sorted them in C; at 100,000 folders ≈20 MB more in the compute's and the staleness check's threads and on the
 * explorer's (the live poll lists the root), and about 1.5× the time (measured 216-219 ms against 140-158 ms,
 * the sort here included). Only the folders' names are held; sorted here, so every caller sees the order
 * readdir gave on Unix (libuv sorted it by bytes; byte order and JavaScript's agree for every name but those
 * beyond U+FFFF mixed with U+E000-FFFF, where the marks cursor falls back to lookups), and on Windows too now.
 */
export function listSessionFolders(root: string): RootListing {
	const folders: string[] = [];
	const skipped: RootListing['skipped'] = [];
	const dir = fs.opendirSync(root, {bufferSize: LISTING_SLICE});
	try {
		for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
			if (entry.name.startsWith('.')) continue;
			// Node decodes names as UTF-8, turning invalid bytes into U+FFFD: such a name no longer reaches the folder,
			// and cannot be stored as the text id the web UI shares. Said plainly instead of failing later.
			if (entry.name.includes('\uFFFD') && !nameRoundTrips(root, entry.name)) {
				skipped.push({name: entry.name, reason: 'folder name is not valid UTF-8'});
				continue;
			}
			if (entry.isDirectory()) {
				folders.push(entry.name);
			} else if (entry.isSymbolicLink() || (!entry.isFile() && !entry.isFIFO() && !entry.isSocket())) {
				try {
					if (fs.statSync(path.join(root, entry.name)).isDirectory()) folders.push(entry.name);
				} catch (error) {
					const code = errorCode(error);
					// A link to nothing is simply not a session; a loop is worth telling the user about.
					if (code !== 'ENOENT')
						skipped.push({
							name: entry.name,
							reason: code === 'ELOOP' ? 'symbolic link loop' : String(code),
						});
				}
			}
		}
	} finally {
		dir.closeSync();
	}
	folders.sort();
	skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	return {folders, skipped};
}

/** Whether a listed name is the folder's real name (true unless the name had invalid UTF-8 bytes). */
function nameRoundTrips(root: string, name: string): boolean {
	return fs.existsSync(path.join(root, name));
}

/**
 * A fingerprint that changes when anything a compute reads may have changed: the folder's mtime moves when
 * an entry is added, removed or renamed; the manifest's mtime and size move when it is rewritten.
 * Null when the folder is gone.
 */
export function fingerprintSession(sessionPath: string): string | null {
	return statFingerprint(sessionPath, SCRATCH, 0) ? fingerprintText(SCRATCH, 0) : null;
}

/** What statFingerprint leaves in a fingerprint's size slot when there is no plain manifest size. */
const UNREADABLE_MANIFEST = -1;
const NO_MANIFEST = -2;
const SCRATCH = new Float64Array(3);

/**
 * The numbers a fingerprint is made of, written at `at` in `into`: the folder's mtime, the manifest's mtime
 * and its size (or a code: no manifest, not readable). False, with nothing written, when the folder is gone.
 * Numbers rather than the text so a compute holds 24 bytes per changed folder, not a string tree of ≈150
 * (issue 16: the fingerprints were 10 of the 26 MB a 100,000-session compute held; see FingerprintList).
 */
export function statFingerprint(sessionPath: string, into: Float64Array, at: number): boolean {
	// Plain (double) mtimes resolve well below a microsecond: enough to see a change, and cheaper than BigInt stats.
	const folder = fs.statSync(sessionPath, {throwIfNoEntry: false});
	if (!folder) return false;
	into[at] = folder.mtimeMs;
	into[at + 1] = Number.NaN;
	try {
		const manifest = fs.statSync(sessionPath + path.sep + MANIFEST_NAME, {throwIfNoEntry: false});
		if (manifest) {
			into[at + 1] = manifest.mtimeMs;
			into[at + 2] = manifest.size;
		} else into[at + 2] = NO_MANIFEST;
	} catch {
		// Unreadable: the compute will say why; the fingerprint just records that it is not a plain file.
		into[at + 2] = UNREADABLE_MANIFEST;
	}
	return true;
}

/** The fingerprint's text from the numbers statFingerprint wrote at `at`. */
export function fingerprintText(values: Float64Array, at: number): string {
	const size = values[at + 2]!;
	if (size === UNREADABLE_MANIFEST) return `${values[at]}:?`;
	if (size === NO_MANIFEST) return `${values[at]}:${NO_MANIFEST_PART}`;
	return `${values[at]}:${values[at + 1]}:${size}`;
}

/**
 * Fingerprints of many folders kept as their numbers (three doubles each, outside the JavaScript heap), the
 * text made only when one is asked for: what a compute holds for every changed folder until its batch is sent.
 * With `deep`, each is given as deepFingerprint gives it.
 */
export class FingerprintList {
	private values = new Float64Array(3 * 1024);
	private count = 0;

	constructor(private readonly deep = false) {}

	get length(): number {
		return this.count;
	}

	/** Adds the fingerprint statFingerprint wrote at `at` in `from`, or (null) a folder that is gone. */
	push(from: Float64Array | null, at = 0): void {
		if (3 * (this.count + 1) > this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		const to = 3 * this.count++;
		if (from === null) {
			this.values[to] = Number.NaN;
			return;
		}
		this.values[to] = from[at]!;
		this.values[to + 1] = from[at + 1]!;
		this.values[to + 2] = from[at + 2]!;
	}

	at(index: number): string | null {
		if (index < 0 || index >= this.count) throw new RangeError(`no fingerprint ${index} of ${this.count}`);
		// A folder's mtime is never NaN: it marks a folder that was gone.
		if (Number.isNaN(this.values[3 * index])) return null;
		const text = fingerprintText(this.values, 3 * index);
		return this.deep ? deepFingerprint(text) : text;
	}
}

/**
 * The fingerprint part of a folder without manifest.json. Its version moves when what sdstats reads from such
 * folders grows (1: older manifests and the images' parameters), so rows computed before are read again once.
 */
const NO_MANIFEST_PART = '-L1';
const DEEP_SUFFIX = ':deep';

/**
 * The fingerprint a `--deep` compute stores: a folder without manifest.json read in full is marked, so a later
 * deep run skips it and a sampling run does not redo it; folders with a manifest are the same either way.
 */
export function deepFingerprint(fingerprint: string): string {
	return fingerprint.endsWith(NO_MANIFEST_PART) ? fingerprint + DEEP_SUFFIX : fingerprint;
}

// Pure string rules the store applies too (it may not import scan/): kept in core, re-exported here.
export {unchangedSinceUnreadable, unreadableFingerprint} from '../core/unreadable-fingerprint.js';

/** Whether a stored fingerprint still describes the folder (`deep`: only a deep reading counts). */
export function fingerprintMatches(stored: string | null, current: string, deep: boolean): boolean {
	if (stored === null) return false;
	const wanted = deep ? deepFingerprint(current) : current;
	return stored === wanted || (!deep && stored === deepFingerprint(current));
}
