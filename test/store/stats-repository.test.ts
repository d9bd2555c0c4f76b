import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import type {SessionInput} from '../../source/core/types.js';
import {openDatabase} from '../../source/store/db.js';
import {NewerSchemaError, SCHEMA_VERSION, SchemaConflictError} from '../../source/store/migrations.js';
import {SESSION_STATS_COLUMNS} from '../../source/core/types.js';
import {directlyUnder, StatsRepository} from '../../source/store/stats-repository.js';
import {buildManifest} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';

const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);

function input(name: string, manifest: SessionInput['manifest'], images = 0, root = '/r'): SessionInput {
	return {
		sessionId: name,
		sessionPath: path.join(root, name),
		manifest,
		images: Array.from({length: images}, (_, i) => ({
			name: `i${i}.png`,
			mtimeNs: BigInt(NOW - 60_000 + i) * 1_000_000n,
		})),
		nowMs: NOW,
	};
}

function goodManifest(name: string, numImages: number): SessionInput['manifest'] {
	const bytes = Buffer.from(JSON.stringify(buildManifest(name, {numImages, variations: {Hair: ['a', 'b']}}, 0)));
	return {kind: 'bytes', bytes, mtimeNs: BigInt(NOW) * 1_000_000n};
}

function freshStore() {
	const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
	const opened = openDatabase(dbPath, 'create');
	return {...opened, repository: new StatsRepository(opened.db)};
}

describe('schema', () => {
	it("creates session_stats exactly as the design, with its four indexes (and sdstats' marks index) and the foreign-key clause", () => {
		const {db} = freshStore();
		const columns = db
			.prepare("SELECT name, type, dflt_value, pk, [notnull] AS nn FROM pragma_table_info('session_stats')")
			.all() as Array<{name: string; type: string; dflt_value: string | null; pk: number; nn: number}>;
		expect(columns.map((c) => c.name)).toEqual([...SESSION_STATS_COLUMNS]);
		const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
		expect(byName.session_id).toMatchObject({type: 'TEXT', pk: 1});
		expect(byName.session_path).toMatchObject({type: 'TEXT', nn: 1});
		expect(byName.cfg_scale!.type).toBe('REAL');
		expect(byName.seed_base!.type).toBe('INTEGER');
		expect(byName.is_seed_sweep!.dflt_value).toBe('0');
		expect(byName.stats_version!.dflt_value).toBe('1');
		expect(byName.stats_computed_at).toMatchObject({type: 'TEXT', nn: 1});
		const indexes = (
			db
				.prepare(
					"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'session_stats' AND sql IS NOT NULL ORDER BY name",
				)
				.all() as Array<{name: string}>
		).map((r) => r.name);
		// The design's four, and sdstats' own covering index for the marks of a root (schema version 4).
		expect(indexes).toEqual([
			'idx_session_stats_completion',
			'idx_session_stats_created_at',
			'idx_session_stats_model',
			'idx_session_stats_seed_sweep',
			'sdstats_session_stats_marks',
		]);
		const fk = db
			.prepare("SELECT [table], [from], [to], on_delete FROM pragma_foreign_key_list('session_stats')")
			.all();
		expect(fk).toEqual([{table: 'session_metadata', from: 'session_id', to: 'session_id', on_delete: 'CASCADE'}]);
	});

	it('creates session_metadata with the web UI columns', () => {
		const {db} = freshStore();
		const columns = (
			db.prepare("SELECT name FROM pragma_table_info('session_metadata')").all() as Array<{name: string}>
		).map((c) => c.name);
		expect(columns).toEqual([
			'session_id',
			'session_path',
			'is_test',
			'is_complete',
			'is_favorite',
			'user_rating',
			'user_note',
			'tags',
			'auto_metadata',
			'created_at',
			'updated_at',
		]);
	});

	it('turns foreign keys off, uses WAL and records the schema version', () => {
		const {db, journalMode} = freshStore();
		expect(db.pragma('foreign_keys', {simple: true})).toBe(0);
		expect(journalMode).toBe('wal');
		expect(db.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION);
		expect(db.pragma('busy_timeout', {simple: true})).toBeGreaterThanOrEqual(5000);
	});

	it('stores a stats row for a session that has no session_metadata row (foreign keys off)', () => {
		const {repository, db} = freshStore();
		repository.save(computeSession(input('s1', goodManifest('s1', 2), 1)), 'fp');
		expect(repository.get('s1')?.images_actual).toBe(1);
		expect(db.prepare('SELECT COUNT(*) AS n FROM session_metadata').get()).toEqual({n: 0});
	});

	it('leaves an existing session_metadata table and its rows alone', () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const raw = new Database(dbPath);
		raw.exec(
			'CREATE TABLE session_metadata (session_id TEXT PRIMARY KEY, session_path TEXT NOT NULL, is_test INTEGER DEFAULT 0, is_complete INTEGER DEFAULT 1, is_favorite INTEGER DEFAULT 0, user_rating TEXT, user_note TEXT, tags TEXT, auto_metadata TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)',
		);
		raw.prepare(
			"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_note, tags, created_at, updated_at) VALUES ('s1', '/r/s1', 1, 'keep me', '[\"redo\"]', 'c', 'u')",
		).run();
		raw.close();
		const {db} = openDatabase(dbPath, 'create');
		const repository = new StatsRepository(db);
		repository.save(computeSession(input('s1', goodManifest('s1', 2), 2)), 'fp');
		repository.delete('s1');
		expect(db.prepare('SELECT session_id, is_favorite, user_note, tags FROM session_metadata').all()).toEqual([
			{session_id: 's1', is_favorite: 1, user_note: 'keep me', tags: '["redo"]'},
		]);
	});

	it("a file holding the web UI's session_stats (keyed by session_name) is shared, not refused: the cache goes beside it, the web UI's table untouched", () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const raw = new Database(dbPath);
		raw.exec(
			'CREATE TABLE session_stats (session_name TEXT PRIMARY KEY, sd_model TEXT, images_requested INTEGER DEFAULT 0)',
		);
		raw.prepare("INSERT INTO session_stats VALUES ('old', 'm', 3)").run();
		raw.close();
		const opened = openDatabase(dbPath, 'create');
		expect(opened.path).toBe(path.join(path.dirname(dbPath), 'cache.sdstats.db'));
		expect(opened.sharedPath).toBe(dbPath);
		opened.db.close();
		const after = new Database(dbPath, {readonly: true});
		expect(after.prepare('SELECT * FROM session_stats').all()).toEqual([
			{session_name: 'old', sd_model: 'm', images_requested: 3},
		]);
		expect(after.pragma('user_version', {simple: true})).toBe(0);
		expect(after.pragma('journal_mode', {simple: true})).toBe('delete');
		after.close();
	});

	it('a session_stats of an unknown shape in a file sdstats would hold alone is refused without touching it, naming --db', () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const raw = new Database(dbPath);
		raw.exec('CREATE TABLE session_stats (id INTEGER PRIMARY KEY, what TEXT)');
		raw.close();
		expect(() => openDatabase(dbPath, 'create')).toThrow(SchemaConflictError);
		expect(() => openDatabase(dbPath, 'create')).toThrow(/--db/);
	});

	it('refuses to write a database of a newer schema, and reads it with a notice', () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		openDatabase(dbPath, 'create').db.close();
		const raw = new Database(dbPath);
		raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
		raw.close();
		expect(() => openDatabase(dbPath, 'create')).toThrow(NewerSchemaError);
		const read = openDatabase(dbPath, 'read');
		expect(read.readonly).toBe(true);
		expect(read.notice).toMatch(/newer sdstats/);
		read.db.close();
	});

	it('never creates a file when asked to read a database that does not exist', () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		expect(() => openDatabase(dbPath, 'read')).toThrow(/no database/);
		expect(fs.existsSync(dbPath)).toBe(false);
		expect(fs.existsSync(path.dirname(dbPath))).toBe(false);
	});
});

describe('query plans', () => {
	/** How SQLite runs one of the repository's prepared statements (its text, read through the driver). */
	const planOf = (db: Database.Database, repository: StatsRepository, name: string): string => {
		const statement = (repository as unknown as Record<string, Database.Statement>)[name]!;
		const parameters = (statement.source.match(/\?/g) ?? []).map(() => 'x');
		return db
			.prepare(`EXPLAIN QUERY PLAN ${statement.source}`)
			.all(...parameters)
			.map((row) => (row as {detail: string}).detail)
			.join(' | ');
	};

	it('reads the marks of a root from the two covering indexes alone, never from the tables (nothing-changed compute)', () => {
		const {db, repository} = freshStore();
		const plan = planOf(db, repository, 'selectMarks');
		expect(plan).toContain('COVERING INDEX sdstats_session_stats_marks');
		expect(plan).toContain('COVERING INDEX sdstats_session_state_fingerprint');
	});

	it('pages the list and its signatures in rowid order, with no sort of the whole root per page', () => {
		const {db, repository} = freshStore();
		for (const name of ['selectPage', 'selectVersions']) {
			const plan = planOf(db, repository, name);
			expect(plan, name).toContain('INTEGER PRIMARY KEY (rowid>?)');
			expect(plan, name).not.toContain('TEMP B-TREE');
		}
		expect(planOf(db, repository, 'selectNewest')).toContain('idx_session_stats_created_at');
	});
});

describe('repository', () => {
	it('upserts: a second save replaces the row, one row remains', () => {
		const {repository} = freshStore();
		repository.save(computeSession(input('s1', goodManifest('s1', 4), 1)), 'fp1');
		repository.save(computeSession(input('s1', goodManifest('s1', 4), 3)), 'fp2');
		expect(repository.count()).toBe(1);
		const row = repository.get('s1')!;
		expect(row.images_actual).toBe(3);
		expect(row.completion_percentage).toBe(75);
		expect(row.fingerprint).toBe('fp2');
	});

	it('lists newest session_created_at first, undated sessions last', () => {
		const {repository} = freshStore();
		for (const name of ['20251001_100000-a', 'undated', '20251105_090000-c', '2025-10-20_120000_b']) {
			repository.save(computeSession(input(name, {kind: 'missing'}, 1)), null);
		}
		expect(repository.listAll().map((r) => r.session_id)).toEqual([
			'20251105_090000-c',
			'2025-10-20_120000_b',
			'20251001_100000-a',
			'undated',
		]);
	});

	it('reads one root at a time: its direct folders, never a sibling root that shares its prefix or a nested folder', () => {
		const {repository} = freshStore();
		const placed: Array<[string, string]> = [
			['20251001_100000-mine', '/data/r'],
			['20251002_100000-mine2', '/data/r'],
			['20251003_100000-sibling', '/data/r2'],
			['20251004_100000-dashed', '/data/r-old'],
			['20251005_100000-nested', '/data/r/deeper'],
			['20251006_100000-parent', '/data'],
		];
		for (const [name, root] of placed)
			repository.save(computeSession(input(name, {kind: 'missing'}, 1, root)), `fp-${name}`);
		const mine = ['20251002_100000-mine2', '20251001_100000-mine'];
		expect(repository.listNewest('/data/r', 10).map((r) => r.session_id)).toEqual(mine);
		expect(repository.listNewest('/data/r/', 10).map((r) => r.session_id)).toEqual(mine);
		const page = repository.listPage('/data/r', 0, 100);
		expect(page.rows.map((r) => r.session_id).sort()).toEqual([...mine].sort());
		expect(page.next).toBeNull();
		expect([...repository.marks('/data/r')]).toEqual([
			['20251001_100000-mine', {fingerprint: 'fp-20251001_100000-mine', stats_version: 1}],
			['20251002_100000-mine2', {fingerprint: 'fp-20251002_100000-mine2', stats_version: 1}],
		]);
		expect([...repository.marks('/data').keys()]).toEqual(['20251006_100000-parent']);
		// Read one at a time, the same marks, and only this root's.
		const lookup = repository.markLookup('/data/r');
		expect([...lookup.keys()].sort()).toEqual([...mine].sort());
		for (const [id, mark] of repository.marks('/data/r')) expect(lookup.get(id)).toEqual(mark);
		expect(lookup.get('20251003_100000-sibling')).toBeUndefined();
		expect(lookup.has('20251005_100000-nested')).toBe(false);
		expect(lookup.has('20251001_100000-mine')).toBe(true);
		// The compact read a compute compares with: the same sessions, the same marks, only this root's.
		const compact = repository.fingerprints('/data/r', 1);
		expect([...compact.keys()].sort()).toEqual([...mine].sort());
		for (const [id, mark] of repository.marks('/data/r')) expect(compact.get(id)).toEqual(mark);
		expect(compact.get('20251003_100000-sibling')).toBeUndefined();
		expect(compact.has('20251005_100000-nested')).toBe(false);
		expect(compact.has('20251001_100000-mine')).toBe(true);
		// Stats of another version have nothing to match: computed again.
		expect(repository.fingerprints('/data/r', 2).get('20251001_100000-mine')).toEqual({
			fingerprint: null,
			stats_version: null,
		});
	});

	it('fingerprints read as one text give the same marks as row by row: none stored, another version, an empty root', () => {
		const {repository} = freshStore();
		expect([...repository.fingerprints('/data/r', 1).keys()]).toEqual([]);
		const names = Array.from({length: 300}, (_, i) => `20251001_${String(100000 + i)}-s${i}`);
		for (const [i, name] of names.entries())
			repository.save(
				computeSession(input(name, {kind: 'missing'}, 1, '/data/r')),
				i % 7 === 0 ? null : `${i}.25:-L1`,
			);
		const compact = repository.fingerprints('/data/r', 1);
		const marks = repository.marks('/data/r');
		expect([...compact.keys()].sort()).toEqual([...marks.keys()].sort());
		for (const [id, mark] of marks)
			expect(compact.get(id), id).toEqual(
				mark.fingerprint === null ? {fingerprint: null, stats_version: null} : mark,
			);
		expect(compact.get(names[0]!)).toEqual({fingerprint: null, stats_version: null});
		expect(compact.get(names[1]!)).toEqual({fingerprint: '1.25:-L1', stats_version: 1});
		for (const id of names)
			expect(repository.fingerprints('/data/r', 2).get(id)).toEqual({fingerprint: null, stats_version: null});
	});

	it('regression: an id holding the separator (a row another program wrote) does not shift the fingerprints read as one text', () => {
		const {db, repository} = freshStore();
		for (const name of ['20251001_100000-a', '20251002_100000-b', '20251003_100000-c'])
			repository.save(computeSession(input(name, {kind: 'missing'}, 1, '/data/r')), `fp-${name}`);
		// Another program's row: its id holds the path separator, its path is still directly under the root.
		db.prepare('UPDATE session_stats SET session_id = ? WHERE session_id = ?').run('odd/id', '20251002_100000-b');
		db.prepare('UPDATE sdstats_session_state SET session_id = ? WHERE session_id = ?').run(
			'odd/id',
			'20251002_100000-b',
		);
		const compact = repository.fingerprints('/data/r', 1);
		expect([...compact.keys()].sort()).toEqual(['20251001_100000-a', '20251003_100000-c', 'odd/id']);
		expect(compact.get('20251001_100000-a')).toEqual({fingerprint: 'fp-20251001_100000-a', stats_version: 1});
		expect(compact.get('odd/id')).toEqual({fingerprint: 'fp-20251002_100000-b', stats_version: 1});
		expect(compact.get('20251003_100000-c')).toEqual({fingerprint: 'fp-20251003_100000-c', stats_version: 1});
	});

	it('regression: a NULL id beside an id holding two separators does not misalign the text (phantom ids read as gone)', () => {
		const {db, repository} = freshStore();
		for (const name of ['20251001_100000-a', '20251002_100000-b', '20251003_100000-c'])
			repository.save(computeSession(input(name, {kind: 'missing'}, 1, '/data/r')), `fp-${name}`);
		// Rows another program (or a damaged file) wrote: session_id is a rowid table's TEXT PRIMARY KEY, so NULL is
		// allowed; group_concat leaves that row out while count(*) counted it, and the two separators of the other
		// id made up for it.
		db.prepare('UPDATE session_stats SET session_id = NULL WHERE session_id = ?').run('20251001_100000-a');
		db.prepare('UPDATE session_stats SET session_id = ? WHERE session_id = ?').run('x/y/z', '20251002_100000-b');
		const compact = repository.fingerprints('/data/r', 1);
		const keys = [...compact.keys()];
		expect(keys).toContain('x/y/z');
		expect(keys).toContain('20251003_100000-c');
		expect(keys).not.toContain('x');
		expect(keys).not.toContain('z');
		expect(compact.get('20251003_100000-c')).toEqual({fingerprint: 'fp-20251003_100000-c', stats_version: 1});
	});

	it('reads the filesystem root as a results root', () => {
		const {repository} = freshStore();
		repository.save(computeSession(input('20251001_100000-top', {kind: 'missing'}, 1, '/')), 'fp');
		repository.save(computeSession(input('20251002_100000-deep', {kind: 'missing'}, 1, '/r')), 'fp');
		expect(repository.listNewest('/', 10).map((r) => r.session_id)).toEqual(['20251001_100000-top']);
		expect([...repository.marks('/').keys()]).toEqual(['20251001_100000-top']);
	});

	it('tells a folder directly under a root from anything else', () => {
		expect(directlyUnder('/r/', '/r/a')).toBe(true);
		expect(directlyUnder('/r/', '/r/')).toBe(false);
		expect(directlyUnder('/r/', '/r/a/b')).toBe(false);
		expect(directlyUnder('/r/', '/r2/a')).toBe(false);
		expect(directlyUnder('/r/', '/ra')).toBe(false);
		expect(directlyUnder('/', '/a')).toBe(true);
		expect(directlyUnder('/', '/a/b')).toBe(false);
	});

	it('deletes stats and bookkeeping only', () => {
		const {repository, db} = freshStore();
		repository.save(computeSession(input('s1', goodManifest('s1', 2), 1)), 'fp');
		expect(repository.delete('s1')).toBe(true);
		expect(repository.delete('s1')).toBe(false);
		expect(repository.get('s1')).toBeUndefined();
		expect(db.prepare('SELECT COUNT(*) AS n FROM sdstats_session_state').get()).toEqual({n: 0});
	});

	it('keeps the previous good row when the manifest becomes unreadable, and records why', () => {
		const {repository} = freshStore();
		repository.save(computeSession(input('s1', goodManifest('s1', 10), 4)), 'fp-good');
		const broken = {kind: 'bytes' as const, bytes: Buffer.from('{"snapshot": {"version": "2.'), mtimeNs: 1n};
		repository.save(computeSession(input('s1', broken, 5)), 'fp-broken');
		const row = repository.get('s1')!;
		expect(row.images_actual).toBe(4);
		expect(row.images_expected).toBe(10);
		expect(row.sd_model).toBe('illustriousXL_v01.safetensors [a1b2c3d4e5]');
		expect(row.manifest_state).toBe('unreadable');
		expect(row.error).toBe('manifest.json: unexpected end of input at byte 28');
		// Marked, so the next compute reads it again, yet the folder as it was is kept (the explorer's stale check).
		expect(row.fingerprint).toBe('fp-broken:unreadable');
		expect(row.manifest_status).toBe('completed');
	});

	it('gives a session with no previous row the filesystem-only row when its manifest is unreadable', () => {
		const {repository} = freshStore();
		const broken = {kind: 'bytes' as const, bytes: Buffer.from('[1, 2'), mtimeNs: 1n};
		repository.save(computeSession(input('20251101_101010-x', broken, 2)), 'fp');
		const row = repository.get('20251101_101010-x')!;
		expect(row).toMatchObject({
			images_actual: 2,
			images_expected: null,
			completion_percentage: null,
			sd_model: null,
			session_created_at: '2025-11-01T10:10:10',
			manifest_state: 'unreadable',
			fingerprint: 'fp:unreadable',
		});
	});

	it('round-trips 64-bit integers exactly', () => {
		const {repository} = freshStore();
		const text =
			'{"snapshot": {"generation_params": {"seed_base": 9007199254740993, "num_images": 9223372036854775807}}}';
		repository.save(computeSession(input('big', {kind: 'bytes', bytes: Buffer.from(text), mtimeNs: 1n}, 1)), 'fp');
		const row = repository.get('big')!;
		expect(row.seed_base).toBe(9007199254740993n);
		expect(row.images_expected).toBe(9223372036854775807n);
		expect(row.completion_percentage).toBe(0);
	});

	it('issue 12: a listed row holds each field under its own name, the same value the full row reads', () => {
		const {repository, db} = freshStore();
		const text =
			'{"status": "ongoing", "snapshot": {"generation_params": {"seed_base": 9007199254740993, "num_images": 4}}, "images": [{}, {}]}';
		repository.save(
			computeSession(input('20251101_101010-listed', {kind: 'bytes', bytes: Buffer.from(text), mtimeNs: 1n}, 3)),
			'fp',
		);
		repository.save(computeSession(input('20251102_101010-other', goodManifest('o', 2), 1)), 'fp');
		db.prepare(
			`INSERT INTO session_metadata (session_id, session_path, is_test, is_complete, is_favorite, user_rating, user_note, tags, created_at, updated_at)
			 VALUES ('20251101_101010-listed', '/r/20251101_101010-listed', 0, 1, 1, 'good', 'a note', '["x"]', 'now', 'now')`,
		).run();
		for (const id of ['20251101_101010-listed', '20251102_101010-other']) {
			const full = repository.get(id)!;
			const [listed] = repository.getListed([id]);
			const fromPage = repository.listPage('/r', 0, 10).rows.find((r) => r.session_id === id);
			const fromNewest = repository.listNewest('/r', 10).find((r) => r.session_id === id);
			expect(fromPage).toEqual(listed);
			expect(fromNewest).toEqual(listed);
			for (const [name, value] of Object.entries(listed!))
				expect([name, value]).toEqual([name, full[name as keyof typeof full]]);
		}
		// A listed path is the stored one, character for character, whether or not it is <folder>/<session id>.
		for (const sessionPath of ['/r/20251103_101010-moved-before', '/elsewhere/x20251103_101010-moved', '/']) {
			repository.save(
				computeSession({...input('20251103_101010-moved', goodManifest('m', 1)), sessionPath}),
				'fp',
			);
			expect(repository.getListed(['20251103_101010-moved'])[0]!.session_path).toBe(sessionPath);
		}
		repository.save(computeSession(input('20251103_101010-moved', goodManifest('m', 1), 0, '/deep/er/r')), 'fp');
		expect(repository.getListed(['20251103_101010-moved'])[0]!.session_path).toBe(
			'/deep/er/r/20251103_101010-moved',
		);
		expect(repository.getListed(['20251101_101010-listed'])[0]).toMatchObject({
			seed_base: 9007199254740993n,
			has_metadata: 1,
			is_favorite: 1,
			user_note: 'a note',
			manifest_status: 'ongoing',
			images_recorded: 2,
			images_actual: 3,
		});
	});
});

describe('rows a recompute lands', () => {
	it('getListedChanged reads only rows that differ from the shown ones, field by field, and names ids without a row', () => {
		const {db, repository} = freshStore();
		// A wide integer (a bigint), a triage row, plain and shared strings: every kind of field compares.
		const text =
			'{"status": "ongoing", "snapshot": {"generation_params": {"seed_base": 9007199254740993, "num_images": 4}}, "images": [{}, {}]}';
		repository.save(
			computeSession(input('20251101_101010-a', {kind: 'bytes', bytes: Buffer.from(text), mtimeNs: 1n}, 3)),
			'fp',
		);
		for (const name of ['20251102_101010-b', '20251103_101010-c'])
			repository.save(computeSession(input(name, goodManifest(name, 2), 1)), 'fp');
		db.prepare(
			`INSERT INTO session_metadata (session_id, session_path, is_test, is_complete, is_favorite, user_rating, user_note, tags, created_at, updated_at)
			 VALUES ('20251101_101010-a', '/r/20251101_101010-a', 0, 1, 1, 'like', 'a note', '["x"]', 'now', 'now')`,
		).run();
		const ids = ['20251101_101010-a', '20251102_101010-b', '20251103_101010-c'];
		const shown = new Map(repository.getListed(ids).map((row) => [row.session_id, row]));
		// Stored again unchanged: nothing is read.
		for (const id of ids) repository.save(computeSession(input(id, goodManifest(id, 2), 1)), 'fp');
		repository.save(
			computeSession(input('20251101_101010-a', {kind: 'bytes', bytes: Buffer.from(text), mtimeNs: 1n}, 3)),
			'fp',
		);
		expect(repository.getListedChanged([...ids, 'gone'], (id) => shown.get(id))).toEqual({
			rows: [],
			missing: ['gone'],
		});
		// A changed stat, a changed triage field, and a session the list does not show are read, whole.
		repository.save(computeSession(input('20251102_101010-b', goodManifest('b', 2), 2)), 'fp');
		db.prepare(
			`UPDATE session_metadata SET user_note = 'another note' WHERE session_id = '20251101_101010-a'`,
		).run();
		const {rows, missing} = repository.getListedChanged(ids, (id) =>
			id === '20251103_101010-c' ? undefined : shown.get(id),
		);
		expect(missing).toEqual([]);
		expect(rows).toEqual(repository.getListed(ids));
		expect(rows.map((r) => [r.session_id, r.images_actual, r.user_note])).toEqual([
			['20251101_101010-a', 3, 'another note'],
			['20251102_101010-b', 2, null],
			['20251103_101010-c', 1, null],
		]);
	});
});
