/**
 * Pictures (issue 13), on sessions of 1216×832 PNGs (procedural landscapes with a little grain, ~1–1.5 MB each
 * like real renders): the contact sheet of 12 on screen after the cursor rests (cold and warm thumbnail cache),
 * the grid of a 400-combination session, list and grid keys while thumbnails load, and the memory previews add
 * to the real binary. Every timing is the explorer's own (App rendered with the bundled Ink, the real thumbnail
 * worker), from the moment the cursor rests (settle delay 0) to the frame that shows the last picture; wall time
 * and the process's CPU time (all threads: the render thread, the thumbnail worker and libvips' threads).
 */
import {spawn, spawnSync} from 'node:child_process';
import {EventEmitter} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import {render} from 'ink';
import {writeSession} from '../source/demo/corpus.js';
import {drawPicture} from '../source/demo/pictures.js';
import {DEFAULT_CELL_PIXELS} from '../source/core/preview/pixels.js';
import type {Protocol} from '../source/core/preview/protocol.js';
import {limitLibvipsThreads} from '../source/jobs/thumbnails/decoder-gate.js';
import {createThumbnailService, type ThumbnailService} from '../source/jobs/thumbnails/thumbnail-service.js';
import {openDatabase} from '../source/store/db.js';
import {MetadataRepository} from '../source/store/metadata-repository.js';
import {StatsRepository} from '../source/store/stats-repository.js';
import {App} from '../source/ui/app.js';
import {createExplorerData} from '../source/ui/data/explorer-data.js';
import {createImageOverlay, overlayStdout} from '../source/ui/image-overlay.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';

const WIDTH = 1216;
const HEIGHT = 832;
const DISTINCT = 24;
const SHEET_SESSIONS = 6;
const HAIR = ['short bob', 'long ponytail', 'twin braids', 'messy bun', 'pixie cut', 'wavy'];
const MOOD = ['smiling', 'serious', 'surprised', 'sleepy'];
const AXIS = Array.from({length: 20}, (_, i) => `v${String(i + 1).padStart(2, '0')}`);
/** Combinations of the grid session left without an image (its holes). */
const GRID_HOLES = 12;

export type PicturesRoot = {root: string; dbPath: string; sheetSessions: string[]; gridSession: string};

/** A root of picture sessions (built once, reused) and its computed database. */
export async function picturesRoot(cli: string, base = path.join(os.tmpdir(), 'sdstats-bench')): Promise<PicturesRoot> {
	const root = path.join(base, 'pictures-root-v1');
	const dbPath = path.join(base, 'pictures-v1.db');
	const start = Date.UTC(2025, 10, 1, 12);
	// Newest first in the list: the sheet sessions on top (the cursor starts on the first), the grid below them.
	const sheetSessions = Array.from(
		{length: SHEET_SESSIONS},
		(_, i) => `20251110_1${String(SHEET_SESSIONS - i).padStart(1, '0')}0000-sheet_${i + 1}`,
	);
	const gridSession = '20251105_120000-grid_400';
	const stamp = path.join(root, '.complete');
	if (!fs.existsSync(stamp)) {
		const started = performance.now();
		// Loaded here, not at the top: libvips starts once per process, and the explorer's thumbnail worker must
		// find it started with its bounded threads as in `sdstats` (picturesSection), not by this builder.
		const {default: sharp} = await import('sharp');
		fs.rmSync(root, {recursive: true, force: true});
		const pool = path.join(root, '.pool');
		fs.mkdirSync(pool, {recursive: true});
		const sources: string[] = [];
		for (let i = 0; i < DISTINCT; i++) {
			const data = drawPicture({
				theme: `bench ${i % 3}`,
				variant: `${HAIR[i % HAIR.length]}/${MOOD[i % MOOD.length]}`,
				seed: 1000 + i,
				width: WIDTH,
				height: HEIGHT,
				noise: 3,
			});
			const file = path.join(pool, `p${i}.png`);
			fs.writeFileSync(
				file,
				await sharp(data, {raw: {width: WIDTH, height: HEIGHT, channels: 3}})
					.png({compressionLevel: 6, adaptiveFiltering: true})
					.toBuffer(),
			);
			sources.push(file);
		}
		// Every image a hard link to one of the distinct pictures: each has its own path (its own thumbnail), and
		// the root costs no more disk than the distinct pictures.
		const fill = (folder: string): void => {
			const names = fs.readdirSync(folder).filter((name) => name.endsWith('.png'));
			names.forEach((name, i) => {
				const file = path.join(folder, name);
				const {mtime} = fs.statSync(file);
				fs.rmSync(file);
				fs.linkSync(sources[i % sources.length]!, file);
				fs.utimesSync(file, mtime, mtime);
			});
		};
		sheetSessions.forEach((name, i) => {
			fill(
				writeSession(root, {
					name,
					manifest: {numImages: 24, status: 'completed', variations: {Hair: HAIR, Mood: MOOD}},
					images: 24,
					firstImageMs: start + (SHEET_SESSIONS - i) * 3_600_000,
					imageIntervalMs: 6000,
				}),
			);
		});
		fill(
			writeSession(root, {
				name: gridSession,
				manifest: {numImages: 400, status: 'aborted', variations: {Row: AXIS, Col: AXIS}},
				images: 400 - GRID_HOLES,
				firstImageMs: start - 86_400_000,
				imageIntervalMs: 6000,
			}),
		);
		fs.rmSync(dbPath, {force: true});
		const computed = spawnSync(process.execPath, [cli, 'compute', '--root', root, '--db', dbPath], {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		if (computed.status !== 0) throw new Error(`compute failed: ${computed.stderr}`);
		fs.writeFileSync(stamp, '');
		process.stderr.write(
			`  built the pictures root (${DISTINCT} distinct ${WIDTH}×${HEIGHT} PNGs) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
		);
	}
	return {root, dbPath, sheetSessions, gridSession};
}

/**
 * Resolves when `check` holds, looked at after every `event` of `emitter` (and at once), or after `limitMs`.
 * Event-driven, never polling: a polling loop would spend the CPU this bench measures.
 */
function when(emitter: EventEmitter, event: string, check: () => boolean, limitMs = 120_000): Promise<boolean> {
	if (check()) return Promise.resolve(true);
	return new Promise((resolve) => {
		const done = (result: boolean): void => {
			clearTimeout(timer);
			emitter.off(event, look);
			resolve(result);
		};
		const look = (): void => {
			if (check()) done(true);
		};
		const timer = setTimeout(() => done(check()), limitMs);
		emitter.on(event, look);
	});
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The service with a count of what is asked and not yet answered. */
type Counted = ThumbnailService & {
	readonly events: EventEmitter;
	readonly asked: number;
	readonly outstanding: number;
	readonly answered: number;
	settledAt: number;
};

function counted(service: ThumbnailService): Counted {
	let asked = 0;
	let outstanding = 0;
	let answered = 0;
	const events = new EventEmitter();
	const wrapper: Counted = {
		...service,
		events,
		settledAt: 0,
		get asked() {
			return asked;
		},
		get outstanding() {
			return outstanding;
		},
		get answered() {
			return answered;
		},
		get(request) {
			asked++;
			outstanding++;
			events.emit('change');
			return service.get(request).then((thumbnail) => {
				outstanding--;
				if (thumbnail) answered++;
				wrapper.settledAt = performance.now();
				events.emit('change');
				return thumbnail;
			});
		},
		cancel: () => service.cancel(),
		close: () => service.close(),
	};
	return wrapper;
}

type Explorer = {
	stdout: FakeStdout;
	service: Counted;
	press(sequence: string): Promise<number>;
	/**
	 * Resolves once thumbnails were asked for after `askedBefore` (or 300 ms passed without: nothing to load),
	 * every one asked is answered, and a frame after the last answer is written. Returns when that frame was
	 * written (nothing asked: when the last key's frame was).
	 */
	pictures(askedBefore: number): Promise<number>;
	/** Resolves once nothing is asked or outstanding for `quietMs` (a sheet still loading has finished). */
	quiet(quietMs?: number): Promise<void>;
	close(): void;
};

export async function openExplorer(options: {
	where: PicturesRoot;
	protocol: Protocol;
	cacheDir: string;
	columns: number;
	rows: number;
	settleMs: number;
}): Promise<Explorer> {
	const {db} = openDatabase(options.where.dbPath, 'read');
	const data = createExplorerData({
		root: options.where.root,
		dbPath: options.where.dbPath,
		repository: new StatsRepository(db),
		metadata: new MetadataRepository(db),
		readonlyReason: 'benchmark',
	});
	data.checkStale = async () => ({stale: [], newOnDisk: []});
	const output = {
		protocol: options.protocol,
		tmux: false,
		cell: DEFAULT_CELL_PIXELS,
		depth: 'truecolor' as const,
		reason: 'bench',
	};
	const overlay = createImageOverlay(options.protocol === 'blocks' ? null : options.protocol);
	const fake = new FakeStdout(options.columns, options.rows);
	const stdout = overlayStdout(fake as unknown as NodeJS.WriteStream, overlay);
	const stdin = new FakeStdin();
	const service = counted(createThumbnailService());
	await service.prepare();
	let ready = false;
	const instance = render(
		<App
			data={data}
			stallWindowMs={600_000}
			color={true}
			onReady={() => (ready = true)}
			insightSettleMs={options.settleMs}
			previewOutput={output}
			previewServices={{thumbnails: service, cacheDir: options.cacheDir}}
			overlay={overlay}
		/>,
		{
			stdout,
			stdin: stdin as unknown as NodeJS.ReadStream,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
		},
	);
	await when(fake, 'frame', () => ready && /(\d+) of \1 shown(?! ·)/.test(fake.last));
	let keyFrameAt = performance.now();
	return {
		stdout: fake,
		service,
		async press(sequence) {
			const before = fake.frames;
			const started = performance.now();
			stdin.write(sequence);
			await when(fake, 'frame', () => fake.frames !== before);
			keyFrameAt = performance.now();
			return keyFrameAt - started;
		},
		async pictures(askedBefore) {
			// The asks come from an effect after the frame the key produced (and after the session's folder is
			// read): give them time to be made.
			if (!(await when(service.events, 'change', () => service.asked !== askedBefore, 300))) return keyFrameAt;
			for (;;) {
				await when(service.events, 'change', () => service.outstanding === 0);
				const frames = fake.frames;
				// The pictures are handed over at once when the last one arrives: the next frame draws them.
				await when(fake, 'frame', () => fake.frames !== frames, 500);
				if (service.outstanding === 0) return performance.now();
			}
		},
		async quiet(quietMs = 400) {
			for (;;) {
				await when(service.events, 'change', () => service.outstanding === 0);
				const asked = service.asked;
				await sleep(quietMs);
				if (service.asked === asked && service.outstanding === 0) return;
			}
		},
		close() {
			instance.unmount();
			service.close();
			db.close();
		},
	};
}

type Timing = {wallMs: number; cpuMs: number; pictures: number};

export async function timedPictures(explorer: Explorer, keys: string[]): Promise<Timing> {
	const answeredBefore = explorer.service.answered;
	const askedBefore = explorer.service.asked;
	const cpu = process.cpuUsage();
	const started = performance.now();
	for (const key of keys) await explorer.press(key);
	const wallMs = (await explorer.pictures(askedBefore)) - started;
	const used = process.cpuUsage(cpu);
	return {wallMs, cpuMs: (used.user + used.system) / 1000, pictures: explorer.service.answered - answeredBefore};
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function line(label: string, timings: Timing[], targetMs: number): string {
	const wall = median(timings.map((t) => t.wallMs));
	const cpu = median(timings.map((t) => t.cpuMs));
	const verdict = !Number.isFinite(targetMs)
		? 'no target'
		: wall <= targetMs
			? `within target (≤ ${targetMs} ms)`
			: `MISSES target (≤ ${targetMs} ms)`;
	const cpuVerdict = !Number.isFinite(targetMs) ? '' : cpu <= targetMs ? 'CPU within' : 'CPU over';
	return `  ${label.padEnd(44)} wall ${wall.toFixed(0).padStart(5)} ms, CPU ${cpu.toFixed(0).padStart(5)} ms  ${verdict}; ${cpuVerdict}  (${timings.length} runs, wall: ${timings.map((t) => t.wallMs.toFixed(0)).join(', ')}; pictures ${timings[0]?.pictures ?? 0})`;
}

function freshCache(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-thumbs-'));
}

/**
 * The contact sheet of the session under the cursor, details opened: cold (empty thumbnail cache) and warm
 * (the cache filled by an earlier explorer). Each explorer first opens and leaves another session's details,
 * so the one-time start of its worker threads (the thumbnail decoder, the details' insight) is not counted as a
 * sheet's time; that first opening is reported on its own line.
 */
async function sheetFigures(where: PicturesRoot, protocol: Protocol, runs: number): Promise<void> {
	const first: Timing[] = [];
	const cold: Timing[] = [];
	const warm: Timing[] = [];
	const revisit: Timing[] = [];
	const open = (cacheDir: string): Promise<Explorer> =>
		openExplorer({where, protocol, cacheDir, columns: 120, rows: 45, settleMs: 0});
	for (let run = 0; run < runs; run++) {
		const cacheDir = freshCache();
		try {
			let explorer = await open(cacheDir);
			await explorer.press('j');
			first.push(await timedPictures(explorer, ['\r']));
			await explorer.press('\u001B');
			await explorer.press('k');
			cold.push(await timedPictures(explorer, ['\r']));
			// The same explorer: away to the list and back (the thumbnails it already made).
			await explorer.press('\u001B');
			revisit.push(await timedPictures(explorer, ['\r']));
			explorer.close();
			// A new explorer on the warm disk cache.
			explorer = await open(cacheDir);
			await explorer.press('j');
			await timedPictures(explorer, ['\r']);
			await explorer.press('\u001B');
			await explorer.press('k');
			warm.push(await timedPictures(explorer, ['\r']));
			explorer.close();
		} finally {
			fs.rmSync(cacheDir, {recursive: true, force: true});
		}
	}
	console.log(line(`contact sheet, ${protocol}, cold cache`, cold, 300));
	console.log(line(`contact sheet, ${protocol}, warm cache`, warm, 50));
	console.log(line(`contact sheet, ${protocol}, again in the same explorer`, revisit, 50));
	console.log(line(`  (first details after start, cold, workers starting)`, first, Number.POSITIVE_INFINITY));
}

/** The grid of the 400-combination session (v from its details), cold and warm. */
async function gridFigures(where: PicturesRoot, protocol: Protocol, runs: number): Promise<void> {
	const cold: Timing[] = [];
	const warm: Timing[] = [];
	const down = where.sheetSessions.length;
	const toGrid = [...Array.from({length: down}, () => 'j'), '\r'];
	for (let run = 0; run < runs; run++) {
		const cacheDir = freshCache();
		try {
			let explorer = await openExplorer({where, protocol, cacheDir, columns: 160, rows: 45, settleMs: 0});
			await timedPictures(explorer, toGrid);
			// The grid opens from details whose sheet is on screen: a sheet still loading (its session's folder
			// read after the keys' last frame) would otherwise be decoded, then dropped, on the grid's time.
			await explorer.quiet();
			// Cold means cold: the sheet's thumbnails are dropped from the disk cache before the grid opens.
			for (const file of fs.readdirSync(cacheDir)) fs.rmSync(path.join(cacheDir, file), {recursive: true});
			cold.push(await timedPictures(explorer, ['v']));
			explorer.close();
			explorer = await openExplorer({where, protocol, cacheDir, columns: 160, rows: 45, settleMs: 0});
			await timedPictures(explorer, toGrid);
			await explorer.quiet();
			warm.push(await timedPictures(explorer, ['v']));
			explorer.close();
		} finally {
			fs.rmSync(cacheDir, {recursive: true, force: true});
		}
	}
	console.log(line(`grid of 400 (20×20, ${GRID_HOLES} holes), ${protocol}, cold`, cold, 1000));
	console.log(line(`grid of 400 (20×20, ${GRID_HOLES} holes), ${protocol}, warm`, warm, 1000));
}

/**
 * Keys while pictures load: the list with the side panel (160 columns), the cursor resting on each session
 * long enough for its sheet to start loading, then the next key; and arrows in the grid while its cells load.
 */
async function keysWhileLoading(where: PicturesRoot, runs: number): Promise<void> {
	const list: number[] = [];
	const grid: number[] = [];
	for (let run = 0; run < runs; run++) {
		const cacheDir = freshCache();
		try {
			const explorer = await openExplorer({
				where,
				protocol: 'kitty',
				cacheDir,
				columns: 160,
				rows: 45,
				settleMs: 120,
			});
			for (let i = 0; i < where.sheetSessions.length; i++) {
				await sleep(160);
				list.push(await explorer.press('j'));
			}
			for (let i = 0; i < where.sheetSessions.length; i++) {
				await sleep(160);
				list.push(await explorer.press('k'));
			}
			for (let i = 0; i < where.sheetSessions.length; i++) await explorer.press('j');
			await explorer.press('\r');
			await sleep(200);
			await explorer.press('v');
			for (const key of ['\u001B[C', '\u001B[C', '\u001B[B', '\u001B[B', '\u001B[C', '\u001B[B', '\u001B[D']) {
				await sleep(40);
				grid.push(await explorer.press(key));
			}
			explorer.close();
		} finally {
			fs.rmSync(cacheDir, {recursive: true, force: true});
		}
	}
	const worst = (values: number[]): string => Math.max(...values).toFixed(1);
	const all = Math.max(...list, ...grid);
	console.log(
		`  keys while pictures load: list j/k ${worst(list)} ms, grid arrows ${worst(grid)} ms (worst of ${list.length + grid.length} keys, median ${median([...list, ...grid]).toFixed(1)} ms)  ${all <= 50 ? 'within target (≤ 50 ms)' : 'MISSES target (≤ 50 ms)'}`,
	);
}

/**
 * Memory previews add: the real binary in a pseudo-terminal (util-linux `script`, 160×45), the same walk
 * (list with the side panel over every session, details, the grid, moves in it) with `--images kitty` and with
 * `--images off`; the difference of the peaks (VmHWM).
 */
async function memoryFigures(cli: string, where: PicturesRoot, ownVipsThreads: string | undefined): Promise<void> {
	if (spawnSync('script', ['--version']).status !== 0) {
		console.log('  (no `script` command: preview memory not measured)');
		return;
	}
	const peak = async (images: 'kitty' | 'off'): Promise<number> => {
		const cacheHome = freshCache();
		const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
		const command = `stty cols 160 rows 45; exec ${quote(process.execPath)} ${quote(cli)} --root ${quote(where.root)} --db ${quote(where.dbPath)} --images ${images}`;
		// The binary's environment is the user's: not the libvips setting this process made for itself.
		const env: NodeJS.ProcessEnv = {...process.env, XDG_CACHE_HOME: cacheHome, XDG_STATE_HOME: cacheHome};
		if (ownVipsThreads === undefined) delete env.VIPS_MAX_THREADS;
		else env.VIPS_MAX_THREADS = ownVipsThreads;
		const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
			stdio: ['pipe', 'pipe', 'ignore'],
			env,
		});
		try {
			let text = '';
			child.stdout.setEncoding('utf8');
			child.stdout.on('data', (chunk: string) => (text = (text + chunk).slice(-64_000)));
			const started = performance.now();
			while (!/(\d+) of \1 shown(?! ·)/.test(text)) {
				if (performance.now() - started > 60_000) throw new Error(`the explorer did not load:\n${text}`);
				await sleep(50);
			}
			const keys = [
				...Array.from({length: where.sheetSessions.length}, () => 'j'),
				...Array.from({length: where.sheetSessions.length}, () => 'k'),
			];
			for (const key of keys) {
				child.stdin.write(key);
				await sleep(1200);
			}
			for (const key of [...Array.from({length: where.sheetSessions.length}, () => 'j'), '\r']) {
				child.stdin.write(key);
				await sleep(100);
			}
			await sleep(1500);
			child.stdin.write('v');
			await sleep(4000);
			for (const key of ['\u001B[C', '\u001B[C', '\u001B[C', '\u001B[B', '\u001B[B', '\u001B[B']) {
				child.stdin.write(key);
				await sleep(600);
			}
			child.stdin.write('o');
			await sleep(2000);
			const pid = spawnSync('pgrep', ['-P', String(child.pid)], {encoding: 'utf8'})
				.stdout.trim()
				.split('\n')[0]!;
			const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
			return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
		} finally {
			child.kill('SIGTERM');
			fs.rmSync(cacheHome, {recursive: true, force: true});
		}
	};
	const off = await peak('off');
	const on = await peak('kitty');
	const more = on - off;
	console.log(
		`  memory with previews: peak ${on.toFixed(0)} MB vs ${off.toFixed(0)} MB with --images off = ${more.toFixed(0)} MB more  ${more <= 50 ? 'within target (≤ 50 MB)' : 'MISSES target (≤ 50 MB)'}`,
	);
}

export async function picturesSection(cli: string, runs: number, only: string | undefined): Promise<void> {
	// As `sdstats` does before its thumbnail worker loads libvips (this process loads it first, to build the root).
	const ownVipsThreads = process.env.VIPS_MAX_THREADS;
	limitLibvipsThreads();
	const where = await picturesRoot(cli);
	console.log(
		`\npictures · sessions of ${WIDTH}×${HEIGHT} PNGs · load ${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`,
	);
	const parts = only ? new Set(only.split(',')) : null;
	const want = (part: string): boolean => parts === null || parts.has(part);
	if (want('sheet'))
		for (const protocol of ['kitty', 'iterm', 'sixel', 'blocks'] as const)
			await sheetFigures(where, protocol, runs);
	if (want('grid'))
		for (const protocol of ['kitty', 'iterm', 'sixel', 'blocks'] as const) await gridFigures(where, protocol, runs);
	if (want('keys')) await keysWhileLoading(where, Math.max(1, Math.ceil(runs / 2)));
	if (want('memory')) await memoryFigures(cli, where, ownVipsThreads);
	console.log(`  (medians; CPU is the process's, every thread; load at the end ${os.loadavg()[0]!.toFixed(1)})`);
}
