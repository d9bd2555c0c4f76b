/**
 * The compare of a whole listing walks the sorted folders beside the stored marks (MarkCursor) instead of
 * looking each up by id. It must give exactly what the lookup by id gives: the same changed sessions with the
 * same fingerprints, the same unchanged count, the same gone and skipped, whatever the names (case, non-ASCII,
 * characters beyond U+FFFF that sort differently in UTF-16 and UTF-8, names that are prefixes of others,
 * look-alikes) and whatever rows another program wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {STATS_VERSION} from '../../source/core/types.js';
import {compareWithDisk, type DiskComparison, type StoredMarks} from '../../source/jobs/compute-job.js';
import {deepFingerprint, fingerprintSession} from '../../source/scan/sessions.js';
import {openDatabase} from '../../source/store/db.js';
import {MarkCursor, StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';

const NAMES = [
	'20251001_100000-plain',
	'20251001_100000-Plain',
	'20251001_100000-plain ',
	'20251001_100000-plain-2',
	's1',
	's10',
	's1-x',
	'S1',
	'café',
	'cafe\u0301',
	'日本語のセッション',
	'ｚenkaku',
	'\uE000private',
	'emoji-😀',
	'emoji-😀-2',
	'😀-first',
	'Ωmega',
	'a:b',
];

function setup(names: readonly string[] = NAMES) {
	const {root, dbPath} = makeWorkspace('sdstats-ordered-', {oneFile: true});
	const opened = openDatabase(dbPath, 'create');
	const repository = new StatsRepository(opened.db);
	for (const name of names) fs.mkdirSync(path.join(root, name));
	return {root, db: opened.db, repository};
}

/** Stores every folder of the root as the compute would: its fingerprint now (deep ones with `deep`). */
function storeAll(root: string, repository: StatsRepository, deep = false): void {
	for (const name of fs.readdirSync(root)) {
		const folder = path.join(root, name);
		const fingerprint = fingerprintSession(folder)!;
		repository.save(
			computeSession({
				sessionId: name,
				sessionPath: folder,
				manifest: {kind: 'missing'},
				images: [],
				nowMs: Date.UTC(2025, 10, 20),
			}),
			deep ? deepFingerprint(fingerprint) : fingerprint,
		);
	}
}

/** The same marks with only the lookup by id: the compare before the ordered walk. */
function byIdOnly(marks: StoredMarks): StoredMarks {
	return {get: (id) => marks.get(id), has: (id) => marks.has(id), keys: () => marks.keys()};
}

/** The marks, counting lookups by id. */
function counted(marks: StoredMarks): {marks: StoredMarks; lookups: () => number} {
	let lookups = 0;
	return {
		marks: {
			get: (id) => (lookups++, marks.get(id)),
			has: (id) => (lookups++, marks.has(id)),
			keys: () => marks.keys(),
			inOrder: () => marks.inOrder!(),
		},
		lookups: () => lookups,
	};
}

/** A comparison in a form that does not depend on listing order. */
function normal(comparison: DiskComparison) {
	return {
		changed: comparison.changed.map((id, i) => [id, comparison.fingerprints.at(i)] as const).sort(),
		unchanged: comparison.unchanged,
		gone: [...comparison.gone].sort(),
		skipped: [...comparison.skipped].sort((a, b) => a.name.localeCompare(b.name)),
	};
}

/**
 * The marks as marks() reads them, row by row with their own query: a reference that shares nothing with the
 * one text fingerprints() reads and splits, so a bug in that split cannot be on both sides of the comparison.
 */
function rowByRow(root: string, repository: StatsRepository): StoredMarks {
	const marks = repository.marks(root);
	return {get: (id) => marks.get(id), has: (id) => marks.has(id), keys: () => marks.keys()};
}

function expectSameAsById(root: string, repository: StatsRepository, deep = false): DiskComparison {
	const ordered = compareWithDisk(root, repository.fingerprints(root, STATS_VERSION), false, undefined, deep);
	const byId = compareWithDisk(root, byIdOnly(repository.fingerprints(root, STATS_VERSION)), false, undefined, deep);
	expect(normal(compareWithDisk(root, rowByRow(root, repository), false, undefined, deep))).toEqual(normal(byId));
	expect(normal(ordered)).toEqual(normal(byId));
	return ordered;
}

describe('the ordered compare of a listing with the stored marks', () => {
	it('nothing changed: every session unchanged, none looked up by id, whatever the names', () => {
		const {root, repository} = setup();
		storeAll(root, repository);
		const {marks, lookups} = counted(repository.fingerprints(root, STATS_VERSION));
		const comparison = compareWithDisk(root, marks, false);
		expect(normal(comparison)).toEqual({changed: [], unchanged: NAMES.length, gone: [], skipped: []});
		// Names beyond U+FFFF sort differently in UTF-16 and in SQLite's byte order: those are looked up by id from
		// where the orders part, never misread.
		expect(normal(expectSameAsById(root, repository))).toEqual(normal(comparison));
		expect(lookups()).toBeLessThan(NAMES.length);
	});

	it('nothing changed, plain names: the stored marks are never looked up by id', () => {
		const names = Array.from({length: 200}, (_, i) => `20251001_${String(100000 + i)}-s${i % 13}`);
		const {root, repository} = setup(names);
		storeAll(root, repository);
		const {marks, lookups} = counted(repository.fingerprints(root, STATS_VERSION));
		expect(normal(compareWithDisk(root, marks, false))).toEqual({
			changed: [],
			unchanged: 200,
			gone: [],
			skipped: [],
		});
		expect(lookups()).toBe(0);
	});

	it('a changed, a new and a gone session, anywhere in the order, give the same sets as the lookup by id', () => {
		for (const at of [0, 5, NAMES.length - 1]) {
			const {root, repository} = setup();
			storeAll(root, repository);
			const sorted = [...NAMES].sort();
			// Changed: a manifest appears (the folder's and the manifest's parts of the fingerprint move).
			fs.writeFileSync(path.join(root, sorted[at]!, 'manifest.json'), '{}');
			const changed = expectSameAsById(root, repository);
			expect(changed.changed).toEqual([sorted[at]]);
			expect(changed.unchanged).toBe(NAMES.length - 1);
			// New: a folder never stored, sorting between the others.
			fs.mkdirSync(path.join(root, `${sorted[at]!}-new`));
			const added = expectSameAsById(root, repository);
			expect(added.changed.sort()).toEqual([sorted[at], `${sorted[at]!}-new`].sort());
			// Gone: a stored folder removed.
			const victim = sorted[(at + 3) % sorted.length]!;
			fs.rmdirSync(path.join(root, victim));
			const gone = expectSameAsById(root, repository);
			expect(gone.gone).toEqual([victim]);
		}
	});

	it('only gone sessions (the listing matched so far but the store holds more): the gone ones are found', () => {
		const {root, repository} = setup(['a', 'b', 'c', 'd', 'e']);
		storeAll(root, repository);
		// The last stored ones: every listed folder matches its pair, the walk just never reaches the end.
		fs.rmdirSync(path.join(root, 'e'));
		fs.rmdirSync(path.join(root, 'd'));
		expect(expectSameAsById(root, repository).gone.sort()).toEqual(['d', 'e']);
		fs.rmdirSync(path.join(root, 'b'));
		const comparison = expectSameAsById(root, repository);
		expect(comparison.gone.sort()).toEqual(['b', 'd', 'e']);
		expect(comparison.unchanged).toBe(2);
	});

	it('rows another program wrote (an id holding the separator, a path that is not root + id) are never misread', () => {
		const {root, db, repository} = setup(['a', 'b', 'c', 'd']);
		storeAll(root, repository);
		// An id holding the separator: no walk at all (the stored text does not split into rows).
		db.prepare('UPDATE session_stats SET session_id = ? WHERE session_id = ?').run(`b${path.sep}x`, 'b');
		db.prepare('UPDATE sdstats_session_state SET session_id = ? WHERE session_id = ?').run(`b${path.sep}x`, 'b');
		expect(repository.fingerprints(root, STATS_VERSION).inOrder!()).toBeNull();
		const odd = expectSameAsById(root, repository);
		expect(odd.changed).toEqual(['b']);
		expect(odd.gone).toEqual([`b${path.sep}x`]);
		// A row whose path names another folder than its id: stored in the path's order, not the id's.
		db.prepare('UPDATE session_stats SET session_path = ? WHERE session_id = ?').run(path.join(root, 'zz'), 'a');
		const moved = expectSameAsById(root, repository);
		expect(moved.unchanged).toBe(3);
	});

	it('stats of another version, no fingerprint stored, a deep reading: the same as the lookup by id', () => {
		const {root, db, repository} = setup(['a', 'b', 'c']);
		storeAll(root, repository);
		db.prepare('UPDATE session_stats SET stats_version = ? WHERE session_id = ?').run(STATS_VERSION - 1, 'b');
		db.prepare('UPDATE sdstats_session_state SET fingerprint = NULL WHERE session_id = ?').run('c');
		expect(expectSameAsById(root, repository).changed.sort()).toEqual(['b', 'c']);
		// Stored by a sampling compute, asked for deeply: computed again; stored deeply: unchanged either way.
		expect(expectSameAsById(root, repository, true).changed.sort()).toEqual(['a', 'b', 'c']);
		const deep = setup(['a', 'b']);
		storeAll(deep.root, deep.repository, true);
		expect(expectSameAsById(deep.root, deep.repository, true).unchanged).toBe(2);
		expect(expectSameAsById(deep.root, deep.repository, false).unchanged).toBe(2);
	});

	it('an empty root with stored sessions is still refused (it looks unmounted), an empty store computes all', () => {
		const {root, repository} = setup(['a', 'b']);
		expect(expectSameAsById(root, repository).changed.sort()).toEqual(['a', 'b']);
		storeAll(root, repository);
		fs.rmdirSync(path.join(root, 'a'));
		fs.rmdirSync(path.join(root, 'b'));
		expect(() => compareWithDisk(root, repository.fingerprints(root, STATS_VERSION), false)).toThrow(/unmounted/);
	});
});

describe('MarkCursor', () => {
	const text = ['a', '1:2', 'ab', '', 'b', '3:4'].join('/');

	it('matches exactly the next pair, in order, and says when every pair was matched', () => {
		const cursor = new MarkCursor(text, 3, '/');
		expect(cursor.next('a', '1:2')).toBe(true);
		expect(cursor.done()).toBe(false);
		// No fingerprint stored (empty): never a match, whatever is asked.
		expect(cursor.next('ab', '')).toBe(false);
		expect(cursor.next('ab', '3:4')).toBe(false);
		expect(cursor.done()).toBe(false);
	});

	it('never matches a prefix of a field, a longer field, or a pair out of order', () => {
		expect(new MarkCursor(text, 3, '/').next('a', '1:')).toBe(false);
		expect(new MarkCursor(text, 3, '/').next('a', '1:22')).toBe(false);
		expect(new MarkCursor(text, 3, '/').next('', '1:2')).toBe(false);
		expect(new MarkCursor(text, 3, '/').next('b', '3:4')).toBe(false);
		expect(new MarkCursor(text, 3, '/').next('a/1:2/ab', '')).toBe(false);
		const last = new MarkCursor('a/1', 1, '/');
		expect(last.next('a', '1')).toBe(true);
		expect(last.done()).toBe(true);
		expect(last.next('a', '1')).toBe(false);
	});
});
