/**
 * Roll-ups (view/rollup.ts): every group's query selects exactly the group's sessions, for every grouping and
 * with unknown and awkward values present; the figures of a hand-made set, exactly.
 */
import {describe, expect, it} from 'vitest';
import {epochMsFromIso, isoFromEpochMs} from '../../source/core/iso-time.js';
import {formatQuery, parseQuery, type FieldValue} from '../../source/core/query.js';
import type {StoredSession} from '../../source/core/types.js';
import {compileQuery} from '../../source/view/query-match.js';
import {
	GROUP_BYS,
	isoWeekOf,
	localEpochMs,
	nextGroupBy,
	parseGroupBy,
	queryWithin,
	rollup,
	type GroupBy,
	type GroupRow,
} from '../../source/view/rollup.js';
import {toSessionView, type SessionView} from '../../source/view/session-view.js';
import {TEST_NOW, sampleSessions, storedSession, type RowSpec} from '../helpers/sessions.js';

const STALL_MS = 600_000;
const PONY = 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]';
const ILLU = 'illustriousXL_v01.safetensors [a1b2c3d4e5]';

function row(name: string, spec: RowSpec, overrides: Partial<StoredSession> = {}): StoredSession {
	return {...storedSession(name, spec), ...overrides};
}

const viewsOf = (rows: readonly StoredSession[]): SessionView[] =>
	rows.map((r) => toSessionView(r, TEST_NOW, STALL_MS));

function compile(text: string): (view: SessionView) => boolean {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message} at ${parsed.error.position}`);
	return compileQuery(parsed.query, TEST_NOW);
}

/** A set with every kind of awkward value the groupings meet. */
function awkwardRows(): StoredSession[] {
	const base = {numImages: 4, images: 2, status: 'completed'} satisfies RowSpec;
	return [
		...sampleSessions(),
		// Models: one name inside another, the same short name with another hash, quotes, commas, blanks, a
		// leading "=", the literal words "none" and "unknown", an empty value, control characters.
		row('20251101_100000-m1', {...base, model: 'pony'}),
		row('20251101_110000-m2', {...base, model: 'ponyV2'}),
		row('20251101_120000-m3', {...base, model: 'ponyDiffusionV6XL.safetensors [0000000000]'}),
		row('20251101_130000-m4', {...base, model: 'my "odd", model.safetensors'}),
		row('20251101_140000-m5', {...base, model: '=cmd|calc'}),
		row('20251101_150000-m6', {...base, model: 'none'}),
		row('20251101_160000-m7', {...base, model: 'unknown'}),
		row('20251101_170000-m8', base, {sd_model: ''}),
		row('20251101_180000-m9', {...base, model: 'evil\u001b[31m\tname\nx'}),
		row('20251101_190000-m10', {...base, model: 'PONY'}),
		row('20251101_200000-m11', {...base, model: '  spaced  '}),
		row('20251101_210000-m12', {...base, model: '""'}),
		// Samplers and modes: case, prefixes, empty and missing values.
		row('20251102_100000-s1', {...base, apiParams: {width: 512, height: 768, sampler_name: 'euler a'}}),
		row('20251102_110000-s2', {...base, apiParams: {width: 512, height: 768, sampler_name: 'Euler'}}),
		row('20251102_120000-s3', {...base, apiParams: {width: 768, height: 512, sampler_name: ''}}),
		row('20251102_130000-s4', {...base, mode: 'comb'}),
		row('20251102_140000-s5', {...base, mode: 'combinatorial'}, {generation_mode: null}),
		row('20251102_150000-s6', {...base, mode: ''}),
		// Sizes: half known, negative, fractional (another writer's REAL).
		row('20251103_100000-z1', {...base, apiParams: {width: 512}}),
		row('20251103_110000-z2', {...base, apiParams: {width: -1, height: 768}}),
		row('20251103_120000-z3', base, {width: 832.5, height: 1216}),
		// Dates: week 53, weeks across the new year, a leap day, no date, dates that are not dates.
		row('20210103_100000-d1', base),
		row('20241230_100000-d2', base),
		row('20250101_100000-d3', base),
		row('20241229_100000-d4', base),
		row('20240229_100000-d5', base),
		row('20251104_100000-d6', base, {session_created_at: null}),
		row('20251104_110000-d7', base, {session_created_at: '2025-02-30T10:00:00'}),
		row('20251104_120000-d8', base, {session_created_at: 'garbage'}),
		row('20251104_130000-d9', base, {session_created_at: '2025-12-32T10:00:00'}),
		row('20251104_140000-d10', base, {session_created_at: '0099-01-01T00:00:00'}),
	];
}

/** The value a session is grouped by, worked out here independently (null: unknown). */
function expectedKey(view: SessionView, by: GroupBy): string | null {
	const r = view.row;
	const text = (v: string | null): string | null => (v === null || v === '' ? null : v);
	switch (by) {
		case 'model':
			return text(r.sd_model);
		case 'sampler':
			return text(r.sampler_name);
		case 'mode':
			return text(r.generation_mode);
		case 'size':
			return r.width === null || r.height === null ? null : `${r.width}x${r.height}`;
		case 'day':
		case 'week': {
			const day = (r.session_created_at ?? '').slice(0, 10);
			const date = new Date(`${day}T00:00:00Z`);
			if (
				!/^\d{4}-\d{2}-\d{2}$/.test(day) ||
				Number.isNaN(date.getTime()) ||
				date.toISOString().slice(0, 10) !== day
			)
				return null;
			return by === 'day' ? day : isoWeekOf(day).key;
		}
	}
}

describe('rollup: every group query selects exactly its sessions', () => {
	const views = viewsOf(awkwardRows());

	it.each(GROUP_BYS)('by %s', (by) => {
		const groups = rollup(views, by, TEST_NOW);
		const claimed = new Map<string, string>();
		let total = 0;
		for (const group of groups) {
			const selected = views.filter(compile(group.query));
			expect(selected.length, `${group.query} (${group.label})`).toBe(group.sessions);
			// Every selected session has the group's value…
			const keys = new Set(selected.map((v) => expectedKey(v, by) ?? ''));
			expect([...keys], group.query).toEqual([group.key]);
			for (const view of selected) {
				// …and no other group's query selects it.
				expect(claimed.get(view.id), view.id).toBeUndefined();
				claimed.set(view.id, group.query);
			}
			total += group.sessions;
			// The query is canonical: formatting it again gives it back.
			const parsed = parseQuery(group.query);
			expect(parsed.ok && formatQuery(parsed.query)).toBe(group.query);
		}
		expect(total).toBe(views.length);
		expect(claimed.size).toBe(views.length);
		// The unknown values are there, in one group.
		expect(groups.filter((g) => g.label === '(unknown)')).toHaveLength(1);
	});

	it('keeps values apart that a "contains" filter would merge', () => {
		const models = rollup(views, 'model', TEST_NOW);
		const query = (key: string): string => models.find((g) => g.key === key)!.query;
		expect(query('pony')).toBe('model:=pony');
		expect(query('PONY')).toBe('model:=PONY');
		expect(query('my "odd", model.safetensors')).toBe('model:="my ""odd"", model.safetensors"');
		expect(query('none')).toBe('model:=none');
		expect(query('  spaced  ')).toBe('model:="  spaced  "');
		expect(models.find((g) => g.key === '')!.query).toBe('model:none');
		// The empty model counts as unknown, with the sessions that have none.
		expect(models.find((g) => g.key === '')!.sessions).toBe(3);
		const samplers = rollup(views, 'sampler', TEST_NOW);
		expect(samplers.find((g) => g.key === 'Euler a')!.query).toBe('sampler:="Euler a"');
		expect(samplers.find((g) => g.key === 'euler a')!.sessions).toBe(1);
		const modes = rollup(views, 'mode', TEST_NOW);
		expect(modes.find((g) => g.key === 'comb')!.query).toBe('mode:=comb');
	});

	it('labels models by their short name, and by the full name where two share one; labels are sanitized', () => {
		const labels = rollup(views, 'model', TEST_NOW).map((g) => g.label);
		expect(labels).toContain(PONY);
		expect(labels).toContain('ponyDiffusionV6XL.safetensors [0000000000]');
		expect(labels).toContain('illustriousXL_v01');
		for (const label of labels) expect(label).not.toMatch(/[\u0000-\u001f\u007f]/);
	});

	it('names ISO weeks and their Monday-to-Sunday ranges', () => {
		expect(isoWeekOf('2025-11-12')).toEqual({key: '2025-W46', monday: '2025-11-10', sunday: '2025-11-16'});
		expect(isoWeekOf('2021-01-03')).toEqual({key: '2020-W53', monday: '2020-12-28', sunday: '2021-01-03'});
		expect(isoWeekOf('2024-12-30')).toEqual({key: '2025-W01', monday: '2024-12-30', sunday: '2025-01-05'});
		expect(isoWeekOf('2024-12-29')).toEqual({key: '2024-W52', monday: '2024-12-23', sunday: '2024-12-29'});
		expect(isoWeekOf('0099-01-01')).toEqual({key: '0099-W01', monday: '0098-12-29', sunday: '0099-01-04'});
		// The query language takes four-digit years: the ends are clamped to days a row can hold.
		expect(isoWeekOf('9999-12-31')).toEqual({key: '9999-W52', monday: '9999-12-27', sunday: '9999-12-31'});
		expect(isoWeekOf('0000-01-01').monday).toBe('0000-01-01');
		const weeks = rollup(views, 'week', TEST_NOW);
		expect(weeks.find((g) => g.key === '2025-W01')).toMatchObject({
			sessions: 2,
			query: 'created:2024-12-30..2025-01-05',
		});
	});
});

describe('rollup: figures', () => {
	const HUGE = 9_223_372_036_854_775_807n;
	const rows = [
		row(
			'20251110_100000-a',
			{
				numImages: 10,
				images: 10,
				model: PONY,
				status: 'completed',
				apiParams: {width: 832, height: 1216, sampler_name: 'Euler a'},
			},
			{
				first_image_created_at: '2025-11-10T10:00:00',
				last_image_created_at: '2025-11-10T10:09:00',
			},
		),
		row(
			'20251111_100000-b',
			{
				numImages: 10,
				images: 4,
				model: PONY,
				status: 'aborted',
				apiParams: {width: 832, height: 1216, sampler_name: 'DPM++ 2M'},
			},
			{
				first_image_created_at: '2025-11-11T10:00:00',
				last_image_created_at: '2025-11-11T10:03:00',
			},
		),
		row(
			'20251112_100000-c',
			{numImages: 20, images: 5, model: PONY, status: 'ongoing', idleMinutes: 300},
			{
				first_image_created_at: '2025-11-12T10:00:00',
				last_image_created_at: '2025-11-12T10:04:00.250000',
			},
		),
		row(
			'20251113_100000-d',
			{numImages: 8, images: 1, model: ILLU, status: 'completed'},
			{
				first_image_created_at: '2025-11-13T10:00:30',
				last_image_created_at: '2025-11-13T10:00:30',
			},
		),
		row(
			'2025-10-14_163854_legacy.prompt',
			{noManifest: true, images: 3},
			{
				first_image_created_at: '2025-10-14T16:40:00',
				last_image_created_at: '2025-10-14T16:41:00',
			},
		),
	];
	const views = viewsOf(rows);

	it('by model', () => {
		expect(views.map((v) => v.state)).toEqual(['complete', 'aborted', 'stalled', 'partial', 'no_manifest']);
		expect(rollup(views, 'model', TEST_NOW)).toEqual<GroupRow[]>([
			{
				key: PONY,
				label: 'ponyDiffusionV6XL',
				sessions: 3,
				imagesFound: 19,
				imagesExpected: 40,
				meanCompletion: 55,
				incomplete: 2,
				stalled: 1,
				aborted: 1,
				// (9 + 3 + 4) images over 9 + 3 + 4 minutes (and a quarter second).
				imagesPerHour: expect.closeTo((16 / (16 * 60 + 0.25)) * 3600, 9) as number,
				lastUsed: '2025-11-12T10:04:00.250000',
				// The daily sparkline has its own test below.
				daily: expect.any(Array) as number[],
				query: `model:="${PONY}"`,
			},
			{
				key: '',
				label: '(unknown)',
				sessions: 1,
				imagesFound: 3,
				// No session with an expected count.
				imagesExpected: null,
				meanCompletion: null,
				incomplete: 0,
				stalled: 0,
				aborted: 0,
				imagesPerHour: 120,
				lastUsed: '2025-10-14T16:41:00',
				// The daily sparkline has its own test below.
				daily: expect.any(Array) as number[],
				query: 'model:none',
			},
			{
				key: ILLU,
				label: 'illustriousXL_v01',
				sessions: 1,
				imagesFound: 1,
				imagesExpected: 8,
				meanCompletion: 12.5,
				incomplete: 1,
				stalled: 0,
				aborted: 0,
				// One image: no span to measure.
				imagesPerHour: null,
				lastUsed: '2025-11-13T10:00:30',
				// The daily sparkline has its own test below.
				daily: expect.any(Array) as number[],
				query: `model:="${ILLU}"`,
			},
		]);
	});

	it('by size, sampler, day and week', () => {
		const pick = (groups: GroupRow[]) => groups.map((g) => [g.label, g.sessions, g.query]);
		expect(pick(rollup(views, 'size', TEST_NOW))).toEqual([
			['832×1216', 4, 'size:832x1216'],
			['(unknown)', 1, 'size:none'],
		]);
		expect(pick(rollup(views, 'sampler', TEST_NOW))).toEqual([
			['DPM++ 2M', 3, 'sampler:="DPM++ 2M"'],
			['(unknown)', 1, 'sampler:none'],
			['Euler a', 1, 'sampler:="Euler a"'],
		]);
		expect(pick(rollup(views, 'day', TEST_NOW)).map(([label]) => label)).toEqual([
			'2025-10-14',
			'2025-11-10',
			'2025-11-11',
			'2025-11-12',
			'2025-11-13',
		]);
		expect(pick(rollup(views, 'week', TEST_NOW))).toEqual([
			['2025-W46', 4, 'created:2025-11-10..2025-11-16'],
			['2025-W42', 1, 'created:2025-10-13..2025-10-19'],
		]);
	});

	it('sums expected images exactly past 2^53', () => {
		const huge = viewsOf([
			row(
				'20251110_100000-a',
				{numImages: 10, images: 2, model: PONY},
				{images_expected: HUGE, completion_percentage: 0},
			),
			row('20251111_100000-b', {numImages: 10, images: 2, model: PONY}),
		]);
		expect(rollup(huge, 'model', TEST_NOW)[0]).toMatchObject({imagesExpected: HUGE + 10n, meanCompletion: 10});
	});

	it('gives no groups for no sessions', () => {
		for (const by of GROUP_BYS) expect(rollup([], by, TEST_NOW)).toEqual([]);
	});

	it('scopes a group query to a filter', () => {
		const parsed = parseQuery('state:partial,stalled -fox');
		if (!parsed.ok) throw new Error('parse');
		const groups = rollup(views.filter(compileQuery(parsed.query, TEST_NOW)), 'model', TEST_NOW);
		const scoped = groups.map((g) => queryWithin(parsed.query, g));
		// One session each: by label.
		expect(scoped).toEqual([
			`state:partial,stalled -fox model:="${ILLU}"`,
			`state:partial,stalled -fox model:="${PONY}"`,
		]);
		for (const [i, text] of scoped.entries()) expect(views.filter(compile(text))).toHaveLength(groups[i]!.sessions);
		expect(queryWithin({terms: []}, groups[0]!)).toBe(groups[0]!.query);
	});

	it('reads stored times as epochMsFromIso does, only faster', () => {
		const samples = [
			'2025-11-12T21:04:11',
			'2025-11-12T21:04:11.482913',
			'2025-11-12 21:04:11.5',
			'2025-11-12T21:04',
			'0099-01-01T00:00:00',
			'garbage',
			'2025-11-12T2x:04:11',
		];
		for (let t = Date.UTC(1999, 0, 1); t < Date.UTC(2031, 0, 1); t += 7_777_777_777)
			samples.push(isoFromEpochMs(t), isoFromEpochMs(t).slice(0, 19));
		for (const text of samples) expect(localEpochMs(text), text).toEqual(epochMsFromIso(text));
	});

	it('reads and cycles the groupings', () => {
		expect(parseGroupBy(' Week ')).toBe('week');
		expect(parseGroupBy('colour')).toBeNull();
		expect(nextGroupBy('model')).toBe('sampler');
		expect(nextGroupBy('week')).toBe('model');
		expect(nextGroupBy('model', -1)).toBe('week');
	});
});

describe('query language: exact values, none, size', () => {
	function value(text: string): FieldValue {
		const parsed = parseQuery(text);
		if (!parsed.ok) throw new Error(parsed.error.message);
		const [term] = parsed.query.terms;
		if (!term || term.kind !== 'field') throw new Error('not a field term');
		return term.value;
	}

	it.each([
		['model:=pony', {type: 'exact', value: 'pony'}],
		['model:="sd xl, v2"', {type: 'exact', value: 'sd xl, v2'}],
		['model:="a ""quoted"" name"', {type: 'exact', value: 'a "quoted" name'}],
		['sampler:=Euler', {type: 'exact', value: 'Euler'}],
		['mode:=comb', {type: 'exact', value: 'comb'}],
		['model:none', {type: 'none'}],
		['model:NONE', {type: 'none'}],
		['size:none', {type: 'none'}],
		['created:none', {type: 'none'}],
		['size:832x1216', {type: 'sizes', values: [{width: 832, height: 1216}]}],
		[
			'size:512×768,1024X1024',
			{
				type: 'sizes',
				values: [
					{width: 512, height: 768},
					{width: 1024, height: 1024},
				],
			},
		],
		// Quoted, "=" and "none" are text again: "contains".
		['model:"none"', {type: 'text', values: ['none']}],
		['model:"=x"', {type: 'text', values: ['=x']}],
		['model:none,pony', {type: 'text', values: ['none', 'pony']}],
		['tag:none', {type: 'text', values: ['none']}],
		['tag:=x', {type: 'text', values: ['=x']}],
	] as Array<[string, FieldValue]>)('reads %s', (text, expected) => {
		expect(value(text)).toEqual(expected);
		const parsed = parseQuery(text);
		if (!parsed.ok) return;
		// Formats back to text that reads the same.
		const again = parseQuery(formatQuery(parsed.query));
		expect(again.ok && again.query.terms[0]).toMatchObject({value: expected});
	});

	it.each([
		['size:big', 'size: expected WIDTHxHEIGHT', 5],
		['size:512x768,x', 'size: expected WIDTHxHEIGHT', 13],
		['model:=', 'model: a value is missing', 7],
		['created:nothing', 'created: "nothing" is not a date', 8],
	])('reports %s', (text, message, position) => {
		const parsed = parseQuery(text);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.error.message.startsWith(message), parsed.error.message).toBe(true);
		expect(parsed.error.position).toBe(position);
	});

	it('matches them', () => {
		const views = viewsOf([
			row('20251110_100000-a', {
				numImages: 2,
				images: 2,
				model: 'Pony',
				apiParams: {width: 512, height: 768, sampler_name: 'Euler a'},
			}),
			row('20251111_100000-b', {numImages: 2, images: 2, model: 'ponyV2', apiParams: {width: 768, height: 512}}),
			row('x', {noManifest: true, images: 1}),
		]);
		const ids = (text: string): string[] => views.filter(compile(text)).map((v) => v.id);
		expect(ids('model:=Pony')).toEqual(['20251110_100000-a']);
		expect(ids('model:=pony')).toEqual([]);
		expect(ids('model:pony')).toEqual(['20251110_100000-a', '20251111_100000-b']);
		expect(ids('model:none')).toEqual(['x']);
		expect(ids('-model:none')).toEqual(['20251110_100000-a', '20251111_100000-b']);
		expect(ids('sampler:none')).toEqual(['20251111_100000-b', 'x']);
		expect(ids('size:512x768,1x1')).toEqual(['20251110_100000-a']);
		expect(ids('size:none')).toEqual(['x']);
		expect(ids('created:none')).toEqual(['x']);
		expect(ids('created:2025-11-10..2025-11-11')).toEqual(['20251110_100000-a', '20251111_100000-b']);
		expect(ids('name:=x')).toEqual(['x']);
	});
});

describe("images per day over the last 30 days (the roll-ups' sparkline)", () => {
	it("spreads each session's images over the days from its first image to its last, oldest day first", () => {
		const rows = [
			row(
				'20251118_100000-two_days',
				{numImages: 10, images: 10},
				{first_image_created_at: '2025-11-18T23:00:00', last_image_created_at: '2025-11-19T01:00:00'},
			),
			row(
				'20251120_100000-today',
				{numImages: 3, images: 3},
				{first_image_created_at: '2025-11-20T09:00:00', last_image_created_at: '2025-11-20T10:00:00'},
			),
			row(
				'20250901_100000-long_ago',
				{numImages: 7, images: 7},
				{first_image_created_at: '2025-09-01T09:00:00', last_image_created_at: '2025-09-01T10:00:00'},
			),
		];
		const [group] = rollup(viewsOf(rows), 'mode', TEST_NOW);
		expect(group!.daily).toHaveLength(30);
		expect(group!.daily.slice(-3)).toEqual([5, 5, 3]);
		expect(group!.daily.reduce((a, b) => a + b, 0)).toBe(13);
	});
});
