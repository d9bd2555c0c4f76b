/**
 * Does each bundle patch still pay? Builds the binary once with every patch and once without each (scripts/
 * bundle.mjs, SDSTATS_BUNDLE_WITHOUT), then times, in one run and alternating the variants round by round so
 * the machine's load falls on all alike: the explorer's first frame over 100,000 cached sessions in a
 * pseudo-terminal, its key latencies (in-process through each variant's bundled Ink), and `sdstats --version`
 * (a bare start). Medians of the rounds. Needs `npm run build` first.
 *
 *   node scripts/measure-patches.mjs [--rounds N]
 */
import {execFileSync, spawnSync} from 'node:child_process';
import path from 'node:path';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const VARIANTS = {
	'all patches': '',
	'without row-cached-output': 'row-cached-output',
	'without fast-string-width': 'fast-string-width',
	'without lazy-emoji-regex': 'lazy-emoji-regex',
	// The two meow patches only make sense together (the normalizer is dropped because nothing calls it).
	'without the meow patches': 'given-package-facts,unused-normalizer',
	'without yoga-without-fetch': 'yoga-without-fetch',
};
const folder = (name) => path.resolve('dist/variants', name.replace(/\W+/g, '-'));

for (const [name, without] of Object.entries(VARIANTS)) {
	execFileSync(process.execPath, ['scripts/bundle.mjs'], {
		env: {...process.env, SDSTATS_BUNDLE_WITHOUT: without, SDSTATS_BUNDLE_OUT: folder(name)},
		stdio: 'inherit',
	});
}
process.env.NODE_ENV = 'production';
const bench = await import(path.resolve('dist/bench-bin/explorer.js'));
const {root, dbPath} = bench.bigDatabase(100_000);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figures = Object.fromEntries(
	Object.keys(VARIANTS).map((name) => [name, {first: [], slowest: [], mean: [], start: []}]),
);
const KEYS_CHILD = `
const {measureKeys} = await import(process.argv[1]);
const keys = await measureKeys(process.argv[2], process.argv[3]);
process.stdout.write(JSON.stringify(keys));
process.exit(0);`;

for (let round = 0; round < rounds; round++) {
	for (const name of Object.keys(VARIANTS)) {
		const dir = folder(name);
		const cli = path.join(dir, 'bin/cli.js');
		const pty = await bench.measureInTerminal(cli, root, dbPath);
		if (pty) figures[name].first.push(pty.firstFrameMs);
		const child = spawnSync(
			process.execPath,
			['--input-type=module', '-e', KEYS_CHILD, path.join(dir, 'bench-bin/explorer.js'), root, dbPath],
			{encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}, maxBuffer: 1 << 26},
		);
		if (child.status !== 0) throw new Error(`${name}: keys failed: ${child.stderr}`);
		const keys = JSON.parse(child.stdout);
		figures[name].slowest.push(Math.max(...keys.map((k) => k.ms)));
		figures[name].mean.push(keys.reduce((sum, k) => sum + k.ms, 0) / keys.length);
		const started = performance.now();
		spawnSync(process.execPath, [cli, '--version']);
		figures[name].start.push(performance.now() - started);
	}
	console.error(`round ${round + 1} of ${rounds} done`);
}
console.log(`median of ${rounds} rounds, variants alternated within each round`);
console.log(`${'variant'.padEnd(30)} first frame  slowest key  mean key  --version`);
for (const [name, f] of Object.entries(figures)) {
	console.log(
		`${name.padEnd(30)} ${median(f.first).toFixed(0).padStart(8)} ms ${median(f.slowest).toFixed(1).padStart(9)} ms ${median(f.mean).toFixed(1).padStart(7)} ms ${median(f.start).toFixed(0).padStart(6)} ms   (first frames: ${f.first.map((v) => v.toFixed(0)).join(', ')})`,
	);
}
