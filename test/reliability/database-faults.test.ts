/**
 * The database itself at fault: random bytes, a truncated file, damaged pages of one table, a newer schema,
 * a --db that does not exist; and `sdstats doctor` backing up, salvaging session_metadata and rebuilding.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {SCHEMA_VERSION} from '../../source/store/migrations.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, essentials, integrityCheck, prng, writeVariedRoot} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const STACK_TRACE = /\n\s+at \S|SqliteError|Error: /;

/** A healthy database of `count` sessions with web UI metadata rows (and a column a newer web UI added), WAL checkpointed. */
async function healthyDatabase(count: number, metadataRows: number) {
	const workspace = makeWorkspace('sdstats-dbfault-', {oneFile: true});
	const names = writeVariedRoot(workspace.root, count, 99);
	const {db} = openDatabase(workspace.dbPath, 'create');
	await runCompute({root: workspace.root, repository: new StatsRepository(db), runner: inlineRunner()});
	db.exec('ALTER TABLE session_metadata ADD COLUMN color_label TEXT');
	db.exec('ALTER TABLE session_metadata ADD COLUMN score REAL DEFAULT 0.5');
	const insert = db.prepare(
		'INSERT INTO session_metadata (session_id, session_path, is_test, is_complete, is_favorite, user_rating, user_note, tags, auto_metadata, created_at, updated_at, color_label, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
	);
	for (let i = 0; i < metadataRows; i++) {
		const id = names[i % names.length]!;
		insert.run(
			i < names.length ? id : `orphan-${i}`,
			path.join(workspace.root, id),
			i % 2,
			1,
			i % 3 === 0 ? 1 : 0,
			i % 5 === 0 ? null : String(i % 5),
			`note ${i} ✓ "quoted" 'single'`,
			JSON.stringify(['tag', i]),
			JSON.stringify({k: i}),
			`2025-11-${String(10 + (i % 18)).padStart(2, '0')}T10:00:00`,
			'2025-11-20T10:00:00.123456',
			i % 4 === 0 ? null : `#${i.toString(16).padStart(6, '0')}`,
			i / 7,
		);
	}
	db.pragma('wal_checkpoint(TRUNCATE)');
	db.close();
	return {...workspace, names};
}

function metadataSnapshot(dbPath: string) {
	const db = new Database(dbPath, {readonly: true});
	try {
		return {
			columns: db
				.prepare('SELECT name, type, dflt_value, pk, "notnull" FROM pragma_table_info(\'session_metadata\')')
				.all(),
			rows: db.prepare('SELECT * FROM session_metadata ORDER BY session_id').all(),
		};
	} finally {
		db.close();
	}
}

function backupsOf(dbPath: string): string[] {
	const folder = path.dirname(dbPath);
	const base = path.basename(dbPath);
	return fs
		.readdirSync(folder)
		.filter((n) => n.startsWith(`${base}.`) && !/-(wal|shm|journal)$/.test(n) && !n.endsWith('.compute-lock'))
		.map((n) => path.join(folder, n));
}

async function expectDoctorAdvice(args: string[], what: string): Promise<void> {
	const result = await cli(args);
	expect(result.code, `${what}: ${result.stderr}`).toBe(1);
	expect(result.stderr, what).toContain('sdstats doctor');
	expect(result.stderr, what).toMatch(/damaged/);
	expect(result.stderr, what).not.toMatch(STACK_TRACE);
}

describe('a corrupt database', () => {
	it('random bytes: list, show, compute and the plain explorer print a clear message naming sdstats doctor, exit 1, no stack trace, file untouched', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-dbfault-', {oneFile: true});
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const rng = prng(42);
		const garbage = Buffer.from(Array.from({length: 64 * 1024}, () => rng.int(0, 255)));
		fs.writeFileSync(dbPath, garbage);
		const common = ['--root', root, '--db', dbPath];
		await expectDoctorAdvice(['list', ...common], 'list');
		await expectDoctorAdvice(['list', '--json', ...common], 'list --json');
		await expectDoctorAdvice(['show', '20251112_210411-a', ...common], 'show');
		await expectDoctorAdvice(['compute', ...common], 'compute');
		await expectDoctorAdvice([...common], 'explorer without a terminal');
		expect(fs.readFileSync(dbPath).equals(garbage)).toBe(true);
	});

	it('a SQLite header followed by garbage: the same clear message', async () => {
		const {root, dbPath} = await healthyDatabase(20, 0);
		const bytes = fs.readFileSync(dbPath);
		const rng = prng(7);
		for (let i = 100; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
		fs.writeFileSync(dbPath, bytes);
		for (const command of [['list'], ['compute'], ['show', 'x']])
			await expectDoctorAdvice([...command, '--root', root, '--db', dbPath], command[0]!);
	});

	it('a truncated database: list, show, compute print a clear message naming sdstats doctor, exit 1, no stack trace', async () => {
		const {root, dbPath, names} = await healthyDatabase(300, 10);
		const bytes = fs.readFileSync(dbPath);
		expect(bytes.length).toBeGreaterThan(20 * 4096);
		const truncated = bytes.subarray(0, Math.floor(bytes.length / 2 / 4096) * 4096 + 1000);
		fs.writeFileSync(dbPath, truncated);
		const common = ['--root', root, '--db', dbPath];
		await expectDoctorAdvice(['list', ...common], 'list');
		await expectDoctorAdvice(['list', '--csv', ...common], 'list --csv');
		await expectDoctorAdvice(['compute', ...common], 'compute');
		// show reads one row: a row on a page that is still there may well be shown; one that is gone must be refused clearly.
		for (const name of [names[0]!, names[names.length - 1]!]) {
			const shown = await cli(['show', name, ...common]);
			if (shown.code !== 0) {
				expect(shown.code).toBe(1);
				expect(shown.stderr).toMatch(/damaged|sdstats doctor|no cached session/);
				expect(shown.stderr).not.toMatch(STACK_TRACE);
			}
		}
	});
});

describe('sdstats doctor', () => {
	it('random bytes: doctor reports the damage, backs the file up byte for byte, rebuilds the stats from disk', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-dbfault-', {oneFile: true});
		const names = writeVariedRoot(root, 12, 3);
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const garbage = Buffer.alloc(32 * 1024, 0xa5);
		fs.writeFileSync(dbPath, garbage);
		const result = await cli(['doctor', '--root', root, '--db', dbPath]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(`${dbPath}: DAMAGED`);
		expect(result.stdout).toMatch(/backed up to /);
		expect(result.stdout).toMatch(/stats rebuilt from disk: computed 12,/);
		const backups = backupsOf(dbPath);
		expect(backups).toHaveLength(1);
		expect(fs.readFileSync(backups[0]!).equals(garbage)).toBe(true);
		expect(integrityCheck(dbPath)).toEqual(['ok']);
		expect(essentials(dbPath).size).toBe(names.length);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect(JSON.parse(listed.stdout)).toHaveLength(names.length);
	});

	it('damaged pages of the stats table only: doctor backs up (byte-identical), rebuilds the stats, carries every session_metadata row over exactly, extra columns included', async () => {
		const {root, dbPath, base} = await healthyDatabase(200, 60);
		const metadataBefore = metadataSnapshot(dbPath);
		expect(metadataBefore.rows).toHaveLength(60);
		const reference = essentials(dbPath);

		// Overwrite the pages of session_stats (and its indexes), nothing else.
		const probe = new Database(dbPath, {readonly: true});
		const pageSize = probe.pragma('page_size', {simple: true}) as number;
		const statsPages = probe
			.prepare(
				"SELECT pageno FROM dbstat WHERE name = 'session_stats' OR name LIKE 'idx_session_stats_%' OR name = 'sqlite_autoindex_session_stats_1'",
			)
			.pluck()
			.all() as number[];
		const metadataPages = new Set(
			probe.prepare("SELECT pageno FROM dbstat WHERE name LIKE '%session_metadata%'").pluck().all() as number[],
		);
		probe.close();
		expect(statsPages.length).toBeGreaterThan(5);
		const bytes = fs.readFileSync(dbPath);
		const rng = prng(2024);
		const damaged = statsPages.filter((p) => p !== 1 && !metadataPages.has(p) && rng.chance(0.5));
		for (const page of damaged)
			for (let i = 0; i < pageSize; i++) bytes[(page - 1) * pageSize + i] = rng.int(0, 255);
		fs.writeFileSync(dbPath, bytes);
		let damageSeen: string[];
		try {
			damageSeen = integrityCheck(dbPath);
		} catch (error) {
			damageSeen = [(error as Error).message];
		}
		expect(damageSeen).not.toEqual(['ok']);
		await expectDoctorAdvice(['list', '--root', root, '--db', dbPath], 'list before doctor');

		const result = await cli(['doctor', '--root', root, '--db', dbPath]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('DAMAGED');
		expect(result.stdout).toContain('session_metadata: carried over 60 rows');
		const backups = backupsOf(dbPath);
		expect(backups).toHaveLength(1);
		expect(fs.readFileSync(backups[0]!).equals(bytes)).toBe(true);

		expect(integrityCheck(dbPath)).toEqual(['ok']);
		expect(metadataSnapshot(dbPath)).toEqual(metadataBefore);
		expect(essentials(dbPath)).toEqual(reference);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect(fs.existsSync(path.join(base, 'metadata', 'sessions.db.compute-lock'))).toBe(false);
	});

	it('doctor --rebuild on a healthy database: all metadata rows carried over exactly, including columns a newer web UI added', async () => {
		const {root, dbPath} = await healthyDatabase(40, 40);
		const metadataBefore = metadataSnapshot(dbPath);
		const original = fs.readFileSync(dbPath);
		const reference = essentials(dbPath);
		const result = await cli(['doctor', '--rebuild', '--root', root, '--db', dbPath]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(`${dbPath}: healthy`);
		// In place: session_metadata is not sdstats' to rebuild; it stays as it was, in the same file.
		expect(result.stdout).toContain('session_metadata: kept as it is (40 rows)');
		const backups = backupsOf(dbPath);
		expect(backups).toHaveLength(1);
		expect(fs.readFileSync(backups[0]!).equals(original)).toBe(true);
		expect(metadataSnapshot(dbPath)).toEqual(metadataBefore);
		expect(metadataBefore.columns.map((c) => (c as {name: string}).name)).toContain('color_label');
		expect(essentials(dbPath)).toEqual(reference);
	});

	it('doctor on a healthy database without --rebuild changes nothing', async () => {
		const {root, dbPath} = await healthyDatabase(10, 5);
		const original = fs.readFileSync(dbPath);
		const result = await cli(['doctor', '--root', root, '--db', dbPath]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/healthy \(sdstats cache, one file[^\n]*\n\s+integrity ok/);
		expect(backupsOf(dbPath)).toEqual([]);
		expect(fs.readFileSync(dbPath).equals(original)).toBe(true);
	});
});

describe('a database written by a newer sdstats', () => {
	it('list and show work (read-only), compute refuses with a message and leaves the file as it was', async () => {
		const {root, dbPath, names} = await healthyDatabase(5, 0);
		const raw = new Database(dbPath);
		raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
		raw.pragma('wal_checkpoint(TRUNCATE)');
		raw.close();
		const before = fs.readFileSync(dbPath);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code, listed.stderr).toBe(0);
		expect(JSON.parse(listed.stdout)).toHaveLength(names.length);
		const plain = await cli(['list', '--root', root, '--db', dbPath]);
		expect(plain.code).toBe(0);
		const shown = await cli(['show', names[0]!, '--root', root, '--db', dbPath]);
		expect(shown.code).toBe(0);
		const computed = await cli(['compute', '--root', root, '--db', dbPath]);
		expect(computed.code).toBe(1);
		expect(computed.stderr).toContain(
			`the database was written by a newer sdstats (schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION})`,
		);
		expect(computed.stderr).not.toMatch(STACK_TRACE);
		expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
	});

	it('forget refuses it too, with the same message and no stack trace', async () => {
		const {root, dbPath} = await healthyDatabase(3, 0);
		const raw = new Database(dbPath);
		raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
		raw.pragma('wal_checkpoint(TRUNCATE)');
		raw.close();
		const before = fs.readFileSync(dbPath);
		const forgot = await cli(['forget', '--yes', '--root', root, '--db', dbPath]);
		expect(forgot.code).toBe(1);
		expect(forgot.stderr).toContain('the database was written by a newer sdstats');
		expect(forgot.stderr).not.toMatch(STACK_TRACE);
		expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
	});
});

describe('a --db that does not exist', () => {
	it('list, show and the explorer entry (no terminal) say so clearly, exit 1, and leave no file or folder behind', async () => {
		const {base, root} = makeWorkspace('sdstats-dbfault-', {oneFile: true});
		writeSession(root, {name: '20251112_210411-a', images: 1});
		const missing = path.join(base, 'not', 'there', 'sessions.db');
		for (const args of [
			['list'],
			['list', '--json'],
			['list', '--csv'],
			['show', '20251112_210411-a'],
			[],
			['doctor'],
			['forget', '--yes'],
		]) {
			const result = await cli([...args, '--root', root, '--db', missing]);
			expect(result.code, args.join(' ')).toBe(1);
			expect(result.stderr, args.join(' ')).toContain(`no database at ${missing}`);
			expect(result.stderr).not.toMatch(STACK_TRACE);
			expect(fs.existsSync(path.join(base, 'not')), args.join(' ')).toBe(false);
		}
		// The default location too (no --db): nothing is created by a read.
		const defaultDb = await cli(['list', '--root', root]);
		expect(defaultDb.code).toBe(1);
		expect(fs.existsSync(path.join(base, 'metadata'))).toBe(false);
	});
});

describe('rows another program wrote with values of the wrong type', () => {
	it('text in INTEGER and REAL columns (SQLite keeps it as text) does not stop list, show or the exports (no stack trace)', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-dbfault-', {oneFile: true});
		writeSession(root, {name: '20251112_210411-ours', manifest: {numImages: 2}, images: 1});
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const db = new Database(dbPath);
		db.pragma('foreign_keys = OFF');
		db.prepare(
			`INSERT INTO session_stats (session_id, session_path, images_actual, images_expected, completion_percentage, width, steps, cfg_scale, seed_base, is_seed_sweep, session_created_at, stats_computed_at, stats_version)
			 VALUES ('webui-odd', ?, 'seven', '4 images', 'half', 'wide', 2.5, 'high', 'random', 'yes', 'yesterday', 'now', 'v1')`,
		).run(path.join(root, 'webui-odd'));
		db.close();
		for (const args of [
			['list'],
			['list', '--json'],
			['list', '--csv'],
			['show', 'webui-odd'],
			['show', 'webui-odd', '--json'],
			[],
		]) {
			const result = await cli([...args, '--root', root, '--db', dbPath]);
			expect.soft(result.code, `${args.join(' ') || '(explorer, no terminal)'}: ${result.stderr}`).toBe(0);
			expect.soft(result.stderr, args.join(' ')).not.toMatch(STACK_TRACE);
		}
		// The next compute treats the foreign row as any stored row of this root: its folder does not exist.
		const computed = await cli(['compute', '--root', root, '--db', dbPath]);
		expect(computed.code, computed.stderr).toBe(0);
	});
});
