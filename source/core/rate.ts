/**
 * The one definition of a session's rate, shared by the explorer (state column, details, ETA) and `sdstats
 * watch`: images per minute from the first image to the last one, (images − 1) ÷ minutes between their file
 * times. n images span n − 1 intervals, so two images a minute apart are 1 per minute. It reads only what the
 * cache stores for the session, so two programs looking at the same moment show the same number, whenever
 * each started and however often each polls. Pure.
 */
import {epochMsFromIso} from './iso-time.js';

export type RateFacts = {
	images_actual: number;
	first_image_created_at: string | null;
	last_image_created_at: string | null;
};

/** Images per minute, or null with fewer than two images or no time between the first and the last. */
export function imagesPerMinute(row: RateFacts): number | null {
	if (row.images_actual < 2 || !row.first_image_created_at || !row.last_image_created_at) return null;
	const spanMs = epochMsFromIso(row.last_image_created_at) - epochMsFromIso(row.first_image_created_at);
	if (!Number.isFinite(spanMs) || spanMs <= 0) return null;
	return (row.images_actual - 1) / (spanMs / 60_000);
}

/** Minutes left at that rate for `remaining` images, or null when it cannot be said. */
export function minutesLeft(remaining: number, ratePerMinute: number | null): number | null {
	if (ratePerMinute === null || ratePerMinute <= 0 || remaining <= 0) return null;
	return remaining / ratePerMinute;
}

/** `2.5/min`, `12/min`: the rate as the state column and `watch` print it. */
export function formatRate(perMinute: number): string {
	return perMinute >= 10 ? `${Math.round(perMinute)}/min` : `${perMinute.toFixed(1)}/min`;
}
