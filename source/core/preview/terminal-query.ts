/**
 * One question to the terminal, for the explorer and for `sdstats preview` alike: the query is written, the
 * replies are fed in as they come (by whoever reads the input), and the answer is reported once, when DA1's
 * reply arrives (terminals answer in order and DA1 is asked last, so everything else is in) or when the
 * timeout passes (a pipe, tmux without passthrough, a terminal that does not answer, a link too slow): then
 * with whatever arrived, which may be nothing. No I/O of its own: writing, the timer and the input are handed in.
 */
import {DA1_REPLY} from './detect.js';

export type Timer = {cancel(): void};
export type SetTimer = (fn: () => void, ms: number) => Timer;

export type TerminalQuery = {
	/** Reply bytes read from the terminal (other bytes among them are fine). */
	feed(replies: string): void;
	/** Stop waiting without an answer (the program is leaving). */
	cancel(): void;
};

/** A real timer that never keeps the process alive by itself. */
export const realTimer: SetTimer = (fn, ms) => {
	const handle = setTimeout(fn, ms);
	handle.unref?.();
	return {cancel: () => clearTimeout(handle)};
};

export function queryTerminal(options: {
	query: string;
	write: (text: string) => void;
	timeoutMs: number;
	/** Called once: everything fed so far, and whether the DA1 sentinel came (false: the timeout passed). */
	onDone: (replies: string, answered: boolean) => void;
	setTimer?: SetTimer;
}): TerminalQuery {
	let buffer = '';
	let done = false;
	const finish = (answered: boolean): void => {
		if (done) return;
		done = true;
		timer.cancel();
		options.onDone(buffer, answered);
	};
	const timer = (options.setTimer ?? realTimer)(() => finish(false), options.timeoutMs);
	options.write(options.query);
	return {
		feed(replies) {
			if (done) return;
			buffer += replies;
			if (DA1_REPLY.test(buffer)) finish(true);
		},
		cancel() {
			done = true;
			timer.cancel();
		},
	};
}
