/**
 * The layers hold without reviewers (issue 12): every import in source/ is read and checked against the table
 * below, which is the architecture written as data. Data flows one way, core → scan/store → jobs → commands
 * and ui, and `commands/` and `ui/` never import each other: what both need lives below them.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';

const SOURCE = path.resolve(import.meta.dirname, '../../source');

/**
 * What each part of source/ may import (besides itself). A folder is a layer; `entry` is source/cli.ts, the
 * one module that wires everything; `edge` is every other top-level module (flags, help, config, the streams
 * and exit codes, the options each command receives), which both commands/ and ui/ read.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
	core: [],
	text: [],
	format: ['core', 'text'],
	scan: ['core', 'text'],
	store: ['core', 'text'],
	view: ['core', 'text'],
	demo: ['core', 'text', 'scan'],
	jobs: ['core', 'text', 'format', 'scan', 'store', 'view'],
	service: ['core', 'text', 'scan', 'store', 'jobs'],
	commands: ['core', 'text', 'format', 'scan', 'store', 'view', 'jobs', 'edge'],
	ui: ['core', 'text', 'format', 'scan', 'store', 'view', 'jobs', 'edge'],
	edge: ['core', 'text', 'view'],
	entry: ['*'],
};

/** Packages only one layer may load: Ink and React draw the explorer; core and text stay pure. */
const PACKAGE_HOME: Record<string, readonly string[]> = {
	ink: ['ui'],
	react: ['ui'],
	'better-sqlite3': ['store', 'jobs', 'commands'],
};
/** Modules that do I/O or hold threads, which core/, text/, format/ and view/ must not load. */
const IMPURE = /^(node:)?(fs|fs\/promises|child_process|worker_threads|net|http|https|os|process|tty)$/;
const PURE_LAYERS = new Set(['core', 'text', 'format', 'view']);

type Import = {from: string; layer: string; specifier: string; target: string | null; targetLayer: string | null};

function sourceFiles(dir = SOURCE): string[] {
	return fs
		.readdirSync(dir, {recursive: true, encoding: 'utf8'})
		.filter((name) => /\.(ts|tsx)$/.test(name))
		.map((name) => path.join(dir, name));
}

function layerOf(file: string): string {
	const relative = path.relative(SOURCE, file).split(path.sep);
	if (relative.length > 1) return relative[0]!;
	return relative[0] === 'cli.ts' ? 'entry' : 'edge';
}

function importsOf(file: string): Import[] {
	const text = fs.readFileSync(file, 'utf8');
	// Static imports, re-exports, `import type`, and dynamic import() with a literal.
	const {importedFiles} = ts.preProcessFile(text, true, true);
	return importedFiles.map(({fileName: specifier}) => {
		const relative = specifier.startsWith('.');
		const target = relative ? path.resolve(path.dirname(file), specifier) : null;
		return {
			from: path.relative(SOURCE, file),
			layer: layerOf(file),
			specifier,
			target,
			targetLayer: target === null ? null : layerOf(target),
		};
	});
}

const ALL = sourceFiles().flatMap(importsOf);

describe('layers (issue 12)', () => {
	it('reads the imports it checks', () => {
		// Guards the scanner itself: a regression here would make every rule below pass vacuously.
		expect(ALL.length).toBeGreaterThan(300);
		expect(ALL.some((i) => i.layer === 'ui' && i.targetLayer === 'store')).toBe(true);
		expect(ALL.some((i) => i.layer === 'entry' && i.specifier === './commands/compute.js')).toBe(true);
	});

	it('every folder of source/ is a layer of the table', () => {
		const folders = fs
			.readdirSync(SOURCE, {withFileTypes: true})
			.filter((d) => d.isDirectory())
			.map((d) => d.name);
		expect(folders.filter((name) => !(name in MAY_IMPORT))).toEqual([]);
	});

	it('each layer imports only the layers below it; commands/ and ui/ never import each other', () => {
		const wrong = ALL.filter(({layer, targetLayer, target}) => {
			if (targetLayer === null || targetLayer === layer) return false;
			if (target !== null && !target.startsWith(SOURCE)) return false;
			const allowed = MAY_IMPORT[layer] ?? [];
			return !allowed.includes('*') && !allowed.includes(targetLayer);
		}).map(({from, specifier}) => `${from} imports ${specifier}`);
		expect(wrong).toEqual([]);
	});

	it('Ink and React only in ui/, the SQLite driver only where a connection is opened', () => {
		// `import type` loads nothing: a type of the driver may be named anywhere.
		const typeOnly = ({from, specifier}: Import): boolean =>
			new RegExp(
				`import\\s+type\\s[^;]*?from\\s*['"]${specifier.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}['"]`,
			).test(fs.readFileSync(path.join(SOURCE, from), 'utf8'));
		const wrong = ALL.filter((entry) => {
			const home = PACKAGE_HOME[entry.specifier];
			return home !== undefined && !home.includes(entry.layer) && !typeOnly(entry);
		}).map(({from, specifier}) => `${from} imports ${specifier}`);
		expect(wrong).toEqual([]);
	});

	it('core/, text/, format/ and view/ are pure: no filesystem, processes or threads', () => {
		const wrong = ALL.filter(({layer, specifier}) => PURE_LAYERS.has(layer) && IMPURE.test(specifier)).map(
			({from, specifier}) => `${from} imports ${specifier}`,
		);
		expect(wrong).toEqual([]);
	});

	it('the README layout names every folder of source/', () => {
		const readme = fs.readFileSync(path.resolve(SOURCE, '../README.md'), 'utf8');
		const layout = /^### Layout\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1] ?? '';
		const folders = fs.readdirSync(SOURCE, {recursive: true, withFileTypes: true}).filter((d) => d.isDirectory());
		const missing = folders
			.map((d) => `${path.relative(SOURCE, path.join(d.parentPath, d.name)).split(path.sep).join('/')}/`)
			.filter((folder) => !layout.includes(folder));
		expect(missing).toEqual([]);
	});
});
