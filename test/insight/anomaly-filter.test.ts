/** `is:anomaly`, the zero_byte_images bookkeeping column, and schema version 2 over a version 1 database. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {selectSessions} from '../../source/commands/list.js';
import {computeSession} from '../../source/core/calculator.js';
import {formatQuery, parseQuery, type Query} from '../../source/core/query.js';
import type {SessionState} from '../../source/core/types.js';
import {writeSession} from '../../source/demo/corpus.js';
import {readSessionFacts} from '../../source/scan/session-facts.js';
import {openDatabase} from '../../source/store/db.js';
import {SCHEMA_VERSION} from '../../source/store/migrations.js';
import {
	SESSION_METADATA_DDL,
	SESSION_STATE_DDL,
	SESSION_STATS_DDL,
	SESSION_STATS_INDEXES,
} from '../../source/store/schema.js';
import {SESSION_STATS_COLUMNS, type ListedSession} from '../../source/core/types.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {compileQuery, isAnomalous} from '../../source/view/query-match.js';
import {toSessionView} from '../../source/view/session-view.js';
import {makeWorkspace} from '../helpers/temp.js';
import {FOLDER_MS, computeRoot} from './fixtures.js';

const STALL_MS = 10 * 60_000;

function query(text: string): Query {
	const parsed = parseQuery(text);
	if (!parsed.ok) throw new Error(parsed.error.message);
	return parsed.query;
}

function matching(rows: readonly ListedSession[], text: string, nowMs: number): string[] {
	const test = compileQuery(query(text), nowMs);
	return rows
		.map((row) => toSessionView(row, nowMs, STALL_MS))
		.filter(test)
		.map((v) => v.id)
		.sort();
}

describe('the query language', () => {
	it('parses is:anomaly, formats it back, and names both values in its error', () => {
		expect(query('is:anomaly').terms[0]).toMatchObject({
			kind: 'field',
			field: 'is',
			value: {type: 'is', value: 'anomaly'},
		});
		expect(query('IS:Anomaly').terms[0]).toMatchObject({value: {type: 'is', value: 'anomaly'}});
		expect(formatQuery(query('-is:anomaly is:incomplete'))).toBe('-is:anomaly is:incomplete');
		const bad = parseQuery('is:odd');
		expect(bad).toEqual({
			ok: false,
			error: {message: 'is: expected incomplete or anomaly, not "odd"', position: 3},
		});
	});
});

describe('isAnomalous (the definition, on rows)', () => {
	const base = {
		zero_byte_images: 0 as number | null,
		images_recorded: 4 as number | null,
		images_actual: 4,
		session_created_at: '2025-11-12T21:04:11' as string | null,
		first_image_created_at: '2025-11-12T21:04:11.250000' as string | null,
	};
	const is = (change: Partial<typeof base>, state: SessionState = 'complete'): boolean =>
		isAnomalous({...base, ...change}, state);

	it('empty images: more than 0; NULL (rows from before schema 2) counts as 0', () => {
		expect(is({})).toBe(false);
		expect(is({zero_byte_images: 1})).toBe(true);
		expect(is({zero_byte_images: null})).toBe(false);
		expect(isAnomalous({...base, zero_byte_images: undefined}, 'complete')).toBe(false);
	});

	it('the manifest lists another number of images than are on disk, except while running', () => {
		expect(is({images_recorded: 5})).toBe(true);
		expect(is({images_recorded: 3})).toBe(true);
		expect(is({images_recorded: 3}, 'running')).toBe(false);
		expect(is({images_recorded: 3}, 'stalled')).toBe(true);
		expect(is({images_recorded: null})).toBe(false);
	});

	it('the first image is more than 60 s older than the folder timestamp', () => {
		expect(is({first_image_created_at: '2025-11-12T21:03:12'})).toBe(false);
		expect(is({first_image_created_at: '2025-11-12T21:03:10.999999'})).toBe(true);
		expect(is({first_image_created_at: '2025-11-11T23:00:00'})).toBe(true);
		expect(is({first_image_created_at: null})).toBe(false);
		expect(is({session_created_at: null, first_image_created_at: '2000-01-01T00:00:00'})).toBe(false);
		expect(is({session_created_at: 'not a date', first_image_created_at: '2000-01-01T00:00:00'})).toBe(false);
	});
});

describe('compute → store → is:anomaly', () => {
	let root = '';
	let dbPath = '';
	const now = Date.now();
	const names = {
		clean: '20251112_210411-clean',
		zero: '20251112_210411-zero_bytes',
		mismatch: '20251112_210411-entry_without_file',
		stalledAhead: '20251112_210411-stalled_one_ahead',
		running: '20251112_210411-running_one_ahead',
		early: '20251112_210411-image_before_folder',
		slightlyEarly: '20251112_210411-thirty_seconds_early',
		legacy: '2025-11-12_210411_legacy',
	};

	beforeAll(async () => {
		({root, dbPath} = makeWorkspace('sdstats-anomaly-', {oneFile: true}));
		const manifest = {numImages: 4, status: 'completed', variations: {Hair: ['a', 'b', 'c', 'd']}};
		writeSession(root, {name: names.clean, manifest, images: 4, realPng: true});
		writeSession(root, {name: names.zero, manifest, images: 4});
		writeSession(root, {name: names.mismatch, manifest: {...manifest, recordImages: 4}, images: 3, realPng: true});
		writeSession(root, {
			name: names.stalledAhead,
			manifest: {...manifest, status: 'ongoing', recordImages: 2},
			images: 3,
			realPng: true,
		});
		writeSession(root, {
			name: names.running,
			manifest: {...manifest, status: 'ongoing', recordImages: 2},
			images: 3,
			realPng: true,
			firstImageMs: now - 20_000,
			imageIntervalMs: 1000,
			manifestMtimeMs: now - 1000,
		});
		writeSession(root, {
			name: names.early,
			manifest,
			images: 4,
			realPng: true,
			firstImageMs: FOLDER_MS - 2 * 3_600_000,
		});
		writeSession(root, {
			name: names.slightlyEarly,
			manifest,
			images: 4,
			realPng: true,
			firstImageMs: FOLDER_MS - 30_000,
		});
		writeSession(root, {name: names.legacy, images: 2, realPng: true});
		await computeRoot(root, dbPath);
	});

	it('counts zero-byte images at compute time and stores them', () => {
		const {db} = openDatabase(dbPath, 'read');
		try {
			const repository = new StatsRepository(db);
			expect(repository.get(names.zero)?.zero_byte_images).toBe(4);
			expect(repository.get(names.clean)?.zero_byte_images).toBe(0);
			const listed = repository.getListed([names.zero, names.mismatch]);
			expect(listed.map((r) => [r.zero_byte_images, r.images_recorded, r.images_actual])).toEqual([
				[4, 4, 4],
				[0, 4, 3],
			]);
		} finally {
			db.close();
		}
	});

	it('the explorer rows and `list --filter` agree on which sessions are anomalies', () => {
		const {db} = openDatabase(dbPath, 'read');
		try {
			const repository = new StatsRepository(db);
			const listed = repository.listNewest(root, 1000);
			const expected = [names.early, names.mismatch, names.stalledAhead, names.zero].sort();
			expect(matching(listed, 'is:anomaly', now)).toEqual(expected);
			expect(matching(listed, '-is:anomaly', now)).toEqual(
				[names.clean, names.legacy, names.running, names.slightlyEarly].sort(),
			);
			expect(matching(listed, 'is:anomaly state:stalled', now)).toEqual([names.stalledAhead]);
			const viaList = selectSessions(
				repository.listAll(),
				query('is:anomaly'),
				{key: 'name', direction: 'asc'},
				now,
				STALL_MS,
			);
			expect(viaList.map((r) => r.row.session_id).sort()).toEqual(expected);
			const states = new Map(listed.map((r) => [r.session_id, toSessionView(r, now, STALL_MS).state]));
			expect(states.get(names.running)).toBe('running');
			expect(states.get(names.stalledAhead)).toBe('stalled');
		} finally {
			db.close();
		}
	});

	it('pages through every row exactly once (the rowid moved in the listed tuple)', () => {
		const {db} = openDatabase(dbPath, 'read');
		try {
			const repository = new StatsRepository(db);
			const seen: string[] = [];
			let after = 0;
			for (;;) {
				const page = repository.listPage(root, after, 3);
				seen.push(...page.rows.map((r) => r.session_id));
				if (page.next === null) break;
				after = page.next;
			}
			expect(seen.sort()).toEqual(Object.values(names).sort());
			const row = repository.listNewest(root, 100).find((r) => r.session_id === names.early)!;
			expect(row).toMatchObject({
				seed_base: 1000,
				first_image_created_at: '2025-11-12T19:04:11',
				images_recorded: 4,
				zero_byte_images: 0,
			});
		} finally {
			db.close();
		}
	});
});

describe('schema version 2 over a version 1 database', () => {
	/** A database as sdstats with schema 1 left it: its three tables, one computed session, user_version 1. */
	function versionOneDatabase(): {root: string; dbPath: string; name: string; statsSql: string} {
		const {root, dbPath} = makeWorkspace('sdstats-v1-', {oneFile: true});
		const name = '20251112_210411-old_row';
		writeSession(root, {name, manifest: {numImages: 3, status: 'completed'}, images: 3});
		const facts = readSessionFacts(name, path.join(root, name), Date.now());
		if (facts.kind !== 'session') throw new Error(facts.kind);
		const {stats, bookkeeping} = computeSession(facts.input);
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		const db = new Database(dbPath);
		db.pragma('foreign_keys = OFF');
		db.exec(SESSION_STATS_DDL);
		for (const statement of SESSION_STATS_INDEXES) db.exec(statement);
		db.exec(SESSION_METADATA_DDL);
		db.exec(SESSION_STATE_DDL);
		db.prepare(
			`INSERT INTO session_stats (${SESSION_STATS_COLUMNS.join(', ')}) VALUES (${SESSION_STATS_COLUMNS.map((c) => `@${c}`).join(', ')})`,
		).run(stats);
		db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, manifest_status, images_recorded, error, fingerprint, last_activity_ms)
			 VALUES (@session_id, @manifest_state, @manifest_status, @images_recorded, @error, 'old-fingerprint', @last_activity_ms)`,
		).run(bookkeeping);
		db.pragma('user_version = 1');
		const statsSql = db
			.prepare("SELECT sql FROM sqlite_master WHERE name = 'session_stats'")
			.pluck()
			.get() as string;
		db.close();
		return {root, dbPath, name, statsSql};
	}

	const stateColumns = (db: Database.Database): string[] =>
		db.prepare("SELECT name FROM pragma_table_info('sdstats_session_state')").pluck().all() as string[];

	it('a new database is at the latest version with the column, session_stats exactly the design DDL', () => {
		const {dbPath} = makeWorkspace('sdstats-v2-', {oneFile: true});
		const {db} = openDatabase(dbPath, 'create');
		try {
			// Version 3 adds the sources of rows without manifest.json (issue 15).
			// Version 4 adds the marks' covering indexes (issue 16).
			expect(SCHEMA_VERSION).toBe(4);
			expect(db.pragma('user_version', {simple: true})).toBe(4);
			expect(stateColumns(db)).toEqual([
				'session_id',
				'manifest_state',
				'manifest_status',
				'images_recorded',
				'error',
				'fingerprint',
				'last_activity_ms',
				'zero_byte_images',
				'origins',
				'sources_json',
			]);
			expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'session_stats'").pluck().get()).toBe(
				SESSION_STATS_DDL.replace('CREATE TABLE IF NOT EXISTS', 'CREATE TABLE'),
			);
		} finally {
			db.close();
		}
	});

	it('read-only (list, show) on version 1: rows read, the new column as NULL, nothing migrated', () => {
		const {root, dbPath, name} = versionOneDatabase();
		const {db} = openDatabase(dbPath, 'read');
		try {
			const repository = new StatsRepository(db);
			expect(repository.get(name)).toMatchObject({
				session_id: name,
				images_actual: 3,
				images_recorded: 3,
				zero_byte_images: null,
			});
			const listed = repository.listNewest(root, 10);
			expect(listed.map((r) => [r.session_id, r.zero_byte_images])).toEqual([[name, null]]);
			// Its three images are empty, but a row from before version 2 does not know it: it reads as 0.
			expect(matching(listed, 'is:anomaly', Date.now())).toEqual([]);
			expect(db.pragma('user_version', {simple: true})).toBe(1);
			expect(stateColumns(db)).not.toContain('zero_byte_images');
		} finally {
			db.close();
		}
	});

	it('writing migrates: the column is added, existing rows keep working, session_stats is untouched', async () => {
		const {root, dbPath, name, statsSql} = versionOneDatabase();
		const {db} = openDatabase(dbPath, 'write');
		try {
			expect(db.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION);
			expect(stateColumns(db)).toContain('zero_byte_images');
			expect(stateColumns(db)).toContain('sources_json');
			expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'session_stats'").pluck().get()).toBe(
				statsSql,
			);
			const repository = new StatsRepository(db);
			expect(repository.get(name)).toMatchObject({
				images_actual: 3,
				fingerprint: 'old-fingerprint',
				zero_byte_images: null,
			});
			expect(repository.listNewest(root, 10).map((r) => r.session_id)).toEqual([name]);
		} finally {
			db.close();
		}
		// The next compute of the session fills the column.
		await computeRoot(root, dbPath, {force: true});
		const {db: after} = openDatabase(dbPath, 'read');
		try {
			const repository = new StatsRepository(after);
			expect(repository.get(name)?.zero_byte_images).toBe(3);
			expect(matching(repository.listNewest(root, 10), 'is:anomaly', Date.now())).toEqual([name]);
		} finally {
			after.close();
		}
		// Opening again changes nothing.
		const again = openDatabase(dbPath, 'write');
		expect(again.db.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION);
		again.db.close();
	});

	it('an unreadable manifest keeps the good row and still refreshes the count of empty images', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-v2-', {oneFile: true});
		const name = '20251112_210411-half_written';
		const folder = writeSession(root, {
			name,
			manifest: {numImages: 3, status: 'ongoing'},
			images: 3,
			realPng: true,
		});
		await computeRoot(root, dbPath);
		fs.writeFileSync(path.join(folder, 'extra_0003.png'), '');
		fs.writeFileSync(path.join(folder, 'manifest.json'), '{"snapshot": {');
		await computeRoot(root, dbPath);
		const {db} = openDatabase(dbPath, 'read');
		try {
			expect(new StatsRepository(db).get(name)).toMatchObject({
				manifest_state: 'unreadable',
				images_expected: 3,
				zero_byte_images: 1,
			});
		} finally {
			db.close();
		}
	});
});
