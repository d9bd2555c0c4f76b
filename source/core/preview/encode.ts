/**
 * Terminal image encoders: the bytes each protocol needs to show a picture in a box of `cols`×`rows` cells.
 *
 * - kitty graphics protocol: a PNG sent inside APC sequences in 4096-byte base64 chunks (kovidgoyal/kitty
 *   docs/graphics-protocol.rst); `q=2` so the terminal never answers into our input, `C=1` so the cursor stays.
 * - iTerm2 inline images: the whole file (JPEG: ~5 KB a thumbnail, which matters over SSH) in one OSC 1337.
 * - sixel: our median-cut palette (quantize.ts) and our encoder of its indices (sixel.ts; each says why it is not
 *   the `sixel` package's), pixels of exactly the box's size.
 * - half blocks: `▀` with the upper pixel as foreground and the lower as background, true colour or the xterm
 *   256-colour cube; ordinary text, so Ink lays it out like any other line.
 *
 * Pure: bytes in, strings out.
 */
import {quantize} from './quantize.js';
import {sixelIndexed} from './sixel.js';
import type {RgbImage} from './pixels.js';

export {PROTOCOLS, type Protocol} from './protocol.js';

export type ColourDepth = 'truecolor' | '256';

const ESC = '\u001B';
const ST = `${ESC}\\`;
const BEL = '\u0007';

/** The xterm 256-colour index nearest to an RGB colour (6×6×6 cube or the 24 greys, whichever is closer). */
export function xterm256(r: number, g: number, b: number): number {
	const level = (v: number): number => (v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40));
	const cubeValue = (l: number): number => (l === 0 ? 0 : 55 + l * 40);
	const lr = level(r);
	const lg = level(g);
	const lb = level(b);
	const cube = 16 + 36 * lr + 6 * lg + lb;
	const cubeError = (cubeValue(lr) - r) ** 2 + (cubeValue(lg) - g) ** 2 + (cubeValue(lb) - b) ** 2;
	const mean = (r + g + b) / 3;
	const greyIndex = Math.max(0, Math.min(23, Math.round((mean - 8) / 10)));
	const grey = 8 + greyIndex * 10;
	const greyError = (grey - r) ** 2 + (grey - g) ** 2 + (grey - b) ** 2;
	return greyError < cubeError ? 232 + greyIndex : cube;
}

/** The RGB a 256-colour index stands for (cube and greys; the 16 system colours are never produced above). */
export function xterm256Rgb(index: number): [number, number, number] {
	if (index >= 232) {
		const v = 8 + (index - 232) * 10;
		return [v, v, v];
	}
	const i = index - 16;
	const cubeValue = (l: number): number => (l === 0 ? 0 : 55 + l * 40);
	return [cubeValue(Math.floor(i / 36)), cubeValue(Math.floor(i / 6) % 6), cubeValue(i % 6)];
}

/**
 * Half-block lines for an image of exactly `cols`×(2·rows) pixels: one string per cell row, each ending with a
 * reset so a line can be placed anywhere.
 */
export function halfBlockLines(image: RgbImage, depth: ColourDepth = 'truecolor'): string[] {
	const rows = Math.floor(image.height / 2);
	const lines: string[] = [];
	const colour = (i: number, ground: 38 | 48): string => {
		const r = image.data[i]!;
		const g = image.data[i + 1]!;
		const b = image.data[i + 2]!;
		return depth === 'truecolor' ? `${ground};2;${r};${g};${b}` : `${ground};5;${xterm256(r, g, b)}`;
	};
	for (let row = 0; row < rows; row++) {
		let line = '';
		let lastFg = '';
		let lastBg = '';
		for (let x = 0; x < image.width; x++) {
			const fg = colour((row * 2 * image.width + x) * 3, 38);
			const bg = colour(((row * 2 + 1) * image.width + x) * 3, 48);
			const codes: string[] = [];
			if (fg !== lastFg) codes.push(fg);
			if (bg !== lastBg) codes.push(bg);
			if (codes.length > 0) line += `${ESC}[${codes.join(';')}m`;
			line += '▀';
			lastFg = fg;
			lastBg = bg;
		}
		lines.push(`${line}${ESC}[0m`);
	}
	return lines;
}

export type KittyOptions = {
	cols: number;
	rows: number;
	/** Image id (1…2³²−1); with an id the terminal keeps the image for later placements and deletes. */
	id?: number;
	placement?: number;
};

/** Base64 chunks of at most 4096 bytes, as the kitty protocol requires. */
function chunks(text: string, size = 4096): string[] {
	const parts: string[] = [];
	for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
	return parts.length > 0 ? parts : [''];
}

/** Transmit a PNG and show it at the cursor, scaled into cols×rows cells, the cursor left where it was. */
export function kittyImage(png: Uint8Array, options: KittyOptions): string {
	const keys = [`a=T`, `f=100`, `t=d`, `q=2`, `C=1`, `c=${options.cols}`, `r=${options.rows}`];
	if (options.id !== undefined) keys.push(`i=${options.id}`);
	if (options.placement !== undefined) keys.push(`p=${options.placement}`);
	// A view of the bytes, not a copy (Buffer.from of a Buffer copies it: megabytes for a full-screen picture).
	const parts = chunks(Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64'));
	return parts
		.map((part, index) => {
			const more = index < parts.length - 1 ? 1 : 0;
			const head = index === 0 ? `${keys.join(',')},m=${more}` : `m=${more}`;
			return `${ESC}_G${head};${part}${ST}`;
		})
		.join('');
}

/** Show an image already transmitted under `id` at the cursor (replaces the placement with the same ids). */
export function kittyPlace(id: number, placement: number, cols: number, rows: number): string {
	return `${ESC}_Ga=p,q=2,C=1,i=${id},p=${placement},c=${cols},r=${rows}${ST}`;
}

/** Remove one placement of an image, keeping its data for later. */
export function kittyDeletePlacement(id: number, placement: number): string {
	return `${ESC}_Ga=d,d=i,q=2,i=${id},p=${placement}${ST}`;
}

/** Remove every image this program showed and free their data (on exit). */
export const KITTY_DELETE_ALL = `${ESC}_Ga=d,d=A,q=2${ST}`;

/** An iTerm2 inline image: the file's bytes, shown in cols×rows cells. */
export function itermImage(file: Uint8Array, options: {cols: number; rows: number; name?: string}): string {
	const args = [
		`inline=1`,
		`size=${file.length}`,
		`width=${options.cols}`,
		`height=${options.rows}`,
		`preserveAspectRatio=1`,
	];
	if (options.name !== undefined) args.unshift(`name=${Buffer.from(options.name).toString('base64')}`);
	return `${ESC}]1337;File=${args.join(';')}:${Buffer.from(file).toString('base64')}${BEL}`;
}

/** A sixel image of exactly the image's pixels, at most 256 colours (the register count terminals agree on). */
export function sixelImage(image: RgbImage): string {
	// Background select 1: pixels the image leaves out keep what is under them (there are none: all opaque).
	if (image.width === 0 || image.height === 0) return `${ESC}P0;1;q${ST}`;
	const {palette, indices} = quantize(image, 256);
	return sixelIndexed(indices, image.width, image.height, palette);
}

/**
 * Wraps one sequence for tmux passthrough (`ESC Ptmux; … ESC \`, each ESC inside doubled). tmux forwards it to
 * the outer terminal only with `allow-passthrough` on.
 */
export function tmuxPassthrough(sequence: string): string {
	return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}`;
}
