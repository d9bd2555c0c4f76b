/** `sdstats preview` and `sdstats sheet` as a user runs them (the built binary, no terminal). */
import fs from 'node:fs';
import path from 'node:path';
import {PNG} from 'pngjs';
import {beforeAll, describe, expect, it} from 'vitest';
import {sheetLayout} from '../../source/core/preview/layout.js';
import {imageSession} from '../helpers/images.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const NAME = '20251001_100000-faces';
let root = '';
let base = '';
let env: Record<string, string | undefined> = {};

beforeAll(async () => {
	({root, base} = makeWorkspace());
	await imageSession(root, NAME, 14);
	fs.writeFileSync(path.join(root, NAME, 'faces_0013_seed-1013.png'), '');
	env = {XDG_CACHE_HOME: path.join(base, 'cache'), NO_COLOR: undefined, TERM: 'xterm-256color'};
});

const IMAGE_BYTES = /\u001B(_G|\]1337|P[0-9;]*q|\[38;2)/;

describe('sdstats preview', () => {
	it('without a terminal and without --protocol: the captions only, no image bytes', async () => {
		const result = await runCli(['preview', NAME, '--root', root], {env});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).not.toMatch(IMAGE_BYTES);
		expect(result.stdout).toContain('faces_0000_seed-1000.png  Hair=short · Mood=calm · seed 1000\n');
	});

	it('--protocol blocks in a pipe: half blocks, captions with placeholder values and seeds, the broken image with its reason', async () => {
		const result = await runCli(
			['preview', NAME, '--root', root, '--protocol', 'blocks', '--cols', '100', '--rows', '40'],
			{env},
		);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('▀');
		expect(result.stdout).toMatch(/short·calm·#1000/);
		expect(result.stdout).toContain('✗ empty file');
		const widths = result.stdout.split('\n').map((line) => [...line.replace(/\u001B\[[\d;]*m/g, '')].length);
		expect(Math.max(...widths)).toBeLessThanOrEqual(100);
		expect(result.stdout.split('\n').length - 1).toBeLessThanOrEqual(40);
	});

	for (const [protocol, pattern] of [
		['kitty', /\u001B_Ga=T,f=100/],
		['iterm', /\u001B\]1337;File=/],
		['sixel', /\u001BP0;1;q"1;1;/],
	] as const) {
		it(`--protocol ${protocol}: one image per sheet row, in reserved rows`, async () => {
			const result = await runCli(
				['preview', NAME, '--root', root, '--protocol', protocol, '--cols', '80', '--rows', '24'],
				{env},
			);
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).toMatch(pattern);
		});
	}

	it('--cell WxH sizes the pixels (here a pipe: the terminal cannot be asked); without it, 10×20 cells', async () => {
		const raster = (stdout: string): Array<[number, number]> =>
			[...stdout.matchAll(/\u001BP0;1;q"1;1;(\d+);(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
		const args = ['preview', NAME, '--root', root, '--protocol', 'sixel', '--cols', '80', '--rows', '24'];
		const sized = await runCli([...args, '--cell', '7x15'], {env});
		expect(sized.code, sized.stderr).toBe(0);
		const aspect = 208 / 304;
		const layout = sheetLayout(12, 80, 24, aspect, {width: 7, height: 15})!;
		// One strip per sheet row, exactly its cells in pixels: the pictures fill the cells reserved for them.
		const across = layout.across * layout.cellCols + (layout.across - 1) * layout.gap;
		expect(raster(sized.stdout)[0]).toEqual([across * 7, layout.cellRows * 15]);
		const assumed = await runCli(args, {env});
		const layout20 = sheetLayout(12, 80, 24, aspect, {width: 10, height: 20})!;
		const across20 = layout20.across * layout20.cellCols + (layout20.across - 1) * layout20.gap;
		expect(raster(assumed.stdout)[0]).toEqual([across20 * 10, layout20.cellRows * 20]);
		// Half blocks do not depend on the font: --cell changes nothing there.
		const blocks = ['preview', NAME, '--root', root, '--protocol', 'blocks', '--cols', '80', '--rows', '24'];
		expect((await runCli([...blocks, '--cell', '7x15'], {env})).stdout).toBe((await runCli(blocks, {env})).stdout);
		const bad = await runCli([...args, '--cell', '7by15'], {env});
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("--cell takes a cell's size in pixels as WIDTHxHEIGHT");
	});

	it('NO_COLOR wins over --protocol: captions only, and it says why', async () => {
		const result = await runCli(['preview', NAME, '--root', root, '--protocol', 'kitty'], {
			env: {...env, NO_COLOR: '1'},
		});
		expect(result.code).toBe(0);
		expect(result.stdout).not.toMatch(IMAGE_BYTES);
		expect(result.stderr).toContain('colour is off');
		const noColor = await runCli(['preview', NAME, '--root', root, '--protocol', 'blocks', '--no-color'], {env});
		expect(noColor.stdout).not.toMatch(IMAGE_BYTES);
	});

	it('errors are one sentence: unknown session, bad protocol, bad size', async () => {
		const missing = await runCli(['preview', '20990101_000000-nope', '--root', root], {env});
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^sdstats preview: no session folder .* check the name with `sdstats list`\n$/);
		const protocol = await runCli(['preview', NAME, '--root', root, '--protocol', 'png'], {env});
		expect(protocol.code).toBe(2);
		expect(protocol.stderr).toContain('--protocol takes one of kitty, iterm, sixel, blocks');
		const cols = await runCli(['preview', NAME, '--root', root, '--cols', '0'], {env});
		expect(cols.code).toBe(2);
	});
});

describe('sdstats sheet', () => {
	it('writes a PNG contact sheet with every picked image', async () => {
		const out = path.join(base, 'sheet.png');
		const result = await runCli(['sheet', NAME, '--root', root, '-o', out], {env});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('12 images');
		const png = PNG.sync.read(fs.readFileSync(out));
		// Four across: 12 + 4 × (256 + 12) pixels wide.
		expect(png.width).toBe(12 + 4 * 268);
		expect(png.height).toBeGreaterThan(3 * 256);
	});

	it('refuses a name that is not .png, and a missing -o', async () => {
		expect((await runCli(['sheet', NAME, '--root', root, '-o', path.join(base, 'x.jpg')], {env})).code).toBe(2);
		const noOutput = await runCli(['sheet', NAME, '--root', root], {env});
		expect(noOutput.code).toBe(2);
		expect(noOutput.stderr).toContain('sheet needs -o FILE.png');
	});
});
