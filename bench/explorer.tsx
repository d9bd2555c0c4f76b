/**
 * The explorer with 100,000 cached sessions: time to the first frame and peak memory of the real binary in a
 * pseudo-terminal (util-linux `script`), and key latency measured in-process from a key write to the frame it produces.
 */
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import {render} from 'ink';
import {computeSession} from '../source/core/calculator.js';
import {buildManifest} from '../source/demo/corpus.js';
import {openDatabase} from '../source/store/db.js';
import {StatsRepository, type SavedComputation} from '../source/store/stats-repository.js';
import {App} from '../source/ui/app.js';
import {createExplorerData} from '../source/ui/data/explorer-data.js';
import {MetadataRepository} from '../source/store/metadata-repository.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';

const MODELS = [
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'hassakuXL_v13.safetensors [9f0c1b2a33]',
	'animagine-xl-3.1.safetensors [e3c47aedb0]',
];
const WORDS = [
	'portrait',
	'forest',
	'city',
	'night',
	'armor',
	'witch',
	'cafe',
	'mecha',
	'sunset',
	'studio',
	'rain',
	'snow',
];

/** A database with `count` cached sessions of one (absent) root, built once and reused. */
export function bigDatabase(count: number): {root: string; dbPath: string} {
	const base = path.join(os.tmpdir(), 'sdstats-bench');
	const root = path.join(base, `explorer-root-${count}`);
	const dbPath = path.join(base, `explorer-${count}.db`);
	fs.mkdirSync(root, {recursive: true});
	if (fs.existsSync(dbPath)) return {root, dbPath};
	const started = performance.now();
	const {db} = openDatabase(`${dbPath}.partial`, 'create');
	const repository = new StatsRepository(db);
	const now = Date.UTC(2025, 10, 20);
	let batch: SavedComputation[] = [];
	for (let i = 0; i < count; i++) {
		const when = new Date(Date.UTC(2024, 0, 1) + i * 300_000);
		const stamp = when.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
		const name = `${stamp}-${WORDS[i % WORDS.length]}_${WORDS[(i * 7) % WORDS.length]}_${i}`;
		const planned = 20 + (i % 80);
		const found = i % 7 === 0 ? Math.floor(planned / 3) : planned;
		const manifest = buildManifest(
			name,
			{
				model: MODELS[i % MODELS.length],
				numImages: planned,
				status: i % 7 === 0 ? 'aborted' : 'completed',
				prompt: `masterpiece, ${WORDS[i % WORDS.length]}, {Hair}`,
				variations: {Hair: ['a', 'b', 'c']},
			},
			0,
		);
		const mtime = BigInt(when.getTime()) * 1_000_000n;
		const result = computeSession({
			sessionId: name,
			sessionPath: path.join(root, name),
			manifest: {kind: 'bytes', bytes: Buffer.from(JSON.stringify(manifest)), mtimeNs: mtime},
			images: Array.from({length: found}, (_, k) => ({
				name: `i${k}.png`,
				mtimeNs: mtime + BigInt(k) * 4_000_000_000n,
			})),
			nowMs: now,
		});
		batch.push({result, fingerprint: 'bench'});
		if (batch.length === 2000) {
			repository.saveMany(batch);
			batch = [];
		}
	}
	repository.saveMany(batch);
	db.close();
	fs.renameSync(`${dbPath}.partial`, dbPath);
	for (const suffix of ['-wal', '-shm']) fs.rmSync(`${dbPath}.partial${suffix}`, {force: true});
	process.stderr.write(
		`  built a ${count}-session database in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
	);
	return {root, dbPath};
}

type PtyFigures = {
	firstFrameMs: number;
	loadedMs: number;
	rssMb: number;
	peakRssMb: number;
	/** The peak over the first LATER_MS after loading: the first live poll, the stale check, a GC's timing. */
	laterPeakRssMb: number;
};

/** How long after loading (or after a recompute) the peak is watched: past the live poll's first cycles (3 s). */
const LATER_MS = 15_000;

function statusOf(pid: string): (key: string) => number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
}

function explorerPid(scriptPid: number | undefined): string {
	return spawnSync('pgrep', ['-P', String(scriptPid)], {encoding: 'utf8'})
		.stdout.trim()
		.split('\n')[0]!;
}

const FIRST_FRAME = /CREATED[\s\S]*\d+\/\d+/;
/** The status line: "39 of 39 shown · loading…" while rows load, "100000 of 100000 shown" once all are in. */
const STATUS = /(\d+) of (\d+) shown([^\r\n]*)/g;

function allLoaded(text: string): boolean {
	let last: RegExpMatchArray | null = null;
	for (const match of text.matchAll(STATUS)) last = match;
	return last !== null && last[1] === last[2] && !last[3]!.includes('loading');
}

/**
 * Starts the real binary in a pseudo-terminal (util-linux `script`, 160×45) and reads what it draws as it
 * arrives: the first frame, every row loaded, memory. Event-driven on purpose: polling a tmux pane in a loop
 * takes a core from the explorer while it starts, on a two-core machine, and measures the poller too.
 */
export async function measureInTerminal(cli: string, root: string, dbPath: string): Promise<PtyFigures | null> {
	if (spawnSync('script', ['--version']).status !== 0) return null;
	const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
	const command = `stty cols 160 rows 45; exec ${quote(process.execPath)} ${quote(cli)} --root ${quote(root)} --db ${quote(dbPath)}`;
	const started = performance.now();
	// stdin stays an open pipe: the explorer would take its end for a closed terminal.
	const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {stdio: ['pipe', 'pipe', 'ignore']});
	try {
		return await new Promise<PtyFigures>((resolve, reject) => {
			let text = '';
			let firstFrameMs = Number.NaN;
			const limit = setTimeout(
				() => reject(new Error(`the explorer did not load:\n${text.slice(-2000)}`)),
				60_000,
			);
			child.stdout.setEncoding('utf8');
			child.stdout.on('data', (chunk: string) => {
				const t = performance.now() - started;
				// Only the newest output matters: a frame is drawn whole (incremental rendering is off).
				text = (text + chunk).slice(-64_000);
				if (Number.isNaN(firstFrameMs) && FIRST_FRAME.test(text)) firstFrameMs = t;
				if (!Number.isNaN(firstFrameMs) && allLoaded(text)) {
					clearTimeout(limit);
					child.stdout.removeAllListeners('data');
					// Settled memory: after the post-load work (signatures, the stale check, the i preset sort).
					// An explorer that died meanwhile has no /proc entry: the measurement fails with why, not an uncaught throw.
					const orFail = (read: () => void) => () => {
						try {
							read();
						} catch (error) {
							reject(new Error(`the explorer's memory could not be read: ${String(error)}`));
						}
					};
					setTimeout(
						orFail(() => {
							const pid = explorerPid(child.pid);
							const settled = statusOf(pid);
							// And later: the peak of an idle explorer's next seconds counts too (a first poll that
							// recomputed every cached session once climbed to 560 MB here, unseen at 3 s).
							setTimeout(
								orFail(() =>
									resolve({
										firstFrameMs,
										loadedMs: t,
										rssMb: settled('VmRSS'),
										peakRssMb: settled('VmHWM'),
										laterPeakRssMb: statusOf(pid)('VmHWM'),
									}),
								),
								LATER_MS - 3000,
							);
						}),
						3000,
					);
				}
			});
			child.once('exit', (code) =>
				reject(new Error(`the explorer exited (${code}) before loading:\n${text.slice(-2000)}`)),
			);
		});
	} finally {
		child.kill('SIGTERM');
	}
}

/**
 * The explorer's recompute of everything (R, a) on a real root, in a pseudo-terminal as above: its wall time
 * and the explorer's peak memory over its whole life (VmHWM), read just before it is stopped.
 */
export async function measureRecompute(
	cli: string,
	root: string,
	dbPath: string,
): Promise<{seconds: number; peakRssMb: number; afterPeakRssMb: number; message: string} | null> {
	if (spawnSync('script', ['--version']).status !== 0) return null;
	const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
	const command = `stty cols 160 rows 45; exec ${quote(process.execPath)} ${quote(cli)} --root ${quote(root)} --db ${quote(dbPath)}`;
	const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {stdio: ['pipe', 'pipe', 'ignore']});
	const peakOf = (): number => statusOf(explorerPid(child.pid))('VmHWM');
	try {
		return await new Promise((resolve, reject) => {
			let text = '';
			let stage: 'loading' | 'asking' | 'running' = 'loading';
			let started = 0;
			const limit = setTimeout(
				() => reject(new Error(`the recompute did not finish:\n${text.slice(-2000)}`)),
				30 * 60_000,
			);
			child.stdout.setEncoding('utf8');
			child.stdout.on('data', (chunk: string) => {
				text = (text + chunk).slice(-64_000);
				if (stage === 'loading' && allLoaded(text)) {
					stage = 'asking';
					text = '';
					child.stdin.write('R');
				} else if (stage === 'asking' && text.includes('Recompute which sessions?')) {
					stage = 'running';
					text = '';
					started = performance.now();
					child.stdin.write('a');
				} else if (stage === 'running') {
					const done = /(recomputed \d+ sessions?[^\r\n│]*?in [\d.]+ s)/.exec(text);
					if (done) {
						clearTimeout(limit);
						child.stdout.removeAllListeners('data');
						const seconds = (performance.now() - started) / 1000;
						const peakRssMb = peakOf();
						// What follows a job (the heap's collection, the stale check, the live poll) counts too.
						setTimeout(() => {
							// An explorer that died meanwhile has no /proc entry: the measurement fails with why, not an uncaught throw.
							try {
								resolve({seconds, peakRssMb, afterPeakRssMb: peakOf(), message: done[1]!});
							} catch (error) {
								reject(
									new Error(
										`the explorer's memory after the recompute could not be read: ${String(error)}`,
									),
								);
							}
						}, LATER_MS);
					}
				}
			});
			child.once('exit', (code) =>
				reject(new Error(`the explorer exited (${code}) during the recompute:\n${text.slice(-2000)}`)),
			);
		});
	} finally {
		child.kill('SIGTERM');
	}
}

export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The explorer rendered in this process over a read-only cache, on fake streams a benchmark drives. */
export function renderExplorer(
	root: string,
	dbPath: string,
): {stdout: FakeStdout; stdin: FakeStdin; ready: () => boolean; close: () => void} {
	const {db} = openDatabase(dbPath, 'read');
	const data = createExplorerData({
		root,
		dbPath,
		repository: new StatsRepository(db),
		metadata: new MetadataRepository(db),
		readonlyReason: 'benchmark',
	});
	// The staleness check would walk every absent folder; it is not what the benchmarks measure.
	data.checkStale = async () => ({stale: [], newOnDisk: []});
	const stdout = new FakeStdout();
	const stdin = new FakeStdin();
	let ready = false;
	const instance = render(<App data={data} stallWindowMs={600_000} color={true} onReady={() => (ready = true)} />, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return {
		stdout,
		stdin,
		ready: () => ready,
		close: () => {
			instance.unmount();
			db.close();
		},
	};
}

/**
 * This process's main thread so far, in ms (Linux: /proc's schedstat), or null elsewhere: the CPU time it spent,
 * and the time it was ready to run but waited for a core. The process CPU of a key also counts V8's
 * garbage-collection helpers and any worker thread running meanwhile; this is what the explorer's own thread
 * spent, and how long another thread (of this process or another) held the cores it needed.
 */
function mainThreadTimes(): {cpuMs: number; waitMs: number} | null {
	try {
		const [cpu, wait] = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
		return {cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6};
	} catch {
		return null;
	}
}

/** One key's figures: wall time to its frame, the process's CPU, and the explorer thread's CPU and wait. */
export interface KeyFigures {
	key: string;
	ms: number;
	cpuMs: number;
	mainMs: number | null;
	waitMs: number | null;
}

/** Renders the explorer in this process and times keys: write → next frame. */
export async function measureKeys(root: string, dbPath: string, count = 100_000): Promise<KeyFigures[]> {
	const {stdout, stdin, ready, close} = renderExplorer(root, dbPath);
	const loaded = new RegExp(`${count} of ${count} shown`);
	while (!ready() || !loaded.test(stdout.last)) await turn();
	const results: KeyFigures[] = [];
	// Wall time from the key to its frame, and the CPU time this process spent meanwhile: on a loaded machine the
	// wall time mostly measures the wait for a core, the CPU time what the key cost.
	const press = async (label: string, sequence: string): Promise<void> => {
		const before = stdout.frames;
		const started = performance.now();
		const cpu = process.cpuUsage();
		const main = mainThreadTimes();
		stdin.write(sequence);
		while (stdout.frames === before) await turn();
		const used = process.cpuUsage(cpu);
		const mainAfter = mainThreadTimes();
		results.push({
			key: label,
			ms: performance.now() - started,
			cpuMs: (used.user + used.system) / 1000,
			mainMs: main === null || mainAfter === null ? null : mainAfter.cpuMs - main.cpuMs,
			waitMs: main === null || mainAfter === null ? null : mainAfter.waitMs - main.waitMs,
		});
	};
	for (let i = 0; i < 5; i++) await press('move down (j)', 'j');
	await press('last row (G)', 'G');
	await press('first row (g)', 'g');
	await press('page down', '\u001B[6~');
	await press('open sort pane (s)', 's');
	for (let i = 0; i < 5; i++) await press('sort pane: next column', 'j');
	await press('sort by completion (Enter)', '\r');
	await press('reverse (s, Enter)', 's');
	await press('reverse (s, Enter)', '\r');
	await press('filter input (/)', '/');
	for (const char of 'forest') await press(`filter keystroke "${char}"`, char);
	await press('filter backspace', '\u007F');
	await press('close filter (Enter)', '\r');
	await press('incomplete only (i)', 'i');
	await press('incomplete off (i)', 'i');
	await press('details (Enter)', '\r');
	close();
	return results;
}
