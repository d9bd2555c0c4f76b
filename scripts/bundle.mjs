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

// Chunk names carry content hashes: clear the old ones.
fs.rmSync('dist/bin', {recursive: true, force: true});

await build({
	entryPoints: {
		cli: 'source/cli.ts',
		'compute-worker': 'source/jobs/compute-worker.ts',
		'stale-worker': 'source/jobs/stale-worker.ts',
		'insight-worker': 'source/jobs/insight-worker.ts',
	},
	outdir: 'dist/bin',
	entryNames: '[name]',
	chunkNames: 'chunk-[hash]',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// A native addon: it finds its compiled .node file relative to its own package.
	external: ['better-sqlite3', 'react-devtools-core'],
	// fetch: yoga-layout (Ink's layout engine) fetches its inlined WebAssembly from a data: URL when fetch exists,
	// which loads Node's whole HTTP client (undici, ~40 ms) at start-up; without it, it decodes the base64 itself.
	// sdstats never uses the network.
	define: {'process.env.NODE_ENV': '"production"', fetch: 'undefined'},
	// The CommonJS parts (React, fast-glob) call require() for Node's own modules; an ES module has none.
	banner: {js: "import {createRequire as __sdstatsCreateRequire} from 'node:module'; const require = __sdstatsCreateRequire(import.meta.url);"},
	plugins: [fastStringWidth],
	legalComments: 'none',
	sourcemap: false,
	logLevel: 'warning',
});
