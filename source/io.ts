/** The streams a command writes to, so commands can be run and tested without touching process globals. */
export type OutputStream = {
	write(chunk: string): unknown;
	isTTY?: boolean;
	columns?: number;
};

export type CommandIo = {
	stdout: OutputStream;
	stderr: OutputStream;
};

export const EXIT_OK = 0;
/** The command could not run: the root is missing, the database unusable… */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export function writeLines(stream: OutputStream, lines: readonly string[]): void {
	if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}
