/** `sdstats compute`: bring the cache up to date with the results root. */
import fs from 'node:fs';
import {diskFullMessage, isDiskFull, limitPageCache} from '../store/db.js';
import {openDatabaseOrSay} from './open-store.js';
import {StatsRepository} from '../store/stats-repository.js';
import {ComputeAbortedError, runCompute, type CancelToken, type ComputeSummary} from '../jobs/compute-job.js';
import {acquireComputeLock, describeHolder} from '../store/compute-lock.js';
import {resolveSessionFolder, SessionIdError} from '../scan/session-path.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CommandIo} from '../io.js';
import {createProgressReporter} from './progress-line.js';
import {rootsOf} from '../config.js';

export type ComputeCommandOptions = CommonOptions & {
	force: boolean;
	/** Read every image's parameters of sessions without manifest.json, not a sample. */
	deep?: boolean;
	/** Wait for another compute of the same database to finish (default), or stop at once and say who holds it. */
	wait: boolean;
	sessions: readonly string[];
	json: boolean;
	workers?: number;
	/** Set by the caller's SIGINT handler: stop after the current batch. */
	cancel: CancelToken;
};

const MAX_REASONS_SHOWN = 20;

/** Loaded only for --json: the JSON writer brings the Python-compatible number reader with it. */
async function jsonWriter(): Promise<(value: unknown) => string> {
	return (await import('../format/json.js')).toJson;
}

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

/**
 * Computes every root (each `--root`, or every folder of the web UI's IMAGE_FOLDERS), each into its own cache.
 * With several, a root that is unavailable is said and skipped (its cached rows are kept), the others go on;
 * each summary line starts with the root's name, and --json prints one object per root with `root` and `path`.
 */
export async function computeCommand(options: ComputeCommandOptions, io: CommandIo): Promise<number> {
	const roots = rootsOf(options.locations);
	if (roots.length <= 1) return computeRoot(options, io);
	const results: Array<Record<string, unknown>> = [];
	let failures = 0;
	let code = EXIT_OK;
	for (const root of roots) {
		if (options.cancel.cancelled) break;
		let captured = '';
		const rootIo: CommandIo = {
			stdout: options.json
				? {write: (chunk: string) => (captured += chunk)}
				: {write: (chunk: string) => io.stdout.write(`${sanitizeLine(root.name)}: ${chunk}`)},
			stderr: {
				write: (chunk: string) =>
					io.stderr.write(
						chunk.startsWith('sdstats compute: ')
							? `sdstats compute: ${sanitizeLine(root.name)}: ${chunk.slice(17)}`
							: chunk,
					),
				isTTY: io.stderr.isTTY,
				columns: io.stderr.columns,
			},
		};
		const rootCode = await computeRoot(
			{...options, locations: {...options.locations, root: root.path, dbPath: root.dbPath, roots: [root]}},
			rootIo,
		);
		if (rootCode === EXIT_FAILURE) failures++;
		else if (rootCode !== EXIT_OK) code = rootCode;
		if (options.json) {
			const summary: Record<string, unknown> = captured.trim()
				? (JSON.parse(captured) as Record<string, unknown>)
				: {unavailable: true};
			results.push({root: root.name, path: root.path, ...summary});
		}
	}
	if (options.json) io.stdout.write(`${(await jsonWriter())(results)}\n`);
	// One root that cannot be read does not fail the others; none at all does.
	return failures === roots.length ? EXIT_FAILURE : code;
}

async function computeRoot(options: ComputeCommandOptions, io: CommandIo): Promise<number> {
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
	const opened = openDatabaseOrSay('compute', dbPath, 'create', io);
	if (typeof opened === 'number') return opened;
	const lock = await acquireComputeLock(opened.path, 'sdstats compute', {
		wait: options.wait,
		cancelled: () => options.cancel.cancelled,
		onWait: (holder) =>
			io.stderr.write(`waiting for ${sanitizeLine(describeHolder(holder))} to finish (Ctrl-C stops waiting)…\n`),
	});
	if (!lock.ok) {
		opened.db.close();
		io.stderr.write(
			`sdstats compute: ${sanitizeLine(lock.reason)}${options.wait || lock.cannotCreate ? '' : ' (without --no-wait, compute waits for it)'}\n`,
		);
		return options.cancel.cancelled ? EXIT_INTERRUPTED : EXIT_FAILURE;
	}
	// SQLite's 16 MB page cache (better-sqlite3's build default) filled as the database grew: ≈10 MB of the peak
	// of a 100,000-session compute, a part that grew with the root. 2 MB cost no measurable time (10,000 × 100
	// full computes, alternated: CPU 10.2 s against 11.3 s at 16 MB, noise): the pages a batch touches come
	// back from the operating system's cache (issue 16; the explorer's connections do the same).
	limitPageCache(opened.db);
	const repository = new StatsRepository(opened.db);
	const progress = createProgressReporter(io.stderr, options.now);
	let summary: ComputeSummary;
	try {
		summary = await runCompute({
			root,
			repository,
			force: options.force,
			deep: options.deep === true,
			sessions: options.sessions.length > 0 ? options.sessions : undefined,
			nowMs: options.now,
			cancel: options.cancel,
			onProgress: (p) => progress.update(p),
			workers: options.workers,
		});
	} catch (error) {
		if (error instanceof ComputeAbortedError) {
			progress.finish();
			io.stderr.write(
				`sdstats compute: ${sanitizeLine(isDiskFull(error, opened.path) || isDiskFull((error as {cause?: unknown}).cause, opened.path) ? diskFullMessage(opened.path) : error.message)}\n`,
			);
			return EXIT_FAILURE;
		}
		if (isDiskFull(error, opened.path)) {
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
		io.stdout.write(`${(await jsonWriter())(summary)}\n`);
	} else {
		for (const {session_id, reason} of summary.errors.slice(0, MAX_REASONS_SHOWN)) {
			io.stderr.write(`unreadable: ${sanitizeLine(session_id)}: ${sanitizeLine(reason)}\n`);
		}
		if (summary.errors.length > MAX_REASONS_SHOWN) {
			io.stderr.write(
				`… and ${summary.errors.length - MAX_REASONS_SHOWN} more unreadable (see sdstats list --json)\n`,
			);
		}
		io.stdout.write(`${summaryLine(summary)}\n`);
	}
	return summary.cancelled ? EXIT_INTERRUPTED : EXIT_OK;
}
