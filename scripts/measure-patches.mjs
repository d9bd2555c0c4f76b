/**
 * Does each bundle patch still pay? Builds the binary once with every patch and once without each (scripts/
 * bundle.mjs, SDSTATS_BUNDLE_WITHOUT), then measures CPU time, not wall time: on a shared, loaded machine wall
 * time swings by the neighbours' work, while the CPU a process spends on the same work hardly moves. Variants
 * are interleaved within each round (their order rotating from round to round) and medians of the rounds are
 * reported, with the spread (lower and upper quartiles) so a difference can be told from noise.
 *
 *   start        `sdstats --version`: a bare start (meow and what every command loads), CPU of the whole process
 *   explorer     the real binary in a pseudo-terminal over a small cache: start, first frame, every row in, q;
 *                CPU of the whole process (bash's `time`)
 *   first frame  in-process through the variant's bundled Ink (bench/patch-cost.tsx): CPU from the process's
 *                start to the first frame, module loading included
 *   key frames   the same process: CPU of 48 key frames (moves, pages, help, details) once every row is in
 *
 *   node scripts/measure-patches.mjs [--rounds N] [--no-build]      (needs `npm run build` first)
 *
 * Dropped after measuring: lazy-emoji-regex (string-width's emoji regex and Segmenter made on first use): no
 * difference that stood out of the noise in any of the four figures (first frame 673 ms with it, 672 without).
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 11;
const VARIANTS = {
	'all patches': '',
	'without row-cached-output': 'row-cached-output',
	'without fast-string-width': 'fast-string-width',
	// The two meow patches only make sense together (the normalizer is dropped because nothing calls it).
	'without the meow patches': 'given-package-facts,unused-normalizer',
	'without yoga-without-fetch': 'yoga-without-fetch',
};
const NAMES = Object.keys(VARIANTS);
const folder = (name) => path.resolve('dist/variants', name.replace(/\W+/g, '-'));

if (!process.argv.includes('--no-build')) {
	for (const [name, without] of Object.entries(VARIANTS)) {
		execFileSync(process.execPath, ['scripts/bundle.mjs'], {
			env: {...process.env, SDSTATS_BUNDLE_WITHOUT: without, SDSTATS_BUNDLE_OUT: folder(name)},
			stdio: 'inherit',
		});
	}
}
process.env.NODE_ENV = 'production';
const bench = await import(path.resolve('dist/bench-bin/explorer.js'));
const SMALL = 2_000;
const LARGE = 20_000;
const small = bench.bigDatabase(SMALL);
const large = bench.bigDatabase(LARGE);

/** CPU (user + system, ms) of a command run under bash's `time`, which counts the whole process and its threads. */
function timedCpu(line) {
	const match = /SDSTATS-CPU (\d+\.\d+) (\d+\.\d+)/.exec(line);
	if (!match) return Number.NaN;
	return (Number(match[1]) + Number(match[2])) * 1000;
}

const quote = (text) => `'${text.replace(/'/g, `'\\''`)}'`;

function startCpu(cli) {
	const child = spawnSync(
		'bash',
		['-c', `TIMEFORMAT='SDSTATS-CPU %3U %3S'; time ${quote(process.execPath)} ${quote(cli)} --version >/dev/null`],
		{encoding: 'utf8'},
	);
	return timedCpu(child.stderr);
}

const STATUS = /(\d+) of (\d+) shown([^\r\n]*)/g;
function allLoaded(text) {
	let last = null;
	for (const match of text.matchAll(STATUS)) last = match;
	return last !== null && last[1] === last[2] && !last[3].includes('loading');
}

/** The real binary in a pseudo-terminal (util-linux `script`): until every row is in, then q; its CPU. */
function explorerCpu(cli) {
	const command =
		`stty cols 160 rows 45; TIMEFORMAT='SDSTATS-CPU %3U %3S'; ` +
		`time ${quote(process.execPath)} ${quote(cli)} --root ${quote(small.root)} --db ${quote(small.dbPath)}`;
	const child = spawn('script', ['-q', '-f', '-e', '-c', `bash -c ${quote(command)}`, '/dev/null'], {
		stdio: ['pipe', 'pipe', 'ignore'],
	});
	return new Promise((resolve, reject) => {
		let text = '';
		let quitting = false;
		const limit = setTimeout(() => {
			child.kill('SIGTERM');
			reject(new Error(`the explorer did not finish:\n${text.slice(-2000)}`));
		}, 120_000);
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			text = (text + chunk).slice(-64_000);
			if (!quitting && allLoaded(text)) {
				quitting = true;
				child.stdin.write('q');
			}
			const cpu = timedCpu(text);
			if (!Number.isNaN(cpu)) {
				clearTimeout(limit);
				resolve(cpu);
			}
		});
		child.once('exit', () => {
			clearTimeout(limit);
			const cpu = timedCpu(text);
			if (Number.isNaN(cpu)) reject(new Error(`no CPU figure:\n${text.slice(-2000)}`));
			else resolve(cpu);
		});
	});
}

const COST_CHILD = `
const {measurePatchCost} = await import(process.argv[1]);
const cost = await measurePatchCost(process.argv[2], process.argv[3], Number(process.argv[4]));
process.stdout.write(JSON.stringify(cost));
process.exit(0);`;

function inProcessCost(dir) {
	const child = spawnSync(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			COST_CHILD,
			path.join(dir, 'bench-bin/patch-cost.js'),
			large.root,
			large.dbPath,
			String(LARGE),
		],
		{encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}, maxBuffer: 1 << 26},
	);
	if (child.status !== 0) throw new Error(`${dir}: patch-cost failed: ${child.stderr}`);
	return JSON.parse(child.stdout);
}

const figures = Object.fromEntries(NAMES.map((name) => [name, {start: [], explorer: [], first: [], keys: []}]));
for (let round = 0; round < rounds; round++) {
	// Rotate the order: no variant always runs right after the same neighbour, or always first.
	const order = NAMES.map((_, i) => NAMES[(i + round) % NAMES.length]);
	for (const name of order) {
		const dir = folder(name);
		const cli = path.join(dir, 'bin/cli.js');
		const f = figures[name];
		f.start.push(startCpu(cli));
		f.explorer.push(await explorerCpu(cli));
		const cost = inProcessCost(dir);
		f.first.push(cost.firstFrameCpuMs);
		f.keys.push(cost.keysCpuMs / cost.keyFrames);
	}
	console.error(`round ${round + 1} of ${rounds} done`);
}

const sorted = (values) => [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
const quantile = (values, q) => {
	const s = sorted(values);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const show = (values, digits) =>
	`${quantile(values, 0.5).toFixed(digits)} [${quantile(values, 0.25).toFixed(digits)}–${quantile(values, 0.75).toFixed(digits)}]`;
const base = figures['all patches'];
const delta = (values, baseValues, digits) => {
	const d = quantile(values, 0.5) - quantile(baseValues, 0.5);
	return `${d >= 0 ? '+' : ''}${d.toFixed(digits)}`;
};

console.log(
	`CPU ms, median [quartiles] of ${rounds} rounds, variants interleaved; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log(
	`${'variant'.padEnd(28)} ${'--version'.padEnd(22)} ${`explorer ${SMALL} rows, start→q`.padEnd(30)} ${`first frame (${LARGE} rows)`.padEnd(26)} per key frame`,
);
for (const [name, f] of Object.entries(figures)) {
	const d = name === 'all patches' ? '' : ' Δ';
	console.log(
		`${name.padEnd(28)} ${`${show(f.start, 0)}${d && ` ${delta(f.start, base.start, 0)}`}`.padEnd(22)} ${`${show(f.explorer, 0)}${d && ` ${delta(f.explorer, base.explorer, 0)}`}`.padEnd(30)} ${`${show(f.first, 0)}${d && ` ${delta(f.first, base.first, 0)}`}`.padEnd(26)} ${show(f.keys, 2)}${d && ` ${delta(f.keys, base.keys, 2)}`}`,
	);
}
fs.writeFileSync(path.resolve('dist/variants/figures.json'), JSON.stringify(figures, null, 1));
