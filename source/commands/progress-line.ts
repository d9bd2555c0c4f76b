/**
 * Compute progress on stderr: on a terminal one live line redrawn at most 10 times a second; otherwise (a log,
 * CI) a plain line at most every 2 seconds, so logs stay short.
 */
import type {ComputeProgress} from '../jobs/compute-job.js';
import {sanitizeLine} from '../text/sanitize.js';
import {truncateToWidth} from '../text/width.js';
import type {OutputStream} from '../io.js';

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

export function createProgressReporter(stream: OutputStream, now: () => number = Date.now): ProgressReporter {
	const live = stream.isTTY === true;
	const interval = live ? 100 : 2000;
	// Nothing is drawn for runs shorter than one interval: a quick compute prints only its summary.
	let lastDraw = now();
	let drawn = false;
	let pending: ComputeProgress | null = null;
	const draw = (p: ComputeProgress): void => {
		const line = describeProgress(p, now());
		if (live) {
			const width = Math.max(20, (stream.columns ?? 80) - 1);
			stream.write(`\r\u001B[2K${truncateToWidth(line, width)}`);
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
