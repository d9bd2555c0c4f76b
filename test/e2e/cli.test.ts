/** The built `sdstats` binary on fixture folders, run without a terminal as CI runs it. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCli, CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
});

function fixtureRoot() {
	const workspace = makeWorkspace('sdstats-e2e-');
	const {root} = workspace;
	writeSession(root, {
		name: '20251112_210411-street_portrait',
		manifest: {
			numImages: 6,
			status: 'completed',
			variations: {Hair: ['bob', 'braids'], Expression: ['smile', 'frown', 'wink']},
		},
		images: 6,
	});
	writeSession(root, {
		name: '20251113_090000-half',
		manifest: {
			numImages: 4,
			status: 'completed',
			apiParams: {width: '512', height: 768, steps: 20, cfg_scale: 6.5, sampler_name: 'Euler a'},
		},
		images: 2,
	});
	writeSession(root, {name: '2025-10-14_163854_legacy.prompt', images: 3});
	writeSession(root, {
		name: '20251114_100000-broken',
		manifest: {raw: '{"snapshot": {"version": "2.0", "runtime_info": {'},
		images: 1,
	});
	fs.mkdirSync(path.join(root, 'dryrun', '20251115_000000-dry'), {recursive: true});
	return workspace;
}

describe('sdstats compute', () => {
	it('computes a root, prints the summary, and writes the database where the web UI keeps it', async () => {
		const {root, dbPath} = fixtureRoot();
		const first = await runCli(['compute', '--root', root]);
		expect(first.code).toBe(0);
		expect(first.stdout).toMatch(
			/^computed 4, unchanged 0, removed 0, unreadable 1, no manifest 1 in \d+\.\d\d s\n$/,
		);
		expect(first.stderr).toContain(
			'unreadable: 20251114_100000-broken: manifest.json: unexpected end of input at byte 49',
		);
		expect(fs.existsSync(dbPath)).toBe(true);

		const second = await runCli(['compute', '--root', root, '--json']);
		expect(second.code).toBe(0);
		const summary = JSON.parse(second.stdout);
		// The unreadable session is read again every time.
		expect(summary).toMatchObject({
			computed: 1,
			unchanged: 3,
			removed: 0,
			unreadable: 1,
			no_manifest: 0,
			cancelled: false,
		});
		expect(typeof summary.seconds).toBe('number');
	});

	it('exits 1 when the root is missing and 2 on a usage error', async () => {
		const {base} = makeWorkspace();
		const missing = await runCli(['compute', '--root', path.join(base, 'nope')]);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/results root .*nope does not exist/);

		expect((await runCli(['compute', '--csv', '--root', base])).code).toBe(2);
		expect((await runCli(['compute', '--bogus'])).code).toBe(2);
		expect((await runCli(['frobnicate'])).code).toBe(2);
		const traversal = await runCli(['compute', '--root', base, '--session', '../etc']);
		expect(traversal.code).toBe(2);
		expect(traversal.stderr).toContain('path separator');
	});

	it("regression: a --db holding the web UI's session_stats is no longer refused; the cache goes beside it and its table stays as it was", async () => {
		const {root, base} = fixtureRoot();
		const dbPath = path.join(base, 'webui.db');
		const db = new Database(dbPath);
		db.exec('CREATE TABLE session_stats (session_name TEXT PRIMARY KEY, images_requested INTEGER)');
		db.prepare("INSERT INTO session_stats VALUES ('theirs', 3)").run();
		db.close();
		const result = await runCli(['compute', '--root', root, '--db', dbPath]);
		expect(result.code, result.stderr).toBe(0);
		expect(fs.existsSync(path.join(base, 'webui.sdstats.db'))).toBe(true);
		const after = new Database(dbPath, {readonly: true});
		expect(after.prepare('SELECT * FROM session_stats').all()).toEqual([
			{session_name: 'theirs', images_requested: 3},
		]);
		after.close();
		const listed = await runCli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(JSON.parse(listed.stdout)).toHaveLength(4);
	});

	it('finds the root from SDSTATS_ROOT, IMAGE_FOLDERS and sdgen_config.json, in that order', async () => {
		const {root, base} = fixtureRoot();
		const viaEnv = await runCli(['compute', '--json'], {env: {SDSTATS_ROOT: root}});
		expect(JSON.parse(viaEnv.stdout).computed).toBe(4);
		const viaWebUi = await runCli(['compute', '--json'], {
			env: {IMAGE_FOLDERS: JSON.stringify([{name: 'main', path: root}])},
		});
		expect(JSON.parse(viaWebUi.stdout)).toMatchObject({unchanged: 3});
		fs.writeFileSync(path.join(base, 'sdgen_config.json'), JSON.stringify({output_dir: './results'}));
		const viaConfig = await runCli(['compute', '--json'], {cwd: base});
		expect(JSON.parse(viaConfig.stdout)).toMatchObject({unchanged: 3});
		const none = await runCli(['compute'], {cwd: path.join(base, 'results')});
		expect(none.code).toBe(1);
		expect(none.stderr).toMatch(/--root.*SDSTATS_ROOT.*IMAGE_FOLDERS.*sdgen_config\.json/s);
	});
});

describe('sdstats list and show', () => {
	it('prints the plain list newest first with states, JSON with every column, and CSV', async () => {
		const {root} = fixtureRoot();
		await runCli(['compute', '--root', root]);
		const plain = await runCli(['list', '--root', root]);
		expect(plain.code).toBe(0);
		const lines = plain.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^CREATED\s+STATE\s+IMAGES\s+DONE\s+MODEL\s+NAME$/);
		expect(lines.slice(1).map((l) => l.split(/\s+/).at(-1))).toEqual([
			'20251114_100000-broken',
			'20251113_090000-half',
			'20251112_210411-street_portrait',
			'2025-10-14_163854_legacy.prompt',
		]);
		expect(lines[2]).toMatch(/partial\s+2\/4\s+50\.0%/);
		expect(lines[3]).toMatch(/complete\s+6\/6\s+100\.0%/);

		const json = JSON.parse((await runCli(['list', '--root', root, '--json'])).stdout) as Array<
			Record<string, unknown>
		>;
		expect(json).toHaveLength(4);
		const half = json.find((r) => r.session_id === '20251113_090000-half')!;
		expect(Object.keys(half)).toEqual([
			'session_id',
			'session_path',
			'sd_model',
			'template_version',
			'generation_mode',
			'seed_mode',
			'seed_base',
			'resolved_prompt',
			'negative_prompt',
			'width',
			'height',
			'steps',
			'cfg_scale',
			'sampler_name',
			'images_expected',
			'images_actual',
			'completion_percentage',
			'is_seed_sweep',
			'placeholders_json',
			'variations_summary_json',
			'session_created_at',
			'manifest_generated_at',
			'first_image_created_at',
			'last_image_created_at',
			'stats_computed_at',
			'stats_version',
			'state',
			'manifest_status',
			'images_recorded',
			'error',
			'has_metadata',
			'is_favorite',
			'is_test',
			'is_complete',
			'user_rating',
			'user_note',
			'tags',
			'sources',
			'source_notes',
			'root',
		]);
		expect(half).toMatchObject({
			width: 512,
			height: 768,
			cfg_scale: 6.5,
			sampler_name: 'Euler a',
			is_seed_sweep: true,
			state: 'partial',
			manifest_status: 'completed',
			images_recorded: 2,
			error: null,
			placeholders_json: {},
			has_metadata: false,
			is_favorite: false,
			is_test: false,
			is_complete: true,
			tags: [],
		});
		const legacy = json.find((r) => r.session_id === '2025-10-14_163854_legacy.prompt')!;
		expect(legacy).toMatchObject({
			state: 'no_manifest',
			images_actual: 3,
			images_expected: null,
			completion_percentage: null,
			sd_model: null,
			session_created_at: '2025-10-14T16:38:54',
		});
		const broken = json.find((r) => r.session_id === '20251114_100000-broken')!;
		expect(broken).toMatchObject({state: 'unreadable', error: 'manifest.json: unexpected end of input at byte 49'});
		const street = json.find((r) => r.session_id === '20251112_210411-street_portrait')!;
		expect(street.placeholders_json).toEqual({Hair: 2, Expression: 3});

		// CSV: the explorer's columns with raw values, in the list's order.
		const csv = (await runCli(['list', '--root', root, '--csv'])).stdout.trimEnd().split('\n');
		expect(csv[0]).toBe(
			'session_created_at,session_id,sd_model,state,images_actual,images_expected,completion_percentage,generation_mode,is_seed_sweep,width,height,steps,cfg_scale,sampler_name,is_favorite,is_test,is_complete,user_rating,tags',
		);
		expect(csv).toHaveLength(5);
		expect(csv[2]).toBe(
			'2025-11-13T09:00:00,20251113_090000-half,illustriousXL_v01.safetensors [a1b2c3d4e5],partial,2,4,50,combinatorial,true,512,768,20,6.5,Euler a,false,false,true,,',
		);
	});

	it('shows one session, refuses names that leave the root, and says when a name is not cached', async () => {
		const {root} = fixtureRoot();
		await runCli(['compute', '--root', root]);
		const shown = await runCli(['show', '20251113_090000-half', '--root', root, '--json']);
		expect(shown.code).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({session_id: '20251113_090000-half', state: 'partial'});
		const plain = await runCli(['show', '20251113_090000-half', '--root', root]);
		expect(plain.stdout).toMatch(/^completion_percentage\s+50$/m);
		expect((await runCli(['show', '../../etc/passwd', '--root', root])).code).toBe(2);
		const unknown = await runCli(['show', 'nope', '--root', root]);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no cached session named "nope"');
	});

	it('never creates a database for list at a mistyped --db', async () => {
		const {root, base} = fixtureRoot();
		const typo = path.join(base, 'metadta', 'sesions.db');
		const result = await runCli(['list', '--root', root, '--db', typo]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('no database at');
		expect(fs.existsSync(typo)).toBe(false);
		expect(fs.existsSync(path.dirname(typo))).toBe(false);
	});

	it('prints the plain list and a hint when started without a terminal', async () => {
		const {root} = fixtureRoot();
		await runCli(['compute', '--root', root]);
		const result = await runCli(['--root', root]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^CREATED\s+STATE/);
		expect(result.stderr).toContain('--json');
		expect(result.stderr).not.toMatch(/Raw mode|at .*\.js:\d+/);
	});
});

describe('help and version', () => {
	it('prints help for each command and the version', async () => {
		for (const command of ['compute', 'list', 'show']) {
			const result = await runCli([command, '--help']);
			expect(result.code).toBe(0);
			expect(result.stdout).toContain(`sdstats ${command}`);
		}
		const general = await runCli(['--help']);
		expect(general.stdout).toContain('sdstats compute');
		const version = await runCli(['--version']);
		const ownPackage = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
			version: string;
		};
		expect(version.stdout.trim()).toBe(ownPackage.version);
	});

	it('--help names the files a command would use, resolved here, and where each came from (issue 10)', async () => {
		const {base, root} = makeWorkspace('sdstats-help-');
		const metadata = path.join(base, 'metadata');
		const shared = await runCli(['--help', '--root', root]);
		expect(shared.code).toBe(0);
		const here = shared.stdout.slice(shared.stdout.indexOf('  Here ('));
		expect(here).toContain(`results root  ${root}  (given by --root)`);
		expect(here).toContain(
			`sessions.db   ${path.join(metadata, 'sessions.db')}  (the web UI's place: <root>/../metadata/; not created yet; the web UI's file`,
		);
		expect(here).toContain(
			`sdstats.db    ${path.join(metadata, 'sdstats.db')}  (sdstats' cache, beside sessions.db; not created yet)`,
		);
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		const computed = await runCli(['help', 'doctor'], {env: {SDSTATS_ROOT: root}});
		expect(computed.stdout).toContain(`results root  ${root}  (from the SDSTATS_ROOT variable)`);
		expect(computed.stdout).toMatch(/sessions\.db .*; exists; the web UI's file/);
		expect(computed.stdout).toMatch(/sdstats\.db .*\(sdstats' cache, beside sessions\.db; exists\)/);

		const oneFile = path.join(base, 'own.db');
		const own = await runCli(['list', '--help', '--root', root], {env: {SDSTATS_DB: oneFile}});
		expect(own.stdout).toContain(
			`database      ${oneFile}  (from the SDSTATS_DB variable; not created yet; a file the web UI does not use: it holds everything)`,
		);
		const nowhere = await runCli(['--help'], {cwd: base});
		expect(nowhere.code).toBe(0);
		expect(nowhere.stdout).toMatch(/results root {2}none: no results root: pass --root DIR/);
	});
});
