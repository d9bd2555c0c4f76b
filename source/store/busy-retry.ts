/**
 * Writes to a file another program also writes (the web UI's sessions.db) without ever waiting on its lock:
 * the write is tried with no busy timeout, and while the file is locked it is tried again later on a timer,
 * so the caller's thread (the explorer's screen) stays free. It lands when the lock is released, or fails with
 * the reason after `giveUpAfterMs`; it is never dropped silently.
 */

export type RetryClock = {
	now(): number;
	/** Resolves after `ms` (a timer; tests pass a fake). */
	sleep(ms: number): Promise<void>;
};

export const realClock: RetryClock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** SQLite saying another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED and their extended codes). */
export function isBusy(error: unknown): boolean {
	const code = String((error as {code?: unknown} | null)?.code ?? '');
	return /^SQLITE_(BUSY|LOCKED)/.test(code);
}

export class LockedTooLongError extends Error {
	override name = 'LockedTooLongError';
}

export type RetryOptions = {
	clock?: RetryClock;
	/** Give up after this long locked (default 60 s). */
	giveUpAfterMs?: number;
	/** Told once, the first time the file is found locked. */
	onLocked?: () => void;
	/** What is locked, for the failure message. */
	what: string;
};

/** Runs `attempt` until it does not fail for a lock; other errors go through at once. */
export async function retryWhileBusy<T>(attempt: () => T, options: RetryOptions): Promise<T> {
	const clock = options.clock ?? realClock;
	const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
	const started = clock.now();
	let delay = 25;
	let told = false;
	for (;;) {
		try {
			return attempt();
		} catch (error) {
			if (!isBusy(error)) throw error;
			if (!told) {
				options.onLocked?.();
				told = true;
			}
			if (clock.now() - started >= giveUpAfterMs) {
				throw new LockedTooLongError(
					`${options.what} stayed locked by another program for ${Math.round(giveUpAfterMs / 1000)} s; the change was not saved`,
				);
			}
			await clock.sleep(delay);
			delay = Math.min(delay * 2, 500);
		}
	}
}
