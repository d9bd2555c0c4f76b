/**
 * The archive folder chosen for each results root, remembered in the state folder once given with --to (or
 * in the explorer), so the next archive of that root goes to the same place. The default is `<root>/../archive`.
 */
import fs from 'node:fs';
import path from 'node:path';

const fileFor = (stateDir: string): string => path.join(stateDir, 'archive-targets.json');

function readAll(stateDir: string): {[root: string]: string} {
	try {
		const parsed: unknown = JSON.parse(fs.readFileSync(fileFor(stateDir), 'utf8'));
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
			return Object.fromEntries(
				Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
			);
		}
	} catch {
		// None remembered yet (or a damaged file: the default applies).
	}
	return {};
}

export function defaultArchiveFolder(root: string): string {
	return path.join(path.dirname(path.resolve(root)), 'archive');
}

export function archiveFolderFor(stateDir: string, root: string): {folder: string; remembered: boolean} {
	const remembered = readAll(stateDir)[path.resolve(root)];
	return remembered
		? {folder: remembered, remembered: true}
		: {folder: defaultArchiveFolder(root), remembered: false};
}

/** Saved atomically (a temporary file renamed over the old one). */
export function rememberArchiveFolder(stateDir: string, root: string, folder: string): void {
	const all = readAll(stateDir);
	all[path.resolve(root)] = path.resolve(folder);
	fs.mkdirSync(stateDir, {recursive: true, mode: 0o700});
	const tmp = `${fileFor(stateDir)}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
	fs.renameSync(tmp, fileFor(stateDir));
}

/** Why a folder cannot be an archive of this root, or null. */
export function archiveFolderProblem(root: string, folder: string): string | null {
	const base = path.resolve(root);
	const target = path.resolve(folder);
	if (target === base) return 'the archive cannot be the results root itself';
	if (target.startsWith(`${base}${path.sep}`))
		return 'the archive cannot be inside the results root (it would be taken for a session)';
	if (base.startsWith(`${target}${path.sep}`)) return 'the archive cannot contain the results root';
	return null;
}
