/**
 * The freedesktop.org Trash specification 1.0, as far as trashing and restoring whole folders needs it.
 *
 * Our own code, not npm `trash`: on Linux that package moves directories across devices with copyFile (fails
 * with EISDIR, sindresorhus/trash#92), writes the .trashinfo without O_EXCL and never removes it when the
 * move fails, and its README says the Linux side is unmaintained (research/actions.md §3). Here the
 * .trashinfo is created first with O_EXCL, the folder is moved by the same journalled mover as an archive,
 * and a failed move takes the .trashinfo back.
 *
 * Which trash: the home trash (`$XDG_DATA_HOME/Trash`) when it is on the folder's filesystem; otherwise
 * `$topdir/.Trash/$uid` (only when `.Trash` is a real folder with the sticky bit) or `$topdir/.Trash-$uid`;
 * when neither can be used, the home trash by a verified copy (the spec allows it; it is slower).
 * `directorysizes` is a cache the spec lets readers rebuild; it is not written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type TrashPlace = {
	/** The trash folder holding files/ and info/. */
	dir: string;
	/** The mount point for a $topdir trash (Path= is relative to it); null for the home trash. */
	topdir: string | null;
};

export function homeTrash(env: Readonly<{[key: string]: string | undefined}>, home = os.homedir()): string {
	const dataHome =
		env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
			? env.XDG_DATA_HOME
			: path.join(home, '.local', 'share');
	return path.join(dataHome, 'Trash');
}

/** The device of a path, or of its nearest existing ancestor (a trash not made yet lives where it will be made). */
export function deviceOf(p: string): number {
	let current = path.resolve(p);
	for (;;) {
		try {
			return fs.statSync(current).dev;
		} catch {
			const parent = path.dirname(current);
			if (parent === current) return -1;
			current = parent;
		}
	}
}

/** The mount point holding `p`: the highest ancestor on the same device. */
export function mountPointOf(p: string): string {
	let current = path.resolve(p);
	const dev = fs.statSync(current).dev;
	for (;;) {
		const parent = path.dirname(current);
		if (parent === current) return current;
		try {
			if (fs.statSync(parent).dev !== dev) return current;
		} catch {
			return current;
		}
		current = parent;
	}
}

function writableFolder(dir: string): boolean {
	try {
		fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Where a folder goes when trashed: a trash on its own filesystem when one can be used, else the home trash. */
export function trashFor(
	folder: string,
	env: Readonly<{[key: string]: string | undefined}>,
	home = os.homedir(),
): {place: TrashPlace; sameDevice: boolean} {
	const homeDir = homeTrash(env, home);
	const dev = fs.statSync(folder).dev;
	if (deviceOf(homeDir) === dev) return {place: {dir: homeDir, topdir: null}, sameDevice: true};
	const topdir = mountPointOf(folder);
	const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
	const admin = path.join(topdir, '.Trash');
	try {
		const stat = fs.lstatSync(admin);
		// The spec: MUST NOT be a link, MUST have the sticky bit; otherwise it is not used at all.
		if (stat.isDirectory() && !stat.isSymbolicLink() && (stat.mode & 0o1000) !== 0) {
			const dir = path.join(admin, String(uid));
			if (fs.existsSync(dir) ? writableFolder(dir) : writableFolder(admin))
				return {place: {dir, topdir}, sameDevice: true};
		}
	} catch {
		// No admin trash on this filesystem.
	}
	const own = path.join(topdir, `.Trash-${uid}`);
	if (fs.existsSync(own) ? writableFolder(own) && fs.lstatSync(own).isDirectory() : writableFolder(topdir))
		return {place: {dir: own, topdir}, sameDevice: true};
	return {place: {dir: homeDir, topdir: null}, sameDevice: false};
}

/** Percent-encoding as RFC 2396 §2 asks (unreserved characters and '/' stay). */
export function encodeTrashPath(p: string): string {
	return p
		.split('/')
		.map((part) => encodeURIComponent(part))
		.join('/');
}

export function decodeTrashPath(p: string): string {
	return p
		.split('/')
		.map((part) => decodeURIComponent(part))
		.join('/');
}

/** Local time as the spec writes it: YYYY-MM-DDThh:mm:ss. */
export function deletionDate(nowMs: number): string {
	const d = new Date(nowMs);
	const two = (n: number): string => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function trashInfoBody(original: string, place: TrashPlace, nowMs: number): string {
	const shown = place.topdir === null ? original : path.relative(place.topdir, original);
	return `[Trash Info]\nPath=${encodeTrashPath(shown)}\nDeletionDate=${deletionDate(nowMs)}\n`;
}

/** The original path a .trashinfo names (its first Path= line), or null. */
export function readTrashInfoPath(infoFile: string, place: TrashPlace): string | null {
	try {
		const line = fs
			.readFileSync(infoFile, 'utf8')
			.split('\n')
			.find((l) => l.startsWith('Path='));
		if (!line) return null;
		const decoded = decodeTrashPath(line.slice('Path='.length));
		return path.isAbsolute(decoded) ? decoded : place.topdir === null ? null : path.join(place.topdir, decoded);
	} catch {
		return null;
	}
}

/** A name free in both files/ and info/, not already promised to another folder of the same action. */
export function freeTrashName(place: TrashPlace, base: string, reserved: Set<string>): string {
	for (let n = 1; ; n++) {
		const name = n === 1 ? base : `${base}.${n}`;
		if (reserved.has(name)) continue;
		if (
			fs.existsSync(path.join(place.dir, 'files', name)) ||
			fs.existsSync(path.join(place.dir, 'info', `${name}.trashinfo`))
		)
			continue;
		reserved.add(name);
		return name;
	}
}

/** Creates files/ and info/ (0700, as the spec's $topdir/.Trash-$uid must be). */
export function prepareTrash(place: TrashPlace): void {
	fs.mkdirSync(place.dir, {recursive: true, mode: 0o700});
	fs.mkdirSync(path.join(place.dir, 'files'), {recursive: true, mode: 0o700});
	fs.mkdirSync(path.join(place.dir, 'info'), {recursive: true, mode: 0o700});
}

/** Writes the .trashinfo first, exclusively (the spec's way of reserving the name). Throws EEXIST when taken. */
export function createTrashInfo(infoFile: string, body: string): void {
	const fd = fs.openSync(infoFile, 'wx', 0o600);
	try {
		fs.writeSync(fd, body);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}
