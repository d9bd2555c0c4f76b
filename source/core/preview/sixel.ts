/**
 * A sixel encoder for pictures already reduced to a palette (quantize.ts): bytes written straight into one
 * reused buffer, one pass over the pixels per band of six rows.
 *
 * Why our own, not the `sixel` package's `sixelEncode`: that one takes RGBA and matches every pixel's colour
 * to a register through a Map, and builds each band from thousands of small strings; a cold grid encodes ~70
 * cells, and in its profile the package's band loop and the garbage it leaves were the largest JavaScript cost
 * after the decoder (~2 ms a 120×82 cell, against ~0.2 ms here). Its `sixelEncodeIndexed` drops repeated
 * palette colours, which shifts every later index, so it cannot take our palette as it is. The package's
 * decoder still checks this output in the tests, with libsixel's sixel2png.
 *
 * Format (DEC STD 070, as libsixel writes it): DCS `P0;1;q` (background select 1: pixels left out keep what is
 * under them), raster attributes `"1;1;W;H`, one `#n;2;R;G;B` per register (percent), then per band of six
 * rows, per colour in it: `#n`, the columns' six-bit codes (63 + bits, runs as `!count`), `$` back to the
 * band's start; `-` between bands, ST at the end. Pure.
 */

const ESC = 0x1b;

/** Above this many bytes the reused buffers are let go after the picture (a grid cell needs ~15 KB and ~30 KB). */
const KEEP_BYTES = 256 * 1024;
/** The output being written (reused; grown by doubling) and its length. */
let out = new Uint8Array(64 * 1024);
let length = 0;
/** Per colour × column: the six-bit code of the band being written (reused, all zero between bands). */
let codes = new Uint8Array(0);
const firstX = new Int32Array(256);
const lastX = new Int32Array(256);
const inBand = new Uint8Array(256);
const bandColours = new Int32Array(256);

function room(more: number): void {
	if (length + more <= out.length) return;
	let size = out.length * 2;
	while (size < length + more) size *= 2;
	const grown = new Uint8Array(size);
	grown.set(out.subarray(0, length));
	out = grown;
}

function byte(value: number): void {
	out[length++] = value;
}

function number(value: number): void {
	if (value >= 10) number(Math.floor(value / 10));
	out[length++] = 48 + (value % 10);
}

/** `count` columns of one code: `!count` and the code from four on (shorter), the code repeated below. */
function run(code: number, count: number): void {
	if (count > 3) {
		byte(0x21);
		number(count);
		byte(63 + code);
	} else for (let i = 0; i < count; i++) byte(63 + code);
}

/**
 * The DCS sequence that draws `indices` (width×height palette indices, rows top to bottom) in `palette`'s
 * colours (at most 256; more than the 256 registers terminals agree on would not show).
 */
export function sixelIndexed(
	indices: Uint8Array,
	width: number,
	height: number,
	palette: ReadonlyArray<readonly [number, number, number]>,
): string {
	if (palette.length > 256) throw new Error(`a sixel palette holds at most 256 colours, not ${palette.length}`);
	if (indices.length < width * height) throw new Error('fewer indices than pixels');
	length = 0;
	room(64 + palette.length * 20);
	// ESC P 0 ; 1 ; q
	byte(ESC);
	byte(0x50);
	byte(0x30);
	byte(0x3b);
	byte(0x31);
	byte(0x3b);
	byte(0x71);
	byte(0x22);
	for (const value of [1, 1, width, height]) {
		number(value);
		byte(0x3b);
	}
	length--;
	palette.forEach(([r, g, b], index) => {
		byte(0x23);
		number(index);
		byte(0x3b);
		byte(0x32);
		for (const channel of [r, g, b]) {
			byte(0x3b);
			number(Math.round((channel / 255) * 100));
		}
	});
	if (codes.length < palette.length * width) codes = new Uint8Array(palette.length * width);
	for (let top = 0; top < height; top += 6) {
		const rows = Math.min(6, height - top);
		let colours = 0;
		for (let row = 0; row < rows; row++) {
			const bit = 1 << row;
			const start = (top + row) * width;
			for (let x = 0; x < width; x++) {
				const colour = indices[start + x]!;
				if (inBand[colour] === 0) {
					inBand[colour] = 1;
					bandColours[colours++] = colour;
					firstX[colour] = x;
					lastX[colour] = x;
				} else {
					if (x < firstX[colour]!) firstX[colour] = x;
					if (x > lastX[colour]!) lastX[colour] = x;
				}
				const at = colour * width + x;
				codes[at] = codes[at]! | bit;
			}
		}
		// Per colour at most `#nnn`, a byte per column (a run of four or more is never longer than its columns), `$`.
		room(colours * (width + 6) + 3);
		// Graphics new line between bands; none after the last (the cursor stays on the picture's last band).
		if (top > 0) byte(0x2d);
		for (let c = 0; c < colours; c++) {
			const colour = bandColours[c]!;
			inBand[colour] = 0;
			byte(0x23);
			number(colour);
			const base = colour * width;
			const from = firstX[colour]!;
			const to = lastX[colour]!;
			if (from > 0) run(0, from);
			let code = codes[base + from]!;
			let count = 1;
			codes[base + from] = 0;
			for (let x = from + 1; x <= to; x++) {
				const next = codes[base + x]!;
				codes[base + x] = 0;
				if (next === code) count++;
				else {
					run(code, count);
					code = next;
					count = 1;
				}
			}
			run(code, count);
			byte(0x24);
		}
	}
	room(2);
	// ST
	byte(ESC);
	byte(0x5c);
	const text = Buffer.from(out.buffer, 0, length).toString('latin1');
	// A full-screen picture grows these to megabytes: back to a cell's size, so the thread does not keep them.
	if (out.length > KEEP_BYTES) out = new Uint8Array(64 * 1024);
	if (codes.length > KEEP_BYTES) codes = new Uint8Array(0);
	return text;
}
