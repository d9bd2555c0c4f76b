/**
 * `sdstats list --json | head -1`: when the reader of stdout (or stderr) goes away, the next write fails with
 * EPIPE, which Node raises as an 'error' event on the stream and, unhandled, as a stack trace and exit 1. A
 * command whose reader is gone has nothing left to do: stop at once, quietly, with exit 0 (the reader chose to
 * stop reading; `set -o pipefail` scripts should not fail on `| head`). The database is safe to leave: writes
 * are transactions, and the compute lock names a process that no longer exists.
 */
type ErrorSource = {on(event: 'error', listener: (error: Error & {code?: string}) => void): unknown};

export function stopQuietlyOnBrokenPipe(streams: readonly ErrorSource[], exit: (code: number) => void): void {
	for (const stream of streams) {
		stream.on('error', (error) => {
			if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
				exit(0);
				return;
			}
			// Any other write failure (a full disk behind a redirection): one sentence, exit 1.
			process.exitCode = 1;
			try {
				process.stderr.write(`sdstats: cannot write the output: ${error.message}\n`);
			} finally {
				exit(1);
			}
		});
	}
}
