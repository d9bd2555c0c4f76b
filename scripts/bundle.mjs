/**
 * Bundles the `sdstats` binary and its worker threads into dist/bin/.
 *
 * Why: Node 20 loads ES modules file by file, and Ink alone pulls in some 600 of them (its one lodash-style
 * helper imports the whole es-toolkit compat index): about 0.6 s before the explorer could draw anything. One
 * bundle per entry, tree-shaken and with React's production build selected at build time, starts in a fraction
 * of that. `tsc` still type-checks and compiles everything to dist/source for the tests and the bench.
 *
 * Layout: every file lands flat in dist/bin/, because the jobs find their worker scripts next to themselves
 * (`new URL('./stale-worker.js', import.meta.url)`) and shared code is split into chunks there too, so the
 * commands that never open the explorer never parse Ink and React.
 */
import fs from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';

const FAST_WIDTH = path.resolve('source/text/ink-string-width.ts');
const TEXT_FOLDER = path.resolve('source/text');

/**
 * Ink and its helpers get `source/text/ink-string-width.ts` for `string-width` (same widths, a fraction of the
 * cost on every frame: see that file); our own text modules keep the real one, which the fast one builds on.
 */
const fastStringWidth = {
	name: 'fast-string-width',
	setup(context) {
		context.onResolve({filter: /^string-width$/}, (args) => (args.importer.startsWith(TEXT_FOLDER) ? undefined : {path: FAST_WIDTH}));
	},
};

const ROW_CACHED_OUTPUT = path.resolve('source/ui/ink-output.ts');

/**
 * Ink's renderer gets `source/ui/ink-output.ts` for its Output class: the same frames, but rows that did not
 * change since an earlier frame are not rebuilt character by character (see that file).
 */
let outputSwapped = false;
const rowCachedOutput = {
	name: 'row-cached-output',
	setup(context) {
		context.onResolve({filter: /^\.\/output\.js$/}, (args) => {
			if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer)) return undefined;
			outputSwapped = true;
			return {path: ROW_CACHED_OUTPUT};
		});
	},
};

/**
 * Replaces one exact piece of a dependency's source at bundle time, and fails the build when the piece is gone
 * (a dependency update changed it), so a stale patch can never ship silently.
 */
function patchSource(name, file, replacements) {
	const filter = new RegExp(`node_modules[\\\\/]${file.replaceAll('/', '[\\\\/]').replaceAll('.', '\\.')}$`);
	return {
		name,
		setup(context) {
			context.onLoad({filter}, async (args) => {
				let contents = await fs.promises.readFile(args.path, 'utf8');
				for (const [from, to] of replacements) {
					if (!contents.includes(from)) throw new Error(`${name}: ${args.path} no longer contains ${JSON.stringify(from)}`);
					contents = contents.replace(from, () => to);
				}
				return {contents, loader: 'js'};
			});
		},
	};
}

/**
 * string-width compiles its RGI-emoji regex when it loads (≈20 ms: the property expands to thousands of
 * sequences) and makes a Segmenter (≈15 ms: ICU's break rules), on every start of every command that shows
 * text. Both serve only graphemes of several code points (see source/text/grapheme.ts), so they are made the
 * first time one is measured.
 */
const lazyEmojiRegex = patchSource('lazy-emoji-regex', 'string-width/index.js', [
	[
		'const segmenter = new Intl.Segmenter();',
		'let segmenterMade;\nconst segmenter = {segment: (text) => (segmenterMade ??= new Intl.Segmenter()).segment(text)};',
	],
	[
		'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
		"let rgiEmojiRegexCompiled;\nconst rgiEmojiRegex = {test: (text) => (rgiEmojiRegexCompiled ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text)};",
	],
]);

/**
 * sdstats hands meow its package facts (source/cli-args.ts), so meow's package.json search and normalizer (with
 * their JSON error framer and an SPDX licence table sorted at load: a third of the CLI's code and ≈30 ms of
 * every start) can never run. They are replaced by stubs that say so, and tree-shaking drops them.
 */
const givenPackageFacts = patchSource('given-package-facts', 'meow/build/options.js', [
	[
		"import { a as readPackageUpSync, n as normalizePackageData } from './dependencies.js';",
		"const readPackageUpSync = () => { throw new Error('sdstats gives meow its package facts (see source/cli-args.ts)'); };\nconst normalizePackageData = readPackageUpSync;",
	],
]);
/** The normalizer's set-up is a top-level call in meow's own bundle: without it, nothing keeps the code alive. */
const unusedNormalizer = patchSource('unused-normalizer', 'meow/build/dependencies.js', [
	['var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);\n', ''],
	['normalizePackageData as n, ', ''],
]);

const WORKERS = {
	'compute-worker': 'source/jobs/compute-worker.ts',
	'stale-worker': 'source/jobs/stale-worker.ts',
	'insight-worker': 'source/jobs/insight-worker.ts',
	'thumbnail-worker': 'source/jobs/thumbnails/thumbnail-worker.ts',
};

/** One flat folder: the entries, the worker scripts they start, and their shared chunks. */
async function bundle(outdir, entryPoints) {
	// Chunk names carry content hashes: clear the old ones.
	fs.rmSync(outdir, {recursive: true, force: true});
	await build({
		entryPoints: {...entryPoints, ...WORKERS},
		outdir,
		entryNames: '[name]',
		chunkNames: 'chunk-[hash]',
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		// Native addons: each finds its compiled .node file (sharp: in its @img/sharp-<platform> package) relative
		// to its own package.
		// sixel: its bundled UPNG assigns an undeclared global, which only CommonJS' sloppy mode allows.
		external: ['better-sqlite3', 'sharp', 'sixel', 'react-devtools-core'],
		// fetch: yoga-layout (Ink's layout engine) fetches its inlined WebAssembly from a data: URL when fetch exists,
		// which loads Node's whole HTTP client (undici, ~40 ms) at start-up; without it, it decodes the base64 itself.
		// sdstats never uses the network.
		define: {'process.env.NODE_ENV': '"production"', fetch: 'undefined'},
		// The CommonJS parts (React, fast-glob) call require() for Node's own modules; an ES module has none.
		banner: {js: "import {createRequire as __sdstatsCreateRequire} from 'node:module'; const require = __sdstatsCreateRequire(import.meta.url);"},
		plugins: [fastStringWidth, rowCachedOutput, lazyEmojiRegex, givenPackageFacts, unusedNormalizer],
		legalComments: 'none',
		minifyWhitespace: true,
		minifySyntax: true,
		sourcemap: false,
		logLevel: 'warning',
	});
}

await bundle('dist/bin', {cli: 'source/cli.ts'});
// The benchmark times keys in its own process: through the same bundled Ink, so it measures what users run.
await bundle('dist/bench-bin', {explorer: 'bench/explorer.tsx'});

// A renamed Ink file would silently ship Ink's own Output: fail instead.
if (!outputSwapped) throw new Error('row-cached-output: Ink\'s renderer no longer imports ./output.js; update scripts/bundle.mjs');
