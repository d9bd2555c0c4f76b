/**
 * End-to-end pictures in Konsole (Debian's 22.12, a Qt terminal, under Xvfb), the one terminal here that draws
 * all three graphics protocols: kitty's graphics (what sdstats picks by itself in Konsole), sixel, and iTerm2's
 * inline images (the protocol of iTerm2, WezTerm and VS Code's terminal, none of which can run here). For each,
 * `sdstats preview` runs in Konsole and a screenshot (xwd) must show the session's four solid colours in the
 * sheet's order, each fitted into the box of cells sdstats reserved at the cell size Konsole itself reports, and
 * nothing of a picture's box below its reserved rows (regression: Konsole paints a sixel image's last 6-row band
 * whole, past the image's declared height, so a box of 289 rows showed 294 over the caption row below it).
 * Then the explorer, keys typed with xdotool: its side-panel sheet must leave the screen when the help opens
 * (regression: sdstats drew sixel in Konsole, whose sixel pixels no text can erase, and the sheet stayed over
 * the help), come back when it closes, and be gone after quitting. Skipped, with the reason, where Konsole,
 * Xvfb, xwd or xdotool are not installed (Debian: apt-get install konsole xvfb x11-apps xdotool).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {cellReply} from '../../source/core/preview/cell-size.js';
import {sheetLayout} from '../../source/core/preview/layout.js';
import type {Protocol} from '../../source/core/preview/protocol.js';
import {pixelBox} from '../../source/jobs/thumbnails/thumbnail.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {
	COLOURS,
	PICTURE,
	awaitColours,
	awaitTerminalAnswer,
	colourPatches,
	colourSession,
	missingTools,
	readingOrder,
	screenshot,
	startXvfb,
	until,
	type Patch,
	type Screenshot,
} from '../helpers/x-screen.js';

const missing = missingTools(['konsole', 'Xvfb', 'xwd', 'xdotool']);
const SKIP =
	missing.length > 0
		? ` (skipped: ${missing.join(', ')} not installed; apt-get install konsole xvfb x11-apps xdotool)`
		: '';

const NAME = '20251001_100000-colours';
const COLS = 100;
const ROWS = 20;

const started: ChildProcess[] = [];
afterEach(() => {
	for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** The environment of the outer terminal must not choose the protocol: only Konsole's own variables. */
function konsoleEnv(base: string, display: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env};
	for (const name of Object.keys(env))
		if (
			/^(TERM_PROGRAM|TMUX|KITTY_|WEZTERM_|ITERM_|LC_TERMINAL|VTE_|KONSOLE_|COLORTERM|NO_COLOR|SDSTATS_)/.test(
				name,
			)
		)
			delete env[name];
	return {
		...env,
		DISPLAY: display,
		// Konsole's settings, caches and runtime files go to the test's own folder.
		HOME: base,
		XDG_CONFIG_HOME: path.join(base, 'config'),
		XDG_DATA_HOME: path.join(base, 'data'),
		XDG_CACHE_HOME: path.join(base, 'cache'),
		XDG_RUNTIME_DIR: path.join(base, 'runtime'),
		QT_QPA_PLATFORM: 'xcb',
	};
}

/** Konsole on `display` running `command` (sh -c) in a grid of that size; its output in base/konsole.log. */
function startKonsole(
	base: string,
	display: string,
	command: string,
	grid: {columns: number; rows: number},
): ChildProcess {
	fs.mkdirSync(path.join(base, 'runtime'), {recursive: true, mode: 0o700});
	const log = path.join(base, 'konsole.log');
	return spawn(
		'konsole',
		[
			'--nofork',
			'--hide-menubar',
			'--hide-tabbar',
			'-p',
			`TerminalColumns=${grid.columns}`,
			'-p',
			`TerminalRows=${grid.rows}`,
			'-e',
			'sh',
			'-c',
			command,
		],
		{stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')], env: konsoleEnv(base, display)},
	);
}

/** Types keys into the window that has the focus (X's XTEST: Konsole takes them as a user's). */
function typeKeys(display: string, ...keys: string[]): void {
	const window = spawnSync('xdotool', ['search', '--class', 'konsole'], {
		encoding: 'utf8',
		env: {...process.env, DISPLAY: display},
	});
	const id = window.stdout.trim().split('\n')[0];
	expect(id, `xdotool found no Konsole window: ${window.stderr}`).toBeTruthy();
	const run = (args: string[]): void => {
		const result = spawnSync('xdotool', args, {encoding: 'utf8', env: {...process.env, DISPLAY: display}});
		expect(result.status, `xdotool ${args.join(' ')}: ${result.stderr}`).toBe(0);
	};
	run(['windowfocus', '--sync', id!]);
	run(['key', '--clearmodifiers', ...keys]);
}

type Drawn = {patches: Array<Patch | null>; cell: {width: number; height: number}; shot: Screenshot};

/** Runs the preview in Konsole (`protocol` null: sdstats chooses) and reads the screen once all colours show. */
async function previewInKonsole(protocol: Protocol | null): Promise<Drawn> {
	const {base, root} = makeWorkspace();
	await colourSession(root, NAME);
	const xvfb = await startXvfb('1280x800');
	started.push(xvfb.process);
	const done = path.join(base, 'done');
	const cellFile = path.join(base, 'cell');
	const stty = path.join(base, 'stty');
	const chosen = protocol === null ? '' : ` --protocol ${protocol}`;
	const command = [
		'before=$(stty -g)',
		// Konsole's own answer to CSI 16 t, read apart from sdstats, to know its cell size; once DA1's reply is
		// in, Konsole is surely reading, so sdstats' own question is answered at the usual speed.
		awaitTerminalAnswer(cellFile),
		`'${process.execPath}' '${CLI_PATH}' preview ${NAME} --root '${root}'${chosen} --cols ${COLS} --rows ${ROWS}`,
		'code=$?',
		`[ "$(stty -g)" = "$before" ] && echo same > '${stty}' || stty -a > '${stty}'`,
		`echo $code > '${done}'`,
		'sleep 120',
	].join('; ');
	const log = path.join(base, 'konsole.log');
	const konsole = startKonsole(base, xvfb.display, command, {columns: COLS + 10, rows: 32});
	started.push(konsole);
	let exited = false;
	konsole.on('exit', () => (exited = true));
	await until(() => fs.existsSync(done) || exited, 'the preview to finish').catch(() => undefined);
	expect(fs.existsSync(done), `Konsole ran the preview; its log:\n${fs.readFileSync(log, 'utf8')}`).toBe(true);
	expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
	expect(fs.readFileSync(stty, 'utf8').trim()).toBe('same');
	const cell = cellReply(fs.readFileSync(cellFile, 'latin1'));
	expect(cell, `Konsole's answer to CSI 16 t: ${JSON.stringify(fs.readFileSync(cellFile, 'latin1'))}`).not.toBeNull();

	const {patches, shot, problem} = await awaitColours(xvfb.display, 20_000);
	expect(
		patches.every((p) => p !== null),
		`every colour on a screenshot ${problem}`,
	).toBe(true);
	return {patches, cell: cell!, shot: shot!};
}

const isBlack = (rgb: readonly number[]): boolean => rgb.every((v) => v <= 12);

/** The black box around a picture (its letterbox, part of the image), measured down the picture's middle. */
function boxRows(shot: Screenshot, patch: Patch): {top: number; bottom: number} {
	const x = Math.round((patch.left + patch.right) / 2);
	let top = patch.top;
	while (top > 0 && isBlack(shot.rgb(x, top - 1))) top--;
	let bottom = patch.bottom;
	while (bottom + 1 < shot.height && isBlack(shot.rgb(x, bottom + 1))) bottom++;
	return {top, bottom};
}

function expectFitted(drawn: Drawn, protocol: Protocol): void {
	const {patches, cell, shot} = drawn;
	expect(readingOrder(patches)).toEqual([0, 1, 2, 3]);
	const layout = sheetLayout(COLOURS.length, COLS, ROWS, PICTURE.width / PICTURE.height, cell)!;
	const box = pixelBox(protocol, layout.cellCols, layout.cellRows, cell);
	const scale = Math.min(box.width / PICTURE.width, box.height / PICTURE.height);
	const expected = {width: Math.round(PICTURE.width * scale), height: Math.round(PICTURE.height * scale)};
	const sizes = patches.map((p) => ({width: p!.right - p!.left + 1, height: p!.bottom - p!.top + 1}));
	// iTerm2's payload is a JPEG: its 4:2:0 colour blurs each edge by a pixel or two, which the colour match
	// (within 24 of each channel) leaves out.
	const tolerance = protocol === 'iterm' ? 4 : 2;
	for (const size of sizes) {
		expect(Math.abs(size.width - expected.width), JSON.stringify({sizes, expected, cell})).toBeLessThanOrEqual(
			tolerance,
		);
		expect(Math.abs(size.height - expected.height), JSON.stringify({sizes, expected, cell})).toBeLessThanOrEqual(
			tolerance,
		);
	}
	// Nothing of a picture's box reaches below the rows reserved for it (where its caption is).
	for (const patch of patches) {
		const rows = boxRows(shot, patch!);
		expect(rows.bottom - rows.top + 1, JSON.stringify({rows, cell, reserved: layout.cellRows})).toBeLessThanOrEqual(
			layout.cellRows * cell.height,
		);
	}
}

describe('pictures in a real Konsole', () => {
	test.skipIf(SKIP !== '')(
		`sdstats picks its protocol in Konsole by itself: the pictures, in order, fitted to its cells${SKIP}`,
		async () => {
			expectFitted(await previewInKonsole(null), 'kitty');
		},
		120_000,
	);

	test.skipIf(SKIP !== '')(
		`sixel in Konsole: the pictures, in order, and nothing of them below their cells${SKIP}`,
		async () => {
			expectFitted(await previewInKonsole('sixel'), 'sixel');
		},
		120_000,
	);

	test.skipIf(SKIP !== '')(
		`iTerm2's inline images in Konsole: the pictures, in order, fitted to its cells${SKIP}`,
		async () => {
			expectFitted(await previewInKonsole('iterm'), 'iterm');
		},
		120_000,
	);
});

describe('the explorer in a real Konsole', () => {
	test.skipIf(SKIP !== '')(
		`the side panel's sheet leaves the screen when the help opens, comes back when it closes, and is gone after quitting${SKIP}`,
		async () => {
			const {base, root} = makeWorkspace();
			await colourSession(root, NAME);
			const xvfb = await startXvfb('1600x1000');
			started.push(xvfb.process);
			const cellFile = path.join(base, 'cell');
			const done = path.join(base, 'done');
			const command = [
				'before=$(stty -g)',
				awaitTerminalAnswer(cellFile),
				// At 150 columns the details sit beside the list, with the contact sheet of the only session.
				`'${process.execPath}' '${CLI_PATH}' --root '${root}' 2> '${path.join(base, 'stderr')}'`,
				`echo $? > '${done}'`,
				'sleep 120',
			].join('; ');
			const konsole = startKonsole(base, xvfb.display, command, {columns: 150, rows: 45});
			started.push(konsole);
			await until(() => fs.existsSync(cellFile) && fs.statSync(cellFile).size > 0, 'Konsole to answer');
			const colours = (): Array<Patch | null> | null => {
				const shot = screenshot(xvfb.display);
				return typeof shot === 'string' ? null : colourPatches(shot, 12);
			};
			const allShown = (patches: Array<Patch | null> | null): boolean =>
				patches !== null && patches.every((p) => p !== null);
			const noneShown = (patches: Array<Patch | null> | null): boolean =>
				patches !== null && patches.every((p) => p === null);
			let last: Array<Patch | null> | null = null;
			const seen = (test: (patches: Array<Patch | null> | null) => boolean) => (): boolean =>
				test((last = colours()));

			await until(seen(allShown), 'the sheet on the screen', 60_000).catch(() => undefined);
			expect(last, `the sheet; stderr: ${fs.readFileSync(path.join(base, 'stderr'), 'utf8')}`).not.toContain(
				null,
			);
			expect(readingOrder(last!)).toEqual([0, 1, 2, 3]);

			typeKeys(xvfb.display, 'question');
			await until(seen(noneShown), 'the sheet to leave with the help', 20_000).catch(() => undefined);
			expect(last, 'the pictures left on the screen over the help').toEqual(COLOURS.map(() => null));

			typeKeys(xvfb.display, 'Escape');
			await until(seen(allShown), 'the sheet back after the help', 20_000).catch(() => undefined);
			expect(last, 'the sheet after closing the help').not.toContain(null);
			expect(readingOrder(last!)).toEqual([0, 1, 2, 3]);

			typeKeys(xvfb.display, 'q');
			await until(() => fs.existsSync(done), 'the explorer to quit', 20_000);
			expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
			await until(seen(noneShown), 'the screen without pictures after quitting', 20_000).catch(() => undefined);
			expect(last, 'pictures left on the screen after quitting').toEqual(COLOURS.map(() => null));
		},
		150_000,
	);
});
