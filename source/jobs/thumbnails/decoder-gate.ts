/**
 * libvips work in this thread, at most two operations at once and at most one encoder among them.
 *
 * Why: libvips runs each operation on threads of its own (with concurrency 1: one for a decode, three for an
 * encode to PNG or JPEG: the worker and its two write-behind buffers), and every thread that allocates gets a
 * glibc malloc arena of its own that keeps what was freed in it (measured: ~2–5 MB per libvips thread after
 * a sheet). Left alone, two decodes, the cell's PNG and the cache's JPEG in the background reached eight
 * libvips threads; within these bounds there are never more than four (a decode beside an encode). Two
 * decodes still run side by side (one per core: the cold grid's speed); encodes take ~1–3 ms and wait for
 * each other.
 *
 * The queue is first come, first served, except that a decode may pass an encode that waits for the encoder.
 */
export type DecoderWork = 'decode' | 'encode';

const MAX_AT_ONCE = 2;
const MAX_ENCODES = 1;

type Waiting = {kind: DecoderWork; start: () => void};

export type DecoderGate = {
	run<T>(kind: DecoderWork, work: () => Promise<T>): Promise<T>;
	/** Operations running now, by kind (for the tests). */
	running(): {decode: number; encode: number};
};

export function createDecoderGate(limits: {atOnce?: number; encodes?: number} = {}): DecoderGate {
	const atOnce = limits.atOnce ?? MAX_AT_ONCE;
	const encodes = limits.encodes ?? MAX_ENCODES;
	const now = {decode: 0, encode: 0};
	const queue: Waiting[] = [];
	const fits = (kind: DecoderWork): boolean =>
		now.decode + now.encode < atOnce && (kind === 'decode' || now.encode < encodes);
	const startWaiting = (): void => {
		for (let i = 0; i < queue.length && now.decode + now.encode < atOnce;) {
			const next = queue[i]!;
			if (!fits(next.kind)) {
				i++;
				continue;
			}
			queue.splice(i, 1);
			now[next.kind]++;
			next.start();
		}
	};
	return {
		async run(kind, work) {
			// Whatever waits cannot start now (each release starts all that can): one that fits goes first.
			if (fits(kind)) now[kind]++;
			else await new Promise<void>((start) => queue.push({kind, start}));
			try {
				return await work();
			} finally {
				now[kind]--;
				startWaiting();
			}
		},
		running: () => ({...now}),
	};
}

/** The gate every libvips operation of this thread goes through (decode.ts, compose.ts). */
export const decoderGate = createDecoderGate();

/**
 * libvips' threads: this many, made once when it starts and reused (its `VIPS_MAX_THREADS`), not one more
 * for every operation that finds none idle (the gate alone still saw five or six, each with its arena). Three
 * is libvips' least and enough here: only one operation at once holds threads while it waits for another
 * (an encode's write-behind buffers wait for its worker), and the gate never runs two encodes, so whatever
 * holds the threads can finish (a decode beside an encode waits a moment for a thread, never for ever).
 */
export const LIBVIPS_THREADS = 3;

/**
 * Sets `VIPS_MAX_THREADS` (a user's own value is kept). libvips reads it once, from the process's environment,
 * when it starts: call this on the main thread before the first thread loads sharp (a worker's `process.env`
 * is a copy of its own, which libvips never sees).
 */
export function limitLibvipsThreads(env: NodeJS.ProcessEnv = process.env): void {
	if (!env.VIPS_MAX_THREADS) env.VIPS_MAX_THREADS = String(LIBVIPS_THREADS);
}
