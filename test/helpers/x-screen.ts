/**
 * Real terminals on a virtual X screen, for the end-to-end picture checks (xterm's sixel, kitty's graphics):
 * an Xvfb display of our own, a session of solid-colour pictures, the screen read back with xwd, and where
 * each colour sits on it. Every wait polls a condition with a limit; none is a fixed sleep.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {writeSession} from '../../source/demo/corpus.js';

/** The tools of `tools` that are not installed (empty: the test can run). */
export function missingTools(tools: readonly string[]): string[] {
	return tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

/** Four solid colours, far apart: red, green, blue, yellow, in the session's (and the sheet's) order. */
export const COLOURS: ReadonlyArray<readonly [number, number, number]> = [
	[230, 20, 20],
	[20, 200, 40],
	[30, 40, 230],
	[240, 220, 20],
];

/** The pictures' size (SD's 832×1216 at a quarter). */
export const PICTURE = {width: 208, height: 304};

/** A session of four pictures, each one solid colour of COLOURS, in file order. */
export async function colourSession(root: string, name: string): Promise<void> {
	writeSession(root, {
		name,
		manifest: {numImages: 4, variations: {Colour: ['red', 'green', 'blue', 'yellow']}},
		images: 4,
	});
	const folder = path.join(root, name);
	const files = fs
		.readdirSync(folder)
		.filter((n) => n.endsWith('.png'))
		.sort();
	for (const [i, [r, g, b]] of COLOURS.entries())
		fs.writeFileSync(
			path.join(folder, files[i]!),
			await sharp({create: {...PICTURE, channels: 3, background: {r, g, b}}})
				.png()
				.toBuffer(),
		);
}

export type Screenshot = {
	width: number;
	height: number;
	rgb: (x: number, y: number) => [number, number, number];
};

/** An XWD screenshot (X11 Window Dump, ZPixmap, 24 or 32 bits per pixel) as RGB. */
export function readXwd(bytes: Buffer): Screenshot {
	const field = (i: number): number => bytes.readUInt32BE(i * 4);
	const headerSize = field(0);
	const width = field(4);
	const height = field(5);
	const byteOrder = field(7);
	const bitsPerPixel = field(11);
	const bytesPerLine = field(12);
	const [redMask, greenMask, blueMask] = [field(14), field(15), field(16)];
	const colours = field(19);
	const start = headerSize + colours * 12;
	// 32 bits per pixel as a rule; 24 (packed) while a window with a deeper visual is mapped (kitty's GL one).
	if (bitsPerPixel !== 32 && bitsPerPixel !== 24)
		throw new Error(`xwd: ${bitsPerPixel} bits per pixel, expected 24 or 32`);
	const bytesPerPixel = bitsPerPixel / 8;
	const channel = (value: number, mask: number): number => {
		const shift = Math.log2(mask & -mask);
		return ((value & mask) >>> shift) & 0xff;
	};
	return {
		width,
		height,
		rgb(x, y) {
			const offset = start + y * bytesPerLine + x * bytesPerPixel;
			const value =
				byteOrder === 0 ? bytes.readUIntLE(offset, bytesPerPixel) : bytes.readUIntBE(offset, bytesPerPixel);
			return [channel(value, redMask), channel(value, greenMask), channel(value, blueMask)];
		},
	};
}

export const near = (a: readonly number[], b: readonly number[], tolerance = 24): boolean =>
	a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

export async function until(check: () => boolean, what: string, limitMs = 60_000): Promise<void> {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** An Xvfb display of our own (the first free number from a random start), ready when this resolves. */
export async function startXvfb(screen = '1024x768'): Promise<{display: string; process: ChildProcess}> {
	let number = 0;
	for (let n = 40 + Math.floor(Math.random() * 400); ; n++) {
		if (!fs.existsSync(`/tmp/.X11-unix/X${n}`) && !fs.existsSync(`/tmp/.X${n}-lock`)) {
			number = n;
			break;
		}
	}
	const xvfb = spawn('Xvfb', [`:${number}`, '-screen', '0', `${screen}x24`, '-nolisten', 'tcp'], {stdio: 'ignore'});
	await until(() => fs.existsSync(`/tmp/.X11-unix/X${number}`), 'Xvfb');
	return {display: `:${number}`, process: xvfb};
}

/** The screen now, or why not. */
export function screenshot(display: string): Screenshot | string {
	const dump = spawnSync('xwd', ['-root', '-silent', '-display', display], {maxBuffer: 64 << 20});
	if (dump.status !== 0) return `xwd: ${dump.error?.message ?? String(dump.stderr)}`;
	return readXwd(dump.stdout);
}

/** Where one colour is on the screen: its bounding box, and how many pixels have it. */
export type Patch = {left: number; top: number; right: number; bottom: number; pixels: number};

/**
 * Each colour of COLOURS found on the screen (as runs of at least `minRun` pixels, so glyph edges do not
 * count): its box, or null when it is not there. Reading order of the boxes is the sheet's order.
 */
export function colourPatches(shot: Screenshot, minRun = 20): Array<Patch | null> {
	const patches: Array<Patch | null> = COLOURS.map(() => null);
	for (let y = 0; y < shot.height; y++) {
		let run = 0;
		let current = -1;
		for (let x = 0; x < shot.width; x++) {
			const index = COLOURS.findIndex((c) => near(shot.rgb(x, y), c));
			run = index === current ? run + 1 : 1;
			current = index;
			if (index < 0 || run < minRun) continue;
			const patch = patches[index] ?? {left: x, top: y, right: x, bottom: y, pixels: 0};
			// The run's first pixels are counted when it reaches minRun.
			const from = run === minRun ? x - minRun + 1 : x;
			patch.left = Math.min(patch.left, from);
			patch.right = Math.max(patch.right, x);
			patch.top = Math.min(patch.top, y);
			patch.bottom = Math.max(patch.bottom, y);
			patch.pixels += x - from + 1;
			patches[index] = patch;
		}
	}
	return patches;
}

/**
 * Polls the screen until every colour of COLOURS shows or `limitMs` passes (a terminal draws on its next
 * frame): the last patches found (empty when no screenshot could be taken), that screenshot, and what went
 * wrong, for the assertion's message.
 */
export async function awaitColours(
	display: string,
	limitMs: number,
	minRun?: number,
): Promise<{patches: Array<Patch | null>; shot: Screenshot | null; problem: string}> {
	let problem = '';
	let patches: Array<Patch | null> = [];
	let last: Screenshot | null = null;
	await until(
		() => {
			const shot = screenshot(display);
			if (typeof shot === 'string') {
				problem = `(${shot})`;
				return false;
			}
			last = shot;
			patches = colourPatches(shot, minRun);
			return patches.every((p) => p !== null);
		},
		'the pictures on the screen',
		limitMs,
	).catch((error: unknown) => {
		problem += ` ${String(error)}`;
	});
	return {patches, shot: last, problem};
}

/** The indexes of COLOURS in reading order of their boxes' top-left corners (rows top to bottom, then left). */
export function readingOrder(patches: ReadonlyArray<Patch | null>): number[] {
	return patches
		.map((patch, index) => ({patch, index}))
		.filter((p): p is {patch: Patch; index: number} => p.patch !== null)
		.sort((a, b) => a.patch.top - b.patch.top || a.patch.left - b.patch.left)
		.map((p) => p.index);
}

/**
 * A shell step that asks the terminal `CSI 16 t` and DA1 and waits for DA1's reply however long it takes (a
 * loaded machine starts a terminal slowly), writing the replies to `file`: once it returns the terminal is
 * surely reading its input, so what sdstats asks next is answered at the terminal's usual speed. Needs the
 * terminal's mode saved in `$before` (`before=$(stty -g)`).
 */
export function awaitTerminalAnswer(file: string): string {
	return [
		`stty raw -echo min 1 time 0`,
		`printf '\\033[16t\\033[c'`,
		`reply=''`,
		`while :; do reply="$reply$(dd bs=256 count=1 2>/dev/null)"; case "$reply" in *c) break;; esac; done`,
		`printf '%s' "$reply" > '${file}'`,
		`stty "$before"`,
	].join('; ');
}
