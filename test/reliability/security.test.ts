/**
 * Security: session names never lead outside the results root, user text only ever reaches SQL as
 * parameters, every output is safe for a terminal (and CSV for a spreadsheet), and no shell ever runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {sessionIdProblem} from '../../source/core/session-id.js';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {SessionIdError} from '../../source/scan/session-path.js';
import {SessionStatsService} from '../../source/service/session-stats-service.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, terminalHazards} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const DECOY_MODEL = 'DECOY-MODEL-must-never-be-read.safetensors';

/** A root two levels down, with decoy sessions where `../escape`, `../../escape` and an absolute path would lead. */
function rootWithDecoys() {
	const {base} = makeWorkspace('sdstats-sec-', {oneFile: true});
	const root = path.join(base, 'deep', 'results');
	fs.mkdirSync(root, {recursive: true});
	const dbPath = path.join(base, 'deep', 'metadata', 'cache.db');
	const decoys = [path.join(base, 'escape'), path.join(base, 'deep', 'escape'), path.join(base, 'absolute-decoy')];
	for (const decoy of decoys)
		writeSession(path.dirname(decoy), {
			name: path.basename(decoy),
			manifest: {numImages: 1, model: DECOY_MODEL},
			images: 1,
		});
	writeSession(root, {name: '20251112_210411-inside', manifest: {numImages: 2}, images: 2});
	writeSession(root, {name: 'escape', manifest: {numImages: 3, model: 'inside-escape.safetensors'}, images: 1});
	return {base, root, dbPath, decoys};
}

function decoyLeaked(dbPath: string): boolean {
	if (!fs.existsSync(dbPath)) return false;
	const db = new Database(dbPath, {readonly: true});
	try {
		return (
			(db.prepare('SELECT COUNT(*) FROM session_stats WHERE sd_model = ?').pluck().get(DECOY_MODEL) as number) > 0
		);
	} finally {
		db.close();
	}
}

describe('session names never reach outside the root', () => {
	it('names given on the command line (--session ../x, /etc, .., a/b) are refused with exit 2 and nothing outside is read', async () => {
		const {base, root, dbPath} = rootWithDecoys();
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const attempts = [
			'../escape',
			'../../escape',
			path.join(base, 'absolute-decoy'),
			'/etc',
			'..',
			'.',
			'a/b',
			'escape/../../escape',
			'..\\escape',
		];
		for (const name of attempts) {
			const computed = await cli(['compute', '--root', root, '--db', dbPath, '--session', name]);
			expect(computed.code, name).toBe(2);
			expect(computed.stderr, name).toMatch(/invalid session name/);
			const shown = await cli(['show', name, '--root', root, '--db', dbPath]);
			expect(shown.code, name).toBe(2);
		}
		expect(decoyLeaked(dbPath)).toBe(false);
	});

	it('sessionIdProblem and the service API refuse NUL bytes, separators and dot names', () => {
		expect(sessionIdProblem('a\0b')).toBe('contains a NUL byte');
		expect(sessionIdProblem('\0')).toBe('contains a NUL byte');
		expect(sessionIdProblem('../x')).toBe('contains a path separator');
		expect(sessionIdProblem('..')).toBe('is not a folder name');
		expect(sessionIdProblem('20251112_210411-fine')).toBeNull();

		const {root, dbPath} = rootWithDecoys();
		const {db} = openDatabase(dbPath, 'create');
		try {
			const service = new SessionStatsService(root, new StatsRepository(db));
			for (const bad of ['escape\0', '\0../../escape', '../../escape', '../escape', '/etc', '..', '.hidden']) {
				expect(() => service.computeAndCache(bad), JSON.stringify(bad)).toThrow(SessionIdError);
				expect(() => service.getOrCompute(bad), JSON.stringify(bad)).toThrow(SessionIdError);
				expect(() => service.refresh(bad), JSON.stringify(bad)).toThrow(SessionIdError);
				expect(() => service.getStats(bad), JSON.stringify(bad)).toThrow(SessionIdError);
				expect(() => service.delete(bad), JSON.stringify(bad)).toThrow(SessionIdError);
			}
			expect(service.computeAndCache('escape')).toMatchObject({session_id: 'escape'});
		} finally {
			db.close();
		}
		expect(decoyLeaked(dbPath)).toBe(false);
	});

	it("a session id read from another writer's row (../../escape, path inside the root) never leads a compute outside the root", async () => {
		const {root, dbPath} = rootWithDecoys();
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const raw = new Database(dbPath);
		raw.pragma('foreign_keys = OFF');
		const insert = raw.prepare(
			"INSERT INTO session_stats (session_id, session_path, sd_model, images_actual, stats_computed_at) VALUES (?, ?, 'planted', 0, '2025-11-12T00:00:00')",
		);
		for (const id of ['../../escape', '../escape', path.join(path.dirname(path.dirname(root)), 'absolute-decoy')])
			insert.run(id, path.join(root, 'escape'));
		raw.close();

		// The CLI with that name.
		const viaCli = await cli(['compute', '--root', root, '--db', dbPath, '--session', '../../escape']);
		expect(viaCli.code).toBe(2);
		// The explorer's way: recompute the ids it holds (every stored row, forced).
		const {db} = openDatabase(dbPath, 'write');
		try {
			const repository = new StatsRepository(db);
			const ids = repository.listAll().map((r) => r.session_id);
			expect(ids).toContain('../../escape');
			const summary = await runCompute({root, repository, runner: inlineRunner(), sessions: ids, force: true});
			expect(summary.errors).toEqual([]);
			await runCompute({
				root,
				repository,
				runner: inlineRunner(),
				sessions: ['../../escape', '../escape'],
				force: true,
			});
			expect(() => new SessionStatsService(root, repository).refresh('../../escape')).toThrow(SessionIdError);
			// A plain compute with those rows present.
			await runCompute({root, repository, runner: inlineRunner(), force: true});
			expect(repository.get('escape')).toMatchObject({sd_model: 'inside-escape.safetensors'});
		} finally {
			db.close();
		}
		expect(decoyLeaked(dbPath)).toBe(false);
		expect((await cli(['compute', '--force', '--root', root, '--db', dbPath])).code).toBe(0);
		expect(decoyLeaked(dbPath)).toBe(false);
	});
});

describe('SQL takes user text as parameters', () => {
	it("a session folder named x'); DROP TABLE session_stats; -- is computed and stored correctly and nothing else changes", async () => {
		const {root, dbPath} = makeWorkspace('sdstats-sec-', {oneFile: true});
		const names = [
			"x'); DROP TABLE session_stats; --",
			"20251112_210411-a' OR '1'='1",
			'20251112_210412-"; DELETE FROM session_metadata; --',
			"Robert'); DROP TABLE sdstats_session_state;--",
			'20251112_210413-%_*?[]',
		];
		for (const [i, name] of names.entries()) {
			writeSession(root, {
				name,
				manifest: {
					numImages: 4,
					model: `'; UPDATE session_stats SET sd_model = 'hacked'; -- ${i}`,
					prompt: "'); DROP TABLE session_metadata; --",
				},
				images: i + 1,
			});
		}
		writeSession(root, {name: '20251112_220000-plain', manifest: {numImages: 1}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		{
			const db = new Database(dbPath);
			db.prepare(
				"INSERT INTO session_metadata (session_id, session_path, user_note, created_at, updated_at) VALUES ('20251112_220000-plain', 'p', 'note', 'c', 'u')",
			).run();
			db.close();
		}
		const schemaBefore = new Database(dbPath, {readonly: true});
		const objects = schemaBefore.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
		schemaBefore.close();

		expect((await cli(['compute', '--force', '--root', root, '--db', dbPath])).code).toBe(0);
		for (const name of names) {
			const shown = await cli(['show', name, '--json', '--root', root, '--db', dbPath]);
			expect(shown.code, name).toBe(0);
			expect(JSON.parse(shown.stdout)).toMatchObject({
				session_id: name,
				session_path: path.join(root, name),
				resolved_prompt: "'); DROP TABLE session_metadata; --",
			});
		}
		const db = new Database(dbPath, {readonly: true});
		try {
			expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(objects);
			expect(db.prepare('SELECT COUNT(*) FROM session_stats').pluck().get()).toBe(names.length + 1);
			expect(db.prepare('SELECT COUNT(*) FROM sdstats_session_state').pluck().get()).toBe(names.length + 1);
			expect(db.prepare("SELECT COUNT(*) FROM session_stats WHERE sd_model = 'hacked'").pluck().get()).toBe(0);
			expect(db.prepare('SELECT session_id, user_note FROM session_metadata').all()).toEqual([
				{session_id: '20251112_220000-plain', user_note: 'note'},
			]);
			const rows = db
				.prepare('SELECT session_id, images_actual, sd_model FROM session_stats ORDER BY session_id')
				.all() as Array<{session_id: string; images_actual: number; sd_model: string}>;
			for (const [i, name] of names.entries()) {
				expect(rows.find((r) => r.session_id === name)).toEqual({
					session_id: name,
					images_actual: i + 1,
					sd_model: `'; UPDATE session_stats SET sd_model = 'hacked'; -- ${i}`,
				});
			}
		} finally {
			db.close();
		}
	});
});

const HOSTILE = ['\u001b]0;pwned\u0007', '\u001b[2J', '\u009b31m', '\r', '\b'];

/** Sessions whose names, models and prompts carry escape sequences; one of them with a manifest cut off. */
function hostileRoot() {
	const workspace = makeWorkspace('sdstats-sec-', {oneFile: true});
	const names: string[] = [];
	HOSTILE.forEach((evil, i) => {
		const name = `20251112_21041${i}-${evil}name${evil}`;
		names.push(name);
		writeSession(workspace.root, {
			name,
			manifest: {
				numImages: 3,
				model: `model${evil}${i}`,
				prompt: `${evil}prompt ${i}${evil}`,
				negative: `neg${evil}`,
				apiParams: {width: 512, height: 512, steps: 20, cfg_scale: 7, sampler_name: `Euler${evil}`},
				status: `done${evil}`,
			},
			images: 2,
		});
	});
	const broken = `20251112_220000-broken${HOSTILE.join('')}`;
	writeSession(workspace.root, {name: broken, manifest: {raw: '{"snapshot": {"version": "2.0"'}, images: 1});
	names.push(broken);
	return {...workspace, names};
}

/** Minimal RFC 4180 parser. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += c;
	}
	if (cell !== '' || row.length > 0) rows.push([...row, cell]);
	return rows;
}

describe('every output is safe for the terminal', () => {
	it('compute, list (plain), show and error messages carry no ESC, C0 (but newline) or C1 bytes for hostile names, models and prompts', async () => {
		const {root, dbPath, names} = hostileRoot();
		const computed = await cli(['compute', '--root', root, '--db', dbPath]);
		expect(computed.code).toBe(0);
		expect(computed.stderr).toContain('unreadable: 20251112_220000-broken');
		expect(terminalHazards(computed.stdout + computed.stderr)).toEqual([]);

		const listed = await cli(['list', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect(listed.stdout.trimEnd().split('\n')).toHaveLength(names.length + 1);
		expect(terminalHazards(listed.stdoutBytes)).toEqual([]);
		expect(terminalHazards(listed.stderr)).toEqual([]);

		const fallback = await cli(['--root', root, '--db', dbPath]);
		expect(fallback.code).toBe(0);
		expect(terminalHazards(fallback.stdoutBytes)).toEqual([]);

		for (const name of names) {
			const shown = await cli(['show', name, '--root', root, '--db', dbPath]);
			expect(shown.code, JSON.stringify(name)).toBe(0);
			expect(shown.stdout).toMatch(/^resolved_prompt\s/m);
			expect(terminalHazards(shown.stdoutBytes), JSON.stringify(name)).toEqual([]);
		}

		// Error messages that quote what the user or the disk said.
		const errors = [
			await cli(['show', `${HOSTILE.join('')}missing`, '--root', root, '--db', dbPath]),
			await cli(['compute', '--session', `${HOSTILE.join('')}missing`, '--root', root, '--db', dbPath]),
			await cli(['compute', '--root', path.join(root, `${HOSTILE.join('')}gone`), '--db', dbPath]),
			await cli(['list', '--root', root, '--db', path.join(root, `${HOSTILE.join('')}.db`)]),
			await cli(['show', `../${HOSTILE.join('')}`, '--root', root, '--db', dbPath]),
		];
		for (const result of errors) {
			expect(result.code).not.toBe(0);
			expect(result.stderr.length).toBeGreaterThan(0);
			expect(terminalHazards(result.stdout + result.stderr), result.stderr).toEqual([]);
		}
	});

	it('list --json is valid JSON with the hostile characters escaped (no raw ESC or C1) and round-trips to the original strings', async () => {
		const {root, dbPath, names} = hostileRoot();
		await cli(['compute', '--root', root, '--db', dbPath]);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect(terminalHazards(listed.stdoutBytes)).toEqual([]);
		const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
		expect(rows.map((r) => r.session_id).sort()).toEqual([...names].sort());
		HOSTILE.forEach((evil, i) => {
			const row = rows.find((r) => r.session_id === names[i])!;
			expect(row).toMatchObject({
				sd_model: `model${evil}${i}`,
				resolved_prompt: `${evil}prompt ${i}${evil}`,
				negative_prompt: `neg${evil}`,
				sampler_name: `Euler${evil}`,
				manifest_status: `done${evil}`,
			});
		});
		const shown = await cli(['show', names[0]!, '--json', '--root', root, '--db', dbPath]);
		expect(terminalHazards(shown.stdoutBytes)).toEqual([]);
		expect(JSON.parse(shown.stdout)).toMatchObject({session_id: names[0]});
	});

	it('rows another program wrote with escape sequences in every text column are printed safely by list and show', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-sec-', {oneFile: true});
		writeSession(root, {name: '20251112_210411-ours', manifest: {numImages: 1}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const evil = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\r\b';
		const db = new Database(dbPath);
		db.pragma('foreign_keys = OFF');
		const textColumns = [
			'sd_model',
			'template_version',
			'generation_mode',
			'seed_mode',
			'resolved_prompt',
			'negative_prompt',
			'sampler_name',
			'session_created_at',
			'manifest_generated_at',
			'first_image_created_at',
			'last_image_created_at',
			'stats_computed_at',
		];
		db.prepare(
			`INSERT INTO session_stats (session_id, session_path, ${textColumns.join(', ')}, images_actual, images_expected, completion_percentage, placeholders_json, variations_summary_json)
			 VALUES (?, ?, ${textColumns.map(() => '?').join(', ')}, 3, 4, 75.0, ?, ?)`,
		).run(
			`webui${evil}`,
			`/srv/other${evil}/webui`,
			...textColumns.map((c) => `${evil}${c}${evil}`),
			`{"a${evil}": 1}`,
			`{"a": ["${evil}"]}`,
		);
		db.close();

		// Soft: each output is reported on its own.
		const listed = await cli(['list', '--root', root, '--db', dbPath]);
		expect.soft(listed.code).toBe(0);
		expect.soft(terminalHazards(listed.stdoutBytes), `list: ${JSON.stringify(listed.stdout)}`).toEqual([]);
		const shown = await cli(['show', `webui${evil}`, '--root', root, '--db', dbPath]);
		expect.soft(shown.code, shown.stderr).toBe(0);
		expect.soft(terminalHazards(shown.stdoutBytes), `show: ${JSON.stringify(shown.stdout)}`).toEqual([]);
		const json = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect.soft(json.code).toBe(0);
		expect.soft(terminalHazards(json.stdoutBytes), 'list --json').toEqual([]);
		const csvOnPipe = await cli(['list', '--csv', '--root', root, '--db', dbPath]);
		expect.soft(csvOnPipe.code).toBe(0);
	});

	it("list --csv neutralises cells a spreadsheet would run (=, +, -, @) with a leading '", async () => {
		const {root, dbPath} = makeWorkspace('sdstats-sec-', {oneFile: true});
		writeSession(root, {
			name: '=HYPERLINK("x")',
			manifest: {numImages: 2, prompt: '@SUM(1)', negative: '-2+3', model: "+cmd|' /C calc'!A0"},
			images: 1,
		});
		writeSession(root, {
			name: '@SUM(1+1)',
			manifest: {
				numImages: 1,
				prompt: '=1+1',
				negative: '+1',
				mode: '=mode()',
				apiParams: {sampler_name: '-cmd'},
			},
			images: 1,
		});
		writeSession(root, {name: '-2+3', images: 1});
		writeSession(root, {name: '+A1', manifest: {raw: '{'}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		// The web UI's triage text (tags, rating) is exported too.
		const db = new Database(dbPath);
		db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, user_rating, user_note, tags, created_at, updated_at) VALUES (?, ?, '@rating', '=note', ?, 'c', 'u')",
		).run('-2+3', path.join(root, '-2+3'), '=cmd()');
		db.close();
		const result = await cli(['list', '--csv', '--root', root, '--db', dbPath]);
		expect(result.code).toBe(0);
		const [header, ...rows] = parseCsv(result.stdout);
		expect(rows).toHaveLength(4);
		const has = (column: string): boolean => header!.includes(column);
		const at = (row: string[], column: string): string => row[header!.indexOf(column)]!;
		const byId = new Map(rows.map((r) => [at(r, 'session_id').replace(/^'/, ''), r]));
		const first = byId.get('=HYPERLINK("x")')!;
		expect(at(first, 'session_id')).toBe(`'=HYPERLINK("x")`);
		expect(at(first, 'sd_model')).toBe("'+cmd|' /C calc'!A0");
		const second = byId.get('@SUM(1+1)')!;
		expect(at(second, 'session_id')).toBe("'@SUM(1+1)");
		expect(at(second, 'sampler_name')).toBe("'-cmd");
		expect(at(second, 'generation_mode')).toBe("'=mode()");
		expect(at(byId.get('-2+3')!, 'session_id')).toBe("'-2+3");
		expect(at(byId.get('+A1')!, 'session_id')).toBe("'+A1");
		// Prompts are exported only by some versions of the CSV; when they are, they are neutralised too.
		if (has('resolved_prompt')) expect(at(first, 'resolved_prompt')).toBe("'@SUM(1)");
		if (has('negative_prompt')) expect(at(first, 'negative_prompt')).toBe("'-2+3");
		if (has('tags')) expect(at(byId.get('-2+3')!, 'tags')).not.toMatch(/^[=+\-@]/);
		// No cell anywhere starts a formula, except plain numbers sdstats wrote itself (seed_base -1).
		for (const row of rows) {
			for (const cell of row) {
				if (/^[=+\-@\t\r]/.test(cell)) expect(cell, `cell ${JSON.stringify(cell)}`).toMatch(/^-?\d+(\.\d+)?$/);
			}
		}
		// The same rows as JSON keep the original text (the apostrophe is only for spreadsheets).
		const json = JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as Array<
			Record<string, unknown>
		>;
		expect(json.find((r) => r.session_id === '=HYPERLINK("x")')).toMatchObject({
			resolved_prompt: '@SUM(1)',
			sd_model: "+cmd|' /C calc'!A0",
		});
	});
});

describe('no shell', () => {
	const NAMES = [
		'$(touch pwned)',
		';touch pwned;',
		'`touch pwned`',
		'| touch pwned',
		'&& touch pwned',
		"'; touch pwned; '",
		'$(touch${IFS}pwned)',
	];

	it('folders named $(touch pwned), ;touch pwned; … never create the file (compute, list, show, doctor)', async () => {
		const {base, root, dbPath} = makeWorkspace('sdstats-sec-', {oneFile: true});
		for (const name of NAMES)
			writeSession(root, {
				name,
				manifest: {numImages: 1, model: '$(touch pwned)', prompt: '`touch pwned`'},
				images: 1,
			});
		const options = {cwd: base};
		expect((await cli(['compute', '--root', root, '--db', dbPath], options)).code).toBe(0);
		expect((await cli(['list', '--root', root, '--db', dbPath], options)).code).toBe(0);
		expect((await cli(['list', '--csv', '--root', root, '--db', dbPath], options)).code).toBe(0);
		for (const name of NAMES)
			expect((await cli(['show', name, '--root', root, '--db', dbPath], options)).code).toBe(0);
		expect((await cli(['compute', '--session', NAMES[0]!, '--root', root, '--db', dbPath], options)).code).toBe(0);
		expect((await cli(['doctor', '--rebuild', '--root', root, '--db', dbPath], options)).code).toBe(0);
		const found: string[] = [];
		const walk = (dir: string): void => {
			for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
				if (entry.name === 'pwned') found.push(path.join(dir, entry.name));
				if (entry.isDirectory()) walk(path.join(dir, entry.name));
			}
		};
		walk(base);
		expect(found).toEqual([]);
		expect(fs.existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect((JSON.parse(listed.stdout) as Array<{session_id: string}>).map((r) => r.session_id).sort()).toEqual(
			[...NAMES].sort(),
		);
	});

	it('no source module can start a process (no child_process import anywhere in source/)', () => {
		const offenders: string[] = [];
		const walk = (dir: string): void => {
			for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(full);
				else if (
					/\.(ts|tsx)$/.test(entry.name) &&
					/\bchild_process\b|\bexecSync\b|\bspawnSync\b/.test(fs.readFileSync(full, 'utf8'))
				)
					offenders.push(full);
			}
		};
		walk(path.resolve(path.dirname(CLI_PATH), '../../source'));
		expect(offenders).toEqual([]);
	});
});
