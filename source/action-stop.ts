/**
 * How an archive, trash or undo on the command line is stopped after the session being moved: Ctrl-C (the
 * signal), and on a terminal Esc, read from the keyboard while folders move.
 *
 * The keys are read raw, and only while this process is the terminal's foreground job (where that can be told:
 * Linux's /proc; elsewhere Esc is not offered and Ctrl-C stays the signal): a background job
 * (`sdstats archive … --yes &`) that touched the terminal's modes would be stopped by the kernel (SIGTTOU), so
 * it keeps to the signal. While the keys are read raw the terminal sends no signals, so the keys that would
 * have sent them do here what they do in any program: Ctrl-C stops (as the signal would), Ctrl-Z suspends the
 * job for real (the terminal given back first, raw again when `fg` brings it back; a user pressing Ctrl-Z wants
 * their shell, not a stop, and `fg` resumes the moves where they were), Ctrl-\ quits at once (the journal makes
 * that safe, as with a second Ctrl-C). SIGTERM and SIGHUP give the terminal back before the process ends with
 * the conventional status (128 + the signal's number), as the default action would have ended it.
 */
// The global `process`: importing node:process as an ES module builds stdin at load (see source/cli.ts).
import {EXIT_INTERRUPTED, type OutputStream} from './io.js';
import {inTerminalForeground, terminalForeground} from './terminal-foreground.js';

/** The parts of the terminal's input the keys need (process.stdin; a fake in the tests). */
export type KeyInput = {
	isTTY?: boolean;
	setRawMode?(mode: boolean): unknown;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	resume(): unknown;
	pause(): unknown;
};

type HostEvent = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGCONT' | 'exit';

/** The process around the keys: its terminal, its signals, and how it ends (the real process; a fake in tests). */
export type StopHost = {
	stdin: KeyInput;
	stderrIsTTY: boolean;
	/** Whether this process is in the terminal's foreground process group right now. */
	inForeground(): boolean;
	/** Whether that can be told here at all (not without /proc): where not, Esc is neither offered nor read. */
	canTellForeground(): boolean;
	on(event: HostEvent, listener: () => void): unknown;
	off(event: HostEvent, listener: () => void): unknown;
	/** Sends a signal to this process (SIGTSTP to suspend, SIGQUIT to quit at once). */
	raise(signal: 'SIGTSTP' | 'SIGQUIT'): void;
	exit(code: number): void;
};

const EXIT_SIGTERM = 128 + 15;
const EXIT_SIGHUP = 128 + 1;

/**
 * Whether Esc can be offered at all: both the input and the progress (standard error) on a terminal, with raw
 * mode available. Being the foreground job is checked each time the keys would be read (a job can be moved to
 * the background and back), not here.
 */
export function stopKeysPossible(stdin: KeyInput, stderrIsTTY: boolean): boolean {
	return stdin.isTTY === true && stderrIsTTY && typeof stdin.setRawMode === 'function';
}

function processHost(): StopHost {
	return {
		stdin: process.stdin,
		stderrIsTTY: process.stderr.isTTY === true,
		inForeground: () => inTerminalForeground(),
		canTellForeground: () => terminalForeground() !== null,
		on: (event, listener) => process.on(event, listener),
		off: (event, listener) => process.off(event, listener),
		raise: (signal) => process.kill(process.pid, signal),
		exit: (code) => process.exit(code),
	};
}

/**
 * Ctrl-C stops after the session being moved; a second Ctrl-C quits at once (the journal makes that safe too).
 * On a terminal Esc stops too, once folders move (see the opening comment for the other keys and signals).
 */
export async function withStopOnSigint(
	stderr: OutputStream,
	body: (cancel: {cancelled: boolean}, watchStopKeys: (() => () => void) | undefined) => Promise<number>,
	host: StopHost = processHost(),
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
		host.exit(EXIT_INTERRUPTED);
	};
	// Where being in front cannot be told, the progress line must not offer a key that is never read.
	const watchStopKeys =
		stopKeysPossible(host.stdin, host.stderrIsTTY) && host.canTellForeground()
			? (): (() => void) => {
					const watch = watchKeys(host, {onStop: stop, onInterrupt: onSigint});
					giveBackTerminal = watch;
					return () => {
						watch();
						giveBackTerminal = () => {};
					};
				}
			: undefined;
	host.on('SIGINT', onSigint);
	try {
		const code = await body(cancel, watchStopKeys);
		return cancel.cancelled && code === 0 ? EXIT_INTERRUPTED : code;
	} finally {
		host.off('SIGINT', onSigint);
	}
}

/**
 * Reads the stop keys raw while this process is the terminal's foreground job, and keeps the terminal's modes
 * right across suspends, `bg`, `fg` and the signals that end the process. Returns the function that stops
 * reading and gives the terminal back (idempotent).
 */
function watchKeys(host: StopHost, on: {onStop(): void; onInterrupt(): void}): () => void {
	const stdin = host.stdin;
	let raw = false;
	let ended = false;
	const setRaw = (mode: boolean): void => {
		try {
			stdin.setRawMode!(mode);
		} catch {
			// The terminal went away (SIGHUP); there is nothing left to set.
		}
	};
	const onKey = (chunk: Buffer | string): void => {
		const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
		if (text.includes('\u0003')) on.onInterrupt();
		else if (text.includes('\u001C')) {
			// Ctrl-\: what the terminal's SIGQUIT would have done, with the terminal given back first.
			giveBack();
			host.raise('SIGQUIT');
		} else if (text.includes('\u001A')) suspend();
		// A lone Esc (not the start of an arrow key's sequence).
		else if (text === '\u001B') on.onStop();
	};
	/** Raw and reading, if we are the foreground job (never otherwise: SIGTTOU / SIGTTIN would stop us). */
	const arm = (): void => {
		if (ended || raw || !host.inForeground()) return;
		raw = true;
		setRaw(true);
		stdin.on('data', onKey);
		stdin.resume();
	};
	/**
	 * Cooked and not reading. The mode is set back only from in front: raw is only ever set there, and a job
	 * moved behind while raw (stopped by a signal from elsewhere, then `bg`) would be stopped again by SIGTTOU;
	 * its shell restores the terminal's modes when it takes the terminal back anyway.
	 */
	const disarm = (): void => {
		if (!raw) return;
		raw = false;
		stdin.off('data', onKey);
		if (host.inForeground()) setRaw(false);
		stdin.pause();
	};
	const suspend = (): void => {
		disarm();
		// Stops the whole process here, as Ctrl-Z in cooked mode would; SIGCONT (fg or bg) comes back below.
		host.raise('SIGTSTP');
	};
	// After `fg` we are in front again: raw again. After `bg` we are not: stay cooked and keep to SIGINT.
	const onContinue = (): void => arm();
	const endBySignal = (code: number) => (): void => {
		giveBack();
		host.exit(code);
	};
	const onTerm = endBySignal(EXIT_SIGTERM);
	const onHup = endBySignal(EXIT_SIGHUP);
	function giveBack(): void {
		if (ended) return;
		disarm();
		ended = true;
		host.off('SIGCONT', onContinue);
		host.off('SIGTERM', onTerm);
		host.off('SIGHUP', onHup);
		host.off('exit', giveBack);
	}
	host.on('SIGCONT', onContinue);
	host.on('SIGTERM', onTerm);
	host.on('SIGHUP', onHup);
	host.on('exit', giveBack);
	arm();
	return giveBack;
}
