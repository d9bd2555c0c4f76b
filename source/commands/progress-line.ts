/**
 * Compute progress on stderr: on a terminal one live line redrawn at most 10 times a second; otherwise (a log,
 * CI) a plain line at most every 2 seconds, so logs stay short.
 *
 * The Unicode width tables (text/width.ts, through string-width: its Intl.Segmenter and emoji expressions) cost
 * ≈30 ms of CPU to load, a twentieth of a nothing-changed compute of 10,000 sessions. Lines of printable ASCII
 * and '·' (all of them, unless a session's name is not ASCII) are fitted without them; the tables load on the
 * first line that needs them, which is drawn once they are there.
 */
import type {ComputeProgress} from '../jobs/compute-job.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {OutputStream} from '../io.js';

/** Text one column per code unit wide: printable ASCII and the middle dot (narrow, as string-width counts it). */
const PLAIN = /^[\u0020-\u007E\u00B7]*$/;

/** What text/width.ts's truncateToWidth gives for plain text: cut with an ellipsis when longer than `width`. */
function fitPlain(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return '?';
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function describeProgress(p: ComputeProgress, nowMs: number): string {
	const elapsed = Math.max(0.001, (nowMs - p.startedAtMs) / 1000);
	const rate = p.done / elapsed;
	const eta = rate > 0 ? (p.total - p.done) / rate : Number.NaN;
	const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
	const parts = [
		`computing ${p.done}/${p.total} (${percent}%)`,
		`${rate.toFixed(rate < 10 ? 1 : 0)}/s`,
		`ETA ${formatDuration(eta)}`,
	];
	if (p.errors.length > 0) parts.push(`${p.errors.length} unreadable`);
	if (p.current) parts.push(sanitizeLine(p.current));
	return parts.join(' · ');
}

export type ProgressReporter = {update(p: ComputeProgress): void; finish(): void};

type Truncate = (text: string, width: number) => string;

export function createProgressReporter(
	stream: OutputStream,
	now: () => number = Date.now,
	loadTruncate: () => Promise<Truncate> = async () => (await import('../text/width.js')).truncateToWidth,
): ProgressReporter {
	const live = stream.isTTY === true;
	let truncate: Truncate | null = null;
	let loading = false;
	/** The line cut to `width` columns, or null while the width tables it needs are loading. */
	const fit = (line: string, width: number): string | null => {
		if (PLAIN.test(line)) return fitPlain(line, width);
		if (truncate) return truncate(line, width);
		if (!loading) {
			loading = true;
			loadTruncate().then(
				(loaded) => (truncate = loaded),
				// Never expected (the module ships with sdstats); a line cut by code units beats no line at all.
				() => (truncate = fitPlain),
			);
		}
		return null;
	};
	const interval = live ? 100 : 2000;
	// Nothing is drawn for runs shorter than one interval: a quick compute prints only its summary.
	let lastDraw = now();
	let drawn = false;
	let pending: ComputeProgress | null = null;
	const draw = (p: ComputeProgress): void => {
		const line = describeProgress(p, now());
		if (live) {
			const fitted = fit(line, Math.max(20, (stream.columns ?? 80) - 1));
			// Drawn by a later update, once the width tables are loaded.
			if (fitted === null) return;
			stream.write(`\r\u001B[2K${fitted}`);
		} else {
			stream.write(`${line}\n`);
		}
		drawn = true;
		lastDraw = now();
		pending = null;
	};
	return {
		update(p) {
			pending = p;
			if (now() - lastDraw >= interval) draw(p);
		},
		finish() {
			// On a terminal the line is cleared so the summary replaces it.
			if (live && drawn) stream.write('\r\u001B[2K');
			else if (!live && pending && drawn) draw(pending);
		},
	};
}
