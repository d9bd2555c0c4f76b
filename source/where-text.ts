/**
 * The "Here" section of `--help`: the results root(s), the web UI's sessions.db and sdstats' own cache as they
 * resolve from this folder, these flags and this environment, each with where it came from, so a user sees
 * which files a command would touch before running it (the explorer's header and `doctor` name them too).
 */
import fs from 'node:fs';
import path from 'node:path';
import {ConfigError, describeRootSource, locate, rootsOf, type Environment, type Locations} from './config.js';
import {sanitizeLine} from './text/sanitize.js';

export type WhereInput = {
	roots: readonly string[] | undefined;
	db: string | undefined;
	env: Environment;
	cwd: string;
	/** store/layout.ts's layoutFor, given by the entry (the edge does not load the store). */
	layoutOf: (dbPath: string) => {cachePath: string; sharedPath: string | null};
};

function describeDbSource(locations: Locations): string {
	switch (locations.dbSource) {
		case '--db':
			return 'given by --db';
		case 'SDSTATS_DB':
			return 'from the SDSTATS_DB variable';
		case 'default':
			return "the web UI's place: <root>/../metadata/";
	}
}

function state(file: string): string {
	return fs.existsSync(file) ? 'exists' : 'not created yet';
}

/** The lines of the section: a heading, then each label and path with its origin, labels aligned. */
export function whereLines(input: WhereInput): string[] {
	const rows = whereRows(input);
	const width = Math.max(...rows.map(([label]) => label.length));
	return [
		'  Here (resolved from this folder, the flags given and the environment)',
		...rows.map(([label, text]) => `    ${label.padEnd(width)}  ${text}`),
	];
}

type Row = [label: string, text: string];

function whereRows(input: WhereInput): Row[] {
	const lines: Row[] = [];
	let locations: Locations;
	try {
		locations = locate({rootFlag: input.roots, dbFlag: input.db, env: input.env, cwd: input.cwd});
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		lines.push(['results root', `none: ${sanitizeLine(error.message)}`]);
		return lines;
	}
	const origin = describeRootSource(locations, input.cwd);
	const roots = rootsOf(locations);
	const seen = new Set<string>();
	for (const [index, root] of roots.entries()) {
		const label = roots.length > 1 ? `results root ${index + 1}` : 'results root';
		const missing = fs.existsSync(root.path) ? '' : '; it does not exist';
		lines.push([label, `${sanitizeLine(root.path)}  (${origin}${missing})`]);
		if (seen.has(root.dbPath)) continue;
		seen.add(root.dbPath);
		lines.push(...databaseLines(root.dbPath, describeDbSource(locations), input.layoutOf));
	}
	return lines;
}

function databaseLines(dbPath: string, origin: string, layoutOf: WhereInput['layoutOf']): Row[] {
	let layout: ReturnType<WhereInput['layoutOf']>;
	try {
		layout = layoutOf(dbPath);
	} catch {
		// layoutFor only peeks into a regular file; anything odd is said by the command that opens it.
		layout = {cachePath: dbPath, sharedPath: null};
	}
	if (layout.sharedPath === null) {
		return [
			[
				'database',
				`${sanitizeLine(layout.cachePath)}  (${origin}; ${state(layout.cachePath)}; a file the web UI does not use: it holds everything)`,
			],
		];
	}
	const shared = path.basename(layout.sharedPath);
	const cache = path.basename(layout.cachePath);
	return [
		[
			sanitizeLine(shared),
			`${sanitizeLine(layout.sharedPath)}  (${origin}; ${state(layout.sharedPath)}; the web UI's file: sdstats shares its session_metadata there)`,
		],
		[
			sanitizeLine(cache),
			`${sanitizeLine(layout.cachePath)}  (sdstats' cache, beside ${sanitizeLine(shared)}; ${state(layout.cachePath)})`,
		],
	];
}
