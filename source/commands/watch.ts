/**
 * `sdstats watch`: the explorer's live updates without the explorer. One line per change (new session,
 * progress, stalled, finished, removed) for a terminal or a log, or one JSON object per line for scripts.
 */
import {isoFromEpochMs} from '../core/iso-time.js';
import {LivePoller, type LiveEvent} from '../jobs/live.js';
import {formatRate, minutesLeft} from '../core/rate.js';
import {openDatabaseOrSay} from './open-store.js';
import {LiveQueries} from '../store/live-queries.js';
import {StatsRepository} from '../store/stats-repository.js';
import {sanitizeLine} from '../text/sanitize.js';
import {checkRoot} from './compute.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, type CommandIo} from '../io.js';
import {toJson} from '../format/json.js';

export type WatchOptions = CommonOptions & {
	json: boolean;
	intervalMs: number;
	/** Stops the loop (Ctrl-C). */
	stop: {stopped: boolean; wake?: () => void};
	/** For tests: stop after this many cycles, and a hook after each one. */
	maxCycles?: number;
	afterCycle?: (cycle: number) => void | Promise<void>;
};

function count(value: number | bigint | null): string {
	return value === null ? '?' : String(value);
}

function describe(event: LiveEvent): string {
	const name = sanitizeLine(event.sessionId);
	if (event.kind === 'removed') return `removed   ${name}`;
	const images = `${event.actual}/${count(event.expected)}`;
	switch (event.kind) {
		case 'new':
			return `new       ${name}  ${images} ${event.state}`;
		case 'progress': {
			const expected = event.expected === null ? null : Number(event.expected);
			const percent = expected ? ` ${((event.actual / expected) * 100).toFixed(1)}%` : '';
			const rate = event.ratePerMinute;
			const left = minutesLeft(expected === null ? 0 : expected - event.actual, rate);
			const speed =
				rate !== null && rate > 0
					? ` · ${formatRate(rate)}${left !== null ? ` · ETA ${Math.ceil(left)} min` : ''}`
					: '';
			return `progress  ${name}  ${images} (${event.actual >= event.previousActual ? '+' : ''}${event.actual - event.previousActual})${percent} ${event.state}${speed}`;
		}
		case 'stalled':
			return `stalled   ${name}  ${images}, nothing written for ${Math.round(event.idleMs / 60_000)} min`;
		case 'finished':
			return `finished  ${name}  ${images} ${event.state}`;
	}
}

export async function watchCommand(options: WatchOptions, io: CommandIo): Promise<number> {
	const {root, dbPath} = options.locations;
	const rootProblem = checkRoot(root);
	if (rootProblem) {
		io.stderr.write(`sdstats watch: ${sanitizeLine(rootProblem)}\n`);
		return EXIT_FAILURE;
	}
	const opened = openDatabaseOrSay('watch', dbPath, 'create', io);
	if (typeof opened === 'number') return opened;
	const repository = new StatsRepository(opened.db);
	const poller = new LivePoller({
		root,
		dbPath: opened.path,
		repository,
		queries: new LiveQueries(opened.db),
		stallWindowMs: options.stallWindowMs,
		now: options.now,
		rememberCached: true,
	});
	if (!options.json) io.stderr.write(`watching ${sanitizeLine(root)} (Ctrl-C stops)\n`);
	let cycles = 0;
	let lastSkip: string | null = null;
	try {
		while (!options.stop.stopped) {
			const cycle = await poller.cycle();
			if (cycle.skipped !== lastSkip) {
				if (cycle.skipped && !options.json) io.stderr.write(`(${sanitizeLine(cycle.skipped)}; trying again)\n`);
				lastSkip = cycle.skipped;
			}
			const at = options.now();
			for (const event of cycle.events) {
				if (options.json) {
					const {sessionId, kind, ...facts} = event;
					const {ratePerMinute, ...rest} = 'ratePerMinute' in facts ? facts : {...facts, ratePerMinute: null};
					io.stdout.write(
						`${toJson({time: isoFromEpochMs(at), event: kind, session_id: sessionId, ...rest, ...(ratePerMinute === null ? {} : {rate_per_minute: ratePerMinute})}, '', '')}\n`,
					);
				} else {
					io.stdout.write(`${isoFromEpochMs(at).slice(0, 19).replace('T', ' ')}  ${describe(event)}\n`);
				}
			}
			cycles++;
			await options.afterCycle?.(cycles);
			if (options.maxCycles !== undefined && cycles >= options.maxCycles) break;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, options.intervalMs);
				options.stop.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	} finally {
		opened.db.close();
	}
	return EXIT_OK;
}
