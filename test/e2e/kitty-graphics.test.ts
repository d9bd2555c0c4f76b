/**
 * End-to-end kitty graphics in a real terminal: kitty (Debian's, 0.26) under Xvfb, drawing with Mesa's
 * software OpenGL (llvmpipe: kitty needs OpenGL 3.3 and Xvfb has no GPU), runs `sdstats preview --protocol
 * kitty`, and a screenshot of the X screen (xwd) must show the session's pictures: four solid colours, side by
 * side in the sheet's order, each as large as the cells sdstats reserved for it, measured with the cell size
 * kitty itself reports. Where kitty did not understand the graphics escape it would show nothing (kitty drops
 * unknown APC strings), so the colours can only come from decoded pictures. kitty's cells are made taller than
 * the 10×20 sdstats assumes when it cannot ask: kitty stretches a picture over the cells it is given, so
 * pictures made for the assumption came out 216×438 pixels instead of 216×316 (seen here with --cell 10x20).
 * Then the explorer at 150 columns: the side panel's contact sheet must show the four pictures in their own
 * shape (regression: the explorer asked no cell size when the environment named kitty, and its pictures came
 * out stretched, 0.43 wide for high instead of 0.68), and again after a font zoom (kitty's remote control), each
 * picture one clean rectangle (regression: the pictures from before the zoom stayed on screen). Skipped, with the reason, where kitty, Xvfb or xwd are
 * not installed (Debian: apt-get install kitty xvfb x11-apps).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {cellReply} from '../../source/core/preview/cell-size.js';
import {sheetLayout} from '../../source/core/preview/layout.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {
	COLOURS,
	PICTURE,
	colourPatches,
	colourSession,
	missingTools,
	readingOrder,
	screenshot,
	startXvfb,
	until,
	awaitColours,
	awaitTerminalAnswer,
} from '../helpers/x-screen.js';

const missing = missingTools(['kitty', 'Xvfb', 'xwd']);
const SKIP =
	missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed; apt-get install kitty xvfb x11-apps)` : '';

const NAME = '20251001_100000-colours';
const COLS = 100;
const ROWS = 20;

const started: ChildProcess[] = [];
afterEach(() => {
	for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** kitty on `display` running `command` (sh -c), its output in base/kitty.log; taller cells than 10×20. */
function startKitty(
	base: string,
	display: string,
	command: string,
	size: {columns: number; fontSize?: number; listen?: string},
): ChildProcess {
	const log = path.join(base, 'kitty.log');
	const kitty = spawn(
		'kitty',
		[
			'--config',
			'NONE',
			'-o',
			'linux_display_server=x11',
			'-o',
			`font_size=${size.fontSize ?? 11}`,
			// Taller cells than the 10×20 sdstats assumes (about 9×25), so only pictures made for kitty's
			// answer to CSI 16 t come out the size the test expects (kitty scales a picture to its cells, so
			// a cell of the assumed 1:2 shape would look the same either way).
			'-o',
			'modify_font cell_height 140%',
			'-o',
			'background=#000000',
			'-o',
			'foreground=#ffffff',
			'-o',
			'window_padding_width=0',
			'-o',
			'placement_strategy=top-left',
			'-o',
			'remember_window_size=no',
			'-o',
			`initial_window_width=${size.columns}c`,
			'-o',
			'initial_window_height=30c',
			'-o',
			'cursor_blink_interval=0',
			'-o',
			'enable_audio_bell=no',
			'-o',
			'update_check_interval=0',
			// Remote control on a socket of the test's own: the font zoom below.
			...(size.listen ? ['-o', 'allow_remote_control=yes', '--listen-on', `unix:${size.listen}`] : []),
			'sh',
			'-c',
			command,
		],
		{
			stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')],
			env: {
				...process.env,
				DISPLAY: display,
				// Xvfb has no GPU: Mesa's software renderer gives kitty its OpenGL 3.3.
				LIBGL_ALWAYS_SOFTWARE: '1',
				KITTY_CONFIG_DIRECTORY: path.join(base, 'kitty-config'),
				KITTY_CACHE_DIRECTORY: path.join(base, 'kitty-cache'),
				XDG_CACHE_HOME: path.join(base, 'cache'),
			},
		},
	);
	return kitty;
}

describe('kitty graphics in a real kitty', () => {
	test.skipIf(SKIP !== '')(
		`kitty draws the preview's pictures, in order, with their colours, sized to its cells${SKIP}`,
		async () => {
			const {base, root} = makeWorkspace();
			await colourSession(root, NAME);
			const xvfb = await startXvfb();
			started.push(xvfb.process);
			const done = path.join(base, 'done');
			const cellFile = path.join(base, 'cell');
			const stty = path.join(base, 'stty');
			const command = [
				'before=$(stty -g)',
				// kitty's own answer to CSI 16 t, read here apart from sdstats, to know how large a cell is; read
				// until DA1's reply however long a loaded machine takes, so kitty is surely up when sdstats asks.
				awaitTerminalAnswer(cellFile),
				`'${process.execPath}' '${CLI_PATH}' preview ${NAME} --root '${root}' --protocol kitty --cols ${COLS} --rows ${ROWS}`,
				'code=$?',
				`[ "$(stty -g)" = "$before" ] && echo same > '${stty}' || stty -a > '${stty}'`,
				`echo $code > '${done}'`,
				'sleep 120',
			].join('; ');
			const kitty = startKitty(base, xvfb.display, command, {columns: COLS});
			started.push(kitty);
			let exited = false;
			kitty.on('exit', () => (exited = true));
			const log = path.join(base, 'kitty.log');
			await until(() => fs.existsSync(done) || exited, 'the preview to finish').catch(() => undefined);
			expect(fs.existsSync(done), `kitty ran the preview; its log:\n${fs.readFileSync(log, 'utf8')}`).toBe(true);
			expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
			expect(fs.readFileSync(stty, 'utf8').trim()).toBe('same');
			const cell = cellReply(fs.readFileSync(cellFile, 'latin1'));
			expect(
				cell,
				`kitty's answer to CSI 16 t: ${JSON.stringify(fs.readFileSync(cellFile, 'latin1'))}`,
			).not.toBeNull();

			// kitty paints on its next frame; poll the screen until all four colours show (or the limit passes).
			const {patches, problem} = await awaitColours(xvfb.display, 20_000);
			expect(patches, `a screenshot ${problem}`).not.toEqual([]);
			// All four pictures, in the sheet's order: kitty decoded the PNG payloads and placed them.
			expect(readingOrder(patches)).toEqual([0, 1, 2, 3]);
			// Each picture fitted into the box of cells sdstats reserved for it, at kitty's own cell size.
			const layout = sheetLayout(COLOURS.length, COLS, ROWS, PICTURE.width / PICTURE.height, cell!)!;
			const box = {width: layout.cellCols * cell!.width, height: layout.cellRows * cell!.height};
			const scale = Math.min(box.width / PICTURE.width, box.height / PICTURE.height);
			const expected = {width: Math.round(PICTURE.width * scale), height: Math.round(PICTURE.height * scale)};
			const sizes = patches.map((p) => ({width: p!.right - p!.left + 1, height: p!.bottom - p!.top + 1}));
			for (const size of sizes) {
				expect(
					Math.abs(size.width - expected.width),
					JSON.stringify({sizes, expected, cell}),
				).toBeLessThanOrEqual(2);
				expect(
					Math.abs(size.height - expected.height),
					JSON.stringify({sizes, expected, cell}),
				).toBeLessThanOrEqual(2);
			}
			// Side by side, a gap of one cell between boxes: the pictures' left edges one box + gap apart.
			const lefts = patches.map((p) => p!.left);
			for (let i = 1; i < lefts.length; i++)
				expect(
					Math.abs(lefts[i]! - lefts[i - 1]! - (box.width + layout.gap * cell!.width)),
				).toBeLessThanOrEqual(1);
		},
		120_000,
	);
});

describe('the explorer in a real kitty', () => {
	test.skipIf(SKIP !== '')(
		`the side panel's contact sheet: kitty pictures in order, with their colours, not stretched by a wrong cell size, and redrawn clean after a font zoom${SKIP}`,
		async () => {
			const {base, root} = makeWorkspace();
			await colourSession(root, NAME);
			const xvfb = await startXvfb('1600x1000');
			started.push(xvfb.process);
			const cellFile = path.join(base, 'cell');
			const command = [
				'before=$(stty -g)',
				awaitTerminalAnswer(cellFile),
				// At 150 columns the details sit beside the list, with the contact sheet of the session under the
				// cursor (the only one); the explorer asks the cell size after its first frame.
				`'${process.execPath}' '${CLI_PATH}' --root '${root}' 2> '${path.join(base, 'stderr')}'`,
				'sleep 120',
			].join('; ');
			const kitty = startKitty(base, xvfb.display, command, {
				columns: 150,
				fontSize: 8,
				listen: path.join(base, 'kitty.sock'),
			});
			started.push(kitty);
			await until(() => fs.existsSync(cellFile) && fs.statSync(cellFile).size > 0, 'kitty to answer');
			const cell = cellReply(fs.readFileSync(cellFile, 'latin1'));
			expect(cell, `kitty's answer: ${JSON.stringify(fs.readFileSync(cellFile, 'latin1'))}`).not.toBeNull();
			// Cells of another shape than the assumed 10×20 (1:2), or the test could not tell.
			expect(Math.abs(cell!.width / cell!.height - 0.5)).toBeGreaterThan(0.08);

			const sheet = await awaitColours(xvfb.display, 60_000, 12);
			let patches = sheet.patches;
			expect(
				patches,
				`the sheet ${sheet.problem}; kitty's log: ${fs.readFileSync(path.join(base, 'kitty.log'), 'utf8')}`,
			).not.toContain(null);
			expect(readingOrder(patches)).toEqual([0, 1, 2, 3]);
			// Each picture keeps its shape (208×304): made for kitty's cells, not stretched over them.
			const shapes = patches.map((p) => (p!.right - p!.left + 1) / (p!.bottom - p!.top + 1));
			for (const shape of shapes)
				expect(
					Math.abs(shape - PICTURE.width / PICTURE.height),
					JSON.stringify({shapes, patches, cell}),
				).toBeLessThan(0.05);

			// A font zoom (out, so the side panel stays): the grid and the cells change; the explorer asks the cell size again and draws the
			// sheet anew. Each picture must then be one solid rectangle of its own shape: a picture left over
			// from before the zoom would show beside or around it (regression: the old ones stayed on screen).
			const before = JSON.stringify(patches);
			const zoom = spawnSync(
				'kitty',
				['@', '--to', `unix:${path.join(base, 'kitty.sock')}`, 'set-font-size', '7'],
				{
					encoding: 'utf8',
				},
			);
			expect(zoom.status, zoom.stderr).toBe(0);
			const settled = (): boolean => {
				const shot = screenshot(xvfb.display);
				if (typeof shot === 'string') return false;
				patches = colourPatches(shot, 12);
				return (
					JSON.stringify(patches) !== before &&
					patches.every(
						(p) =>
							p !== null &&
							p.pixels === (p.right - p.left + 1) * (p.bottom - p.top + 1) &&
							Math.abs((p.right - p.left + 1) / (p.bottom - p.top + 1) - PICTURE.width / PICTURE.height) <
								0.05,
					)
				);
			};
			await until(settled, 'the sheet after the zoom', 30_000).catch(() => undefined);
			expect(readingOrder(patches)).toEqual([0, 1, 2, 3]);
			for (const p of patches) {
				expect(p!.pixels, JSON.stringify({patches, before})).toBe(
					(p!.right - p!.left + 1) * (p!.bottom - p!.top + 1),
				);
				expect(
					Math.abs((p!.right - p!.left + 1) / (p!.bottom - p!.top + 1) - PICTURE.width / PICTURE.height),
					JSON.stringify({patches, before}),
				).toBeLessThan(0.05);
			}
			expect(JSON.stringify(patches)).not.toBe(before);
		},
		150_000,
	);
});
