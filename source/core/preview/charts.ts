/**
 * Small charts drawn with Unicode block characters, so they work in every terminal (and in a pipe): a
 * sparkline of counts, and a session's timeline (images per time slice, where a stall is a run of blanks).
 */

/** Eight heights, lowest first; a zero is a space so that gaps read as gaps. */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** One character per value, scaled to the largest (0 → space, any positive value at least the lowest bar). */
export function sparkline(values: readonly number[]): string {
	let max = 0;
	for (const value of values) if (Number.isFinite(value) && value > max) max = value;
	let text = '';
	for (const value of values) {
		if (!Number.isFinite(value) || value <= 0 || max <= 0) text += ' ';
		else text += BARS[Math.min(BARS.length - 1, Math.max(0, Math.ceil((value / max) * BARS.length) - 1))]!;
	}
	return text;
}

/** Counts of `timesMs` in `buckets` equal slices from `fromMs` to `toMs` (the last slice includes `toMs`). */
export function bucketCounts(timesMs: readonly number[], fromMs: number, toMs: number, buckets: number): number[] {
	const counts = new Array<number>(Math.max(0, buckets)).fill(0);
	if (buckets <= 0) return counts;
	const span = toMs - fromMs;
	for (const t of timesMs) {
		if (!Number.isFinite(t) || t < fromMs || t > toMs) continue;
		const slot = span <= 0 ? 0 : Math.min(buckets - 1, Math.floor(((t - fromMs) / span) * buckets));
		counts[slot]!++;
	}
	return counts;
}

export type Timeline = {
	/** The chart, `width` characters. */
	chart: string;
	fromMs: number;
	toMs: number;
	/** The most images in one slice, for the legend. */
	peak: number;
	/** Milliseconds per character. */
	sliceMs: number;
};

/**
 * A session's images over time: its first image to its last (or to `nowMs` for a running session, so that a
 * stall shows as a flat tail). Null without images or without room.
 */
export function sessionTimeline(
	timesMs: readonly number[],
	width: number,
	nowMs: number | null = null,
): Timeline | null {
	if (timesMs.length === 0 || width < 1) return null;
	let fromMs = Number.POSITIVE_INFINITY;
	let toMs = Number.NEGATIVE_INFINITY;
	for (const t of timesMs) {
		if (t < fromMs) fromMs = t;
		if (t > toMs) toMs = t;
	}
	if (nowMs !== null && nowMs > toMs) toMs = nowMs;
	const counts = bucketCounts(timesMs, fromMs, toMs, width);
	return {chart: sparkline(counts), fromMs, toMs, peak: Math.max(...counts), sliceMs: (toMs - fromMs) / width};
}

const DAY_MS = 86_400_000;

/** Images per UTC day for the `days` days ending on `nowMs`'s day, oldest first. */
export function perDay(points: ReadonlyArray<{atMs: number; count: number}>, nowMs: number, days = 30): number[] {
	const today = Math.floor(nowMs / DAY_MS);
	const counts = new Array<number>(days).fill(0);
	for (const {atMs, count} of points) {
		if (!Number.isFinite(atMs)) continue;
		const slot = days - 1 - (today - Math.floor(atMs / DAY_MS));
		if (slot >= 0 && slot < days) counts[slot]! += count;
	}
	return counts;
}
