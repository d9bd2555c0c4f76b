/** `sdstats compute`: bring the cache up to date with the results root. */
import fs from 'node:fs';
import {diskFullMessage, isDiskFull, isOpenProblem, openDatabase} from '../store/db.js';
import {StatsRepository} from '../store/stats-repository.js';
import {ComputeAbortedError, runCompute, type CancelToken, type ComputeSummary} from '../jobs/compute-job.js';
import {acquireComputeLock, describeHolder} from '../store/compute-lock.js';
import {resolveSessionFolder, SessionIdError} from '../scan/session-path.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';
import {toJson} from '../format/json.js';
import {createProgressReporter} from './progress-line.js';

export type ComputeCommandOptions = CommonOptions & {
	force: boolean;
	/** Wait for another compute of the same database to finish (default), or stop at once and say who holds it. */
	wait: boolean;
	sessions: readonly string[];
	json: boolean;
	workers?: number;
	/** Set by the caller's SIGINT handler: stop after the current batch. */
	cancel: CancelToken;
};

const MAX_REASONS_SHOWN = 20;

export function summaryLine(s: ComputeSummary): string {
	const head = s.cancelled ? `cancelled after ${s.computed}/${s.planned}: ` : '';
	return `${head}computed ${s.computed}, unchanged ${s.unchanged}, removed ${s.removed}, unreadable ${s.unreadable}, no manifest ${s.no_manifest} in ${s.seconds.toFixed(2)} s`;
}

export function checkRoot(root: string): string | null {
	try {
		if (!fs.statSync(root).isDirectory()) return `results root ${root} is not a folder`;
		// Opening the folder checks that it can be read, without listing it (the compute lists it once, later).
		fs.opendirSync(root).closeSync();
		return null;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return `results root ${root} does not exist`;
		return `results root ${root} cannot be read (${code ?? (error as Error).message})`;
	}
}

export async function computeCommand(options: ComputeCommandOptions, io: CommandIo): Promise<number> {
	const {root, dbPath} = options.locations;
	const rootProblem = checkRoot(root);
	if (rootProblem) {
		io.stderr.write(`sdstats compute: ${sanitizeLine(rootProblem)}\n`);
		return EXIT_FAILURE;
	}
	for (const name of options.sessions) {
		try {
			resolveSessionFolder(root, name);
		} catch (error) {
			if (!(error instanceof SessionIdError)) throw error;
			io.stderr.write(`sdstats compute: ${sanitizeLine(error.message)}\n`);
			return EXIT_USAGE;
		}
	}
	let opened;
	try {
		opened = openDatabase(dbPath, 'create');
	} catch (error) {
		if (isOpenProblem(error)) {
			io.stderr.write(`sdstats compute: ${sanitizeLine(error.message)}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	}
	for (const event of opened.events) io.stderr.write(`${sanitizeLine(event)}\n`);
	const lock = await acquireComputeLock(opened.path, 'sdstats compute', {
		wait: options.wait,
		cancelled: () => options.cancel.cancelled,
		onWait: (holder) => io.stderr.write(`waiting for ${sanitizeLine(describeHolder(holder))} to finish (Ctrl-C stops waiting)…\n`),
	});
	if (!lock.ok) {
		opened.db.close();
		io.stderr.write(`sdstats compute: ${sanitizeLine(lock.reason)}${options.wait ? '' : ' (without --no-wait, compute waits for it)'}\n`);
		return options.cancel.cancelled ? EXIT_INTERRUPTED : EXIT_FAILURE;
	}
	const repository = new StatsRepository(opened.db);
	const progress = createProgressReporter(io.stderr, options.now);
	let summary: ComputeSummary;
	try {
		summary = await runCompute({
			root,
			repository,
			force: options.force,
			sessions: options.sessions.length > 0 ? options.sessions : undefined,
			nowMs: options.now,
			cancel: options.cancel,
			onProgress: (p) => progress.update(p),
			workers: options.workers,
		});
	} catch (error) {
		if (error instanceof ComputeAbortedError) {
			progress.finish();
			io.stderr.write(`sdstats compute: ${sanitizeLine(isDiskFull(error) || isDiskFull((error as {cause?: unknown}).cause) ? diskFullMessage(opened.path) : error.message)}\n`);
			return EXIT_FAILURE;
		}
		if (isDiskFull(error)) {
			progress.finish();
			io.stderr.write(`sdstats compute: ${sanitizeLine(diskFullMessage(opened.path))}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	} finally {
		progress.finish();
		lock.lock.release();
		opened.db.close();
	}
	if (options.json) {
		io.stdout.write(`${toJson(summary)}\n`);
	} else {
		for (const {session_id, reason} of summary.errors.slice(0, MAX_REASONS_SHOWN)) {
			io.stderr.write(`unreadable: ${sanitizeLine(session_id)}: ${sanitizeLine(reason)}\n`);
		}
		if (summary.errors.length > MAX_REASONS_SHOWN) {
			io.stderr.write(`… and ${summary.errors.length - MAX_REASONS_SHOWN} more unreadable (see sdstats list --json)\n`);
		}
		io.stdout.write(`${summaryLine(summary)}\n`);
	}
	return summary.cancelled ? EXIT_INTERRUPTED : EXIT_OK;
}
