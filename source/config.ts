/**
 * Where the results root and sessions.db are, resolved once at the edge from flags, environment and the
 * generator's own settings, into a frozen value the rest of the program receives.
 */
import fs from 'node:fs';
import path from 'node:path';

export type RootSource = '--root' | 'SDSTATS_ROOT' | 'IMAGE_FOLDERS' | 'sdgen_config.json' | 'demo';
export type DbSource = '--db' | 'SDSTATS_DB' | 'default';

/** One results root: its name (the web UI's `IMAGE_FOLDERS` name, else the folder's), path and cache. */
export type RootLocation = Readonly<{name: string; path: string; dbPath: string}>;

export type Locations = Readonly<{
	/** The first root (and its cache): what single-root commands and the explorer open. */
	root: string;
	rootSource: RootSource;
	dbPath: string;
	dbSource: DbSource;
	/**
	 * Every root, the first being `root`: each `--root`, else every folder of `IMAGE_FOLDERS`. Each has the
	 * cache the web UI keeps for it (`<root>/../metadata/sessions.db`, so roots side by side share one), or
	 * the one given by --db / SDSTATS_DB for all.
	 */
	roots?: readonly RootLocation[];
}>;

/** Every root of the locations (a value built by hand with only `root` has that one). */
export function rootsOf(locations: Locations): readonly RootLocation[] {
	return locations.roots ?? [{name: path.basename(locations.root) || locations.root, path: locations.root, dbPath: locations.dbPath}];
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

type LocateInput = {
	/** `--root`, possibly given several times. */
	rootFlag?: string | readonly string[] | undefined;
	dbFlag?: string | undefined;
	env: Environment;
	cwd: string;
	readFile?: (file: string) => string | undefined;
};

const readFileQuietly = (file: string): string | undefined => {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
};

/** The web UI's `IMAGE_FOLDERS`: a JSON list of `{name, path}`, every one an image folder sdstats opens. */
function foldersFromImageFolders(value: string | undefined): Array<{name: string | null; path: string}> {
	if (!value) return [];
	try {
		const parsed: unknown = JSON.parse(value);
		if (!Array.isArray(parsed)) return [];
		const folders: Array<{name: string | null; path: string}> = [];
		for (const entry of parsed as unknown[]) {
			if (typeof entry === 'object' && entry !== null && 'path' in entry && typeof entry.path === 'string' && entry.path) {
				const name = 'name' in entry && typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : null;
				folders.push({name, path: entry.path});
			}
		}
		return folders;
	} catch {
		// Not JSON: not a usable setting.
		return [];
	}
}

/** Names that tell the roots apart: the given name, else the folder's; a repeated name gets its parent's too. */
function nameRoots(roots: ReadonlyArray<{name: string | null; path: string}>): string[] {
	const names = roots.map((r) => r.name ?? (path.basename(r.path) || r.path));
	return names.map((name, i) => (names.indexOf(name) !== i || names.lastIndexOf(name) !== i) && roots[i]!.name === null ? `${path.basename(path.dirname(roots[i]!.path))}/${name}` : name);
}

/** The generator CLI's `./sdgen_config.json`, read from the current folder only, as the generator does. */
function rootFromSdgenConfig(cwd: string, readFile: (file: string) => string | undefined): string | undefined {
	const text = readFile(path.join(cwd, 'sdgen_config.json'));
	if (text === undefined) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		if (typeof parsed === 'object' && parsed !== null && 'output_dir' in parsed && typeof parsed.output_dir === 'string' && parsed.output_dir) {
			return parsed.output_dir;
		}
	} catch {
		// A broken config file is the same as none.
	}
	return undefined;
}

export function locate(input: LocateInput): Locations {
	const readFile = input.readFile ?? readFileQuietly;
	const flagRoots = (typeof input.rootFlag === 'string' ? [input.rootFlag] : (input.rootFlag ?? [])).filter((r) => r !== '');
	const imageFolders = foldersFromImageFolders(input.env.IMAGE_FOLDERS);
	const candidates: Array<[RootSource, Array<{name: string | null; path: string}>]> = [
		['--root', flagRoots.map((p) => ({name: null, path: p}))],
		['SDSTATS_ROOT', input.env.SDSTATS_ROOT ? [{name: null, path: input.env.SDSTATS_ROOT}] : []],
		['IMAGE_FOLDERS', imageFolders],
		['sdgen_config.json', [rootFromSdgenConfig(input.cwd, readFile)].flatMap((p) => (p ? [{name: null, path: p}] : []))],
	];
	const found = candidates.find(([, values]) => values.length > 0);
	if (!found) {
		throw new ConfigError(
			'no results root: pass --root DIR, or set SDSTATS_ROOT, or IMAGE_FOLDERS (the web UI\'s JSON list of {name, path}), ' +
				'or run from a folder whose sdgen_config.json has output_dir',
		);
	}
	const [rootSource, given] = found;
	// The same folder given twice is one root.
	const unique = given
		.map((r) => ({name: r.name, path: path.resolve(input.cwd, r.path)}))
		.filter((r, i, all) => all.findIndex((o) => o.path === r.path) === i);
	let shared: string | null = null;
	let dbSource: DbSource = 'default';
	if (input.dbFlag) {
		shared = path.resolve(input.cwd, input.dbFlag);
		dbSource = '--db';
	} else if (input.env.SDSTATS_DB) {
		shared = path.resolve(input.cwd, input.env.SDSTATS_DB);
		dbSource = 'SDSTATS_DB';
	}
	const names = nameRoots(unique);
	// Where the generator's web UI keeps each root's cache: <root>/../metadata/sessions.db.
	const roots = unique.map((r, i): RootLocation => Object.freeze({name: names[i]!, path: r.path, dbPath: shared ?? path.join(path.dirname(r.path), 'metadata', 'sessions.db')}));
	const first = roots[0]!;
	return Object.freeze({root: first.path, rootSource, dbPath: first.dbPath, dbSource, roots: Object.freeze(roots)});
}
