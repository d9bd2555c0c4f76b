/**
 * A drop-in for Ink's `Output` (ink/build/output.js), swapped in by the bundle (scripts/bundle.mjs), that
 * produces the same frames and remembers each screen row between frames.
 *
 * Why: Ink builds every frame cell by cell: each row of each text is tokenized into one object per character,
 * laid into a fresh grid, and turned back into a string by diffing every character's styles with its
 * neighbour's. For a full 160×45 explorer screen that is ≈40 ms on every key press, although a key usually
 * changes two or three rows. Here the writes are first grouped by row; a row whose writes (after clipping and
 * Ink's transforms) are exactly those of a row already built is taken from a cache, and only the others are
 * built, with Ink's own per-character algorithm. Rows are independent in Ink's algorithm (a write touches only
 * the rows its lines land on), so the frame is identical: test/ui/ink-output.test.ts checks it against Ink's
 * own class on generated frames.
 */
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import {memoizeString} from '../core/string-interner.js';
import {
	ansiCodesToString,
	diffAnsiCodes,
	reduceAnsiCodesIncremental,
	tokenize,
	type AnsiCode,
	type StyledChar,
} from '@alcalzone/ansi-tokenize';

type Transformer = (line: string, index: number) => string;
type Clip = {x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined};
type Operation =
	| {type: 'write'; x: number; y: number; text: string; transformers: readonly Transformer[]}
	| {type: 'clip'; clip: Clip}
	| {type: 'unclip'};
/** One line of one write, where it lands on its row. */
type Fragment = {x: number; line: string};

/** Rows built, by their key (see rowKey); forgotten all at once when full, as memoizeString's tables are. */
let builtRows = new Map<string, string>();
const ROWS_KEPT = 4096;

function sameCodes(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
	return true;
}

/**
 * A line's characters with their styles: ansi-tokenize's `styledCharsFromTokens`, except that characters with
 * the same styles share one styles array, so that `rowToString` can tell "no change of style" by identity. The
 * library copies the array for every character (an object spread and an array copy each), which, with a pass
 * comparing neighbours after it, was a third of building a page of new rows before V8 had optimised it.
 */
const styledChars = memoizeString((line: string): StyledChar[] => {
	let styles: AnsiCode[] = [];
	const chars: StyledChar[] = [];
	for (const token of tokenize(line)) {
		if (token.type === 'ansi') {
			const next = reduceAnsiCodesIncremental(styles, [token]);
			if (!sameCodes(styles, next)) styles = next;
		} else {
			chars.push({type: 'char', value: token.value, fullWidth: token.fullWidth, styles});
		}
	}
	return chars;
}, 8192);

/** The blank cell's styles, shared by every blank (Ink makes an empty array per cell). */
const NO_STYLES: AnsiCode[] = [];

/**
 * ansi-tokenize's `styledCharsToString`, except that between two cells holding the same styles array no
 * difference is computed: the difference of a style with itself is empty, so the text is the same.
 */
function rowToString(cells: readonly StyledChar[]): string {
	let text = '';
	for (let i = 0; i < cells.length; i++) {
		const cell = cells[i]!;
		if (i === 0) text += ansiCodesToString(cell.styles);
		else if (cells[i - 1]!.styles !== cell.styles)
			text += ansiCodesToString(diffAnsiCodes(cells[i - 1]!.styles, cell.styles));
		text += cell.value;
		if (i === cells.length - 1) text += ansiCodesToString(diffAnsiCodes(cell.styles, []));
	}
	return text;
}

const widthOf = memoizeString(stringWidth, 8192);

function widestLine(text: string): number {
	let widest = 0;
	for (const line of text.split('\n')) widest = Math.max(widest, widthOf(line));
	return widest;
}

/** A row's cache key: its width and its fragments, each length-prefixed so no two lists of fragments collide. */
function rowKey(width: number, fragments: readonly Fragment[]): string {
	let key = `${width}`;
	for (const {x, line} of fragments) key += `|${x}:${line.length}:${line}`;
	return key;
}

/** Ink's own per-character construction of one row. */
function buildRow(width: number, fragments: readonly Fragment[]): string {
	const cells: StyledChar[] = [];
	for (let x = 0; x < width; x++) cells.push({type: 'char', value: ' ', fullWidth: false, styles: NO_STYLES});
	for (const {x, line} of fragments) {
		let offsetX = x;
		for (const character of styledChars(line)) {
			cells[offsetX] = character;
			const characterWidth = Math.max(1, widthOf(character.value));
			for (let index = 1; index < characterWidth; index++) {
				cells[offsetX + index] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
			}
			offsetX += characterWidth;
		}
	}
	// Writes past the right edge can leave holes in the array; Ink drops them.
	return rowToString(cells.filter((cell) => cell !== undefined)).trimEnd();
}

export default class Output {
	width: number;
	height: number;
	private readonly operations: Operation[] = [];

	constructor(options: {width: number; height: number}) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: {transformers: readonly Transformer[]}): void {
		if (!text) return;
		this.operations.push({type: 'write', x, y, text, transformers: options.transformers});
	}

	clip(clip: Clip): void {
		this.operations.push({type: 'clip', clip});
	}

	unclip(): void {
		this.operations.push({type: 'unclip'});
	}

	get(): {output: string; height: number} {
		const rows: Fragment[][] = [];
		for (let y = 0; y < this.height; y++) rows.push([]);
		const clips: Clip[] = [];
		for (const operation of this.operations) {
			if (operation.type === 'clip') clips.push(operation.clip);
			else if (operation.type === 'unclip') clips.pop();
			else this.place(operation, clips.at(-1), rows);
		}
		const lines: string[] = [];
		for (const fragments of rows) {
			const key = rowKey(this.width, fragments);
			let line = builtRows.get(key);
			if (line === undefined) {
				line = buildRow(this.width, fragments);
				if (builtRows.size >= ROWS_KEPT) builtRows = new Map();
				builtRows.set(key, line);
			}
			lines.push(line);
		}
		return {output: lines.join('\n'), height: rows.length};
	}

	/** Clips one write and files its lines under their rows, exactly as Ink's `get` walks them. */
	private place(operation: Extract<Operation, {type: 'write'}>, clip: Clip | undefined, rows: Fragment[][]): void {
		const {text, transformers} = operation;
		let {x, y} = operation;
		let lines = text.split('\n');
		if (clip) {
			const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (clipHorizontally && (x + widestLine(text) < clip.x1! || x > clip.x2!)) return;
			if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) return;
			if (clipHorizontally) {
				const x1 = clip.x1!;
				const x2 = clip.x2!;
				lines = lines.map((line) => {
					const from = x < x1 ? x1 - x : 0;
					const width = widthOf(line);
					const to = x + width > x2 ? x2 - x : width;
					return sliceAnsi(line, from, to);
				});
				if (x < x1) x = x1;
			}
			if (clipVertically) {
				const y1 = clip.y1!;
				const y2 = clip.y2!;
				const from = y < y1 ? y1 - y : 0;
				const height = lines.length;
				const to = y + height > y2 ? y2 - y : height;
				lines = lines.slice(from, to);
				if (y < y1) y = y1;
			}
		}
		let offsetY = 0;
		for (const [index, original] of lines.entries()) {
			const row = rows[y + offsetY];
			// Ink does not move on past a line that falls outside the output, so neither do the lines after it.
			if (!row) continue;
			let line = original;
			for (const transformer of transformers) line = transformer(line, index);
			row.push({x, line});
			offsetY++;
		}
	}
}
