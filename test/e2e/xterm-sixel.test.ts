/**
 * One end-to-end check in a real terminal that draws sixel: xterm (as a VT340, 256 colour registers) under
 * Xvfb runs `sdstats preview --protocol sixel`, and a screenshot of the X screen (xwd) must show the session's
 * pictures: four solid colours, side by side in the sheet's order, where xterm would otherwise print the sixel
 * data as garbage text (white on black). Skipped, with the reason, where xterm, Xvfb or xwd are not installed
 * (Debian: apt-get install xterm xvfb x11-apps).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {afterAll, describe, expect, test} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const TOOLS = ['xterm', 'Xvfb', 'xwd'];
const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const SKIP =
	missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed; apt-get install xterm xvfb x11-apps)` : '';

const NAME = '20251001_100000-colours';
const COLOURS: Array<[number, number, number]> = [
	[230, 20, 20],
	[20, 200, 40],
	[30, 40, 230],
	[240, 220, 20],
];

/** An XWD screenshot (X11 Window Dump, ZPixmap, 24/32 bits per pixel) as RGB rows. */
function readXwd(bytes: Buffer): {
	width: number;
	height: number;
	rgb: (x: number, y: number) => [number, number, number];
} {
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
	if (bitsPerPixel !== 32) throw new Error(`xwd: ${bitsPerPixel} bits per pixel, expected 32`);
	const channel = (value: number, mask: number): number => {
		const shift = Math.log2(mask & -mask);
		return ((value & mask) >>> shift) & 0xff;
	};
	return {
		width,
		height,
		rgb(x, y) {
			const offset = start + y * bytesPerLine + x * 4;
			const value = byteOrder === 0 ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
			return [channel(value, redMask), channel(value, greenMask), channel(value, blueMask)];
		},
	};
}

const near = (a: readonly number[], b: readonly number[], tolerance = 24): boolean =>
	a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

let xvfb: ChildProcess | null = null;
let xterm: ChildProcess | null = null;
afterAll(() => {
	xterm?.kill('SIGKILL');
	xvfb?.kill('SIGKILL');
});

async function until(check: () => boolean, what: string, limitMs = 60_000): Promise<void> {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe('sixel in a real xterm', () => {
	test.skipIf(SKIP !== '')(
		`xterm draws the preview's sixel pictures, in order, with their colours${SKIP}`,
		async () => {
			const {base, root} = makeWorkspace();
			writeSession(root, {
				name: NAME,
				manifest: {numImages: 4, variations: {Colour: ['red', 'green', 'blue', 'yellow']}},
				images: 4,
			});
			const folder = path.join(root, NAME);
			const files = fs
				.readdirSync(folder)
				.filter((n) => n.endsWith('.png'))
				.sort();
			for (const [i, [r, g, b]] of COLOURS.entries())
				fs.writeFileSync(
					path.join(folder, files[i]!),
					await sharp({create: {width: 208, height: 304, channels: 3, background: {r, g, b}}})
						.png()
						.toBuffer(),
				);
			// A display of our own: the first free number from a random start.
			let display = 0;
			for (let n = 40 + Math.floor(Math.random() * 400); ; n++) {
				if (!fs.existsSync(`/tmp/.X11-unix/X${n}`) && !fs.existsSync(`/tmp/.X${n}-lock`)) {
					display = n;
					break;
				}
			}
			xvfb = spawn('Xvfb', [`:${display}`, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {stdio: 'ignore'});
			await until(() => fs.existsSync(`/tmp/.X11-unix/X${display}`), 'Xvfb');
			const done = path.join(base, 'done');
			const command = [
				`'${process.execPath}' '${CLI_PATH}' preview ${NAME} --root '${root}' --protocol sixel --cols 100 --rows 20`,
				`echo $? > '${done}'`,
				'sleep 120',
			].join('; ');
			xterm = spawn(
				'xterm',
				[
					'-ti',
					'vt340',
					'-xrm',
					'XTerm*decTerminalID: vt340',
					'-xrm',
					'XTerm*numColorRegisters: 256',
					// 10×20-pixel cells: what `sdstats preview` assumes when it cannot ask the terminal (it has no
					// cell-size query; the explorer does ask). With xterm's default 6×13 font the pictures come out
					// wider and taller than the cells reserved for them (seen here: the fourth off the window).
					'-fn',
					'10x20',
					'-geometry',
					'100x30+0+0',
					'-bg',
					'black',
					'-fg',
					'white',
					'-e',
					'sh',
					'-c',
					command,
				],
				{
					stdio: 'ignore',
					env: {...process.env, DISPLAY: `:${display}`, XDG_CACHE_HOME: path.join(base, 'cache')},
				},
			);
			await until(() => fs.existsSync(done), 'the preview to finish');
			expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
			// xterm draws what it has read; give it a moment to paint, then dump the screen.
			let shot: ReturnType<typeof readXwd> | null = null;
			let found: number[] = [];
			let problem = '';
			await until(
				() => {
					const dump = spawnSync('xwd', ['-root', '-silent', '-display', `:${display}`], {
						maxBuffer: 64 << 20,
					});
					if (dump.status !== 0) {
						problem = `(xwd: ${dump.error?.message ?? String(dump.stderr)})`;
						return false;
					}
					shot = readXwd(dump.stdout);
					// Where each colour is first met (rows top to bottom, each left to right), as a run of at
					// least 20 pixels: reading order, which is the sheet's order whatever its rows.
					const first = new Map<number, number>();
					for (let y = 0; y < shot.height && first.size < COLOURS.length; y += 2) {
						let run = 0;
						let current = -1;
						for (let x = 0; x < shot.width; x++) {
							const index = COLOURS.findIndex((c) => near(shot!.rgb(x, y), c));
							run = index === current ? run + 1 : 1;
							current = index;
							if (run === 20 && index >= 0 && !first.has(index)) first.set(index, y * shot.width + x);
						}
					}
					found = [...first.entries()].sort((a, b) => a[1] - b[1]).map(([index]) => index);
					return found.length === COLOURS.length;
				},
				'the pictures on the screen',
				15_000,
			).catch(() => undefined);
			expect(shot, `a screenshot ${problem}`).not.toBeNull();
			// All four pictures, in the sheet's order: xterm decoded the sixel data into pixels.
			expect(found).toEqual([0, 1, 2, 3]);
		},
		120_000,
	);
});
