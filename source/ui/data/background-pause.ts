/**
 * The pause between slices of the work the explorer does in the background (reading every row's signature page by
 * page after loading, to notice other programs' writes): keys come first. Yielding with setImmediate let a slice
 * run in every turn of the event loop, and a key takes several turns on its way to its frame (Ink's input, React's
 * scheduler, the commit): at 100,000 rows a key carried up to seven pages of signatures, and a slice run between a
 * frame and the next key delays that key all the same. So a slice waits until no key has come for QUIET_MS (keys
 * typed or held down get the thread), and for at most MAX_WAIT_MS, so the background work still moves meanwhile.
 */
export const QUIET_MS = 40;
export const MAX_WAIT_MS = 1000;
/**
 * How long one read of many pages stands back for keys in all. The signatures read after loading is the starting
 * point for noticing other programs' writes: a row another program changes between its loading and the read of
 * its page is never shown changed, so the read must not be stretched by a key held down (key repeat never leaves
 * QUIET_MS free): past this it goes on a page a turn, as before.
 */
export const READ_PATIENCE_MS = 2000;

/** When the last key came (performance.now()). One explorer per process: one stream of keys. */
let lastKeyAt = Number.NEGATIVE_INFINITY;

/** Called for each key the explorer takes: background slices stand back for QUIET_MS after it. */
export function noteKey(now = performance.now()): void {
	lastKeyAt = now;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when the next background slice may run: other work had a turn, and no key came lately. `readStartedAt`
 * (performance.now()): when the read this slice belongs to began; it waits for keys no longer than
 * READ_PATIENCE_MS after that.
 */
export async function backgroundPause(readStartedAt = Number.POSITIVE_INFINITY): Promise<void> {
	const started = performance.now();
	const deadline = Math.min(started + MAX_WAIT_MS, readStartedAt + READ_PATIENCE_MS);
	await turn();
	for (;;) {
		const now = performance.now();
		const quietFor = now - lastKeyAt;
		if (quietFor >= QUIET_MS || now >= deadline) return;
		await sleep(Math.ceil(Math.min(QUIET_MS - quietFor, deadline - now)));
	}
}
