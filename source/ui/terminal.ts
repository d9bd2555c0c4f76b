/**
 * The terminal around the explorer: the alternate screen on the way in, and on every way out (quit, Ctrl-C,
 * an error, SIGTERM, SIGHUP from a dropped SSH link) the main screen, the cursor and cooked mode back.
 */
import type {WriteStream, ReadStream} from 'node:tty';

export const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT_SCREEN = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';

export type TerminalSession = {
	/** Idempotent: safe to call from several exit paths. */
	restore(): void;
};

function quietWrite(stream: WriteStream, text: string): void {
	try {
		stream.write(text);
	} catch {
		// The terminal may be gone (SIGHUP); there is nothing left to restore then.
	}
}

export function enterTerminal(stdin: ReadStream, stdout: WriteStream): TerminalSession {
	quietWrite(stdout, ENTER_ALT_SCREEN);
	let restored = false;
	return {
		restore() {
			if (restored) return;
			restored = true;
			try {
				if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
			} catch {
				// Same as above.
			}
			quietWrite(stdout, SHOW_CURSOR + LEAVE_ALT_SCREEN);
		},
	};
}
