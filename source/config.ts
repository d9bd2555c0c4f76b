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

/** The web UI's `IMAGE_FOLDERS`: a JSON list of `{name, path}`; the first path is its sessions root. */
function rootFromImageFolders(value: string | undefined): string | undefined {
	if (!value) return undefined;
	try {
		const parsed: unknown = JSON.parse(value);
		if (!Array.isArray(parsed)) return undefined;
		const first: unknown = parsed[0];
		if (typeof first === 'object' && first !== null && 'path' in first && typeof first.path === 'string' && first.path) {
			return first.path;
		}
	} catch {
		// Not JSON: not a usable setting.
	}
	return undefined;
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
	const candidates: Array<[RootSource, string | undefined]> = [
		['--root', input.rootFlag],
		['SDSTATS_ROOT', input.env.SDSTATS_ROOT],
		['IMAGE_FOLDERS', rootFromImageFolders(input.env.IMAGE_FOLDERS)],
		['sdgen_config.json', rootFromSdgenConfig(input.cwd, readFile)],
	];
	const found = candidates.find(([, value]) => value !== undefined && value !== '');
	if (!found) {
		throw new ConfigError(
			'no results root: pass --root DIR, or set SDSTATS_ROOT, or IMAGE_FOLDERS (the web UI\'s JSON list of {name, path}), ' +
				'or run from a folder whose sdgen_config.json has output_dir',
		);
	}
	const [rootSource, rootValue] = found as [RootSource, string];
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
