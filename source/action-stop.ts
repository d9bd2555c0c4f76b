/**
 * How an archive, trash or undo on the command line is stopped after the session being moved: Ctrl-C (the
 * signal), and on a terminal Esc, read from the keyboard while folders move.
 */
import process from 'node:process';
import {EXIT_INTERRUPTED, type OutputStream} from './io.js';

/**
 * Ctrl-C stops after the session being moved; a second Ctrl-C quits at once (the journal makes that safe too).
 * On a terminal Esc stops too, once folders move: the keys are read raw then (Ctrl-C arrives as a key, not a
 * signal, and counts the same), and the terminal is given back when the moves end or the process exits.
 */
export async function withStopOnSigint(
	stderr: OutputStream,
	body: (cancel: {cancelled: boolean}, watchStopKeys: (() => () => void) | undefined) => Promise<number>,
): Promise<number> {
	const cancel = {cancelled: false};
	let giveBackTerminal = (): void => {};
	const stop = (): void => {
		if (cancel.cancelled) return;
		cancel.cancelled = true;
		stderr.write(
			'\nstopping after the current session (Ctrl-C again to quit at once; the next sdstats command settles it)…\n',
		);
	};
	const onSigint = (): void => {
		if (!cancel.cancelled) return stop();
		giveBackTerminal();
		process.exit(EXIT_INTERRUPTED);
	};
	const stdin = process.stdin;
	const watchStopKeys =
		stdin.isTTY === true && process.stderr.isTTY === true
			? (): (() => void) => {
					const onKey = (chunk: Buffer): void => {
						const text = chunk.toString('latin1');
						if (text.includes('\u0003')) onSigint();
						// A lone Esc (not the start of an arrow key's sequence).
						else if (text === '\u001B') stop();
					};
					const giveBack = (): void => {
						stdin.off('data', onKey);
						stdin.setRawMode(false);
						stdin.pause();
						process.off('exit', giveBack);
						giveBackTerminal = () => {};
					};
					stdin.setRawMode(true);
					stdin.on('data', onKey);
					stdin.resume();
					process.on('exit', giveBack);
					giveBackTerminal = giveBack;
					return giveBack;
				}
			: undefined;
	process.on('SIGINT', onSigint);
	try {
		const code = await body(cancel, watchStopKeys);
		return cancel.cancelled && code === 0 ? EXIT_INTERRUPTED : code;
	} finally {
		process.off('SIGINT', onSigint);
	}
}
