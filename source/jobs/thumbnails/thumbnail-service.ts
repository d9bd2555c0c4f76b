/**
 * Thumbnails off the render thread: a queue in front of one long-lived worker thread (compiled builds; the
 * tests' TypeScript sources run the same code on the calling thread, where sharp still decodes on libuv's pool).
 *
 * The newest wishes win: `cancel` drops every queued request (the cursor moved on), here and in the worker,
 * and results of requests already sent are delivered only if their caller is still waiting. The worker decodes
 * `concurrency` at once (the machine's cores, at most 2) and holds `ahead` more in its own queue, so it
 * starts the next one without waiting for this thread (which may be drawing a frame); at most
 * `concurrency + ahead` are ever in it, so a grid of 400 cells never floods it while a key is waiting.
 */
import fs from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {limitLibvipsThreads} from './decoder-gate.js';
import {readImagePrompt, type PromptAnswer, type PromptRequest} from './image-prompt.js';
import type {Thumbnail, ThumbnailRequest} from './thumbnail.js';

const WORKER_SCRIPT = new URL('./thumbnail-worker.js', import.meta.url);

function workerScript(): string | null {
	if (WORKER_SCRIPT.protocol !== 'file:') return null;
	const file = fileURLToPath(WORKER_SCRIPT);
	return fs.existsSync(file) ? file : null;
}

type Pending = {id: number; request: ThumbnailRequest; resolve: (thumbnail: Thumbnail | null) => void};

export type ThumbnailService = {
	/** Resolves with the thumbnail, or null when cancelled before it was made. */
	get(request: ThumbnailRequest): Promise<Thumbnail | null>;
	/**
	 * Starts the worker and resolves once it has loaded the decoder (libvips: ~0.1–0.2 s), so the first picture
	 * the user waits for does not pay for it. Idempotent; resolves at once without a worker.
	 */
	prepare(): Promise<void>;
	/** One image's prompt (manifest entry or infotext), read on the worker; never cancelled by `cancel`. */
	prompt(request: PromptRequest): Promise<PromptAnswer>;
	/** Forget every request not yet started; those in flight resolve null. */
	cancel(): void;
	close(): void;
};

/** Decodes at once: one libvips pipeline per core, at most two (the explorer shares the machine). */
const CONCURRENCY = Math.max(1, Math.min(2, os.availableParallelism()));
/** Requests waiting in the worker's own queue beyond those it runs. */
const AHEAD = 2;

export function createThumbnailService(
	options: {parallel?: number; inThread?: boolean; concurrency?: number} = {},
): ThumbnailService {
	const script = options.inThread ? null : workerScript();
	const concurrency = options.concurrency ?? CONCURRENCY;
	// In this thread nothing waits on a busy screen: no queue ahead is needed.
	const parallel = options.parallel ?? (script ? concurrency + AHEAD : concurrency);
	let worker: Worker | null = null;
	let nextId = 1;
	const queue: Pending[] = [];
	const inFlight = new Map<number, Pending>();
	let closed = false;
	let ready: Promise<void> | null = null;
	const prompts = new Map<number, (answer: PromptAnswer) => void>();
	let markReady: (() => void) | null = null;

	const settle = (id: number, thumbnail: Thumbnail): void => {
		const pending = inFlight.get(id);
		if (!pending) return;
		inFlight.delete(id);
		pending.resolve(thumbnail);
		pump();
	};

	const ensureWorker = (): Worker | null => {
		if (!script || closed) return null;
		if (worker) return worker;
		// Before the worker loads sharp, so libvips starts with its threads bounded. Safe because the worker is
		// then the process's only user of libvips (the screen thread never loads sharp) and all of its libvips
		// work passes one gate (decoder-gate.ts). Not on the in-thread path: there others (tests) may use sharp
		// beside it, and libvips' fixed threads could all end up waiting on one another.
		limitLibvipsThreads();
		// A small young generation: the worker's garbage is short-lived strings and buffers, and V8's default lets
		// it grow to tens of MB of resident memory (measured: ~10 MB less RSS at 2 MB, no CPU difference seen).
		worker = new Worker(script, {workerData: {concurrency}, resourceLimits: {maxYoungGenerationSizeMb: 2}});
		worker.unref();
		ready = new Promise((resolve) => (markReady = resolve));
		worker.on(
			'message',
			(message: {id: number; thumbnail: Thumbnail} | {ready: true} | {id: number; prompt: PromptAnswer}) => {
				if ('ready' in message) markReady?.();
				else if ('prompt' in message) {
					prompts.get(message.id)?.(message.prompt);
					prompts.delete(message.id);
				} else settle(message.id, message.thumbnail);
			},
		);
		const fail = (reason: string): void => {
			worker = null;
			markReady?.();
			for (const [id, resolve] of prompts) {
				prompts.delete(id);
				resolve({prompt: null, negative: null, source: null, reason});
			}
			for (const [id] of inFlight) settle(id, {ok: false, reason});
		};
		worker.on('error', (error) => fail(`the thumbnail worker failed (${error.message})`));
		worker.on('exit', (code) => {
			if (code !== 0) fail(`the thumbnail worker exited with code ${code}`);
		});
		return worker;
	};

	const pump = (): void => {
		while (!closed && inFlight.size < parallel && queue.length > 0) {
			const next = queue.shift()!;
			inFlight.set(next.id, next);
			const thread = ensureWorker();
			if (thread) thread.postMessage({id: next.id, request: next.request});
			else {
				// Loaded only here: thumbnail.js loads sharp (libvips, ≈30 MB resident), which the screen thread of a
				// compiled build never needs (its worker makes the pictures).
				import('./thumbnail.js')
					.then(({makeThumbnail}) => makeThumbnail(next.request))
					.then(
						(thumbnail) => settle(next.id, thumbnail),
						(error: unknown) =>
							settle(next.id, {
								ok: false,
								reason: `cannot preview it (${error instanceof Error ? error.message : String(error)})`,
							}),
					);
			}
		}
	};

	return {
		get(request) {
			if (closed) return Promise.resolve(null);
			return new Promise((resolve) => {
				queue.push({id: nextId++, request, resolve});
				pump();
			});
		},
		prompt(request) {
			const thread = ensureWorker();
			if (!thread) return readImagePrompt(request);
			return new Promise((resolve) => {
				const id = nextId++;
				prompts.set(id, resolve);
				thread.postMessage({id, prompt: request});
			});
		},
		prepare() {
			if (closed || !ensureWorker()) return Promise.resolve();
			return ready ?? Promise.resolve();
		},
		cancel() {
			for (const pending of queue.splice(0)) pending.resolve(null);
			// The worker drops what it has not started and answers each (settle then forgets them).
			if (worker && inFlight.size > 0) worker.postMessage({cancel: true});
			for (const pending of inFlight.values()) {
				const original = pending.resolve;
				pending.resolve = () => undefined;
				original(null);
			}
		},
		close() {
			this.cancel();
			closed = true;
			markReady?.();
			for (const [id, resolve] of prompts) {
				prompts.delete(id);
				resolve({prompt: null, negative: null, source: null, reason: 'closed'});
			}
			void worker?.terminate();
			worker = null;
		},
	};
}
