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
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';

/**
 * Every dependency file a swap or a patch below was reviewed against, by SHA-256 of its whole text. The versions
 * are pinned exactly in package.json (ink, string-width, meow; yoga-layout and wrap-ansi's string-width come with
 * that Ink), and a file that differs fails the build: a lockfile refresh can never change what is patched without
 * someone reading the new text. To upgrade: read the new file against the patch (and, for Ink's output.js, diff
 * it against source/ui/ink-output.ts), re-measure the patch (`node scripts/measure-patches.mjs`), then update the
 * hash here.
 */
const REVIEWED = {
	// The Output class source/ui/ink-output.ts reproduces with a row cache.
	'ink/build/output.js': 'de9078c7fc647c40cf9e32d6658fcbbee91dae9e3f6334e5f4ebfc5905fc401d',
	// The string-width Ink's helpers load (cli-truncate, widest-line: 8.3.0; wrap-ansi's own: 7.2.0), whose widths
	// source/text/ink-string-width.ts gives.
	'string-width/index.js': 'abc20775da6b552188b098688ebec671e29f5416d6339d3534bb7b016174003e',
	'wrap-ansi/node_modules/string-width/index.js': '16421893c66e7c45a68251f0708caaa8d49d74e9570ae574371d21356e9d30a6',
	'meow/build/options.js': '54afbbd94c90e585d266cf2ee6312a3d28c16f9db239ce7a908c74ca8dc18d11',
	'meow/build/dependencies.js': 'b8a6bc10fd20a7a5066d87bc3d93a340d58f2dd07bfdc2ee1d96ab9bf47dc446',
	'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js':
		'2cfeda49ae87f57bcd4a5fe433940edefc531a69bd0f83e32759fb5837df205c',
};

/**
 * `SDSTATS_BUNDLE_WITHOUT=name,name` leaves swaps or patches out and `SDSTATS_BUNDLE_OUT=folder` writes the
 * bundles elsewhere: how scripts/measure-patches.mjs builds the variants it times. Never set for a release.
 */
const WITHOUT = new Set((process.env.SDSTATS_BUNDLE_WITHOUT ?? '').split(',').filter(Boolean));
const OUT = process.env.SDSTATS_BUNDLE_OUT ?? 'dist';

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Fails the build unless `file` (inside node_modules) is the text `patch` was reviewed against. */
function checkReviewed(patch, file, text = fs.readFileSync(file, 'utf8')) {
	const key = file
		.split(`node_modules${path.sep}`)
		.slice(1)
		.join(`node_modules${path.sep}`)
		.split(path.sep)
		.join('/');
	const reviewed = REVIEWED[key];
	const actual = sha256(text);
	if (reviewed === undefined) {
		throw new Error(
			`${patch}: node_modules/${key} was never reviewed for this patch; read it, then add its SHA-256 (${actual}) to REVIEWED in scripts/bundle.mjs`,
		);
	}
	if (actual !== reviewed) {
		throw new Error(
			`${patch}: node_modules/${key} is not the text this patch was reviewed against (SHA-256 ${actual}, reviewed ${reviewed}). ` +
				'A dependency changed under the build: re-check the patch against the new file, re-measure it, then update REVIEWED in scripts/bundle.mjs.',
		);
	}
}

/** Which patches ran: one that resolved or loaded nothing means the dependency moved, and the build stops. */
const applied = new Map();
const mark = (name) => applied.set(name, (applied.get(name) ?? 0) + 1);

const FAST_WIDTH = path.resolve('source/text/ink-string-width.ts');
const TEXT_FOLDER = path.resolve('source/text');

/**
 * Ink and its helpers get `source/text/ink-string-width.ts` for `string-width` (same widths, a fraction of the
 * cost on every frame: see that file); our own text modules keep the real one, which the fast one builds on.
 * Each string-width it stands in for must be a reviewed one.
 *
 * Measured (scripts/measure-patches.mjs, CPU, median of 15 rounds): a key frame 21 ms with it, 26 ms without;
 * the first frame 673 ms with it, 752 ms without.
 */
const fastStringWidth = {
	name: 'fast-string-width',
	setup(context) {
		context.onResolve({filter: /^string-width$/}, async (args) => {
			if (args.importer.startsWith(TEXT_FOLDER) || args.pluginData?.real) return undefined;
			const real = await context.resolve(args.path, {
				importer: args.importer,
				resolveDir: args.resolveDir,
				kind: args.kind,
				pluginData: {real: true},
			});
			if (real.errors.length > 0)
				throw new Error(`fast-string-width: cannot resolve string-width for ${args.importer}`);
			checkReviewed('fast-string-width', real.path);
			mark('fast-string-width');
			return {path: FAST_WIDTH};
		});
	},
};

const ROW_CACHED_OUTPUT = path.resolve('source/ui/ink-output.ts');

/**
 * Ink's renderer gets `source/ui/ink-output.ts` for its Output class: the same frames, but rows that did not
 * change since an earlier frame are not rebuilt character by character (see that file). The class it replaces
 * must be the reviewed one (test/ui/ink-output.test.ts compares frames with it).
 *
 * Measured (scripts/measure-patches.mjs, CPU time, median of 15 interleaved rounds): a key frame over 20,000
 * sessions costs 21 ms with it, 49 ms without (Ink 6.8's own OutputCaches do not make up for it); a whole
 * explorer run over 2,000 sessions (start, load, quit) 1.97 s with it, 2.36 s without.
 */
const rowCachedOutput = {
	name: 'row-cached-output',
	setup(context) {
		context.onResolve({filter: /^\.\/output\.js$/}, (args) => {
			if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer)) return undefined;
			checkReviewed('row-cached-output', path.join(path.dirname(args.importer), 'output.js'));
			mark('row-cached-output');
			return {path: ROW_CACHED_OUTPUT};
		});
	},
};

/**
 * Replaces exact pieces of a dependency's source at bundle time. The file must be the reviewed text (by hash),
 * and each piece must be there, so a stale patch can never ship silently. `prepend` is added before the text.
 */
function patchSource(name, file, replacements, prepend = '') {
	const filter = new RegExp(`node_modules[\\\\/]${file.replaceAll('/', '[\\\\/]').replaceAll('.', '\\.')}$`);
	return {
		name,
		setup(context) {
			context.onLoad({filter}, async (args) => {
				// Exactly that file: not another copy nested deeper (wrap-ansi's own string-width, an older major).
				if (args.path !== path.resolve('node_modules', file)) return undefined;
				let contents = await fs.promises.readFile(args.path, 'utf8');
				checkReviewed(name, args.path, contents);
				for (const [from, to] of replacements) {
					if (!contents.includes(from))
						throw new Error(`${name}: ${args.path} no longer contains ${JSON.stringify(from)}`);
					contents = contents.replace(from, () => to);
				}
				mark(name);
				return {contents: prepend + contents, loader: 'js'};
			});
		},
	};
}
/**
 * sdstats hands meow its package facts (source/cli-args.ts), so meow's package.json search and normalizer (with
 * their JSON error framer and an SPDX licence table sorted at load: a third of the CLI's code and ≈30 ms of
 * every start) can never run. They are replaced by stubs that say so, and tree-shaking drops them.
 *
 * Measured (as above): `sdstats --version` 268 ms of CPU with them, 287 ms without (the quartiles overlap: a
 * small gain, kept because it also takes a third of the code out of every start).
 */
const givenPackageFacts = patchSource('given-package-facts', 'meow/build/options.js', [
	[
		"import { a as readPackageUpSync, n as normalizePackageData } from './dependencies.js';",
		"const readPackageUpSync = () => { throw new Error('sdstats gives meow its package facts (see source/cli-args.ts)'); };\nconst normalizePackageData = readPackageUpSync;",
	],
]);
/**
 * The normalizer's set-up is a top-level call in meow's own bundle: without it, nothing keeps the code alive.
 * Two more top-level calls there keep code alive that sdstats never runs: Babel's code frame (with its colours
 * and JS tokenizer: parse-json's error framing of a package.json meow no longer reads) is built at load, and
 * `promisify(execFile)` loads node:child_process at every start. Without the calls nothing references either.
 *
 * Measured for those two (CPU time of `sdstats --version`, median of 15 interleaved rounds, at load 9): 204 ms
 * with them removed, 208 ms without (the quartiles overlap: a small gain, kept as it is two exact deletions).
 */
const unusedNormalizer = patchSource('unused-normalizer', 'meow/build/dependencies.js', [
	[
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);\n',
		'',
	],
	['normalizePackageData as n, ', ''],
	['var libExports = requireLib$1();\n', ''],
	['promisify(execFile);\n', ''],
]);

/**
 * yoga-layout (Ink's layout engine) fetches its inlined WebAssembly from a data: URL when `fetch` exists, which
 * loads Node's whole HTTP client (undici, ≈40 ms) at start-up; without it, it decodes the base64 itself. Only this
 * file sees no `fetch` (a module-scoped binding shadows the global); sdstats never uses the network, but nothing
 * else is rewritten.
 *
 * Measured (as above): the first frame 673 ms of CPU with it, 714 ms without; a whole explorer run 1.97 s, 2.01 s.
 */
const yogaWithoutFetch = patchSource(
	'yoga-without-fetch',
	'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
	[],
	'const fetch = undefined;\n',
);

/** Every swap and patch, by name (the names SDSTATS_BUNDLE_WITHOUT takes). */
const PATCHES = [fastStringWidth, rowCachedOutput, givenPackageFacts, unusedNormalizer, yogaWithoutFetch];
const unknown = [...WITHOUT].filter((name) => !PATCHES.some((patch) => patch.name === name));
if (unknown.length > 0) throw new Error(`SDSTATS_BUNDLE_WITHOUT: no patch named ${unknown.join(', ')}`);
const plugins = PATCHES.filter((patch) => !WITHOUT.has(patch.name));

const WORKERS = {
	'compute-worker': 'source/jobs/compute-worker.ts',
	'compute-job-worker': 'source/jobs/compute-job-worker.ts',
	'stale-worker': 'source/jobs/stale-worker.ts',
	'insight-worker': 'source/jobs/insight-worker.ts',
	'thumbnail-worker': 'source/jobs/thumbnails/thumbnail-worker.ts',
	'action-worker': 'source/jobs/actions/action-worker.ts',
	'copy-worker': 'source/jobs/actions/copy-worker.ts',
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
		external: ['better-sqlite3', 'sharp', 'react-devtools-core'],
		define: {'process.env.NODE_ENV': '"production"'},
		// The CommonJS parts (React) call require() for Node's own modules; an ES module has none.
		banner: {
			js: "import {createRequire as __sdstatsCreateRequire} from 'node:module'; const require = __sdstatsCreateRequire(import.meta.url);",
		},
		plugins,
		legalComments: 'none',
		minifyWhitespace: true,
		minifySyntax: true,
		sourcemap: false,
		logLevel: 'warning',
	});
}

await bundle(path.join(OUT, 'bin'), {cli: 'source/cli.ts'});
// The benchmark times keys in its own process: through the same bundled Ink, so it measures what users run.
await bundle(path.join(OUT, 'bench-bin'), {
	explorer: 'bench/explorer.tsx',
	pictures: 'bench/pictures.tsx',
	'patch-cost': 'bench/patch-cost.tsx',
});

// A patch that never ran means the dependency moved (a renamed file, a new import): fail instead of shipping
// the unpatched code silently.
const idle = plugins.filter((patch) => !applied.has(patch.name)).map((patch) => patch.name);
if (idle.length > 0)
	throw new Error(
		`${idle.join(', ')}: matched nothing in this build (a dependency moved); update scripts/bundle.mjs`,
	);
