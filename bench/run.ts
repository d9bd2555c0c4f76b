/**
 * `npm run bench`: speed figures as ratios against the filesystem floor, measured in one run on one machine.
 *
 *   --sessions N   sessions in the synthetic root (default 2000; 10000 for the large case)
 *   --images M     images per session (default 100)
 *   --runs K       repetitions of each timing; the median is reported (default 3)
 *   --explorer-sessions N   cached sessions for the explorer section (default 100000)
 *   --live-sessions N       cached sessions for the live-poll figure (default 10000)
<<<<<<< HEAD
 *   --legacy-sessions N     sessions in each legacy root (default 500; images per session as --images)
 *   --only compute|legacy|explorer|insight   run one section
=======
 *   --archive-sessions N    sessions archived in the actions section (default 1000)
 *   --only compute|explorer|insight|actions   run one section
>>>>>>> main
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {syntheticRoot} from './synthetic-root.js';
import {legacySection} from './legacy.js';
import {analysisFigures, livePollFigures} from './insight.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../bin/cli.js');

function textFlag(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

function flag(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
	if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
	return value;
}

const hasGnuTime = fs.existsSync('/usr/bin/time');

type Timed = {seconds: number; peakRssMb: number | null};

/** Runs a command with stdout discarded; wall time and, where /usr/bin/time exists, peak resident memory. */
function timed(command: string, args: string[]): Timed {
	const rssFile = path.join(os.tmpdir(), `sdstats-bench-rss-${process.pid}`);
	const [cmd, fullArgs] = hasGnuTime ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
	const started = performance.now();
	const result = spawnSync(cmd, fullArgs as string[], {stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26});
	const seconds = (performance.now() - started) / 1000;
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
	let peakRssMb: number | null = null;
	if (hasGnuTime) {
		peakRssMb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024;
		fs.rmSync(rssFile, {force: true});
	}
	return {seconds, peakRssMb};
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function verdict(ratio: number, target: number): string {
	return ratio <= target ? `within target (≤ ${target})` : `MISSES target (≤ ${target})`;
}

async function main(): Promise<void> {
	const only = textFlag('only');
	if (only === undefined || only === 'compute') computeSection();
	if (only === undefined || only === 'legacy') legacySection(CLI, flag('legacy-sessions', 500), flag('images', 100), flag('runs', 3));
	if (only === undefined || only === 'explorer') await explorerSection();
	if (only === undefined || only === 'insight') await insightSection();
	if (only === undefined || only === 'actions') await (await import('./actions.js')).actionsSection(CLI, flag('archive-sessions', 1000), flag('images', 100));
}

async function insightSection(): Promise<void> {
	const count = flag('live-sessions', 10_000);
	console.log(`\nlive poll and session insight`);
	const live = await livePollFigures(count);
	console.log(`  live poll of ${count} sessions (${live.active} running), nothing changed   ${live.idleMs.toFixed(1)} ms CPU  ${live.idleMs <= 100 ? 'within target (≤ 100 ms)' : 'MISSES target (≤ 100 ms)'}`);
	console.log(`  the same, 5 running sessions changed (recomputed)      ${live.changedMs.toFixed(1)} ms CPU`);
	const analysis = analysisFigures(100_000);
	const total = analysis.readMs + analysis.analyseMs;
	console.log(`  missing combinations, 100,000-entry manifest (${(analysis.bytes / 1e6).toFixed(0)} MB): read ${analysis.readMs.toFixed(0)} ms + analyse ${analysis.analyseMs.toFixed(0)} ms = ${total.toFixed(0)} ms  ${total <= 2000 ? 'within target (≤ 2 s)' : 'MISSES target (≤ 2 s)'} (${analysis.missing} missing found)`);
}

async function explorerSection(): Promise<void> {
	const count = flag('explorer-sessions', 100_000);
	console.log(`\nexplorer · ${count} cached sessions`);
	// React must load its production build, as the sdstats binary makes it (see source/ui/ink-environment.ts).
	const {prepareInkEnvironment} = await import('../source/ui/ink-environment.js');
	prepareInkEnvironment(process.env);
	// The bundled build of ./explorer.tsx (scripts/bundle.mjs): keys are timed through the Ink the binary ships.
	const bundled = new URL('../bench-bin/explorer.js', import.meta.url).href;
	const {bigDatabase, measureInTerminal, measureKeys} = (await import(bundled)) as typeof import('./explorer.js');
	const {root, dbPath} = bigDatabase(count);
	const runs = flag('runs', 3);
	const starts = [];
	for (let i = 0; i < runs; i++) {
		const figures = await measureInTerminal(CLI, root, dbPath);
		if (figures) starts.push(figures);
	}
	if (starts.length > 0) {
		const first = median(starts.map((s) => s.firstFrameMs));
		const peak = Math.max(...starts.map((s) => s.peakRssMb));
		console.log(`  first frame after start              ${first.toFixed(0)} ms  ${first <= 500 ? 'within target (≤ 500 ms)' : 'MISSES target (≤ 500 ms)'}  (runs: ${starts.map((s) => s.firstFrameMs.toFixed(0)).join(', ')})`);
		console.log(`  all rows loaded                      ${median(starts.map((s) => s.loadedMs)).toFixed(0)} ms`);
		console.log(`  memory 3 s after loading (peak)      ${median(starts.map((s) => s.rssMb)).toFixed(0)} MB (highest peak ${peak.toFixed(0)} MB)  ${peak <= 300 ? 'within target (≤ 300 MB)' : 'MISSES target (≤ 300 MB)'}`);
	} else {
		console.log('  (no `script` command: first frame and memory not measured)');
	}
	const keys = await measureKeys(root, dbPath);
	const worst = new Map<string, number>();
	for (const {key, ms} of keys) worst.set(key, Math.max(worst.get(key) ?? 0, ms));
	const width = Math.max(...[...worst.keys()].map((k) => k.length));
	for (const [key, ms] of worst) console.log(`  key: ${key.padEnd(width)}  ${ms.toFixed(1)} ms`);
	const max = Math.max(...worst.values());
	console.log(`  slowest key ${max.toFixed(1)} ms  ${max <= 50 ? 'within target (≤ 50 ms)' : 'MISSES target (≤ 50 ms)'}`);
}

function computeSection(): void {
	const sessions = flag('sessions', 2000);
	const images = flag('images', 100);
	const runs = flag('runs', 3);
	console.log(`sdstats benchmark · ${sessions} sessions × ~${images} images · ${os.cpus().length} cores · node ${process.version}`);
	const root = syntheticRoot({sessions, images});
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-db-'));
	try {
		// Warm the page cache so every contender reads the same cached metadata.
		timed('find', [root, '-printf', '%T@\\n']);
		const floor = median(Array.from({length: runs}, () => timed('find', [root, '-printf', '%T@\\n']).seconds));
		// For reference: what any Node.js program pays before its first line runs.
		const nodeStart = median(Array.from({length: runs}, () => timed(process.execPath, ['-e', '']).seconds));

		const full: Timed[] = [];
		const unchanged: Timed[] = [];
		for (let run = 0; run < runs; run++) {
			const db = path.join(work, `run-${run}.db`);
			full.push(timed(process.execPath, [CLI, 'compute', '--root', root, '--db', db]));
			unchanged.push(timed(process.execPath, [CLI, 'compute', '--root', root, '--db', db]));
		}
		const fullSeconds = median(full.map((t) => t.seconds));
		const unchangedSeconds = median(unchanged.map((t) => t.seconds));
		const peak = full.map((t) => t.peakRssMb).filter((v): v is number => v !== null);

		const rows: Array<[string, string]> = [
			['find ROOT -printf (floor)', `${floor.toFixed(3)} s`],
			['sdstats compute, full', `${fullSeconds.toFixed(3)} s  = ${(fullSeconds / floor).toFixed(2)} × floor  ${verdict(fullSeconds / floor, 1.5)}`],
			['sdstats compute, nothing changed', `${unchangedSeconds.toFixed(3)} s  = ${(unchangedSeconds / floor).toFixed(3)} × floor  ${verdict(unchangedSeconds / floor, 0.15)}`],
			[`  of which Node.js's own start-up`, `${nodeStart.toFixed(3)} s  = ${(nodeStart / floor).toFixed(3)} × floor  (node -e '')`],
			['peak memory, full compute', peak.length > 0 ? `${Math.max(...peak).toFixed(0)} MB` : 'n/a (no /usr/bin/time)'],
		];
		const width = Math.max(...rows.map(([k]) => k.length));
		for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
		console.log(`  (median of ${runs} runs each)`);
	} finally {
		fs.rmSync(work, {recursive: true, force: true});
	}
}

await main();
