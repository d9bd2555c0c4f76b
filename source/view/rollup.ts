/**
 * Roll-ups: the sessions grouped by model, sampler, size, mode, day or week, with per-group figures. The
 * explorer's grouping view (`m`) and `sdstats list --group-by` share it, so both print the same groups.
 *
 * Every group carries the query text (core/query.ts) that selects exactly its sessions, the "(unknown)" group
 * included, so choosing a group is the same as typing its query: `model:="ponyV6.safetensors [67ab2fd8ec]"`,
 * `model:none`, `sampler:="Euler a"`, `size:832x1216`, `mode:=combinatorial`, `created:2025-11-12`, the
 * Monday-to-Sunday range `created:2025-11-10..2025-11-16` for an ISO week, `created:none`.
 */
import {memoizeString} from '../core/string-interner.js';
import {shortModelName} from '../core/model-name.js';
import {formatQuery, type Query} from '../core/query.js';
import type {Int64} from '../core/types.js';
import {sanitizeLine} from '../text/sanitize.js';
import {DAY_MS, isoWeekOf, localEpochMs, localNowMsOf, type Week} from './calendar.js';
import {createdDay} from './query-match.js';
import type {SessionView} from './session-view.js';

export const GROUP_BYS = ['model', 'sampler', 'size', 'mode', 'day', 'week'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** The label of the unknown group (sessions without the value: no manifest, no size, no date…). */
export const UNKNOWN_GROUP_LABEL = '(unknown)';

export type GroupRow = {
	/** Images per day over the last 30 days, oldest first (a session's images spread over its days). */
	daily: readonly number[];
	/**
	 * The raw group value: the full `sd_model`, the sampler or mode as stored, `832x1216`, the local day
	 * `2025-11-12`, the ISO week `2025-W46`. The empty string for the unknown group (an empty stored value
	 * counts as unknown, so no other group has an empty key).
	 */
	key: string;
	/** For display, sanitized: the short model name (the full name when two models share a short one), `832×1216`… */
	label: string;
	sessions: number;
	/** Images found, summed. */
	imagesFound: number;
	/**
	 * Images expected, summed over the sessions that have an expected count; exact (a bigint past 2^53); null
	 * when no session of the group has one (no manifest).
	 */
	imagesExpected: Int64 | null;
	/** Mean of completion_percentage over the sessions that have one; null when none has. */
	meanCompletion: number | null;
	/** Sessions in an incomplete state: partial, stalled, aborted, empty, running. */
	incomplete: number;
	stalled: number;
	aborted: number;
	/**
	 * Generation rate. For each session with two or more images and both image times, its span is the time
	 * from its first image to its last, and that span holds `images − 1` generations (the first image's own
	 * generation time came before it). imagesPerHour = Σ(images − 1) / Σ span, in images per hour, over those
	 * sessions; null when no session of the group has a span. Reads `first_image_created_at` and
	 * `last_image_created_at` from the row when it carries them (StoredSession does).
	 */
	imagesPerHour: number | null;
	/** The newest of the sessions' created times and last image times, as stored (local ISO); null when none. */
	lastUsed: string | null;
	/**
	 * Query text that selects exactly this group's sessions (alone: combine it with the filter in force with
	 * `queryWithin`). Holds raw values from disk: sanitize it before display, never before parsing.
	 */
	query: string;
};

/** The next grouping after `by` (`step` -1: the previous one), wrapping around. */
export function nextGroupBy(by: GroupBy, step = 1): GroupBy {
	const index = GROUP_BYS.indexOf(by);
	return GROUP_BYS[(((index + step) % GROUP_BYS.length) + GROUP_BYS.length) % GROUP_BYS.length]!;
}

/** `model`, ` Week `… as `--group-by` takes them; null when not a grouping. */
export function parseGroupBy(text: string): GroupBy | null {
	const name = text.trim().toLowerCase();
	return (GROUP_BYS as readonly string[]).includes(name) ? (name as GroupBy) : null;
}

/** The rows' image times, when they carry them (StoredSession does; ListedSession does not, yet). */
export {isoWeekOf, localEpochMs} from './calendar.js';

type ImageTimes = {first_image_created_at?: string | null; last_image_created_at?: string | null};

/** A text value that is null or empty is unknown. */
const known = (value: string | null): string | null => (value === null || value === '' ? null : value);

type Classifier = {
	/** The group key of a session, or null when its value is unknown. */
	keyOf: (view: SessionView) => string | null;
	label: (key: string) => string;
	query: (key: string | null) => string;
};

/** The term `field:=VALUE` or `field:none`, formatted (and so quoted) by the query language itself. */
function exactQuery(field: 'model' | 'sampler' | 'mode', key: string | null): string {
	const query: Query = {
		terms: [
			{
				kind: 'field',
				field,
				value: key === null ? {type: 'none'} : {type: 'exact', value: key},
				negate: false,
				start: 0,
			},
		],
	};
	return formatQuery(query);
}

function classifier(by: GroupBy): Classifier {
	switch (by) {
		case 'model':
			return {
				keyOf: (v) => known(v.row.sd_model),
				label: (key) => sanitizeLine(shortModelName(key)) || sanitizeLine(key),
				query: (key) => exactQuery('model', key),
			};
		case 'sampler':
			return {
				keyOf: (v) => known(v.row.sampler_name),
				label: sanitizeLine,
				query: (key) => exactQuery('sampler', key),
			};
		case 'mode':
			return {
				keyOf: (v) => known(v.row.generation_mode),
				label: sanitizeLine,
				query: (key) => exactQuery('mode', key),
			};
		case 'size':
			return {
				keyOf: (v) => (v.row.width === null || v.row.height === null ? null : `${v.row.width}x${v.row.height}`),
				label: (key) => key.replace('x', '×'),
				query: (key) => `size:${key ?? 'none'}`,
			};
		case 'day': {
			// Many sessions share a day: each created prefix is checked once.
			const dayOf = memoizeString(createdDay);
			return {
				keyOf: (v) => dayOf(v.created.slice(0, 10)),
				label: (key) => key,
				query: (key) => `created:${key ?? 'none'}`,
			};
		}
		case 'week': {
			// Many sessions share a day: the week of each created prefix is worked out once.
			const weeks = new Map<string, Week>();
			const weekOf = memoizeString((prefix): string | null => {
				const day = createdDay(prefix);
				const week = day === null ? null : isoWeekOf(day);
				if (week) weeks.set(week.key, week);
				return week ? week.key : null;
			});
			return {
				keyOf: (v) => weekOf(v.created.slice(0, 10)),
				label: (key) => key,
				query: (key) => {
					const week = key === null ? undefined : weeks.get(key);
					return week ? `created:${week.monday}..${week.sunday}` : 'created:none';
				},
			};
		}
	}
}

type Accumulator = {
	key: string | null;
	sessions: number;
	imagesFound: number;
	/** Summed as a number while it stays exact, as a bigint past that. */
	imagesExpected: number;
	imagesExpectedBig: bigint | null;
	expectedCount: number;
	completionSum: number;
	completionCount: number;
	incomplete: number;
	stalled: number;
	aborted: number;
	generations: number;
	generationMs: number;
	lastUsed: string | null;
	/** Images per day over the last DAILY_DAYS days, oldest first. */
	daily: number[];
};

/** The roll-ups' sparkline covers this many days, ending today. */
export const DAILY_DAYS = 30;

/**
 * A session's images spread over the days from its first image to its last (evenly: the rows keep no finer
 * record), added to the group's last DAILY_DAYS days. Times are local wall-clock text, read as such.
 */
function addDaily(
	daily: number[],
	images: number,
	first: string | null | undefined,
	last: string | null | undefined,
	nowMs: number,
): void {
	if (images <= 0 || (!first && !last)) return;
	// Days are local days: every time is moved by the local offset (now's; a DST change shifts an hour at most).
	const shift = nowMs - localNowMsOf(nowMs);
	const endMs = localEpochMs((last ?? first)!) - shift;
	const startMs = localEpochMs((first ?? last)!) - shift;
	if (!Number.isFinite(endMs) || !Number.isFinite(startMs)) return;
	const today = Math.floor(nowMs / DAY_MS);
	const firstDay = Math.floor(Math.min(startMs, endMs) / DAY_MS);
	const lastDay = Math.floor(Math.max(startMs, endMs) / DAY_MS);
	const perDay = images / (lastDay - firstDay + 1);
	for (let day = Math.max(firstDay, today - DAILY_DAYS + 1); day <= Math.min(lastDay, today); day++)
		daily[DAILY_DAYS - 1 - (today - day)]! += perDay;
}

function newAccumulator(key: string | null): Accumulator {
	return {
		key,
		sessions: 0,
		imagesFound: 0,
		imagesExpected: 0,
		imagesExpectedBig: null,
		expectedCount: 0,
		completionSum: 0,
		completionCount: 0,
		incomplete: 0,
		stalled: 0,
		aborted: 0,
		generations: 0,
		generationMs: 0,
		lastUsed: null,
		daily: new Array<number>(DAILY_DAYS).fill(0),
	};
}

/** Stored times are local ISO text (`2025-11-12T21:04:11[.482913]`), whose text order is their time order. */
function noteUsed(acc: Accumulator, time: string | null | undefined): void {
	if (time && (acc.lastUsed === null || time > acc.lastUsed)) acc.lastUsed = time;
}

function add(acc: Accumulator, view: SessionView, nowMs: number): void {
	const row = view.row as SessionView['row'] & ImageTimes;
	addDaily(acc.daily, row.images_actual, row.first_image_created_at, row.last_image_created_at, nowMs);
	acc.sessions++;
	acc.imagesFound += row.images_actual;
	const expected = row.images_expected;
	if (expected !== null) {
		acc.expectedCount++;
		if (
			acc.imagesExpectedBig === null &&
			typeof expected === 'number' &&
			Number.isSafeInteger(acc.imagesExpected + expected)
		)
			acc.imagesExpected += expected;
		else acc.imagesExpectedBig = (acc.imagesExpectedBig ?? BigInt(acc.imagesExpected)) + BigInt(expected);
	}
	if (row.completion_percentage !== null && Number.isFinite(row.completion_percentage)) {
		acc.completionSum += row.completion_percentage;
		acc.completionCount++;
	}
	if (view.incomplete) acc.incomplete++;
	if (view.state === 'stalled') acc.stalled++;
	if (view.state === 'aborted') acc.aborted++;
	const first = row.first_image_created_at;
	const last = row.last_image_created_at;
	if (row.images_actual >= 2 && first && last) {
		const span = localEpochMs(last) - localEpochMs(first);
		if (span > 0) {
			acc.generations += row.images_actual - 1;
			acc.generationMs += span;
		}
	}
	noteUsed(acc, row.session_created_at);
	noteUsed(acc, last);
}

const toInt64 = (value: bigint): Int64 =>
	value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;

/**
 * The groups of `views` by `by`, most sessions first, then by label. `nowMs` is the clock the views were made
 * with; the figures come from the views as they are (their states are already as of then).
 */
export function rollup(views: readonly SessionView[], by: GroupBy, nowMs: number): GroupRow[] {
	const localNowMs = localNowMsOf(nowMs);
	const {keyOf, label, query} = classifier(by);
	const groups = new Map<string | null, Accumulator>();
	for (const view of views) {
		const key = keyOf(view);
		let acc = groups.get(key);
		if (!acc) {
			acc = newAccumulator(key);
			groups.set(key, acc);
		}
		add(acc, view, localNowMs);
	}
	const rows: GroupRow[] = [...groups.values()].map((acc) => ({
		key: acc.key ?? '',
		label: acc.key === null ? UNKNOWN_GROUP_LABEL : label(acc.key),
		sessions: acc.sessions,
		imagesFound: acc.imagesFound,
		imagesExpected:
			acc.expectedCount === 0
				? null
				: acc.imagesExpectedBig === null
					? acc.imagesExpected
					: toInt64(acc.imagesExpectedBig),
		meanCompletion: acc.completionCount === 0 ? null : acc.completionSum / acc.completionCount,
		incomplete: acc.incomplete,
		stalled: acc.stalled,
		aborted: acc.aborted,
		imagesPerHour: acc.generationMs > 0 ? acc.generations / (acc.generationMs / 3_600_000) : null,
		lastUsed: acc.lastUsed,
		daily: acc.daily,
		query: query(acc.key),
	}));
	if (by === 'model') {
		// Two checkpoints with the same short name (another hash, another folder): show their full names.
		const count = new Map<string, number>();
		for (const row of rows) count.set(row.label, (count.get(row.label) ?? 0) + 1);
		for (const row of rows) if (row.key !== '' && count.get(row.label)! > 1) row.label = sanitizeLine(row.key);
	}
	return rows.sort((a, b) => {
		if (a.sessions !== b.sessions) return b.sessions - a.sessions;
		const al = a.label.toLowerCase();
		const bl = b.label.toLowerCase();
		if (al !== bl) return al < bl ? -1 : 1;
		if (a.label !== b.label) return a.label < b.label ? -1 : 1;
		return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
	});
}

/** A group's query within the filter in force (both must hold): what Enter on a group filters the list to. */
export function queryWithin(filter: Query, group: Pick<GroupRow, 'query'>): string {
	const scope = formatQuery(filter);
	return scope === '' ? group.query : `${scope} ${group.query}`;
}
