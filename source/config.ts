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
	return (
		locations.roots ?? [
			{name: path.basename(locations.root) || locations.root, path: locations.root, dbPath: locations.dbPath},
		]
	);
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

type GivenRoot = {name: string | null; path: string};

/**
 * The web UI's `IMAGE_FOLDERS`: a JSON list of `{name, path}`, every one an image folder sdstats opens (entries
 * without a path are skipped). Set but unusable is an error, not a silent fall-through to the next source: the
 * user meant this setting.
 */
function foldersFromImageFolders(value: string | undefined): GivenRoot[] {
	if (!value) return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		throw new ConfigError(
			`IMAGE_FOLDERS is set but unusable: it is not JSON (expected a list of {"name", "path"}, e.g. [{"name": "main", "path": "/data/results"}]); fix it, or pass --root DIR`,
		);
	}
	const folders: GivenRoot[] = [];
	for (const entry of Array.isArray(parsed) ? (parsed as unknown[]) : []) {
		if (
			typeof entry === 'object' &&
			entry !== null &&
			'path' in entry &&
			typeof entry.path === 'string' &&
			entry.path
		) {
			const name =
				'name' in entry && typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : null;
			folders.push({name, path: entry.path});
		}
	}
	if (folders.length > 0) return folders;
	const what = !Array.isArray(parsed)
		? 'not a list'
		: parsed.length === 0
			? 'an empty list'
			: parsed.length === 1
				? 'a list whose first entry has no "path"'
				: 'a list none of whose entries has a "path"';
	throw new ConfigError(
		`IMAGE_FOLDERS is set but unusable: it is ${what} (expected a list of {"name", "path"}); fix it, or pass --root DIR`,
	);
}

/** Names that tell the roots apart: the given name, else the folder's; a repeated name gets its parent's too. */
function nameRoots(roots: readonly GivenRoot[]): string[] {
	const names = roots.map((r) => r.name ?? (path.basename(r.path) || r.path));
	return names.map((name, i) =>
		(names.indexOf(name) !== i || names.lastIndexOf(name) !== i) && roots[i]!.name === null
			? `${path.basename(path.dirname(roots[i]!.path))}/${name}`
			: name,
	);
}

/** Where the results root came from, for messages: `(from --root)`, `(from output_dir in /x/sdgen_config.json)`. */
export function describeRootSource(locations: Pick<Locations, 'rootSource'>, cwd: string): string {
	switch (locations.rootSource) {
		case '--root':
			return 'given by --root';
		case 'SDSTATS_ROOT':
			return 'from the SDSTATS_ROOT variable';
		case 'IMAGE_FOLDERS':
			return "the first path of IMAGE_FOLDERS, the web UI's setting";
		case 'sdgen_config.json':
			return `from output_dir in ${path.join(cwd, 'sdgen_config.json')}`;
		case 'demo':
			return 'the demo';
	}
}

/**
 * Why the results root cannot be used (it does not exist, or is not a folder), naming where it came from; null
 * when it is a folder. Checked once at the edge, so no command reports the missing root as a missing database.
 * With several roots, one that is unavailable is not a problem here (its rows stay, marked; the commands say
 * so): only when none is there is the first one's problem said.
 */
export function rootProblem(locations: Pick<Locations, 'root' | 'rootSource' | 'roots'>, cwd: string): string | null {
	const roots = locations.roots ?? [];
	if (roots.length > 1 && roots.some((r) => isFolder(r.path))) return null;
	return singleRootProblem(locations, cwd);
}

function isFolder(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}

function singleRootProblem(locations: Pick<Locations, 'root' | 'rootSource'>, cwd: string): string | null {
	let problem: string;
	try {
		if (fs.statSync(locations.root).isDirectory()) return null;
		problem = 'is not a folder';
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT' && code !== 'ENOTDIR') return null; // unreadable: each command says why when it reads it
		problem = 'does not exist';
	}
	return `the results root ${locations.root} ${problem} (${describeRootSource(locations, cwd)}): check the path, or pass --root DIR`;
}

/** The generator CLI's `./sdgen_config.json`, read from the current folder only, as the generator does. */
function rootFromSdgenConfig(cwd: string, readFile: (file: string) => string | undefined): string | undefined {
	const text = readFile(path.join(cwd, 'sdgen_config.json'));
	if (text === undefined) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		if (
			typeof parsed === 'object' &&
			parsed !== null &&
			'output_dir' in parsed &&
			typeof parsed.output_dir === 'string' &&
			parsed.output_dir
		) {
			return parsed.output_dir;
		}
	} catch {
		// A broken config file is the same as none.
	}
	return undefined;
}

export function locate(input: LocateInput): Locations {
	const readFile = input.readFile ?? readFileQuietly;
	const flagRoots = (typeof input.rootFlag === 'string' ? [input.rootFlag] : (input.rootFlag ?? [])).filter(
		(r) => r !== '',
	);
	// Read in order and only as far as needed: a broken IMAGE_FOLDERS matters only when nothing before it is set.
	const candidates: Array<[RootSource, () => GivenRoot[]]> = [
		['--root', () => flagRoots.map((p) => ({name: null, path: p}))],
		['SDSTATS_ROOT', () => (input.env.SDSTATS_ROOT ? [{name: null, path: input.env.SDSTATS_ROOT}] : [])],
		['IMAGE_FOLDERS', () => foldersFromImageFolders(input.env.IMAGE_FOLDERS)],
		[
			'sdgen_config.json',
			() => [rootFromSdgenConfig(input.cwd, readFile)].flatMap((p) => (p ? [{name: null, path: p}] : [])),
		],
	];
	let found: [RootSource, GivenRoot[]] | undefined;
	for (const [source, read] of candidates) {
		const value = read();
		if (value.length > 0) {
			found = [source, value];
			break;
		}
	}
	if (!found) {
		throw new ConfigError(
			"no results root: pass --root DIR, or set SDSTATS_ROOT, or IMAGE_FOLDERS (the web UI's JSON list of {name, path}), " +
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
	const roots = unique.map((r, i): RootLocation =>
		Object.freeze({
			name: names[i]!,
			path: r.path,
			dbPath: shared ?? path.join(path.dirname(r.path), 'metadata', 'sessions.db'),
		}),
	);
	const first = roots[0]!;
	return Object.freeze({root: first.path, rootSource, dbPath: first.dbPath, dbSource, roots: Object.freeze(roots)});
}
