/**
 * The terminal's cell size: the reply parser (whole, partial, garbage, among other replies and keys), the one
 * question both the explorer and `sdstats preview` ask (answered on DA1, else the timeout), and the preview
 * command's wait on a fake terminal: no sleeps, the clock is the test's.
 */
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {
	CELL_QUERY,
	cellFromReplies,
	cellReply,
	parseCellOption,
	textAreaReply,
} from '../../source/core/preview/cell-size.js';
import {parseProbeReplies, PROBE_QUERY, PROBE_REPLY} from '../../source/core/preview/detect.js';
import {queryTerminal, type SetTimer} from '../../source/core/preview/terminal-query.js';
import {askCellSize, CELL_QUERY_TIMEOUT_MS} from '../../source/commands/terminal-cell.js';
import {
	askAgainOnResize,
	filteringStdin,
	initialImages,
	RESIZE_SETTLE_MS,
	serialQuestions,
	startProbe,
} from '../../source/ui/terminal-images.js';
import type {PreviewOutput} from '../../source/ui/state/types.js';

const ESC = '\u001B';
const DA1 = `${ESC}[?62;4;22c`;

/** Timers that fire only when the test says so. */
function manualTimers(): {setTimer: SetTimer; fire(): void; pending(): number; delays: number[]} {
	const timers = new Set<() => void>();
	const delays: number[] = [];
	return {
		setTimer(fn, ms) {
			delays.push(ms);
			timers.add(fn);
			return {cancel: () => timers.delete(fn)};
		},
		fire() {
			for (const fn of [...timers]) {
				timers.delete(fn);
				fn();
			}
		},
		pending: () => timers.size,
		delays,
	};
}

describe('the reply parser', () => {
	test('CSI 6 ; height ; width t is the cell, width first in the answer', () => {
		expect(cellReply(`${ESC}[6;18;9t`)).toEqual({width: 9, height: 18});
		expect(cellFromReplies(`${ESC}[6;20;10t${DA1}`)).toEqual({width: 10, height: 20});
	});

	test('a partial reply is no answer until its last byte comes', () => {
		const whole = `${ESC}[6;17;8t`;
		for (let cut = 0; cut < whole.length; cut++) expect(cellReply(whole.slice(0, cut))).toBeNull();
		expect(cellReply(whole)).toEqual({width: 8, height: 17});
	});

	test('garbage is no answer: zero, huge, missing fields, letters, a lone ESC', () => {
		for (const garbage of [
			`${ESC}[6;0;0t`,
			`${ESC}[6;20;0t`,
			`${ESC}[6;1;1t`,
			`${ESC}[6;99999;10t`,
			`${ESC}[6;20t`,
			`${ESC}[6;;10t`,
			`${ESC}[6;a;bt`,
			`${ESC}[6;20;10`,
			`${ESC}6;20;10t`,
			'[6;20;10t',
			ESC,
			'\u0000\u00ff garbage',
		])
			expect(cellFromReplies(garbage, {columns: 80, rows: 24}), JSON.stringify(garbage)).toBeNull();
	});

	test('other replies and keys around and between: DA1, XTVERSION, the kitty probe, typed keys', () => {
		const input = `j${DA1}k${ESC}P>|XTerm(390)${ESC}\\${ESC}_Gi=31;OK${ESC}\\${ESC}[6;16;8t${ESC}[4;768;1024t q`;
		expect(cellFromReplies(input, {columns: 80, rows: 24})).toEqual({width: 8, height: 16});
		// DA1 before the cell reply (a terminal answering out of order) still gives the cell.
		expect(cellFromReplies(`${DA1}${ESC}[6;16;8t`)).toEqual({width: 8, height: 16});
		// A first reply that is garbage does not hide a good one after it.
		expect(cellFromReplies(`${ESC}[6;0;0t${ESC}[6;16;8t`)).toEqual({width: 8, height: 16});
	});

	test('without a cell reply, the text area divided by the grid (padding rounds down)', () => {
		expect(textAreaReply(`${ESC}[4;396;639t`)).toEqual({width: 639, height: 396});
		// kitty 0.26 under Xvfb: 71×22 cells of 9×18 in a 639×396 text area.
		expect(cellFromReplies(`${ESC}[4;396;639t${DA1}`, {columns: 71, rows: 22})).toEqual({width: 9, height: 18});
		expect(cellFromReplies(`${ESC}[4;400;645t`, {columns: 71, rows: 22})).toEqual({width: 9, height: 18});
		// No grid known, or a nonsense one: no answer.
		expect(cellFromReplies(`${ESC}[4;396;639t`)).toBeNull();
		expect(cellFromReplies(`${ESC}[4;396;639t`, {columns: 0, rows: 22})).toBeNull();
		expect(cellFromReplies(`${ESC}[4;10;10t`, {columns: 80, rows: 24})).toBeNull();
		// The cell reply wins over the text area.
		expect(cellFromReplies(`${ESC}[4;396;639t${ESC}[6;20;10t`, {columns: 71, rows: 22})).toEqual({
			width: 10,
			height: 20,
		});
	});

	test('the explorer probe reads the same replies, and takes the text area out of the keys too', () => {
		expect(PROBE_QUERY).toContain(`${ESC}[16t${ESC}[14t${ESC}[c`);
		expect(parseProbeReplies(`${ESC}[4;396;639t${DA1}`, {columns: 71, rows: 22}).cell).toEqual({
			width: 9,
			height: 18,
		});
		expect(parseProbeReplies(`${ESC}[6;0;0t${DA1}`).cell).toBeNull();
		expect(`a${ESC}[4;396;639tb${ESC}[6;18;9tc${DA1}`.replace(PROBE_REPLY, '')).toBe('abc');
	});

	test('--cell WxH', () => {
		expect(parseCellOption('9x18')).toEqual({width: 9, height: 18});
		expect(parseCellOption('10×20')).toEqual({width: 10, height: 20});
		expect(parseCellOption(' 8X16 ')).toEqual({width: 8, height: 16});
		for (const bad of ['', '9', '9x', 'x18', '0x18', '9x1000', '9.5x18', '-9x18', '9x18x2', 'ninexeighteen'])
			expect(parseCellOption(bad), bad).toMatchObject({error: expect.stringContaining('WIDTHxHEIGHT')});
	});
});

describe('one question to the terminal', () => {
	test('written once; answered when DA1 arrives, however the bytes are cut', () => {
		const timers = manualTimers();
		const written: string[] = [];
		const done: Array<[string, boolean]> = [];
		const query = queryTerminal({
			query: CELL_QUERY,
			write: (text) => written.push(text),
			timeoutMs: 700,
			setTimer: timers.setTimer,
			onDone: (replies, answered) => done.push([replies, answered]),
		});
		expect(written).toEqual([CELL_QUERY]);
		expect(timers.delays).toEqual([700]);
		const replies = `${ESC}[6;18;9t${DA1}`;
		for (const byte of replies.slice(0, -1)) query.feed(byte);
		expect(done).toEqual([]);
		query.feed(replies.slice(-1));
		expect(done).toEqual([[replies, true]]);
		// The timer is gone; later bytes and the timer change nothing.
		expect(timers.pending()).toBe(0);
		query.feed(`${ESC}[6;1;1t${DA1}`);
		timers.fire();
		expect(done).toHaveLength(1);
	});

	test('no answer: the timeout reports what came (maybe nothing), once', () => {
		const timers = manualTimers();
		const done: Array<[string, boolean]> = [];
		const query = queryTerminal({
			query: CELL_QUERY,
			write: () => undefined,
			timeoutMs: 700,
			setTimer: timers.setTimer,
			onDone: (replies, answered) => done.push([replies, answered]),
		});
		query.feed(`${ESC}[6;18;9t`);
		timers.fire();
		expect(done).toEqual([[`${ESC}[6;18;9t`, false]]);
		query.feed(DA1);
		expect(done).toHaveLength(1);
	});

	test('cancelled: never reported', () => {
		const timers = manualTimers();
		let reported = false;
		const query = queryTerminal({
			query: CELL_QUERY,
			write: () => undefined,
			timeoutMs: 700,
			setTimer: timers.setTimer,
			onDone: () => (reported = true),
		});
		query.cancel();
		expect(timers.pending()).toBe(0);
		query.feed(DA1);
		expect(reported).toBe(false);
	});
});

/** A terminal's input as process.stdin looks to the question: raw mode, data events, pause/resume. */
class FakeTerminalInput extends EventEmitter {
	isTTY = true;
	isRaw = false;
	rawModes: boolean[] = [];
	paused = true;
	failRaw = false;
	setRawMode(mode: boolean): this {
		if (this.failRaw) throw new Error('EIO');
		this.rawModes.push(mode);
		this.isRaw = mode;
		return this;
	}
	resume(): this {
		this.paused = false;
		return this;
	}
	pause(): this {
		this.paused = true;
		return this;
	}
	type(text: string): void {
		this.emit('data', Buffer.from(text, 'latin1'));
	}
}

function fakeOutput(
	input: FakeTerminalInput,
	answer: string | null,
): {write(text: string): void; isTTY: boolean; columns: number; rows: number; written: string[]} {
	const written: string[] = [];
	return {
		isTTY: true,
		columns: 71,
		rows: 22,
		written,
		write(text: string) {
			written.push(text);
			// A quick terminal answers within the write itself.
			if (answer !== null) input.type(answer);
		},
	};
}

/** These tests stand for the terminal's foreground job (the real check reads /proc; see terminal-foreground). */
const inFront = (): boolean => true;

describe('sdstats preview asks the terminal (a fake one)', () => {
	test('the answer: raw mode for the wait only, input paused and the listener gone after', async () => {
		const input = new FakeTerminalInput();
		const output = fakeOutput(input, `${ESC}[6;18;9t${ESC}[4;396;639t${DA1}`);
		const timers = manualTimers();
		await expect(askCellSize(input, output, {setTimer: timers.setTimer, inForeground: inFront})).resolves.toEqual({
			kind: 'answer',
			cell: {width: 9, height: 18},
		});
		expect(output.written).toEqual([CELL_QUERY]);
		expect(input.rawModes).toEqual([true, false]);
		expect(input.paused).toBe(true);
		expect(input.listenerCount('data')).toBe(0);
		expect(timers.pending()).toBe(0);
		expect(timers.delays).toEqual([CELL_QUERY_TIMEOUT_MS]);
	});

	test('replies cut across chunks, with the text area only (CSI 16 t not answered)', async () => {
		const input = new FakeTerminalInput();
		const output = fakeOutput(input, null);
		const timers = manualTimers();
		const asked = askCellSize(input, output, {setTimer: timers.setTimer, inForeground: inFront});
		for (const chunk of [`${ESC}[4;39`, `6;639t${ESC}`, '[?62;', 'c']) input.type(chunk);
		await expect(asked).resolves.toEqual({kind: 'answer', cell: {width: 9, height: 18}});
	});

	test('DA1 alone (tmux, a terminal without the window reports): no cell, no waiting for the timeout', async () => {
		const input = new FakeTerminalInput();
		const timers = manualTimers();
		const asked = askCellSize(input, fakeOutput(input, `${ESC}[?1;2c`), {
			setTimer: timers.setTimer,
			inForeground: inFront,
		});
		await expect(asked).resolves.toEqual({kind: 'answer', cell: null});
		expect(timers.pending()).toBe(0);
	});

	test('no answer at all: the timeout ends the wait, the terminal is given back, nothing else is written', async () => {
		const input = new FakeTerminalInput();
		const output = fakeOutput(input, null);
		const timers = manualTimers();
		const asked = askCellSize(input, output, {setTimer: timers.setTimer, inForeground: inFront});
		let settled = false;
		void asked.then(() => (settled = true));
		await Promise.resolve();
		expect(settled).toBe(false);
		expect(input.isRaw).toBe(true);
		timers.fire();
		await expect(asked).resolves.toEqual({kind: 'answer', cell: null});
		expect(input.rawModes).toEqual([true, false]);
		expect(input.listenerCount('data')).toBe(0);
		expect(output.written).toEqual([CELL_QUERY]);
		// A reply arriving after the timeout is no longer read by us.
		input.type(`${ESC}[6;18;9t${DA1}`);
	});

	test('a half reply then silence: the timeout, and the half reply is no cell', async () => {
		const input = new FakeTerminalInput();
		const timers = manualTimers();
		const asked = askCellSize(input, fakeOutput(input, `${ESC}[6;18;`), {
			setTimer: timers.setTimer,
			inForeground: inFront,
		});
		timers.fire();
		await expect(asked).resolves.toEqual({kind: 'answer', cell: null});
	});

	test('Ctrl-C while waiting (a byte in raw mode) stops the command', async () => {
		const input = new FakeTerminalInput();
		const timers = manualTimers();
		const asked = askCellSize(input, fakeOutput(input, null), {setTimer: timers.setTimer, inForeground: inFront});
		input.type('\u0003');
		await expect(asked).resolves.toEqual({kind: 'interrupted'});
		expect(input.rawModes).toEqual([true, false]);
		expect(timers.pending()).toBe(0);
	});

	test('raw mode already on stays on; no terminal, or raw mode refused: not asked', async () => {
		const input = new FakeTerminalInput();
		input.isRaw = true;
		const timers = manualTimers();
		await askCellSize(input, fakeOutput(input, `${ESC}[6;18;9t${DA1}`), {
			setTimer: timers.setTimer,
			inForeground: inFront,
		});
		expect(input.rawModes).toEqual([true]);

		const piped = new FakeTerminalInput();
		piped.isTTY = false;
		const output = fakeOutput(piped, null);
		await expect(askCellSize(piped, output, {inForeground: inFront})).resolves.toEqual({
			kind: 'answer',
			cell: null,
		});
		expect(output.written).toEqual([]);

		const toPipe = new FakeTerminalInput();
		const pipeOut = {...fakeOutput(toPipe, null), isTTY: false};
		await expect(askCellSize(toPipe, pipeOut, {inForeground: inFront})).resolves.toEqual({
			kind: 'answer',
			cell: null,
		});

		const refused = new FakeTerminalInput();
		refused.failRaw = true;
		const refusedOut = fakeOutput(refused, null);
		await expect(askCellSize(refused, refusedOut, {inForeground: inFront})).resolves.toEqual({
			kind: 'answer',
			cell: null,
		});
		expect(refusedOut.written).toEqual([]);
		expect(refused.listenerCount('data')).toBe(0);
	});
	test('a background job (`sdstats preview NAME &`) does not ask: raw mode would get it stopped (SIGTTOU)', async () => {
		const input = new FakeTerminalInput();
		const output = fakeOutput(input, `${ESC}[6;18;9t${DA1}`);
		await expect(askCellSize(input, output, {inForeground: () => false})).resolves.toEqual({
			kind: 'answer',
			cell: null,
		});
		expect(output.written).toEqual([]);
		expect(input.rawModes).toEqual([]);
		expect(input.listenerCount('data')).toBe(0);
	});
});

describe('the explorer asks for the cell size too', () => {
	const output = (over: Partial<PreviewOutput> = {}): PreviewOutput => ({
		protocol: 'kitty',
		tmux: false,
		cell: {width: 10, height: 20},
		depth: 'truecolor',
		reason: 'kitty, from the environment',
		...over,
	});

	test('which question: the protocol when the environment cannot tell, the cell when pictures are pixels, none for blocks', () => {
		expect(initialImages({TERM: 'xterm-kitty'}, true, true, 'auto').query).toBe('cell');
		expect(initialImages({TERM: 'xterm-256color'}, true, true, 'auto').query).toBe('protocol');
		expect(initialImages({TERM: 'xterm-256color'}, true, true, 'sixel').query).toBe('cell');
		expect(initialImages({TERM: 'linux'}, true, true, 'auto').query).toBeNull();
		expect(initialImages({TERM: 'xterm-kitty'}, true, true, 'blocks').query).toBeNull();
		expect(initialImages({TERM: 'xterm-kitty'}, false, true, 'auto').query).toBeNull();
		expect(initialImages({TERM: 'xterm-kitty', NO_COLOR: '1'}, true, true, 'auto').query).toBeNull();
	});

	test('kitty from the environment: the cell question alone; its answer keeps the protocol and brings the cell', () => {
		const timers = manualTimers();
		const written: string[] = [];
		const decided: PreviewOutput[] = [];
		const probe = startProbe({
			env: {TERM: 'xterm-kitty'},
			write: (text) => written.push(text),
			setting: 'auto',
			color: true,
			initial: output(),
			query: 'cell',
			grid: () => ({columns: 71, rows: 22}),
			onDecided: (next) => decided.push(next),
			setTimer: timers.setTimer,
		});
		expect(written).toEqual([CELL_QUERY]);
		probe.feed(`${ESC}[6;18;9t`);
		expect(decided).toEqual([]);
		probe.feed(DA1);
		expect(decided).toEqual([output({cell: {width: 9, height: 18}})]);
	});

	test('no answer, or the assumed size again: nothing changes, nothing is redrawn', () => {
		for (const replies of [null, `${ESC}[6;20;10t${DA1}`, `${ESC}[?1;2c`]) {
			const timers = manualTimers();
			const decided: PreviewOutput[] = [];
			const probe = startProbe({
				env: {TERM: 'xterm-kitty'},
				write: () => undefined,
				setting: 'auto',
				color: true,
				initial: output(),
				query: 'cell',
				onDecided: (next) => decided.push(next),
				setTimer: timers.setTimer,
			});
			if (replies === null) timers.fire();
			else probe.feed(replies);
			expect(decided, String(replies)).toEqual([]);
			expect(timers.pending()).toBe(0);
		}
	});

	test('an unknown terminal: one question for both, the text area over the grid when CSI 16 t is not answered', () => {
		const timers = manualTimers();
		const written: string[] = [];
		const decided: PreviewOutput[] = [];
		const probe = startProbe({
			env: {TERM: 'xterm-256color'},
			write: (text) => written.push(text),
			setting: 'auto',
			color: true,
			initial: output({protocol: 'blocks', reason: 'half blocks until the terminal answers'}),
			grid: () => ({columns: 100, rows: 30}),
			onDecided: (next) => decided.push(next),
			setTimer: timers.setTimer,
		});
		expect(written).toEqual([PROBE_QUERY]);
		probe.feed(`${ESC}P>|XTerm(390)${ESC}\\${ESC}[4;600;800t${ESC}[?63;1;2;4c`);
		expect(decided).toEqual([
			output({protocol: 'sixel', cell: {width: 8, height: 20}, reason: 'sixel, as the terminal answered'}),
		]);
	});

	test('a resize (a font zoom) asks again, once, when the size has settled; nothing after unsubscribing', () => {
		const timers = manualTimers();
		const resize = new EventEmitter();
		let asked = 0;
		const stop = askAgainOnResize({
			subscribe: (listener) => {
				resize.on('resize', listener);
				return () => resize.off('resize', listener);
			},
			ask: () => asked++,
			setTimer: timers.setTimer,
		});
		expect(asked).toBe(0);
		for (let i = 0; i < 5; i++) resize.emit('resize');
		expect(timers.pending()).toBe(1);
		expect(asked).toBe(0);
		timers.fire();
		expect(asked).toBe(1);
		expect(timers.delays.every((ms) => ms === RESIZE_SETTLE_MS)).toBe(true);
		resize.emit('resize');
		stop();
		expect(timers.pending()).toBe(0);
		expect(resize.listenerCount('resize')).toBe(0);
		timers.fire();
		expect(asked).toBe(1);
	});
});

describe('the explorer asks one question at a time (review19 item 5)', () => {
	/** The explorer's wiring: each question starts from the output the previous answer left. */
	function explorer() {
		const timers = manualTimers();
		const written: string[] = [];
		const cells: string[] = [];
		let current: PreviewOutput = {
			protocol: 'kitty',
			tmux: false,
			cell: {width: 10, height: 20},
			depth: 'truecolor',
			reason: 'kitty, from the environment',
		};
		const questions = serialQuestions((query, onFinished) =>
			startProbe({
				env: {TERM: 'xterm-kitty'},
				write: (text) => written.push(text),
				setting: 'auto',
				color: true,
				initial: current,
				query,
				onDecided: (next) => {
					current = next;
					cells.push(`${next.cell.width}x${next.cell.height}`);
				},
				onFinished,
				setTimer: timers.setTimer,
			}),
		);
		return {questions, timers, written, cells};
	}

	test('regression: a second zoom within one round trip reports the new size, not the previous one', () => {
		const {questions, written, cells} = explorer();
		questions.ask('cell');
		questions.ask('cell');
		questions.ask('cell');
		// The second waits for the first; the third joins it.
		expect(written).toEqual([CELL_QUERY]);
		questions.feed(`${ESC}[6;18;9t${DA1}`);
		expect(written).toEqual([CELL_QUERY, CELL_QUERY]);
		questions.feed(`${ESC}[6;22;11t`);
		questions.feed(DA1);
		expect(cells).toEqual(['9x18', '11x22']);
		expect(written).toHaveLength(2);
	});

	test('a question that timed out: its late replies (cut across chunks) are skipped, not read as the next one', () => {
		const {questions, timers, written, cells} = explorer();
		questions.ask('cell');
		timers.fire();
		expect(cells).toEqual([]);
		questions.ask('cell');
		expect(written).toEqual([CELL_QUERY, CELL_QUERY]);
		for (const chunk of [`${ESC}[6;18;9t${ESC}[?6`, `2;4;22c${ESC}[6;2`, `2;11t${DA1}`]) questions.feed(chunk);
		expect(cells).toEqual(['11x22']);
		expect(timers.pending()).toBe(0);
	});

	test('cancelled (the explorer leaving): nothing more is asked, and late replies go nowhere', () => {
		const {questions, timers, written, cells} = explorer();
		questions.ask('cell');
		questions.ask('cell');
		questions.cancel();
		questions.feed(`${ESC}[6;18;9t${DA1}`);
		questions.ask('cell');
		expect(written).toEqual([CELL_QUERY]);
		expect(cells).toEqual([]);
		expect(timers.pending()).toBe(0);
	});

	test('a protocol question asked meanwhile is not replaced by a cell one (it covers the cell size)', () => {
		const {questions, written} = explorer();
		questions.ask('cell');
		questions.ask('protocol');
		questions.ask('cell');
		questions.feed(DA1);
		expect(written).toEqual([CELL_QUERY, PROBE_QUERY]);
	});
});

describe('replies cut across reads never reach Ink as keys (review19 item 5)', () => {
	function keys(waiting: {now: boolean}) {
		const source = new PassThrough();
		source.setEncoding('utf8');
		const replies: string[] = [];
		const stdin = filteringStdin(
			source as unknown as NodeJS.ReadStream,
			(text) => replies.push(text),
			() => waiting.now,
		);
		/** One read as the terminal delivers it, and what Ink gets from it. */
		const read = (chunk: string): string => {
			source.write(chunk);
			let got = '';
			for (let part = stdin.read() as string | null; part !== null; part = stdin.read() as string | null)
				got += part;
			return got;
		};
		return {stdin, read, replies, source};
	}

	test('a size reply and DA1 cut anywhere: Ink gets only the keys around them', () => {
		const reply = `${ESC}[6;18;9t${DA1}`;
		for (let cut = 3; cut < reply.length; cut++) {
			// Cut just after an ESC: that ESC reads as the Esc key (which is never held back).
			if (reply[cut - 1] === ESC) continue;
			const {read, replies} = keys({now: true});
			const got = read(`j${reply.slice(0, cut)}`) + read(`${reply.slice(cut)}k`);
			expect(got, `cut at ${cut}`).toBe('jk');
			expect(replies.join(''), `cut at ${cut}`).toBe(reply);
		}
	});

	test('no question out: nothing is held (a key is never delayed)', () => {
		const {read} = keys({now: false});
		expect(read(`${ESC}[6;18;`)).toBe(`${ESC}[6;18;`);
	});

	test('the Esc key alone, or an arrow key, is not held while a question is out', () => {
		const {read} = keys({now: true});
		expect(read(ESC)).toBe(ESC);
		expect(read(`${ESC}[A`)).toBe(`${ESC}[A`);
		expect(read(`${ESC}[6~`)).toBe(`${ESC}[6~`);
	});

	test('held bytes that never became a reply are given to Ink when the question is over', () => {
		const waiting = {now: true};
		const {read, stdin, source} = keys(waiting);
		expect(read(`${ESC}[?62;`)).toBe('');
		waiting.now = false;
		let readable = 0;
		source.on('readable', () => readable++);
		stdin.releaseHeld();
		expect(readable).toBeGreaterThan(0);
		expect(stdin.read()).toBe(`${ESC}[?62;`);
	});
});
