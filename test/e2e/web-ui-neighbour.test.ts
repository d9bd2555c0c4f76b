/**
 * sdstats and the generator's web UI on one `<root>/../metadata/sessions.db`, with no flags, in either order of
 * first use. The web UI is replayed by test/helpers/web-ui.ts (its statements, one connection per call) plus one
 * long-lived connection of its own kept open across every sdstats call. After each sdstats command the web UI's
 * migration, stats save and list, global stats and metadata upsert must still work, its tables must hold the
 * same bytes, and the file's journal mode must be the one it had.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {openDatabase, openMetadataConnection} from '../../source/store/db.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, spawnCli, waitFor} from '../reliability/support.js';
import {
	persistentJournalMode,
	webUiFingerprint,
	webUiGlobalStats,
	webUiListStats,
	webUiMigrate,
	webUiSaveStats,
	webUiUpsertMetadata,
} from '../helpers/web-ui.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const STACK_TRACE = /\n\s+at \S|SqliteError/;
const NAMES = ['20251112_210411-street_portrait', '20251113_090000-half', '20251114_100000-night'];

const openConnections: Database.Database[] = [];
afterEach(() => {
	for (const db of openConnections.splice(0)) db.close();
});

function workspace() {
	const ws = makeWorkspace('sdstats-webui-');
	writeSession(ws.root, {name: NAMES[0]!, manifest: {numImages: 6, status: 'completed'}, images: 6});
	writeSession(ws.root, {name: NAMES[1]!, manifest: {numImages: 4, status: 'completed'}, images: 2});
	writeSession(ws.root, {name: NAMES[2]!, manifest: {numImages: 2, status: 'completed'}, images: 2});
	return {...ws, companion: path.join(ws.base, 'metadata', 'sdstats.db')};
}

/** The web UI's long-lived connection (a worker that keeps one open), with Python's habits. */
function longLived(dbPath: string): Database.Database {
	const db = new Database(dbPath, {timeout: 5000});
	db.pragma('foreign_keys = OFF');
	openConnections.push(db);
	return db;
}

/** `sdstats watch` until its first cycle, then Ctrl-C. */
async function watchOnce(root: string): Promise<{code: number | null; stderr: string}> {
	const run = spawnCli(['watch', '--root', root]);
	let stderr = '';
	run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
	await waitFor(() => stderr.includes('watching'), 60_000, 20);
	// A cycle has run once the first poll is done; a second is not needed.
	await new Promise((resolve) => setTimeout(resolve, 300));
	run.child.kill('SIGINT');
	const done = await run.done;
	return {code: done.code, stderr: done.stderr};
}

/** sdstats triaging in-process as the explorer does (its own connection, no busy wait). */
function sdstatsTriage(dbPath: string, sessionId: string, root: string): void {
	const opened = openDatabase(dbPath, 'write');
	const triage = openMetadataConnection(opened);
	try {
		new MetadataRepository(triage).apply(
			[{session_id: sessionId, session_path: path.join(root, sessionId)}],
			{kind: 'tag', tag: 'from-sdstats', present: true},
			'2025-11-21T09:00:00',
		);
	} finally {
		triage.close();
		opened.db.close();
	}
}

type Step = {label: string; run: () => Promise<{code: number | null; stderr: string}>};

function steps(root: string, dbPath: string): Step[] {
	const common = ['--root', root];
	return [
		{label: 'compute', run: () => cli(['compute', ...common])},
		{label: 'compute --force', run: () => cli(['compute', '--force', ...common])},
		{label: 'list', run: () => cli(['list', ...common])},
		{label: 'list --json', run: () => cli(['list', '--json', ...common])},
		{label: 'show', run: () => cli(['show', NAMES[0]!, ...common])},
		{label: 'explorer without a terminal', run: () => cli([...common])},
		{label: 'watch', run: () => watchOnce(root)},
		{label: 'triage', run: async () => (sdstatsTriage(dbPath, NAMES[1]!, root), {code: 0, stderr: ''})},
		{label: 'doctor', run: () => cli(['doctor', ...common])},
		{label: 'doctor --rebuild', run: () => cli(['doctor', '--rebuild', ...common])},
		{label: 'forget --yes', run: () => cli(['forget', '--yes', ...common])},
		{label: 'compute again', run: () => cli(['compute', ...common])},
	];
}

/** Everything the web UI does at start and in use, checked to work; returns nothing, throws as the web UI would fail. */
function webUiStillWorks(dbPath: string, root: string, step: number, long: Database.Database): void {
	expect(webUiMigrate(dbPath)).toBe('skipped');
	const name = `20251120_1000${String(step).padStart(2, '0')}-webui_step`;
	const totalBefore = webUiGlobalStats(dbPath).total_sessions!;
	webUiSaveStats(dbPath, {
		session_name: name,
		sd_model: 'webui.safetensors',
		images_requested: 4,
		images_actual: 4,
		completion_percent: 1,
		session_created_at: `2025-11-20T10:00:${String(step).padStart(2, '0')}`,
		stats_computed_at: '2025-11-20T10:00:00',
	});
	expect(webUiListStats(dbPath).map((r) => r.session_name)).toContain(name);
	const global = webUiGlobalStats(dbPath);
	expect(global.total_sessions).toBe(totalBefore + 1);
	expect(global.sessions_completed).toBeGreaterThan(0);
	expect(
		webUiUpsertMetadata(
			dbPath,
			NAMES[0]!,
			path.join(root, NAMES[0]!),
			{user_note: `note ${step}`},
			`2025-11-20T11:00:${String(step).padStart(2, '0')}`,
		),
	).toMatchObject({user_note: `note ${step}`, is_favorite: 1});
	// The long-lived connection, open since before the first sdstats call, still writes where everyone reads.
	webUiUpsertMetadata(
		dbPath,
		NAMES[2]!,
		path.join(root, NAMES[2]!),
		{user_rating: step % 2 ? 'like' : 'dislike'},
		`2025-11-20T12:00:${String(step).padStart(2, '0')}`,
		long,
	);
	expect(long.prepare('SELECT count(*) FROM session_stats').pluck().get()).toBe(totalBefore + 1);
}

async function walkEveryCommand(root: string, dbPath: string, long: Database.Database): Promise<void> {
	const journal = persistentJournalMode(dbPath);
	let step = 0;
	for (const {label, run} of steps(root, dbPath)) {
		step++;
		const before = webUiFingerprint(dbPath);
		const result = await run();
		expect(result.code, `${label}: ${result.stderr}`).toBe(0);
		expect(result.stderr, label).not.toMatch(STACK_TRACE);
		expect(webUiFingerprint(dbPath), `${label} changed the web UI's tables`).toEqual(before);
		expect(persistentJournalMode(dbPath), `${label} changed the journal mode`).toBe(journal);
		webUiStillWorks(dbPath, root, step, long);
	}
	// Triage is shared both ways: the web UI's favourite and note show in sdstats, sdstats' tag in the web UI.
	const listed = JSON.parse((await cli(['list', '--json', '--root', root])).stdout) as Array<Record<string, unknown>>;
	const first = listed.find((r) => r.session_id === NAMES[0]);
	expect(first).toMatchObject({is_favorite: true, user_note: `note ${step}`});
	expect(listed.find((r) => r.session_id === NAMES[2])).toMatchObject({user_rating: step % 2 ? 'like' : 'dislike'});
	const tagged = webUiUpsertMetadata(dbPath, NAMES[1]!, path.join(root, NAMES[1]!), {}, '2025-11-22T10:00:00');
	expect(JSON.parse(String(tagged.tags))).toContain('from-sdstats');
}

describe('one sessions.db for sdstats and the web UI, no flags', () => {
	it('web UI first: every sdstats command leaves its tables byte for byte, its journal mode, and its migration, stats, global stats and upsert working', async () => {
		const {root, dbPath, companion} = workspace();
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		expect(webUiMigrate(dbPath)).toBe('applied');
		webUiSaveStats(dbPath, {
			session_name: NAMES[0]!,
			sd_model: 'webui.safetensors',
			images_requested: 6,
			images_actual: 6,
			completion_percent: 1,
			session_created_at: '2025-11-12T21:04:11',
			stats_computed_at: '2025-11-20T09:00:00',
		});
		webUiUpsertMetadata(dbPath, NAMES[0]!, path.join(root, NAMES[0]!), {is_favorite: true}, '2025-11-20T09:00:00');
		const long = longLived(dbPath);
		long.prepare('SELECT count(*) FROM session_metadata').pluck().get();
		await walkEveryCommand(root, dbPath, long);
		// sdstats' cache is its own file beside sessions.db.
		expect(fs.existsSync(companion)).toBe(true);
		const cache = new Database(companion, {readonly: true});
		openConnections.push(cache);
		expect(cache.prepare("SELECT name FROM pragma_table_info('session_stats')").pluck().all()).toContain(
			'completion_percentage',
		);
		expect(cache.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'session_metadata'").pluck().get()).toBe(
			0,
		);
	});

	it('sdstats first: the web UI then starts on the file (its migration applies), and everything after works the same', async () => {
		const {root, dbPath} = workspace();
		const first = await cli(['compute', '--root', root]);
		expect(first.code, first.stderr).toBe(0);
		expect(first.stderr).toContain('created the folder');
		expect(persistentJournalMode(dbPath)).toBe('rollback');
		expect(webUiMigrate(dbPath)).toBe('applied');
		webUiUpsertMetadata(dbPath, NAMES[0]!, path.join(root, NAMES[0]!), {is_favorite: true}, '2025-11-20T09:00:00');
		const long = longLived(dbPath);
		await walkEveryCommand(root, dbPath, long);
	});

	it('a 0.1.0 cache inside sessions.db is moved out once, every session_metadata row kept; the web UI then starts', async () => {
		const {root, dbPath, base, companion} = workspace();
		// 0.1.0's layout: the design's tables inside the file itself (made here through the one-file layout).
		const oldFile = path.join(base, 'metadata', 'old-layout.db');
		fs.mkdirSync(path.dirname(oldFile), {recursive: true});
		expect((await cli(['compute', '--root', root, '--db', oldFile])).code).toBe(0);
		const old = new Database(oldFile);
		for (let i = 0; i < 30; i++) {
			old.prepare(
				"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_note, tags, created_at, updated_at) VALUES (?, ?, 1, ?, '[\"x\"]', '2025-11-01T10:00:00', '2025-11-01T10:00:00')",
			).run(i < 3 ? NAMES[i]! : `gone-${i}`, `/r/${i}`, `note ${i}`);
		}
		old.pragma('wal_checkpoint(TRUNCATE)');
		old.close();
		fs.renameSync(oldFile, dbPath);
		const peek = new Database(dbPath, {readonly: true});
		const metadataBefore = peek.prepare('SELECT * FROM session_metadata ORDER BY session_id').all();
		peek.close();
		// As 0.1.0 left it, the web UI cannot start on this file (its runner has made its schema_version ledger first).
		expect(() => webUiMigrate(dbPath)).toThrow(/Migration v1 failed/);

		const listedBefore = await cli(['list', '--json', '--root', root]);
		expect(listedBefore.code, listedBefore.stderr).toBe(0);
		expect(JSON.parse(listedBefore.stdout)).toHaveLength(3);

		const moved = await cli(['compute', '--root', root]);
		expect(moved.code, moved.stderr).toBe(0);
		expect(moved.stderr).toMatch(
			/moved the sdstats 0\.1\.0 cache \(3 sessions\) out of .*sessions\.db into .*sdstats\.db; its 30 session_metadata rows stay/,
		);
		expect(fs.existsSync(companion)).toBe(true);
		const after = new Database(dbPath, {readonly: true});
		openConnections.push(after);
		expect(after.prepare('SELECT * FROM session_metadata ORDER BY session_id').all()).toEqual(metadataBefore);
		expect(
			after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(),
		).toEqual(['schema_version', 'session_metadata']);
		expect(after.pragma('user_version', {simple: true})).toBe(0);
		expect(persistentJournalMode(dbPath)).toBe('rollback');
		expect(webUiMigrate(dbPath)).toBe('applied');
		const listed = JSON.parse((await cli(['list', '--json', '--root', root])).stdout) as Array<
			Record<string, unknown>
		>;
		expect(listed).toHaveLength(3);
		expect(listed.every((r) => r.is_favorite === true)).toBe(true);
		// Once: the next compute has nothing to move.
		const again = await cli(['compute', '--root', root]);
		expect(again.stderr).not.toContain('moved');
	});

	it("doctor says whose table is whose, and never rebuilds the web UI's file", async () => {
		const {root, dbPath, companion} = workspace();
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		webUiMigrate(dbPath);
		expect((await cli(['compute', '--root', root])).code).toBe(0);
		const result = await cli(['doctor', '--root', root]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(
			`${dbPath}: healthy (the web UI's sessions.db; sdstats shares its session_metadata)`,
		);
		expect(result.stdout).toMatch(
			/the web UI's: schema_version \(migrations 1\), session_stats \(0 rows\), indexes idx_stats_completion, idx_stats_created_at, idx_stats_model, idx_stats_seed_sweep; sdstats never changes them/,
		);
		expect(result.stdout).toContain(`${companion}: healthy (sdstats' cache)`);
		expect(result.stdout).toMatch(/sdstats' own: session_stats \(3 rows\), sdstats_session_state \(3 rows\)/);
	});
});

describe('doctor --rebuild under an open connection (regression: the rebuild replaced the file, and writes through connections opened before were lost)', () => {
	it('one-file layout: a connection opened before the rebuild writes into the file sdstats reads afterwards', async () => {
		const {root, base} = workspace();
		const file = path.join(base, 'cache.db');
		expect((await cli(['compute', '--root', root, '--db', file])).code).toBe(0);
		const holder = longLived(file);
		const inode = fs.statSync(file).ino;
		const rebuilt = await cli(['doctor', '--rebuild', '--root', root, '--db', file]);
		expect(rebuilt.code, rebuilt.stderr).toBe(0);
		expect(fs.statSync(file).ino).toBe(inode);
		holder
			.prepare(
				"INSERT INTO session_metadata (session_id, session_path, is_favorite, created_at, updated_at) VALUES (?, ?, 1, 'now', 'now')",
			)
			.run(NAMES[0], path.join(root, NAMES[0]!));
		const listed = JSON.parse((await cli(['list', '--json', '--root', root, '--db', file])).stdout) as Array<
			Record<string, unknown>
		>;
		expect(listed.find((r) => r.session_id === NAMES[0])).toMatchObject({is_favorite: true});
		expect(listed).toHaveLength(3);
	});

	it("shared layout: the web UI's open connection and an open sdstats connection both keep working through a rebuild", async () => {
		const {root, dbPath, companion} = workspace();
		expect((await cli(['compute', '--root', root])).code).toBe(0);
		webUiMigrate(dbPath);
		const web = longLived(dbPath);
		const explorer = openDatabase(dbPath, 'write');
		openConnections.push(explorer.db);
		const inode = fs.statSync(companion).ino;
		const rebuilt = await cli(['doctor', '--rebuild', '--root', root]);
		expect(rebuilt.code, rebuilt.stderr).toBe(0);
		expect(rebuilt.stdout).toContain('not touched');
		expect(fs.statSync(companion).ino).toBe(inode);
		webUiUpsertMetadata(dbPath, NAMES[1]!, path.join(root, NAMES[1]!), {is_test: true}, '2025-11-20T10:00:00', web);
		// The connection opened before the rebuild reads the rebuilt stats and the web UI's new row.
		expect(explorer.db.prepare('SELECT count(*) FROM session_stats').pluck().get()).toBe(3);
		expect(
			explorer.db.prepare('SELECT is_test FROM session_metadata WHERE session_id = ?').pluck().get(NAMES[1]),
		).toBe(1);
		const listed = JSON.parse((await cli(['list', '--json', '--root', root])).stdout) as Array<
			Record<string, unknown>
		>;
		expect(listed.find((r) => r.session_id === NAMES[1])).toMatchObject({is_test: true});
	});

	it('backups do not pile up: doctor keeps the newest three', async () => {
		const {root, base} = workspace();
		const file = path.join(base, 'cache.db');
		expect((await cli(['compute', '--root', root, '--db', file])).code).toBe(0);
		let removedSeen = false;
		for (let i = 0; i < 5; i++) {
			const result = await cli(['doctor', '--rebuild', '--root', root, '--db', file]);
			expect(result.code, result.stderr).toBe(0);
			removedSeen ||= /removed 1 older backup/.test(result.stdout);
		}
		expect(removedSeen).toBe(true);
		expect(
			fs.readdirSync(base).filter((n) => /^cache\.db\.backup-/.test(n) && !/-(wal|journal)$/.test(n)),
		).toHaveLength(3);
	});
});
