/**
 * End-to-end sixel in a real terminal: xterm (as a VT340, 256 colour registers) under Xvfb runs `sdstats
 * preview --protocol sixel`, and a screenshot of the X screen (xwd) must show the session's pictures: four
 * solid colours, side by side in the sheet's order, where xterm would otherwise print the sixel data as
 * garbage text (white on black). Twice: once as Debian's xterm comes (it does not answer the cell-size
 * reports, so sdstats assumes 10×20 and the font is 10×20), and once with its window reports allowed and a
 * 9×15 font, where the pictures must be exactly as large as the cells sdstats reserved, which it can only
 * know by asking. Skipped, with the reason, where xterm, Xvfb or xwd are not installed (Debian: apt-get
 * install xterm xvfb x11-apps).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {sheetLayout} from '../../source/core/preview/layout.js';
import type {CellPixels} from '../../source/core/preview/pixels.js';
import {pixelBox} from '../../source/jobs/thumbnails/thumbnail.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {
	COLOURS,
	PICTURE,
	colourSession,
	missingTools,
	readingOrder,
	startXvfb,
	until,
	awaitColours,
	awaitTerminalAnswer,
	type Patch,
} from '../helpers/x-screen.js';

const missing = missingTools(['xterm', 'Xvfb', 'xwd']);
const SKIP =
	missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed; apt-get install xterm xvfb x11-apps)` : '';

const NAME = '20251001_100000-colours';
const COLS = 100;
const ROWS = 20;

const started: ChildProcess[] = [];
afterEach(() => {
	for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** Runs the preview in an xterm and returns where each colour landed, and what the shell saw after it. */
async function previewInXterm(
	xtermOptions: string[],
): Promise<{patches: Array<Patch | null>; order: number[]; stty: string; leftover: string}> {
	const {base, root} = makeWorkspace();
	await colourSession(root, NAME);
	const xvfb = await startXvfb();
	started.push(xvfb.process);
	const done = path.join(base, 'done');
	const stty = path.join(base, 'stty');
	const leftover = path.join(base, 'leftover');
	// After the preview: the terminal's mode must be as before (raw mode given back), and no reply may be
	// left to reach the shell as typed text (read with a short non-canonical wait).
	const command = [
		'before=$(stty -g)',
		awaitTerminalAnswer(path.join(base, 'answer')),
		`'${process.execPath}' '${CLI_PATH}' preview ${NAME} --root '${root}' --protocol sixel --cols ${COLS} --rows ${ROWS}`,
		`code=$?`,
		`[ "$(stty -g)" = "$before" ] && echo same > '${stty}' || stty -a > '${stty}'`,
		`stty -icanon -echo min 0 time 5; dd bs=256 count=1 2>/dev/null | od -An -c > '${leftover}'; stty "$before"`,
		`echo $code > '${done}'`,
		'sleep 120',
	].join('; ');
	const xterm = spawn(
		'xterm',
		[
			'-ti',
			'vt340',
			'-xrm',
			'XTerm*decTerminalID: vt340',
			'-xrm',
			'XTerm*numColorRegisters: 256',
			...xtermOptions,
			'-geometry',
			`${COLS}x30+0+0`,
			'-bg',
			'black',
			'-fg',
			'white',
			'-e',
			'sh',
			'-c',
			command,
		],
		{stdio: 'ignore', env: {...process.env, DISPLAY: xvfb.display, XDG_CACHE_HOME: path.join(base, 'cache')}},
	);
	started.push(xterm);
	await until(() => fs.existsSync(done), 'the preview to finish');
	expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
	// xterm draws what it has read; poll the screen until all four colours show (or the limit passes).
	const {patches, problem} = await awaitColours(xvfb.display, 15_000);
	expect(patches, `a screenshot ${problem}`).not.toEqual([]);
	return {
		patches,
		order: readingOrder(patches),
		stty: fs.readFileSync(stty, 'utf8').trim(),
		leftover: fs.readFileSync(leftover, 'utf8').trim(),
	};
}

/**
 * How large each picture must be on the screen for cells of `cell` pixels: fitted into its reserved box, which
 * for sixel is a whole number of 6-row bands (see pixelBox).
 */
function expectedPicture(cell: CellPixels): {width: number; height: number} {
	const layout = sheetLayout(COLOURS.length, COLS, ROWS, PICTURE.width / PICTURE.height, cell)!;
	const box = pixelBox('sixel', layout.cellCols, layout.cellRows, cell);
	const scale = Math.min(box.width / PICTURE.width, box.height / PICTURE.height);
	return {width: Math.round(PICTURE.width * scale), height: Math.round(PICTURE.height * scale)};
}

function sizes(patches: ReadonlyArray<Patch | null>): Array<{width: number; height: number} | null> {
	return patches.map((p) => (p ? {width: p.right - p.left + 1, height: p.bottom - p.top + 1} : null));
}

function closeTo(
	actual: ReadonlyArray<{width: number; height: number} | null>,
	expected: {width: number; height: number},
): boolean {
	return actual.every(
		(s) => s !== null && Math.abs(s.width - expected.width) <= 2 && Math.abs(s.height - expected.height) <= 2,
	);
}

describe('sixel in a real xterm', () => {
	test.skipIf(SKIP !== '')(
		`xterm as Debian ships it (no cell-size answer, 10×20 font): the pictures, in order, with their colours${SKIP}`,
		async () => {
			const result = await previewInXterm(['-fn', '10x20']);
			// All four pictures, in the sheet's order: xterm decoded the sixel data into pixels.
			expect(result.order).toEqual([0, 1, 2, 3]);
			// Sized for the assumed 10×20 cells, which this font has.
			const expected = expectedPicture({width: 10, height: 20});
			expect(
				closeTo(sizes(result.patches), expected),
				JSON.stringify({sizes: sizes(result.patches), expected}),
			).toBe(true);
			expect(result.stty).toBe('same');
			expect(result.leftover).toBe('');
		},
		120_000,
	);

	test.skipIf(SKIP !== '')(
		`xterm that answers CSI 16 t, with a 9×15 font: sdstats asks, and the pictures fill exactly their cells${SKIP}`,
		async () => {
			const result = await previewInXterm(['-xrm', 'XTerm*allowWindowOps: true', '-fn', '9x15']);
			expect(result.order).toEqual([0, 1, 2, 3]);
			const expected = expectedPicture({width: 9, height: 15});
			const assumed = expectedPicture({width: 10, height: 20});
			// The regression this guards: with the assumed 10×20 the pictures came out larger than their cells.
			expect(assumed).not.toEqual(expected);
			expect(
				closeTo(sizes(result.patches), expected),
				JSON.stringify({sizes: sizes(result.patches), expected}),
			).toBe(true);
			// The replies were read, not echoed, and raw mode was given back.
			expect(result.stty).toBe('same');
			expect(result.leftover).toBe('');
		},
		120_000,
	);
});
