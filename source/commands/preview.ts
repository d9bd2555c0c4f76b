/**
 * `sdstats preview NAME [--protocol kitty|iterm|sixel|blocks] [--cols N] [--rows N]`: the session's contact
 * sheet on standard output (scripts, tests, `ssh box sdstats preview NAME` from a laptop terminal), and
 * `sdstats sheet NAME -o FILE.png`: the same sheet as a PNG with captions, to share.
 *
 * Without --protocol the terminal decides (from its environment; no query, since standard output may be
 * piped); without a terminal, or with NO_COLOR / --no-color / TERM=dumb, the captions alone: no image bytes.
 * Pictures in pixels (kitty, iTerm2, sixel) are sized to the terminal's cells: --cell WxH, else the terminal's
 * answer when standard input and output are a terminal (terminal-cell.ts), else 10×20.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {decideProtocol, trueColour} from '../core/preview/detect.js';
import type {Protocol} from '../core/preview/protocol.js';
import type {SetTimer} from '../core/preview/terminal-query.js';
import {DEFAULT_CELL_PIXELS, type CellPixels} from '../core/preview/pixels.js';
import {sessionIdProblem} from '../core/session-id.js';
import {composeSheetPng, type SheetCell} from '../jobs/thumbnails/compose.js';
import {checkImageFile, probeImage} from '../jobs/thumbnails/decode.js';
import {renderPreviewText} from '../jobs/thumbnails/preview-text.js';
import {readSessionImages, sheetImages, type PreviewImage} from '../jobs/thumbnails/session-images.js';
import {cacheCapBytes, evictThumbnails} from '../jobs/thumbnails/cache-eviction.js';
import {cacheWritesSettled, fittedPicture, thumbnailCacheDir} from '../jobs/thumbnails/thumbnail.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The thumbnail cache, or none when SDSTATS_THUMBNAIL_CACHE_MB=0. */
function cacheDirOf(env: Env): string | null {
	return cacheCapBytes(env) === null ? null : thumbnailCacheDir(env, os.homedir(), os.tmpdir());
}

/** After the pictures: their cache writes finish, then the cache is trimmed to its cap. */
async function trimCache(env: Env): Promise<void> {
	const cap = cacheCapBytes(env);
	const dir = cacheDirOf(env);
	await cacheWritesSettled();
	if (dir !== null && cap !== null) await evictThumbnails(dir, cap);
}
import {SessionIdError, resolveSessionFolder} from '../scan/session-path.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';
import {askCellSize, type TerminalInput} from './terminal-cell.js';

/** The most images a sheet shows. */
export const SHEET_IMAGES = 12;

export type PreviewOptions = CommonOptions & {
	name: string;
	protocol: Protocol | null;
	cols: number | null;
	rows: number | null;
	/** --cell: the cell's size in pixels; null: ask the terminal (`terminal`), else assume 10×20. */
	cell: CellPixels | null;
	env: Readonly<Record<string, string | undefined>>;
	/** Terminal rows when standard output is one. */
	terminalRows?: number;
	/** Standard input, where a terminal's answers arrive (absent: the terminal is not asked). */
	terminal?: TerminalInput;
	/** For the tests: the cell question's timer. */
	setTimer?: SetTimer;
};

type Located = {ok: true; images: PreviewImage[]; all: PreviewImage[]} | {ok: false; code: number};

function locateSession(command: string, root: string, name: string, io: CommandIo): Located {
	const problem = sessionIdProblem(name);
	if (problem !== null) {
		io.stderr.write(`sdstats ${command}: invalid session name ${sanitizeLine(JSON.stringify(name))}: ${problem}\n`);
		return {ok: false, code: EXIT_USAGE};
	}
	let folder: string;
	try {
		folder = resolveSessionFolder(root, name);
	} catch (error) {
		if (!(error instanceof SessionIdError)) throw error;
		io.stderr.write(`sdstats ${command}: ${sanitizeLine(error.message)}; check the name with \`sdstats list\`\n`);
		return {ok: false, code: EXIT_FAILURE};
	}
	const session = readSessionImages(folder);
	if (!session.ok) {
		io.stderr.write(`sdstats ${command}: ${sanitizeLine(session.reason)}\n`);
		return {ok: false, code: EXIT_FAILURE};
	}
	if (session.images.length === 0) {
		io.stderr.write(`sdstats ${command}: session ${sanitizeLine(JSON.stringify(name))} has no images yet\n`);
		return {ok: false, code: EXIT_FAILURE};
	}
	return {ok: true, images: sheetImages(session, SHEET_IMAGES), all: session.images};
}

/** Width / height of the first image that has a readable header; SD's 832×1216 otherwise. */
async function aspectOf(images: readonly PreviewImage[]): Promise<number> {
	for (const image of images.slice(0, 3)) {
		if (!(await checkImageFile(image.path)).ok) continue;
		const probe = await probeImage(image.path);
		if (probe.ok) return probe.width / probe.height;
	}
	return 832 / 1216;
}

/** The cell size the pictures are made for: --cell, the terminal's answer, or the assumption. */
async function cellPixels(
	options: PreviewOptions,
	io: CommandIo,
	protocol: Protocol | null,
): Promise<CellPixels | 'interrupted'> {
	// Half blocks are two pixels a cell whatever the font; captions alone need no size at all.
	if (protocol === null || protocol === 'blocks') return DEFAULT_CELL_PIXELS;
	if (options.cell) return options.cell;
	if (!options.terminal) return DEFAULT_CELL_PIXELS;
	const answer = await askCellSize(
		options.terminal,
		{
			write: (text) => io.stdout.write(text),
			isTTY: io.stdout.isTTY,
			columns: io.stdout.columns,
			rows: options.terminalRows,
		},
		options.setTimer ? {setTimer: options.setTimer} : {},
	);
	if (answer.kind === 'interrupted') return 'interrupted';
	return answer.cell ?? DEFAULT_CELL_PIXELS;
}

export async function previewCommand(options: PreviewOptions, io: CommandIo): Promise<number> {
	const located = locateSession('preview', options.locations.root, options.name, io);
	if (!located.ok) return located.code;
	const isTTY = io.stdout.isTTY === true;
	const env = options.env;
	let protocol: Protocol | null;
	if (options.protocol !== null) {
		// Asked for by name: honoured in a pipe too (that is what scripts and `ssh box sdstats preview` need),
		// but never against NO_COLOR / --no-color / TERM=dumb.
		const decision = decideProtocol({
			env,
			output: {isTTY: true, color: options.color},
			setting: options.protocol,
			passthrough: 'on',
		});
		protocol = decision.protocol === null ? null : options.protocol;
		if (protocol === null) io.stderr.write(`sdstats preview: ${decision.reason}; printing the captions only\n`);
	} else {
		protocol = decideProtocol({
			env,
			output: {isTTY, color: options.color},
			setting: 'auto',
			passthrough: null,
		}).protocol;
	}
	// The cell size is asked while the images' headers are read; the layout needs both.
	const [cell, aspect] = await Promise.all([cellPixels(options, io, protocol), aspectOf(located.images)]);
	if (cell === 'interrupted') return EXIT_INTERRUPTED;
	const cols = options.cols ?? (isTTY && io.stdout.columns ? io.stdout.columns : 80);
	const rows = options.rows ?? (isTTY && options.terminalRows ? Math.max(6, options.terminalRows - 2) : 24);
	const {text, layout} = await renderPreviewText(located.images, {
		protocol,
		cols,
		rows,
		cell,
		depth: trueColour(env) || !isTTY ? 'truecolor' : '256',
		cacheDir: cacheDirOf(env),
		aspect,
	});
	await trimCache(env);
	if (!layout) {
		io.stderr.write(
			`sdstats preview: ${cols}×${rows} cells is too small for a thumbnail; give --cols and --rows of at least 6 and 3\n`,
		);
		return EXIT_USAGE;
	}
	io.stdout.write(text);
	return EXIT_OK;
}

export type SheetOptions = CommonOptions & {
	name: string;
	output: string;
	env: Readonly<Record<string, string | undefined>>;
};

/** Thumbnails in the PNG sheet are this large (a 1216×832 render becomes 175×256). */
const SHEET_BOX = {width: 256, height: 256};

export async function sheetCommand(options: SheetOptions, io: CommandIo): Promise<number> {
	if (!/\.png$/i.test(options.output)) {
		io.stderr.write(
			`sdstats sheet: -o ${sanitizeLine(options.output)}: the sheet is a PNG; give a file name ending in .png\n`,
		);
		return EXIT_USAGE;
	}
	const located = locateSession('sheet', options.locations.root, options.name, io);
	if (!located.ok) return located.code;
	const cacheDir = cacheDirOf(options.env);
	const cells: SheetCell[] = await Promise.all(
		located.images.map(async (image): Promise<SheetCell> => {
			const picture = await fittedPicture(
				{path: image.path, size: image.size, mtimeMs: image.mtimeMs, cacheDir},
				SHEET_BOX,
			);
			return picture.ok
				? {image: picture.image, caption: image.caption, reason: null}
				: {image: null, caption: image.caption, reason: picture.reason};
		}),
	);
	await trimCache(options.env);
	const title = `${sanitizeLine(options.name)} · ${located.images.length} of ${located.all.length} images`;
	const png = await composeSheetPng(cells, {across: Math.min(4, cells.length), box: SHEET_BOX, title});
	const target = path.resolve(options.output);
	try {
		const temp = `${target}.${process.pid}.tmp`;
		fs.writeFileSync(temp, png);
		fs.renameSync(temp, target);
	} catch (error) {
		io.stderr.write(
			`sdstats sheet: cannot write ${sanitizeLine(target)}: ${sanitizeLine((error as Error).message)}; choose a folder you can write to\n`,
		);
		return EXIT_FAILURE;
	}
	io.stdout.write(`${sanitizeLine(target)}: ${cells.length} images, ${Math.round(png.length / 1024)} KB\n`);
	return EXIT_OK;
}
