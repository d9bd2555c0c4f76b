/** Triage marks written into a session_metadata table as the web UI's own schema creates it. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {MetadataRepository, undoSummary} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';

/** The web UI's migration v001 as upstream writes it (session_stats keyed by session_name lives elsewhere). */
const WEB_UI_METADATA = `CREATE TABLE session_metadata (
	session_id TEXT PRIMARY KEY, session_path TEXT NOT NULL, is_test INTEGER DEFAULT 0, is_complete INTEGER DEFAULT 1,
	is_favorite INTEGER DEFAULT 0, user_rating TEXT, user_note TEXT, tags TEXT, auto_metadata TEXT,
	created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`;

function webUiDatabase() {
	const workspace = makeWorkspace();
	fs.mkdirSync(path.dirname(workspace.dbPath), {recursive: true});
	const raw = new Database(workspace.dbPath);
	raw.exec(WEB_UI_METADATA);
	raw.prepare(
		"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_rating, user_note, tags, created_at, updated_at) VALUES ('keep', '/r/keep', 1, 'like', 'from the web UI', '[\"web\"]', '2025-11-01T10:00:00', '2025-11-01T10:00:00')",
	).run();
	raw.close();
	const {db} = openDatabase(workspace.dbPath, 'create');
	return {...workspace, db, metadata: new MetadataRepository(db)};
}

const targets = (...ids: string[]) => ids.map((id) => ({session_id: id, session_path: `/r/${id}`}));

describe('MetadataRepository', () => {
	it('creates a row only when the user sets something, with the web UI defaults, and moves updated_at', () => {
		const {metadata} = webUiDatabase();
		expect(metadata.get('a')).toBeNull();
		metadata.apply(targets('a'), {kind: 'flag', field: 'is_favorite', value: 1}, '2025-11-20T10:00:00');
		expect(metadata.get('a')).toMatchObject({
			session_id: 'a',
			session_path: '/r/a',
			is_favorite: 1,
			is_test: 0,
			is_complete: 1,
			user_rating: null,
			user_note: null,
			tags: '[]',
			created_at: '2025-11-20T10:00:00',
			updated_at: '2025-11-20T10:00:00',
		});
		metadata.apply(targets('a'), {kind: 'rating', value: 'dislike'}, '2025-11-20T11:00:00');
		expect(metadata.get('a')).toMatchObject({
			user_rating: 'dislike',
			created_at: '2025-11-20T10:00:00',
			updated_at: '2025-11-20T11:00:00',
		});
	});

	it('sets and clears every mark, back to NULL where the web UI allows it', () => {
		const {metadata} = webUiDatabase();
		const at = '2025-11-20T10:00:00';
		metadata.apply(targets('keep'), {kind: 'flag', field: 'is_test', value: 1}, at);
		metadata.apply(targets('keep'), {kind: 'flag', field: 'is_complete', value: 0}, at);
		metadata.apply(targets('keep'), {kind: 'tag', tag: 'redo', present: true}, at);
		metadata.apply(targets('keep'), {kind: 'tag', tag: 'redo', present: true}, at);
		expect(metadata.get('keep')).toMatchObject({
			is_favorite: 1,
			is_test: 1,
			is_complete: 0,
			tags: '["web","redo"]',
		});
		metadata.apply(targets('keep'), {kind: 'rating', value: null}, at);
		metadata.apply(targets('keep'), {kind: 'note', value: '   '}, at);
		metadata.apply(targets('keep'), {kind: 'tag', tag: 'web', present: false}, at);
		metadata.apply(targets('keep'), {kind: 'flag', field: 'is_favorite', value: 0}, at);
		expect(metadata.get('keep')).toMatchObject({
			is_favorite: 0,
			user_rating: null,
			user_note: null,
			tags: '["redo"]',
		});
	});

	it('applies one change to many sessions in one go (bulk)', () => {
		const {metadata} = webUiDatabase();
		const snapshots = metadata.apply(
			targets('a', 'b', 'keep'),
			{kind: 'tag', tag: 'batch', present: true},
			'2025-11-20T10:00:00',
		);
		expect(snapshots.map((s) => [s.session_id, s.before === null])).toEqual([
			['a', true],
			['b', true],
			['keep', false],
		]);
		for (const id of ['a', 'b']) expect(metadata.get(id)?.tags).toBe('["batch"]');
		expect(metadata.get('keep')?.tags).toBe('["web","batch"]');
		expect(metadata.tagsInUse()).toEqual(['batch', 'web']);
	});

	it('undoes a change: rows it created go, rows it changed come back exactly', () => {
		const {metadata} = webUiDatabase();
		const before = metadata.get('keep');
		const snapshots = metadata.apply(
			targets('new', 'keep'),
			{kind: 'note', value: 'look again'},
			'2025-11-20T10:00:00',
		);
		expect(metadata.get('keep')?.user_note).toBe('look again');
		expect(metadata.restore(snapshots, '2025-11-20T11:00:00')).toEqual({undone: 2, kept: []});
		expect(metadata.get('new')).toBeNull();
		expect(metadata.get('keep')).toEqual(before);
	});

	it('is never touched by a compute, even a forced one', async () => {
		const {metadata, db, root} = webUiDatabase();
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		// A second session stays: a root left empty reads as unmounted, and nothing would be removed.
		writeSession(root, {name: '20251112_210412-b', manifest: {numImages: 1}, images: 1});
		metadata.apply(
			[{session_id: '20251112_210411-a', session_path: path.join(root, '20251112_210411-a')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T10:00:00',
		);
		const snapshot = db.prepare('SELECT * FROM session_metadata ORDER BY session_id').all();
		const repository = new StatsRepository(db);
		await runCompute({root, repository, runner: inlineRunner()});
		await runCompute({root, repository, runner: inlineRunner(), force: true});
		fs.rmSync(path.join(root, '20251112_210411-a'), {recursive: true});
		await runCompute({root, repository, runner: inlineRunner()});
		expect(db.prepare('SELECT * FROM session_metadata ORDER BY session_id').all()).toEqual(snapshot);
	});
});

/** Plays the web UI's PATCH: its upsert on its own connection (changed fields plus updated_at). */
function webUiPatch(dbPath: string, sessionId: string, fields: Record<string, unknown>, nowIso: string): void {
	const web = new Database(dbPath, {timeout: 5000});
	try {
		const sets = Object.keys(fields).map((c) => `${c} = ?`);
		web.prepare(`UPDATE session_metadata SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE session_id = ?`).run(
			...Object.values(fields),
			nowIso,
			sessionId,
		);
	} finally {
		web.close();
	}
}

describe("undo after a foreign edit (regression: undo restored whole rows, deleting or reverting the web UI's writes)", () => {
	it('reverts only the field sdstats set, and only where it still holds what sdstats wrote; says what it kept', () => {
		const {metadata, dbPath} = webUiDatabase();
		const at = '2025-11-20T10:00:00';
		// keep already has a row (the web UI's); a and b get rows created by sdstats.
		const snapshots = metadata.apply(targets('a', 'b', 'keep'), {kind: 'note', value: 'look again'}, at);
		// The web UI then changes b's note, and keep's rating (not the note).
		webUiPatch(dbPath, 'b', {user_note: 'from the browser'}, '2025-11-20T10:05:00');
		webUiPatch(dbPath, 'keep', {user_rating: 'dislike'}, '2025-11-20T10:06:00');
		const outcome = metadata.restore(snapshots, '2025-11-20T11:00:00');
		expect(outcome.undone).toBe(2);
		expect(outcome.kept).toEqual([{session_id: 'b', column: 'user_note', why: 'changed'}]);
		expect(undoSummary(outcome)).toBe('undone on 2 sessions; 1 kept: its note was changed elsewhere');
		// a: nobody else wrote to the row sdstats created, so it is gone.
		expect(metadata.get('a')).toBeNull();
		// b: the web UI's note stays, and so does the row.
		expect(metadata.get('b')).toMatchObject({user_note: 'from the browser', updated_at: '2025-11-20T10:05:00'});
		// keep: the note is back, the web UI's newer rating stays.
		expect(metadata.get('keep')).toMatchObject({
			user_note: 'from the web UI',
			user_rating: 'dislike',
			is_favorite: 1,
		});
	});

	it("a row sdstats created that the web UI also wrote to stays, with only sdstats' field back at the web UI default", () => {
		const {metadata, dbPath} = webUiDatabase();
		const snapshots = metadata.apply(
			targets('a'),
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T10:00:00',
		);
		webUiPatch(dbPath, 'a', {user_note: 'kept by the browser'}, '2025-11-20T10:01:00');
		expect(metadata.restore(snapshots, '2025-11-20T11:00:00')).toEqual({undone: 1, kept: []});
		expect(metadata.get('a')).toMatchObject({
			is_favorite: 0,
			user_note: 'kept by the browser',
			is_complete: 1,
			updated_at: '2025-11-20T11:00:00',
		});
	});

	it("tags: a tag sdstats added is taken out again even when the web UI changed the list meanwhile; the web UI's tags stay", () => {
		const {metadata, dbPath} = webUiDatabase();
		const snapshots = metadata.apply(
			targets('keep'),
			{kind: 'tag', tag: 'redo', present: true},
			'2025-11-20T10:00:00',
		);
		expect(metadata.get('keep')?.tags).toBe('["web","redo"]');
		webUiPatch(dbPath, 'keep', {tags: '["web","redo","browser"]'}, '2025-11-20T10:01:00');
		expect(metadata.restore(snapshots, '2025-11-20T11:00:00')).toEqual({undone: 1, kept: []});
		expect(metadata.get('keep')?.tags).toBe('["web","browser"]');
		// A tag the web UI removed since: nothing of sdstats' left to take out.
		const again = metadata.apply(targets('keep'), {kind: 'tag', tag: 'mine', present: true}, '2025-11-20T12:00:00');
		webUiPatch(dbPath, 'keep', {tags: '["web"]'}, '2025-11-20T12:01:00');
		const outcome = metadata.restore(again, '2025-11-20T13:00:00');
		expect(undoSummary(outcome)).toBe('nothing undone; 1 kept: its tags were changed elsewhere');
		expect(metadata.get('keep')?.tags).toBe('["web"]');
	});

	it('a row the web UI removed meanwhile is not brought back', () => {
		const {metadata, dbPath} = webUiDatabase();
		const snapshots = metadata.apply(
			targets('keep'),
			{kind: 'flag', field: 'is_test', value: 1},
			'2025-11-20T10:00:00',
		);
		const web = new Database(dbPath);
		web.prepare("DELETE FROM session_metadata WHERE session_id = 'keep'").run();
		web.close();
		expect(undoSummary(metadata.restore(snapshots, '2025-11-20T11:00:00'))).toBe(
			'nothing undone; 1 kept: its row was removed elsewhere',
		);
		expect(metadata.get('keep')).toBeNull();
	});

	it('nobody else wrote: the row comes back byte for byte, its old updated_at included', () => {
		const {metadata} = webUiDatabase();
		const before = metadata.get('keep');
		const snapshots = metadata.apply(targets('keep'), {kind: 'rating', value: 'dislike'}, '2025-11-20T10:00:00');
		metadata.restore(snapshots, '2025-11-20T11:00:00');
		expect(metadata.get('keep')).toEqual(before);
	});
});
