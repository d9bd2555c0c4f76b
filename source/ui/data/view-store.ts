/**
 * Remembered views: the last sort, filter and hidden columns of each results root, and named views saved with
 * `:save`, in a state file under `$XDG_STATE_HOME/sdstats/` (never in the user's config). A corrupt file is
 * ignored with a warning; `--reset-view` forgets the last view.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {parseSortSpec, type SortSpec} from '../../view/sort.js';
import {isImagesSetting, type ImagesSetting} from '../../core/preview/detect.js';

export type ViewSettings = {sort: SortSpec; filter: string; hidden: string[]};

export type ViewFile = {
	version: 1;
	root: string;
	last: ViewSettings | null;
	saved: Record<string, ViewSettings>;
	/** `--images`, remembered. */ images?: ImagesSetting;
};

export type ViewStore = {
	readonly path: string;
	load(): {file: ViewFile; warning: string | null};
	save(file: ViewFile): void;
	reset(): void;
};

/**
 * `$XDG_STATE_HOME/sdstats/views-<hash of the root>.json`, else `~/.local/state/sdstats/…`. Several roots opened
 * together have a view of their own, whatever order they were given in (one root keeps the file it always had).
 */
export function viewStatePath(
	env: Record<string, string | undefined>,
	homedir: string,
	tmpdir: string,
	roots: string | readonly string[],
): string {
	const xdg = env.XDG_STATE_HOME;
	const base =
		xdg && path.isAbsolute(xdg)
			? path.join(xdg, 'sdstats')
			: homedir
				? path.join(homedir, '.local', 'state', 'sdstats')
				: path.join(tmpdir, 'sdstats-state');
	const resolved = [
		...new Set((typeof roots === 'string' ? [roots] : roots).map((root) => path.resolve(root))),
	].sort();
	const hash = crypto.createHash('sha256').update(resolved.join('\0')).digest('hex').slice(0, 16);
	return path.join(base, `views-${hash}.json`);
}

function validSettings(value: unknown): ViewSettings | null {
	if (typeof value !== 'object' || value === null) return null;
	const v = value as Record<string, unknown>;
	const sort = typeof v.sort === 'string' ? parseSortSpec(v.sort) : null;
	if (
		!sort ||
		typeof v.filter !== 'string' ||
		!Array.isArray(v.hidden) ||
		!v.hidden.every((h) => typeof h === 'string')
	)
		return null;
	return {sort, filter: v.filter, hidden: v.hidden as string[]};
}

function serialise(settings: ViewSettings): unknown {
	return {sort: `${settings.sort.key}:${settings.sort.direction}`, filter: settings.filter, hidden: settings.hidden};
}

export function createViewStore(file: string, root: string): ViewStore {
	const empty = (): ViewFile => ({version: 1, root, last: null, saved: {}});
	return {
		path: file,
		load() {
			let text: string;
			try {
				text = fs.readFileSync(file, 'utf8');
			} catch {
				return {file: empty(), warning: null};
			}
			try {
				const parsed = JSON.parse(text) as Record<string, unknown>;
				if (parsed.version !== 1 || typeof parsed.saved !== 'object' || parsed.saved === null)
					throw new Error('unexpected shape');
				const saved: Record<string, ViewSettings> = {};
				for (const [name, value] of Object.entries(parsed.saved as Record<string, unknown>)) {
					const settings = validSettings(value);
					if (settings) saved[name] = settings;
				}
				const images = isImagesSetting(parsed.images) ? {images: parsed.images} : {};
				return {
					file: {
						version: 1,
						root,
						last: parsed.last === null ? null : validSettings(parsed.last),
						saved,
						...images,
					},
					warning: null,
				};
			} catch (error) {
				return {
					file: empty(),
					warning: `ignored the remembered views in ${file}: it is damaged (${(error as Error).message})`,
				};
			}
		},
		save(contents) {
			fs.mkdirSync(path.dirname(file), {recursive: true});
			const body = {
				version: 1,
				root,
				last: contents.last ? serialise(contents.last) : null,
				saved: Object.fromEntries(Object.entries(contents.saved).map(([k, v]) => [k, serialise(v)])),
				...(contents.images ? {images: contents.images} : {}),
			};
			// Written beside and renamed: a crash never leaves half a file.
			const temp = `${file}.${process.pid}.tmp`;
			fs.writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`);
			fs.renameSync(temp, file);
		},
		reset() {
			const {file: current} = this.load();
			this.save({...current, last: null});
		},
	};
}
