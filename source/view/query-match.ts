/** Matching sessions against a parsed query (core/query.ts). The explorer and `sdstats list --filter` share it. */
import {epochMsFromIso} from '../core/iso-time.js';
import {isRealDate, type FieldValue, type Query, type QueryTerm} from '../core/query.js';
import {FOLDER_TIME_TOLERANCE_MS} from '../core/analysis/anomalies.js';
import {originsOf} from '../core/sources.js';
import type {ListedSession, SessionState} from '../core/types.js';
import type {SessionView} from './session-view.js';

type Test = (view: SessionView) => boolean;

/** Numbers and ISO dates (text that sorts as it reads) compare the same way. */
function compare<T extends number | string>(op: '<' | '<=' | '>' | '>=' | '=', a: T, b: T): boolean {
	switch (op) {
		case '<':
			return a < b;
		case '<=':
			return a <= b;
		case '>':
			return a > b;
		case '>=':
			return a >= b;
		case '=':
			return a === b;
	}
}

const UNIT_MS = {h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000};

function numberTest(value: FieldValue, read: (v: SessionView) => number): Test {
	if (value.type === 'range') return (v) => read(v) >= value.min && read(v) <= value.max;
	if (value.type === 'compare') return (v) => compare(value.op, read(v), value.value);
	return () => false;
}

/** The day (YYYY-MM-DD) of a created value, or null when it holds no real date: such rows match only created:none. */
export function createdDay(created: string): string | null {
	const day = created.slice(0, 10);
	return isRealDate(day) ? day : null;
}

/** A text field's raw value, for `=` (exact) and `none`. */
const RAW_TEXT = {
	model: (v: SessionView) => v.row.sd_model,
	sampler: (v: SessionView) => v.row.sampler_name,
	mode: (v: SessionView) => v.row.generation_mode,
	name: (v: SessionView) => v.row.session_id,
	prompt: (v: SessionView) => v.row.resolved_prompt,
} as const;

/** `=VALUE` and `none` on a text field; null for other values. */
function rawTextTest(value: FieldValue, read: (v: SessionView) => string | null): Test | null {
	if (value.type === 'exact') return (v) => read(v) === value.value;
	if (value.type === 'none')
		return (v) => {
			const raw = read(v);
			return raw === null || raw === '';
		};
	return null;
}

type AnomalyColumns = Pick<
	ListedSession,
	'zero_byte_images' | 'images_recorded' | 'images_actual' | 'session_created_at' | 'first_image_created_at'
>;

/** Per row (rows are replaced, never changed, when recomputed): whether its first image predates its folder. */
const imageBeforeFolderCache = new WeakMap<object, boolean>();

function imageBeforeFolder(row: AnomalyColumns): boolean {
	const created = row.session_created_at;
	const first = row.first_image_created_at;
	if (!created || !first) return false;
	// Both are local ISO times: an image at or after the folder time compares so as text, with no date parsing.
	if (first >= created) return false;
	let result = imageBeforeFolderCache.get(row);
	if (result === undefined) {
		const gap = epochMsFromIso(created) - epochMsFromIso(first);
		result = Number.isFinite(gap) && gap > FOLDER_TIME_TOLERANCE_MS;
		imageBeforeFolderCache.set(row, result);
	}
	return result;
}

/**
 * `is:anomaly`: a session that deserves a look, judged from the cached row alone (the details view reads the
 * folder and says more: which files, truncated PNGs, duplicate sessions). True when any of:
 *
 * - an image file had 0 bytes at the last compute (`zero_byte_images` > 0; NULL, in rows computed before
 *   schema version 2, counts as 0);
 * - the manifest lists a different number of images than are on disk (`images_recorded` ≠ `images_actual`),
 *   except while the session is `running`: the generator writes each image before its manifest entry, so one is
 *   ahead by design. Rows without a manifest images list (`images_recorded` NULL) are not judged on this;
 * - the first image is more than 60 s older than the folder-name timestamp (`first_image_created_at` against
 *   `session_created_at`): images copied in, a wrong clock, or a renamed folder.
 */
export function isAnomalous(row: AnomalyColumns, state: SessionState): boolean {
	if ((row.zero_byte_images ?? 0) > 0) return true;
	if (
		state !== 'running' &&
		row.images_recorded !== null &&
		row.images_recorded !== undefined &&
		row.images_recorded !== row.images_actual
	)
		return true;
	return imageBeforeFolder(row);
}

function fieldTest(term: Extract<QueryTerm, {kind: 'field'}>, nowMs: number): Test {
	const {value} = term;
	switch (term.field) {
		case 'state':
			if (value.type !== 'states') return () => false;
			return (v) => value.values.includes(v.state);
		case 'model':
		case 'sampler':
		case 'name':
		case 'prompt': {
			const raw = rawTextTest(value, RAW_TEXT[term.field]);
			if (raw) return raw;
			if (value.type !== 'text') return () => false;
			const needles = value.values.map((x) => x.toLowerCase());
			const read =
				term.field === 'model'
					? (v: SessionView) => v.modelLower
					: term.field === 'sampler'
						? (v: SessionView) => v.samplerLower
						: term.field === 'name'
							? (v: SessionView) => v.nameLower
							: (v: SessionView) => v.promptLower;
			return (v) => needles.some((n) => read(v).includes(n));
		}
		case 'mode': {
			const raw = rawTextTest(value, RAW_TEXT.mode);
			if (raw) return raw;
			if (value.type !== 'text') return () => false;
			const prefixes = value.values.map((x) => x.toLowerCase());
			return (v) => prefixes.some((p) => v.mode.toLowerCase().startsWith(p));
		}
		case 'size':
			if (value.type === 'none') return (v) => v.row.width === null || v.row.height === null;
			if (value.type !== 'sizes') return () => false;
			return (v) => value.values.some((s) => v.row.width === s.width && v.row.height === s.height);
		case 'tag': {
			if (value.type !== 'text') return () => false;
			const wanted = value.values.map((x) => x.toLowerCase());
			return (v) => v.triage.tags.some((t) => wanted.includes(t.toLowerCase()));
		}
		case 'sweep':
			return value.type === 'bool' ? (v) => (v.row.is_seed_sweep === 1) === value.value : () => false;
		case 'fav':
			return value.type === 'bool' ? (v) => v.triage.favorite === value.value : () => false;
		case 'test':
			return value.type === 'bool' ? (v) => v.triage.test === value.value : () => false;
		case 'complete':
			return value.type === 'bool' ? (v) => v.triage.complete === value.value : () => false;
		case 'rating':
			if (value.type !== 'rating') return () => false;
			return (v) => value.values.includes(v.triage.rating ?? 'none');
		case 'completion':
			// Sessions without a completion (no manifest) match no comparison.
			return numberTest(value, (v) => v.completion);
		case 'images':
			return numberTest(value, (v) => v.row.images_actual);
		case 'created': {
			if (value.type === 'recent') {
				const since = nowMs - value.amount * UNIT_MS[value.unit];
				return (v) => v.created !== '' && epochMsFromIso(v.created) >= since;
			}
			if (value.type === 'older') {
				const before = nowMs - value.amount * UNIT_MS[value.unit];
				// Not a date: NaN, which is older than nothing.
				return (v) => v.created !== '' && epochMsFromIso(v.created) < before;
			}
			if (value.type === 'none') return (v) => createdDay(v.created) === null;
			if (value.type === 'date-range') {
				return (v) => {
					const day = createdDay(v.created);
					return day !== null && day >= value.from && day <= value.to;
				};
			}
			if (value.type === 'date') {
				return (v) => {
					const day = createdDay(v.created);
					return day !== null && compare(value.op, day, value.value);
				};
			}
			return () => false;
		}
		case 'root': {
			const read = (v: SessionView): string | null => v.row.root_name ?? null;
			const raw = rawTextTest(value, read);
			if (raw) return raw;
			if (value.type !== 'text') return () => false;
			const needles = value.values.map((x) => x.toLowerCase());
			return (v) => needles.some((n) => (read(v) ?? '').toLowerCase().includes(n));
		}
		case 'source': {
			if (value.type !== 'text') return () => false;
			return (v) =>
				originsOf(v.row)
					.split(' ')
					.some((o) => value.values.includes(o));
		}
		case 'is':
			if (value.type === 'is' && value.value === 'anomaly') return (v) => isAnomalous(v.row, v.state);
			return (v) => v.incomplete;
	}
}

/** A plain word's rule: the lower-case name, model or prompt contains it (`needle`, lower-case already). */
export function wordMatches(view: SessionView, needle: string): boolean {
	return view.nameLower.includes(needle) || view.modelLower.includes(needle) || view.promptLower.includes(needle);
}

function termTest(term: QueryTerm, nowMs: number): Test {
	let test: Test;
	if (term.kind === 'word') {
		const needle = term.text.toLowerCase();
		// wordMatches, faster: models and prompts repeat across thousands of sessions (one shared string each, see
		// session-view.ts), so each distinct one is searched once per query, then looked up.
		const seen = new Map<string, boolean>();
		const sharedHas = (text: string): boolean => {
			let found = seen.get(text);
			if (found !== undefined) return found;
			found = text.includes(needle);
			// Bounded: prompts that never repeat are simply searched.
			if (seen.size < 4096) seen.set(text, found);
			return found;
		};
		// The model first: a few distinct models, so a lookup a row that often settles it (the first letter typed).
		test = (v) => sharedHas(v.modelLower) || v.nameLower.includes(needle) || sharedHas(v.promptLower);
	} else {
		test = fieldTest(term, nowMs);
	}
	return term.negate ? (v) => !test(v) : test;
}

/** One predicate for the whole query (every term must hold); `nowMs` anchors relative dates (created:7d). */
export function compileQuery(query: Query, nowMs: number): Test {
	// Every term must hold, so their order is free: the field tests (a comparison each) go first, and the text
	// searches (three substring searches a row) only see the rows the fields let through.
	const ordered = [...query.terms.filter((t) => t.kind !== 'word'), ...query.terms.filter((t) => t.kind === 'word')];
	const tests = ordered.map((t) => termTest(t, nowMs));
	if (tests.length === 0) return () => true;
	if (tests.length === 1) return tests[0]!;
	// Two terms (the i preset and a typed word, the common pair): no loop per row over 100,000 rows.
	if (tests.length === 2) {
		const [first, second] = tests as [Test, Test];
		return (v) => first(v) && second(v);
	}
	return (v) => {
		for (const test of tests) if (!test(v)) return false;
		return true;
	};
}
