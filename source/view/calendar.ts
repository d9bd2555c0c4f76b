/**
 * Calendar arithmetic the roll-ups need: ISO weeks, and stored local times read as epoch ms without a Date per
 * call (a roll-up over 100,000 sessions reads 200,000 of them).
 */
import {epochMsFromIso} from '../core/iso-time.js';

export const DAY_MS = 86_400_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isoDate(date: Date): string {
	return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export type Week = {key: string; monday: string; sunday: string};

/** The ISO week (weeks start on Monday; week 1 holds the year's first Thursday) of a real YYYY-MM-DD. */
export function isoWeekOf(day: string): Week {
	const date = new Date(0);
	date.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
	const weekday = (date.getUTCDay() + 6) % 7;
	const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
	const year = thursday.getUTCFullYear();
	const januaryFirst = new Date(0);
	januaryFirst.setUTCFullYear(year, 0, 1);
	const week = 1 + Math.floor((thursday.getTime() - januaryFirst.getTime()) / (7 * DAY_MS));
	const monday = isoDate(new Date(date.getTime() - weekday * DAY_MS));
	const sunday = isoDate(new Date(date.getTime() + (6 - weekday) * DAY_MS));
	// The query language takes four-digit years: the week's ends are clamped to days a row can hold.
	const fourDigits = /^\d{4}-/;
	return {
		key: `${year < 0 ? `-${pad(-year, 4)}` : pad(year, 4)}-W${pad(week)}`,
		monday: fourDigits.test(monday) ? monday : '0000-01-01',
		sunday: fourDigits.test(sunday) && sunday.length === 10 ? sunday : '9999-12-31',
	};
}

/**
 * Local time offset (local reading − UTC reading, ms) of each quarter hour seen, keyed by quarter hours since
 * the epoch: offsets change on a quarter hour (02:00, 02:30, Chatham's 02:45); NaN for one they change within.
 */
const quarterOffsets = new Map<number, number>();
const QUARTER_MS = 900_000;

/** Two digits at `i` (NaN when not digits). */
function twoDigits(text: string, i: number): number {
	const a = text.charCodeAt(i) - 48;
	const b = text.charCodeAt(i + 1) - 48;
	return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
	return (
		era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
	);
}

/**
 * A stored local ISO time (`2025-11-12T21:04:11[.482913]`) to epoch ms, as epochMsFromIso reads it, without a
 * Date per call: plain arithmetic, and the local offset looked up once per quarter hour.
 * A roll-up over 100,000 sessions reads 200,000 of these.
 */
export function localEpochMs(text: string): number {
	const sep = text.charCodeAt(10);
	if (
		text.length < 19 ||
		(sep !== 84 && sep !== 32) ||
		text.charCodeAt(4) !== 45 ||
		text.charCodeAt(7) !== 45 ||
		text.charCodeAt(13) !== 58 ||
		text.charCodeAt(16) !== 58
	) {
		return epochMsFromIso(text);
	}
	const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
	const month = twoDigits(text, 5);
	const day = twoDigits(text, 8);
	const hour = twoDigits(text, 11);
	let ms = 0;
	if (text.charCodeAt(19) === 46) {
		for (let i = 20, scale = 100; i < 23 && scale >= 1; i++, scale /= 10) {
			const d = text.charCodeAt(i) - 48;
			if (!(d >= 0 && d <= 9)) break;
			ms += d * scale;
		}
	}
	const minute = twoDigits(text, 14);
	const rest = (minute % 15) * 60_000 + twoDigits(text, 17) * 1000 + ms;
	if (Number.isNaN(year + month + day + hour + rest) || year < 100) return epochMsFromIso(text);
	const quarter = Math.floor(minute / 15);
	const quarters = (daysFromCivil(year, month, day) * 24 + hour) * 4 + quarter;
	let offset = quarterOffsets.get(quarters);
	if (offset === undefined) {
		const start = new Date(year, month - 1, day, hour, quarter * 15).getTime() - quarters * QUARTER_MS;
		const end =
			new Date(year, month - 1, day, hour, quarter * 15 + 14, 59, 999).getTime() -
			(quarters * QUARTER_MS + QUARTER_MS - 1);
		// A quarter hour the offset changes within (St John's at 00:01 until 2011): read its times the slow way.
		offset = start === end ? start : Number.NaN;
		quarterOffsets.set(quarters, offset);
	}
	return Number.isNaN(offset) ? epochMsFromIso(text) : quarters * QUARTER_MS + rest + offset;
}

/** Epoch ms as the local wall clock reads them (for day boundaries). */
export function localNowMsOf(nowMs: number): number {
	return nowMs - new Date(nowMs).getTimezoneOffset() * 60_000;
}
