/**
 * Copies the files of a session several at a time, each on a worker thread of its own (copy-worker.ts): the
 * reads, writes and fsyncs of one file wait on the disk while another's bytes are hashed, and the hashing of
 * two files runs on two cores. The threads are started by warm() (as an action begins) or the first copy, and
 * stop with close(). Until the first thread is ready (a thread takes 0.1–0.4 s to start on a loaded machine)
 * this thread copies files itself, so nothing waits for them.
 * Where no compiled worker script exists (tests run from the TypeScript sources) the files are copied one by
 * one on this thread, the same function doing the work.
 * A thread that cannot be made or that stops (a script that fails to load, a thread limit, a crash) is never
 * given a file again: the others copy the rest, or this thread when none is left. One that stops while copying
 * a file fails that copy (the caller removes the partial copy and leaves the session where it was).
 */
import fs from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {COPY_BUFFER_BYTES, copyFailure, copyFileVerified, type FileCopyJob, type FileCopyResult} from './copy-file.js';

export type FileCopier = {
	/** Starts the threads now, so they are ready by the first copy. */
	warm(): void;
	/**
	 * Copies every job; `onFile` hears each finished file's bytes. Settles with the first failure (no new file
	 * is started after it, those running finish) or null when every file was copied and verified.
	 */
	copyAll(jobs: readonly FileCopyJob[], onFile: (bytes: number) => void): Promise<FileCopyResult | null>;
	close(): Promise<void>;
};

/** What a copy thread sends: that it is ready, then one result per file. */
export type FromCopyWorker = {ready: true} | FileCopyResult;

const WORKER_SCRIPT = new URL('./copy-worker.js', import.meta.url);

function compiledWorker(): string | null {
	const script = WORKER_SCRIPT.protocol === 'file:' ? fileURLToPath(WORKER_SCRIPT) : '';
	return script && fs.existsSync(script) ? script : null;
}

const asRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Two threads even on one core (one waits on the disk while the other hashes), one per core beyond that up to
 * four: a disk gains nothing from more files in flight.
 */
function threadCount(): number {
	const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
	return Math.max(2, Math.min(4, cores));
}

export function openCopier(script: string | null = compiledWorker(), threads = threadCount()): FileCopier {
	return script === null ? new InlineCopier() : new WorkerCopier(script, threads);
}

class InlineCopier implements FileCopier {
	private buffer: Buffer | null = null;

	warm(): void {}

	/** Copies one file on this thread. */
	copyHere(job: FileCopyJob): FileCopyResult {
		this.buffer ??= Buffer.allocUnsafe(COPY_BUFFER_BYTES);
		return copyFileVerified(job, asRoot(), this.buffer);
	}

	copyAll(jobs: readonly FileCopyJob[], onFile: (bytes: number) => void): Promise<FileCopyResult | null> {
		for (const job of jobs) {
			const result = this.copyHere(job);
			if (!result.ok) return Promise.resolve(result);
			onFile(result.bytes);
		}
		return Promise.resolve(null);
	}

	close(): Promise<void> {
		this.buffer = null;
		return Promise.resolve();
	}
}

/** `copying` is the file a busy thread was given, `dead` a thread that stopped (never given a file again). */
type Thread = {worker: Worker; ready: boolean; busy: boolean; dead: boolean; copying: FileCopyJob | null};

/** The reason a copy fails when its thread stops under it. */
export const stoppedWhileCopying = (job: FileCopyJob): string =>
	`a copy thread stopped while copying ${job.rel}; the session was left in place, try again`;

class WorkerCopier implements FileCopier {
	private threads: Thread[] = [];
	/** Hears every thread's messages and failures for the copy under way. */
	private listener: {
		message(thread: Thread, message: FromCopyWorker): void;
		/** A thread stopped; `copying` is the file it was copying, if any. */
		stopped(copying: FileCopyJob | null): void;
	} | null = null;
	private readonly here = new InlineCopier();
	private warmed = false;

	constructor(
		private readonly script: string,
		private readonly count: number,
	) {}

	warm(): void {
		if (this.warmed) return;
		this.warmed = true;
		for (let i = 0; i < this.count; i++) {
			let worker: Worker;
			try {
				// Not unref'd: a command waiting for a file's copy has nothing else keeping it alive.
				worker = new Worker(this.script, {workerData: {asRoot: asRoot()}});
			} catch {
				// No more threads can be made here (a thread or memory limit): the ones made, or this thread, copy.
				break;
			}
			const thread: Thread = {worker, ready: false, busy: false, dead: false, copying: null};
			worker.on('message', (message: FromCopyWorker) => {
				if (thread.dead) return;
				if ('ready' in message) thread.ready = true;
				else {
					thread.busy = false;
					thread.copying = null;
				}
				this.listener?.message(thread, message);
			});
			const stopped = (): void => {
				if (thread.dead) return;
				const copying = thread.busy ? thread.copying : null;
				thread.dead = true;
				thread.ready = false;
				thread.busy = false;
				thread.copying = null;
				this.listener?.stopped(copying);
			};
			// An error is followed by the exit; either one means the thread is gone.
			worker.on('error', stopped);
			worker.on('exit', stopped);
			this.threads.push(thread);
		}
	}

	copyAll(jobs: readonly FileCopyJob[], onFile: (bytes: number) => void): Promise<FileCopyResult | null> {
		this.warm();
		return new Promise((resolve) => {
			let next = 0;
			let failure: FileCopyResult | null = null;
			let done = false;
			const finish = (): void => {
				done = true;
				this.listener = null;
				resolve(failure);
			};
			const heard = (result: FileCopyResult): void => {
				if (result.ok) onFile(result.bytes);
				else failure ??= result;
			};
			const dispatch = (): void => {
				if (done) return;
				const more = (): boolean => failure === null && next < jobs.length;
				for (const thread of this.threads)
					if (thread.ready && !thread.busy && more()) {
						const job = jobs[next++]!;
						thread.busy = true;
						thread.copying = job;
						thread.worker.postMessage(job);
					}
				if (!more() && !this.threads.some((t) => t.busy)) return finish();
				if (more() && !this.threads.some((t) => t.ready)) {
					// No thread is ready yet: copy one file here, then look again (their messages come in between).
					// Not once they are: this thread's event loop runs the finishing of the session before (the
					// removal's many small steps), measured 40 % slower overall when it copies too.
					const job = jobs[next++]!;
					let result: FileCopyResult;
					try {
						result = this.here.copyHere(job);
					} catch (error) {
						// Never thrown past here: this runs from a setImmediate, where a throw would end the process.
						result = copyFailure(error, job);
					}
					heard(result);
					setImmediate(dispatch);
				}
			};
			this.listener = {
				message: (_thread, message) => {
					if (!('ready' in message)) heard(message);
					dispatch();
				},
				stopped: (copying) => {
					if (copying !== null) failure ??= {ok: false, reason: stoppedWhileCopying(copying)};
					dispatch();
				},
			};
			dispatch();
		});
	}

	async close(): Promise<void> {
		const threads = this.threads;
		this.threads = [];
		this.listener = null;
		await Promise.all(threads.map((t) => t.worker.terminate()));
		await this.here.close();
	}
}
