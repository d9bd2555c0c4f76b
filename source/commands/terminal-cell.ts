/**
 * `sdstats preview` asks the terminal how many pixels a cell covers, so sixel pictures fill exactly the cells
 * reserved for them and kitty / iTerm2 pictures are sent at the terminal's own resolution. Only on a terminal
 * (standard input and output both one: the replies come back on the input); the input is put in raw mode for
 * the wait (no echo, no line buffering) and given back as it was, whatever happens. The wait ends on DA1's
 * reply, or after TIMEOUT_MS for a terminal that does not answer: then the caller keeps its assumption, and
 * nothing is printed. Ctrl-C during the wait (a byte, in raw mode) is reported, so the command can stop.
 * Not asked from a background job (`sdstats preview NAME &`): changing the terminal's modes there would get the
 * job stopped by SIGTTOU, so the size is assumed instead (also where being in front cannot be told).
 */
import {CELL_QUERY, cellFromReplies} from '../core/preview/cell-size.js';
import type {CellPixels} from '../core/preview/pixels.js';
import {queryTerminal, type SetTimer, type TerminalQuery} from '../core/preview/terminal-query.js';
import {inTerminalForeground} from '../terminal-foreground.js';

/** Long enough for a terminal across a slow SSH link; the wait ends as soon as DA1's reply is in. */
export const CELL_QUERY_TIMEOUT_MS = 1000;

/** The parts of a terminal's input stream the question uses (process.stdin; a fake in the tests). */
export type TerminalInput = {
	isTTY?: boolean;
	isRaw?: boolean;
	setRawMode?(mode: boolean): unknown;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	resume(): unknown;
	pause(): unknown;
};

export type TerminalOutput = {
	write(text: string): unknown;
	isTTY?: boolean;
	columns?: number;
	rows?: number;
};

export type CellAnswer =
	/** `cell` null: no (usable) answer; keep assuming. */
	| {kind: 'answer'; cell: CellPixels | null}
	/** Ctrl-C was pressed while waiting. */
	| {kind: 'interrupted'};

export function canAskCell(
	input: TerminalInput,
	output: TerminalOutput,
	inForeground: () => boolean = inTerminalForeground,
): boolean {
	return input.isTTY === true && output.isTTY === true && typeof input.setRawMode === 'function' && inForeground();
}

export function askCellSize(
	input: TerminalInput,
	output: TerminalOutput,
	options: {timeoutMs?: number; setTimer?: SetTimer; inForeground?: () => boolean} = {},
): Promise<CellAnswer> {
	if (!canAskCell(input, output, options.inForeground)) return Promise.resolve({kind: 'answer', cell: null});
	return new Promise((resolve) => {
		const wasRaw = input.isRaw === true;
		let settled = false;
		// Bytes that arrive before the query object exists (a terminal answering within the write itself).
		let query: TerminalQuery | null = null;
		const early: string[] = [];
		const settle = (answer: CellAnswer): void => {
			if (settled) return;
			settled = true;
			query?.cancel();
			input.off('data', onData);
			try {
				if (!wasRaw) input.setRawMode!(false);
			} catch {
				// The terminal went away; there is nothing left to give back.
			}
			input.pause();
			resolve(answer);
		};
		const onData = (chunk: Buffer | string): void => {
			const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
			if (text.includes('\u0003')) settle({kind: 'interrupted'});
			else if (query) query.feed(text);
			else early.push(text);
		};
		try {
			input.setRawMode!(true);
		} catch {
			resolve({kind: 'answer', cell: null});
			return;
		}
		input.on('data', onData);
		input.resume();
		query = queryTerminal({
			query: CELL_QUERY,
			write: (text) => output.write(text),
			timeoutMs: options.timeoutMs ?? CELL_QUERY_TIMEOUT_MS,
			...(options.setTimer ? {setTimer: options.setTimer} : {}),
			onDone: (replies) =>
				settle({kind: 'answer', cell: cellFromReplies(replies, {columns: output.columns, rows: output.rows})}),
		});
		for (const text of early.splice(0)) query.feed(text);
	});
}
