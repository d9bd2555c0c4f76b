/**
 * How the explorer's pictures reach this terminal. At start: the environment's answer (instant, so the first
 * frame never waits), and, inside tmux, the allow-passthrough the user declares (SDSTATS_TMUX_PASSTHROUGH).
 * Then, after the first frame, one batched query: when the environment cannot tell, XTVERSION, the kitty
 * probe, the cell size, DA1 last; when it can and the pictures are pixels (kitty, iTerm2, sixel), the cell
 * size alone (no variable tells it; until the answer, 10×20 is assumed). The replies are taken out of the key
 * stream (they never become keys, however late they come) and the answer, when it changes anything, is
 * handed to the app. A terminal that never answers stays on half blocks, or on the assumed cell size.
 */
import {
	DA1_REPLY,
	decideProtocol,
	insideTmux,
	parseProbeReplies,
	PROBE_QUERY,
	PROBE_REPLY,
	trueColour,
	type Environment,
	type ImagesSetting,
} from '../core/preview/detect.js';
import {CELL_QUERY} from '../core/preview/cell-size.js';
import {DEFAULT_CELL_PIXELS} from '../core/preview/pixels.js';
import {queryTerminal, realTimer, type SetTimer, type TerminalQuery} from '../core/preview/terminal-query.js';
import type {PreviewOutput} from './state/types.js';

/** How long the terminal has to answer (a slow SSH link included); the explorer is usable all along. */
export const PROBE_TIMEOUT_MS = 1500;

/**
 * tmux's allow-passthrough as the user declares it. sdstats starts no process (no process module anywhere in
 * source/: a security rule with its own test), so it does not ask tmux itself; `SDSTATS_TMUX_PASSTHROUGH=on` says
 * graphics may travel through, otherwise tmux gets half blocks.
 */
function tmuxPassthrough(env: Environment): string | null {
	if (!insideTmux(env)) return null;
	return env['SDSTATS_TMUX_PASSTHROUGH']?.trim().toLowerCase() ?? null;
}

export type TerminalImages = {
	output: PreviewOutput;
	/**
	 * What to ask the terminal after the first frame: `protocol` when the environment cannot tell which pictures
	 * it draws (the cell size comes with it), `cell` when it can but the pictures are pixels sized to the cell,
	 * which no environment variable tells; null: nothing to ask.
	 */
	query: 'protocol' | 'cell' | null;
};

export function initialImages(
	env: Environment,
	isTTY: boolean,
	color: boolean,
	setting: ImagesSetting,
): TerminalImages {
	const passthrough = tmuxPassthrough(env);
	const decision = decideProtocol({env, output: {isTTY, color}, setting, passthrough});
	const pixels = decision.protocol !== null && decision.protocol !== 'blocks';
	return {
		output: {
			protocol: decision.protocol,
			tmux: decision.tmux,
			cell: DEFAULT_CELL_PIXELS,
			depth: trueColour(env) ? 'truecolor' : '256',
			reason: decision.reason,
		},
		query: decision.query ? 'protocol' : pixels ? 'cell' : null,
	};
}

type Readable = NodeJS.ReadStream;

/**
 * The start of a reply cut at the end of a read: `ESC [ ?` (DA1), `ESC [ 4 ;` / `ESC [ 6 ;` (the sizes), `ESC _ G`
 * (kitty), `ESC P >` (XTVERSION), `ESC [` alone, and what may follow before the reply's last byte (a whole key
 * such as an arrow, `ESC [ A`, or PageDown, `ESC [ 6 ~`, never ends like that). A lone ESC is not held: that is the
 * Esc key, far likelier than a reply cut just after its first byte.
 */
const REPLY_START = /\u001B(?:\[(?:\?[\d;]*|[46](?:;[\d;]*)?)?|_G[^\u001B]*\u001B?|P>(?:\|[^\u001B]*\u001B?)?)$/;

/**
 * A stdin for Ink from which the probe's replies are removed (collected for `onReplies`); every other byte is
 * Ink's as before. While a question is out (`waiting`), the start of a reply cut at the end of a read is held
 * back and joined to the next read, so its halves never reach Ink as keys (Esc, digits, a `t` that would open
 * the tag prompt); `releaseHeld` gives Ink what is still held once the question is over (it was not a reply).
 */
export function filteringStdin(
	stdin: Readable,
	onReplies: (replies: string) => void,
	waiting: () => boolean = () => false,
): Readable & {releaseHeld(): void} {
	let held = '';
	let released = '';
	const filter = (text: string): string => {
		const whole = held + text;
		held = '';
		const replies = whole.match(PROBE_REPLY);
		if (replies) onReplies(replies.join(''));
		let rest = replies ? whole.replace(PROBE_REPLY, '') : whole;
		const cut = waiting() ? REPLY_START.exec(rest) : null;
		if (cut) {
			held = cut[0];
			rest = rest.slice(0, cut.index);
		}
		return rest;
	};
	const strip = (chunk: unknown): unknown => {
		if (chunk === null) return null;
		const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
		if (text === null || (!text.includes('\u001B') && held === '')) return chunk;
		const rest = filter(text);
		return typeof chunk === 'string' ? rest : Buffer.from(rest, 'utf8');
	};
	const releaseHeld = (): void => {
		if (held === '') return;
		released += held;
		held = '';
		// Ink reads on 'readable'; the bytes come from `read` below.
		stdin.emit('readable');
	};
	return new Proxy(stdin, {
		get(target, property, receiver) {
			if (property === 'releaseHeld') return releaseHeld;
			if (property === 'read') {
				return (...args: unknown[]) => {
					if (released !== '') {
						const text = released;
						released = '';
						return text;
					}
					// A chunk that held only replies is skipped: Ink must not see an empty key.
					for (;;) {
						const chunk = strip((target.read as (...a: unknown[]) => unknown)(...args));
						if (
							chunk === null ||
							(typeof chunk === 'string' ? chunk.length > 0 : (chunk as Buffer).length > 0)
						)
							return chunk;
					}
				};
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	}) as Readable & {releaseHeld(): void};
}

/**
 * Sends the query and reports the decision once DA1 arrives (or the timeout passes): the protocol (for a
 * `protocol` query; a `cell` query keeps the one the environment named) and the cell size, reported only when
 * either changed. Returns a function that feeds replies (from `filteringStdin`) and a cancel.
 */
export function startProbe(options: {
	env: Environment;
	write: (text: string) => void;
	setting: ImagesSetting;
	color: boolean;
	initial: PreviewOutput;
	onDecided: (output: PreviewOutput) => void;
	/** Which question (TerminalImages.query); `protocol` unless told. */
	query?: 'protocol' | 'cell';
	/** The terminal's columns and rows when the replies arrive (a text-area reply is divided by them). */
	grid?: () => {columns?: number; rows?: number};
	setTimer?: SetTimer;
	/** Called once the question is over, after onDecided: answered (DA1 came) or not (the timeout passed). */
	onFinished?: (answered: boolean) => void;
}): TerminalQuery {
	const kind = options.query ?? 'protocol';
	return queryTerminal({
		query: kind === 'protocol' ? PROBE_QUERY : CELL_QUERY,
		write: options.write,
		timeoutMs: PROBE_TIMEOUT_MS,
		...(options.setTimer ? {setTimer: options.setTimer} : {}),
		onDone: (buffer, answered) => {
			decide(buffer);
			options.onFinished?.(answered);
		},
	});
	function decide(buffer: string): void {
		const replies = parseProbeReplies(buffer, options.grid?.() ?? {});
		const decision =
			kind === 'protocol'
				? decideProtocol({
						env: options.env,
						output: {isTTY: true, color: options.color},
						setting: options.setting,
						replies,
					})
				: {protocol: options.initial.protocol, tmux: options.initial.tmux, reason: options.initial.reason};
		const cell = replies.cell ?? options.initial.cell;
		if (
			decision.protocol !== options.initial.protocol ||
			cell.width !== options.initial.cell.width ||
			cell.height !== options.initial.cell.height
		) {
			options.onDecided({
				...options.initial,
				protocol: decision.protocol,
				tmux: decision.tmux,
				cell,
				reason: decision.reason,
			});
		}
	}
}

type Question = 'protocol' | 'cell';

/**
 * The explorer's questions, one at a time. The terminal answers in order, so a question asked while another is
 * in flight waits for it: cancelling the first and asking at once would feed the first one's late replies and
 * DA1 to the second, which would take the first cell size it saw and end on the first DA1 (a second font zoom
 * within one round trip would report the previous size). Questions asked meanwhile make one more, after it (a
 * protocol question covers a cell one). A question that timed out still owes its replies: they are skipped, up
 * to and with their DA1, before later replies count.
 */
export function serialQuestions(
	start: (question: Question, onFinished: (answered: boolean) => void) => TerminalQuery,
): {ask(question: Question): void; feed(replies: string): void; cancel(): void; waiting(): boolean} {
	let current: TerminalQuery | null = null;
	let next: Question | null = null;
	let owed = 0;
	let skipped = '';
	let cancelled = false;
	// Which question is the live one: a cancelled or replaced one that still reports is ignored.
	let live: object | null = null;
	const run = (question: Question): void => {
		const token = {};
		live = token;
		const query = start(question, (answered) => {
			if (live !== token) return;
			live = null;
			current = null;
			if (!answered) owed++;
			const queued = next;
			next = null;
			if (queued !== null && !cancelled) run(queued);
		});
		// Not when it finished within start itself (a reply fed at once; the next may be live already).
		if (live === token) current = query;
	};
	const feed = (replies: string): void => {
		if (owed > 0) {
			skipped += replies;
			const match = DA1_REPLY.exec(skipped);
			if (!match) return;
			const rest = skipped.slice(match.index + match[0].length);
			skipped = '';
			owed--;
			if (rest) feed(rest);
			return;
		}
		current?.feed(replies);
	};
	return {
		ask(question) {
			if (cancelled) return;
			if (live === null) run(question);
			else next = next === 'protocol' ? 'protocol' : question;
		},
		feed,
		waiting: () => live !== null,
		cancel() {
			cancelled = true;
			next = null;
			live = null;
			current?.cancel();
			current = null;
		},
	};
}

/** How long the terminal's size must stay put before the cell size is asked again. */
export const RESIZE_SETTLE_MS = 300;

/**
 * A font zoom (kitty's ctrl+shift+=, iTerm2's ⌘+) changes the cells' pixels and the grid together, and the
 * terminal reports only the grid: so after a resize, once the size settles, `ask` runs again (the explorer
 * sends the cell question). Returns the unsubscribe.
 */
export function askAgainOnResize(options: {
	subscribe: (listener: () => void) => () => void;
	ask: () => void;
	setTimer?: SetTimer;
}): () => void {
	let pending: {cancel(): void} | null = null;
	const unsubscribe = options.subscribe(() => {
		pending?.cancel();
		pending = (options.setTimer ?? realTimer)(() => {
			pending = null;
			options.ask();
		}, RESIZE_SETTLE_MS);
	});
	return () => {
		pending?.cancel();
		pending = null;
		unsubscribe();
	};
}
