/**
 * Where the results root and sessions.db are, resolved once at the edge from flags, environment and the
 * generator's own settings, into a frozen value the rest of the program receives.
 */
import fs from 'node:fs';
import path from 'node:path';

export type RootSource = '--root' | 'SDSTATS_ROOT' | 'IMAGE_FOLDERS' | 'sdgen_config.json' | 'demo';
export type DbSource = '--db' | 'SDSTATS_DB' | 'default';

export type Locations = Readonly<{
	root: string;
	rootSource: RootSource;
	dbPath: string;
	dbSource: DbSource;
}>;

export class ConfigError extends Error {
	override name = 'ConfigError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

type LocateInput = {
	rootFlag?: string | undefined;
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

/**
 * The web UI's `IMAGE_FOLDERS`: a JSON list of `{name, path}`; the first path is its sessions root. Set but
 * unusable is an error, not a silent fall-through to the next source: the user meant this setting.
 */
function rootFromImageFolders(value: string | undefined): string | undefined {
	if (!value) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		throw new ConfigError(`IMAGE_FOLDERS is set but unusable: it is not JSON (expected a list of {"name", "path"}, e.g. [{"name": "main", "path": "/data/results"}]); fix it, or pass --root DIR`);
	}
	const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
	if (typeof first === 'object' && first !== null && 'path' in first && typeof first.path === 'string' && first.path) {
		return first.path;
	}
	const what = !Array.isArray(parsed) ? 'not a list' : parsed.length === 0 ? 'an empty list' : 'a list whose first entry has no "path"';
	throw new ConfigError(`IMAGE_FOLDERS is set but unusable: it is ${what} (expected a list of {"name", "path"}); fix it, or pass --root DIR`);
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
 */
export function rootProblem(locations: Pick<Locations, 'root' | 'rootSource'>, cwd: string): string | null {
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
	// Read in order and only as far as needed: a broken IMAGE_FOLDERS matters only when nothing before it is set.
	const candidates: Array<[RootSource, () => string | undefined]> = [
		['--root', () => input.rootFlag],
		['SDSTATS_ROOT', () => input.env.SDSTATS_ROOT],
		['IMAGE_FOLDERS', () => rootFromImageFolders(input.env.IMAGE_FOLDERS)],
		['sdgen_config.json', () => rootFromSdgenConfig(input.cwd, readFile)],
	];
	let found: [RootSource, string] | undefined;
	for (const [source, read] of candidates) {
		const value = read();
		if (value !== undefined && value !== '') {
			found = [source, value];
			break;
		}
	}
	if (!found) {
		throw new ConfigError(
			'no results root: pass --root DIR, or set SDSTATS_ROOT, or IMAGE_FOLDERS (the web UI\'s JSON list of {name, path}), ' +
				'or run from a folder whose sdgen_config.json has output_dir',
		);
	}
	const [rootSource, rootValue] = found;
	const root = path.resolve(input.cwd, rootValue);
	let dbPath: string;
	let dbSource: DbSource;
	if (input.dbFlag) {
		dbPath = path.resolve(input.cwd, input.dbFlag);
		dbSource = '--db';
	} else if (input.env.SDSTATS_DB) {
		dbPath = path.resolve(input.cwd, input.env.SDSTATS_DB);
		dbSource = 'SDSTATS_DB';
	} else {
		// Where the generator's web UI keeps it: <root>/../metadata/sessions.db.
		dbPath = path.join(path.dirname(root), 'metadata', 'sessions.db');
		dbSource = 'default';
	}
	return Object.freeze({root, rootSource, dbPath, dbSource});
}
