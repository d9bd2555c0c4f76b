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
import {build} from 'esbuild';

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
	define: {'process.env.NODE_ENV': '"production"'},
	// The CommonJS parts (React, fast-glob) call require() for Node's own modules; an ES module has none.
	banner: {js: "import {createRequire as __sdstatsCreateRequire} from 'node:module'; const require = __sdstatsCreateRequire(import.meta.url);"},
	legalComments: 'none',
	sourcemap: false,
	logLevel: 'warning',
});
