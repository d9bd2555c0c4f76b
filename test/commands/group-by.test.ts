/** `sdstats list --group-by FIELD`: the groups of the sessions `--filter` selects, as a table, JSON and CSV. */
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {GROUP_BYS} from '../../source/view/rollup.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const PONY = 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]';
const ILLU = 'illustriousXL_v01.safetensors [a1b2c3d4e5]';
const FORMULA = '=danger.safetensors [0123456789]';

type Group = {
	key: string;
	label: string;
	sessions: number;
	imagesFound: number;
	imagesExpected: number | null;
	meanCompletion: number | null;
	incomplete: number;
	stalled: number;
	aborted: number;
	imagesPerHour: number | null;
	lastUsed: string | null;
	query: string;
};

let root = '';
let dbPath = '';
const list = (...args: string[]) => runCli(['list', '--root', root, '--db', dbPath, ...args]);

async function groups(...args: string[]): Promise<Group[]> {
	const result = await list(...args, '--json');
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as Group[];
}

beforeAll(async () => {
	({root, dbPath} = makeWorkspace('sdstats-group-by-', {oneFile: true}));
	// Vitest runs in UTC (vitest.config.ts), and the binary inherits it: image times read as written here.
	const at = (month: number, day: number, hour: number, minute = 0) => Date.UTC(2025, month - 1, day, hour, minute);
	const size = {width: 832, height: 1216, steps: 30, cfg_scale: 7};
	// 7 images a minute apart, 4 half a minute apart: 9 generations in 7.5 minutes, 72 an hour.
	writeSession(root, {
		name: '20251110_100000-pony_done',
		manifest: {numImages: 7, model: PONY, status: 'completed', apiParams: {...size, sampler_name: 'Euler a'}},
		images: 7,
		firstImageMs: at(11, 10, 10, 1),
		imageIntervalMs: 60_000,
	});
	writeSession(root, {
		name: '20251111_090000-pony_aborted',
		manifest: {numImages: 10, model: PONY, status: 'aborted', apiParams: {...size, sampler_name: 'DPM++ 2M'}},
		images: 4,
		firstImageMs: at(11, 11, 9),
		imageIntervalMs: 30_000,
	});
	// Still "ongoing", written to long ago: stalled.
	writeSession(root, {
		name: '20251117_080000-illu_stalled',
		manifest: {
			numImages: 20,
			model: ILLU,
			status: 'ongoing',
			apiParams: {width: 1024, height: 1024, sampler_name: 'Euler a'},
		},
		images: 2,
		firstImageMs: at(11, 17, 8),
		imageIntervalMs: 10_000,
	});
	// A model name a spreadsheet would run as a formula; no size, no sampler.
	writeSession(root, {
		name: '20251118_120000-formula',
		manifest: {numImages: 2, model: FORMULA, mode: 'random', status: 'completed', apiParams: {}},
		images: 2,
		firstImageMs: at(11, 18, 12),
		imageIntervalMs: 5_000,
	});
	// No manifest: unknown model, sampler, size and mode.
	writeSession(root, {
		name: '2025-10-14_163854_legacy.prompt',
		images: 3,
		firstImageMs: at(10, 14, 16, 40),
		imageIntervalMs: 5_000,
	});
	const compute = await runCli(['compute', '--root', root, '--db', dbPath]);
	expect(compute.code, compute.stderr).toBe(0);
});

describe('list --group-by', () => {
	it('prints the groups as JSON: figures per group, most sessions first', async () => {
		const printed = (await groups('--group-by', 'model')) as Array<{daily?: unknown}>;
		// Each group also carries its images per day over the last 30 days (the roll-ups' sparkline, issue 13).
		for (const group of printed) expect(group.daily).toEqual(expect.arrayContaining([expect.any(Number)]));
		for (const group of printed) expect(group.daily).toHaveLength(30);
		expect(printed.map(({daily: _daily, ...rest}) => rest)).toEqual([
			{
				key: PONY,
				label: 'ponyDiffusionV6XL',
				sessions: 2,
				imagesFound: 11,
				imagesExpected: 17,
				meanCompletion: 70,
				incomplete: 1,
				stalled: 0,
				aborted: 1,
				imagesPerHour: 72,
				lastUsed: '2025-11-11T09:01:30',
				query: `model:="${PONY}"`,
			},
			{
				key: '',
				label: '(unknown)',
				sessions: 1,
				imagesFound: 3,
				imagesExpected: null,
				meanCompletion: null,
				incomplete: 0,
				stalled: 0,
				aborted: 0,
				imagesPerHour: 720,
				lastUsed: '2025-10-14T16:40:10',
				query: 'model:none',
			},
			{
				key: FORMULA,
				label: '=danger',
				sessions: 1,
				imagesFound: 2,
				imagesExpected: 2,
				meanCompletion: 100,
				incomplete: 0,
				stalled: 0,
				aborted: 0,
				imagesPerHour: 720,
				lastUsed: '2025-11-18T12:00:05',
				query: `model:="${FORMULA}"`,
			},
			{
				key: ILLU,
				label: 'illustriousXL_v01',
				sessions: 1,
				imagesFound: 2,
				imagesExpected: 20,
				meanCompletion: 10,
				incomplete: 1,
				stalled: 1,
				aborted: 0,
				imagesPerHour: 360,
				lastUsed: '2025-11-17T08:00:10',
				query: `model:="${ILLU}"`,
			},
		]);
		const pick = (gs: Group[]) => gs.map((g) => [g.key, g.sessions, g.query]);
		expect(pick(await groups('--group-by', 'size'))).toEqual([
			['', 2, 'size:none'],
			['832x1216', 2, 'size:832x1216'],
			['1024x1024', 1, 'size:1024x1024'],
		]);
		expect(pick(await groups('--group-by', 'sampler'))).toEqual([
			['', 2, 'sampler:none'],
			['Euler a', 2, 'sampler:="Euler a"'],
			['DPM++ 2M', 1, 'sampler:="DPM++ 2M"'],
		]);
		expect(pick(await groups('--group-by', 'mode'))).toEqual([
			['combinatorial', 3, 'mode:=combinatorial'],
			['', 1, 'mode:none'],
			['random', 1, 'mode:=random'],
		]);
		expect(pick(await groups('--group-by', 'week'))).toEqual([
			['2025-W46', 2, 'created:2025-11-10..2025-11-16'],
			['2025-W47', 2, 'created:2025-11-17..2025-11-23'],
			['2025-W42', 1, 'created:2025-10-13..2025-10-19'],
		]);
		expect(pick(await groups('--group-by', 'day')).map(([key]) => key)).toEqual([
			'2025-10-14',
			'2025-11-10',
			'2025-11-11',
			'2025-11-17',
			'2025-11-18',
		]);
	});

	it.each(GROUP_BYS)('by %s: each group query lists exactly the group sessions', async (by) => {
		const all = await groups('--group-by', by);
		expect(all.reduce((sum, g) => sum + g.sessions, 0)).toBe(5);
		const listed = await Promise.all(all.map(async (g) => list(`--filter=${g.query}`, '--json')));
		const seen = new Set<string>();
		for (const [i, result] of listed.entries()) {
			expect(result.code, result.stderr).toBe(0);
			const ids = (JSON.parse(result.stdout) as Array<{session_id: string}>).map((r) => r.session_id);
			expect(ids, all[i]!.query).toHaveLength(all[i]!.sessions);
			for (const id of ids) {
				expect(seen.has(id), id).toBe(false);
				seen.add(id);
			}
		}
		expect(seen.size).toBe(5);
	});

	it('groups only what --filter selects, and scopes each query to the filter', async () => {
		const filtered = await groups('--group-by', 'model', '--filter=is:incomplete');
		expect(filtered.map((g) => [g.label, g.sessions, g.query])).toEqual([
			['illustriousXL_v01', 1, `is:incomplete model:="${ILLU}"`],
			['ponyDiffusionV6XL', 1, `is:incomplete model:="${PONY}"`],
		]);
		for (const g of filtered) {
			const result = await list(`--filter=${g.query}`, '--json');
			expect(JSON.parse(result.stdout)).toHaveLength(g.sessions);
		}
		expect(await groups('--group-by', 'day', '--filter=fox')).toEqual([]);
	});

	it('prints a table', async () => {
		const result = await list('--group-by', 'model');
		expect(result.code, result.stderr).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(
			/^GROUP\s+SESSIONS\s+IMAGES\s+DONE\s+INCOMPLETE\s+STALLED\s+ABORTED\s+IMG\/H\s+LAST USED$/,
		);
		expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
			['ponyDiffusionV6XL', '2', '11/17', '70.0%', '1', '0', '1', '72.0', '2025-11-11 09:01'],
			['(unknown)', '1', '3/?', '-', '0', '0', '0', '720', '2025-10-14 16:40'],
			['=danger', '1', '2/2', '100.0%', '0', '0', '0', '720', '2025-11-18 12:00'],
			['illustriousXL_v01', '1', '2/20', '10.0%', '1', '1', '0', '360', '2025-11-17 08:00'],
		]);
		// Numbers line up on the right.
		const imagesEnd = lines[0]!.indexOf('IMAGES') + 'IMAGES'.length;
		for (const line of lines.slice(1)) expect(line.slice(0, imagesEnd)).toMatch(/\d+\/(\d+|\?)$/);
		const nothing = await list('--group-by', 'model', '--filter=fox');
		expect(nothing.stdout).toBe('no sessions match the filter\n');
	});

	it('prints CSV with raw values, and formulas made inert', async () => {
		const result = await list('--group-by', 'model', '--csv');
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout.trimEnd().split('\n')).toEqual([
			'group,label,sessions,images_found,images_expected,mean_completion,incomplete,stalled,aborted,images_per_hour,last_used,query',
			`${PONY},ponyDiffusionV6XL,2,11,17,70,1,0,1,72,2025-11-11T09:01:30,"model:=""${PONY}"""`,
			',(unknown),1,3,,,0,0,0,720,2025-10-14T16:40:10,model:none',
			`'${FORMULA},'=danger,1,2,2,100,0,0,0,720,2025-11-18T12:00:05,"model:=""${FORMULA}"""`,
			`${ILLU},illustriousXL_v01,1,2,20,10,1,1,0,360,2025-11-17T08:00:10,"model:=""${ILLU}"""`,
		]);
	});

	it('takes only known groupings, and not with --sort', async () => {
		const unknown = await list('--group-by', 'colour');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain(
			'--group-by: unknown field "colour" (fields: model, sampler, size, mode, day, week)',
		);
		expect(unknown.stdout).toBe('');
		const empty = await list('--group-by=');
		expect(empty.code).toBe(2);
		expect(empty.stderr).toContain('fields: model, sampler, size, mode, day, week');
		const sorted = await list('--group-by', 'model', '--sort', 'name');
		expect(sorted.code).toBe(2);
		expect(sorted.stderr).toContain('--sort cannot be used with --group-by');
		const elsewhere = await runCli(['show', 'x', '--group-by', 'model', '--root', root, '--db', dbPath]);
		expect(elsewhere.code).toBe(2);
		expect(elsewhere.stderr).toContain('--group-by cannot be used with `sdstats show`');
	});
});
