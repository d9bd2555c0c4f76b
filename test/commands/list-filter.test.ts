/** `sdstats list --filter --sort` prints exactly the rows, in the order, the explorer shows for the same query. */
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {openDatabase} from '../../source/store/db.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {parseSortSpec} from '../../source/view/sort.js';
import {applyView, explorerReducer, initialState} from '../../source/ui/state/reducer.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

let root = '';
let dbPath = '';

beforeAll(async () => {
	const workspace = makeWorkspace('sdstats-export-', {oneFile: true});
	({root, dbPath} = workspace);
	const models = [
		'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
		'illustriousXL_v01.safetensors [a1b2c3d4e5]',
		'hassakuXL_v13.safetensors [9f0c1b2a33]',
	];
	for (let i = 0; i < 24; i++) {
		writeSession(root, {
			name: `202511${String(1 + (i % 20)).padStart(2, '0')}_1${String(i).padStart(5, '0')}-run_${i}`,
			manifest: {
				numImages: 10,
				model: models[i % 3],
				status: i % 5 === 0 ? 'aborted' : 'completed',
				prompt: i % 2 ? 'a red fox in snow' : 'a city street at night',
				apiParams: {
					width: 512 + 64 * (i % 3),
					height: 768,
					steps: 20 + i,
					cfg_scale: 5 + (i % 4),
					sampler: i % 2 ? 'Euler a' : 'DPM++ 2M',
				},
				...(i % 4 === 0 ? {seedList: [1, 2]} : {}),
			},
			images: (i * 7) % 13,
		});
	}
	expect((await runCli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
	const {db} = openDatabase(dbPath, 'write');
	const metadata = new MetadataRepository(db);
	const ids = (n: number[]) =>
		n.map((i) => ({
			session_id: `202511${String(1 + (i % 20)).padStart(2, '0')}_1${String(i).padStart(5, '0')}-run_${i}`,
			session_path: '/x',
		}));
	metadata.apply(ids([1, 2, 3]), {kind: 'flag', field: 'is_favorite', value: 1}, '2025-11-20T10:00:00');
	metadata.apply(ids([3, 4]), {kind: 'tag', tag: 'redo', present: true}, '2025-11-20T10:00:00');
	metadata.apply(ids([5]), {kind: 'rating', value: 'like'}, '2025-11-20T10:00:00');
	db.close();
});

function explorerRows(filter: string, sort: string): string[] {
	const {db} = openDatabase(dbPath, 'read');
	const repository = new StatsRepository(db);
	const rows = repository.listNewest(root, 1_000_000);
	db.close();
	const now = Date.now();
	let state = initialState({
		viewport: {columns: 120, rows: 40},
		nowMs: now,
		stallWindowMs: 600_000,
		info: {root, dbPath, notice: null, readonly: false},
	});
	state = explorerReducer(state, {type: 'rows-loaded', rows, complete: true, nowMs: now});
	state = applyView(state, {filter, sort: parseSortSpec(sort)!, hidden: []});
	return state.shown.map((v) => v.id);
}

describe('list --filter --sort', () => {
	it.each([
		['', 'created:desc'],
		['fox', 'completion'],
		['-fox state:partial,aborted', 'images:desc'],
		['model:pony completion:<80', 'name'],
		['sweep:yes', 'steps:desc'],
		['fav:yes', 'created'],
		['tag:redo', 'cfg:desc'],
		['rating:like', 'size'],
		['is:incomplete', 'completion'],
		['images:>=3 sampler:euler', 'model'],
		['created:2025-11-05..2025-11-15', 'sampler:desc'],
	])('prints the explorer rows for filter %j sorted by %s, as JSON and CSV', async (filter, sort) => {
		const expected = explorerRows(filter, sort);
		// --filter=QUERY: a query may start with "-", which would otherwise read as a flag.
		const json = await runCli([
			'list',
			'--root',
			root,
			'--db',
			dbPath,
			`--filter=${filter}`,
			'--sort',
			sort,
			'--json',
		]);
		expect(json.code, json.stderr).toBe(0);
		expect((JSON.parse(json.stdout) as Array<{session_id: string}>).map((r) => r.session_id)).toEqual(expected);
		const csv = await runCli([
			'list',
			'--root',
			root,
			'--db',
			dbPath,
			`--filter=${filter}`,
			'--sort',
			sort,
			'--csv',
		]);
		expect(
			csv.stdout
				.trimEnd()
				.split('\n')
				.slice(1)
				.map((line) => line.split(',')[1]),
		).toEqual(expected);
	});

	it('says where a query goes wrong, and takes only known sorts', async () => {
		const bad = await runCli(['list', '--root', root, '--db', dbPath, '--filter', 'fox state:parital']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('state: unknown state "parital"');
		expect(bad.stderr).toContain('(at 11)');
		expect(bad.stderr).toContain('  fox state:parital\n            ^');
		const sort = await runCli(['list', '--root', root, '--db', dbPath, '--sort', 'colour']);
		expect(sort.code).toBe(2);
		expect(sort.stderr).toContain('--sort');
	});
});
