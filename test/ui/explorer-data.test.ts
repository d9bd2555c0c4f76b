/**
 * The explorer's data source over a real sessions.db: what another connection (a CLI compute, the web UI)
 * commits is found by signature, page by page, and only then.
 */
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import type {SessionInput} from '../../source/core/types.js';
import {openDatabase} from '../../source/store/db.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {createExplorerData} from '../../source/ui/data/explorer-data.js';
import {createMultiRootData} from '../../source/ui/data/multi-root-data.js';
import type {JobRequest} from '../../source/ui/state/types.js';
import {makeWorkspace} from '../helpers/temp.js';
import {writeSession} from '../../source/demo/corpus.js';
import type {ComputeSummary} from '../../source/jobs/compute-job.js';

const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);
const ROOT = '/results';

function computed(name: string, images: number, nowMs = NOW, root = ROOT) {
	const input: SessionInput = {
		sessionId: name,
		sessionPath: path.join(root, name),
		manifest: {kind: 'missing'},
		images: Array.from({length: images}, (_, i) => ({
			name: `i${i}.png`,
			mtimeNs: BigInt(NOW - 60_000 + i) * 1_000_000n,
		})),
		nowMs,
	};
	return computeSession(input);
}

function connect(dbPath: string) {
	const {db} = openDatabase(dbPath, 'create');
	return {db, stats: new StatsRepository(db), metadata: new MetadataRepository(db)};
}

/** The explorer's data over `root` on `mine`'s connection, writable (as the explorer opens it). */
function explorerOver(root: string, dbPath: string, mine: ReturnType<typeof connect>) {
	return createExplorerData({root, dbPath, repository: mine.stats, metadata: mine.metadata, readonlyReason: null});
}

describe('explorer data: changes made by another process', () => {
	it('reads every signature of the root, and finds exactly the rows another connection changed, added or removed', async () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		const mine = connect(dbPath);
		for (const name of ['s1', 's2', 's3']) mine.stats.save(computed(name, 1), `fp-${name}`);
		mine.stats.save(computed('elsewhere', 1, NOW, '/other'), 'fp');
		const data = explorerOver(ROOT, dbPath, mine);
		const known = await data.versions();
		expect([...known.keys()].sort()).toEqual(['s1', 's2', 's3']);
		expect(await data.externalChanges(known)).toBeNull();

		// The explorer's own writes are its own: no data_version change, nothing to re-read.
		mine.stats.save(computed('s1', 2, NOW + 1000), 'fp-s1b');
		expect(await data.externalChanges(known)).toBeNull();

		const other = connect(dbPath);
		other.stats.save(computed('s2', 5, NOW + 2000), 'fp-s2b');
		other.metadata.apply(
			[{session_id: 's3', session_path: path.join(ROOT, 's3')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T12:00:05',
		);
		other.stats.save(computed('s4', 1), 'fp-s4');
		other.stats.delete('s1');
		const result = await data.externalChanges(known);
		expect(result).not.toBeNull();
		expect(result!.changed.map((r) => r.session_id).sort()).toEqual(['s2', 's3', 's4']);
		expect(result!.changed.find((r) => r.session_id === 's2')!.images_actual).toBe(5);
		expect(result!.changed.find((r) => r.session_id === 's3')!.is_favorite).toBe(1);
		expect(result!.removed).toEqual(['s1']);
		expect([...result!.versions.keys()].sort()).toEqual(['s2', 's3', 's4']);
		// Read once: the next poll finds nothing new.
		expect(await data.externalChanges(result!.versions)).toBeNull();
		other.db.close();
		mine.db.close();
	});

	it('updates what is known in place, only once everything is read: a read refused by a lock leaves it as it was (regression: each look after a recompute of 100,000 made a second map of every signature)', async () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		const mine = connect(dbPath);
		for (const name of ['s1', 's2', 's3']) mine.stats.save(computed(name, 1), `fp-${name}`);
		const data = explorerOver(ROOT, dbPath, mine);
		const known = await data.versions();
		const before = [...known];
		const other = connect(dbPath);
		other.stats.save(computed('s2', 5, NOW + 2000), 'fp-s2b');
		other.stats.delete('s3');
		const versionsPage = mine.stats.versionsPage.bind(mine.stats);
		mine.stats.versionsPage = () => {
			throw Object.assign(new Error('database is locked'), {code: 'SQLITE_BUSY'});
		};
		await expect(data.externalChanges(known)).rejects.toThrow(/locked/);
		expect([...known]).toEqual(before);
		mine.stats.versionsPage = versionsPage;
		const result = await data.externalChanges(known);
		expect(result!.versions).toBe(known);
		expect(result!.changed.map((r) => r.session_id)).toEqual(['s2']);
		expect(result!.removed).toEqual(['s3']);
		expect([...known.keys()].sort()).toEqual(['s1', 's2']);
		expect(known.get('s2')).not.toBe(before.find(([id]) => id === 's2')![1]);
		expect(await data.externalChanges(known)).toBeNull();
		other.db.close();
		mine.db.close();
	});

	it('finds a row removed while a known row was removed and stored again during the same read (regression: the known row seen twice hid the removal)', async () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		const mine = connect(dbPath);
		const names = Array.from({length: 1500}, (_, i) => `s${String(i).padStart(4, '0')}`);
		mine.db.transaction(() => {
			for (const name of names) mine.stats.save(computed(name, 1), `fp-${name}`);
		})();
		const data = explorerOver(ROOT, dbPath, mine);
		const known = await data.versions();
		expect(known.size).toBe(1500);
		const other = connect(dbPath);
		other.stats.save(computed('s0001', 2, NOW + 1000), 'fp-s0001b'); // someone committed: the look starts
		// Between the first page and the second, another process removes s1200 and stores s0005 again (gone, then
		// back: a delete and a new insert, so a new rowid).
		const page = mine.stats.versionsPage.bind(mine.stats);
		let calls = 0;
		mine.stats.versionsPage = (root, after, limit) => {
			const result = page(root, after, limit);
			if (++calls === 1) {
				other.stats.delete('s1200');
				other.stats.delete('s0005');
				other.stats.save(computed('s0005', 3, NOW + 2000), 'fp-s0005b');
			}
			return result;
		};
		const result = await data.externalChanges(known);
		expect(result!.removed).toEqual(['s1200']);
		other.db.close();
		mine.db.close();
	});

	it('after its own recompute, reads again only what others changed (regression: every recomputed row was read again at once)', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-test-');
		for (const name of ['a1', 'a2', 'b1']) writeSession(root, {name, manifest: {numImages: 2}, images: 2});
		const mine = connect(dbPath);
		const data = explorerOver(root, dbPath, mine);
		const first = await new Promise<ComputeSummary | null>((resolve) =>
			data.startJob(
				{id: 1, scope: 'all'},
				{stale: [], newOnDisk: []},
				{onProgress() {}, onStored() {}, onDone: resolve},
			),
		);
		expect(first?.computed).toBe(3);
		// The first look after its own job reads the signatures again and finds nothing of anyone else.
		const settled = await data.externalChanges(await data.versions());
		expect(settled?.changed ?? []).toEqual([]);
		const known = settled!.versions;
		expect(await data.externalChanges(known)).toBeNull();

		// The explorer recomputes a1 and a2 (their signatures change); meanwhile the web UI marks b1.
		const stored: string[] = [];
		const other = connect(dbPath);
		const done = new Promise<ComputeSummary | null>((resolve) =>
			data.startJob(
				{id: 2, scope: 'sessions', sessionIds: ['a1', 'a2']},
				{stale: [], newOnDisk: []},
				{onProgress() {}, onStored: (ids) => stored.push(...ids), onDone: resolve},
			),
		);
		other.metadata.apply(
			[{session_id: 'b1', session_path: path.join(root, 'b1')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T12:00:05',
		);
		expect((await done)?.computed).toBe(2);
		expect(stored.sort()).toEqual(['a1', 'a2']);
		const result = await data.externalChanges(known);
		expect(result).not.toBeNull();
		expect(result!.changed.map((r) => r.session_id)).toEqual(['b1']);
		expect(result!.removed).toEqual([]);
		// The new signatures of a1 and a2 are taken as known: the next poll finds nothing.
		expect(await data.externalChanges(result!.versions)).toBeNull();
		other.db.close();
		mine.db.close();
	});
});

describe('explorer data: another program writes a row its own recompute stored', () => {
	const recompute = (data: ReturnType<typeof createExplorerData>, request: JobRequest) =>
		new Promise<ComputeSummary | null>((resolve) =>
			data.startJob(request, {stale: [], newOnDisk: []}, {onProgress() {}, onStored() {}, onDone: resolve}),
		);

	it('regression: a web UI change made after the recomputed row landed was never shown', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-test-');
		for (const name of ['a1', 'b1']) writeSession(root, {name, manifest: {numImages: 2}, images: 2});
		const mine = connect(dbPath);
		const data = explorerOver(root, dbPath, mine);
		await recompute(data, {id: 1, scope: 'all'});
		const known = (await data.externalChanges(await data.versions()))!.versions;
		expect(await data.externalChanges(known)).toBeNull();

		// The explorer recomputes a1 (the row lands when its batch is stored); then the web UI favourites it.
		const other = connect(dbPath);
		expect((await recompute(data, {id: 2, scope: 'sessions', sessionIds: ['a1']}))?.computed).toBe(1);
		other.metadata.apply(
			[{session_id: 'a1', session_path: path.join(root, 'a1')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T12:00:05',
		);
		const result = await data.externalChanges(known);
		expect(result?.changed.map((r) => [r.session_id, r.is_favorite])).toEqual([['a1', 1]]);
		// Taken as known once shown: the next poll finds nothing.
		expect(await data.externalChanges(result!.versions)).toBeNull();
		other.db.close();
		mine.db.close();
	});

	it('takes the rows its own recompute landed as seen as it reads them, so a read stopped by a lock still shows every other change once (after a recompute of 100,000 the look kept a pair for every row to the end)', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-test-');
		// More than one page of signatures (1,000), so the lock can stop the read after the first.
		const names = Array.from({length: 1100}, (_, i) => `s${String(i).padStart(4, '0')}`);
		for (const name of names) writeSession(root, {name, manifest: {numImages: 1}, images: 0});
		const mine = connect(dbPath);
		const data = explorerOver(root, dbPath, mine);
		const known = await data.versions();
		expect(known.size).toBe(0);
		await recompute(data, {id: 1, scope: 'all'});
		const first = (await data.externalChanges(known))!;
		expect(first.changed).toEqual([]);
		const before = new Map(first.versions);
		expect(before.size).toBe(1100);

		await recompute(data, {id: 2, scope: 'all'});
		const other = connect(dbPath);
		other.metadata.apply(
			[{session_id: 's1050', session_path: path.join(root, 's1050')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T12:00:05',
		);
		const versionsPage = mine.stats.versionsPage.bind(mine.stats);
		let pages = 0;
		mine.stats.versionsPage = (...args) => {
			if (++pages === 2) throw Object.assign(new Error('database is locked'), {code: 'SQLITE_BUSY'});
			return versionsPage(...args);
		};
		await expect(data.externalChanges(first.versions)).rejects.toThrow(/locked/);
		// The first page's rows (all landed by the second recompute) are known with their new signatures, the rest as
		// they were.
		const taken = [...first.versions].filter(([id, v]) => v !== before.get(id)).map(([id]) => id);
		expect(taken.length).toBeGreaterThan(0);
		expect(taken).not.toContain('s1050');
		mine.stats.versionsPage = versionsPage;
		const result = await data.externalChanges(first.versions);
		// Only the other program's change is read and shown; none of the rows the recompute landed.
		expect(result?.changed.map((r) => [r.session_id, r.is_favorite])).toEqual([['s1050', 1]]);
		expect(result?.removed).toEqual([]);
		expect(await data.externalChanges(result!.versions)).toBeNull();
		other.db.close();
		mine.db.close();
	});

	it('regression (several roots): the same change is shown for a root of a multi-root explorer', async () => {
		const a = makeWorkspace('sdstats-test-');
		const b = makeWorkspace('sdstats-test-');
		writeSession(a.root, {name: 'a1', manifest: {numImages: 2}, images: 2});
		writeSession(b.root, {name: 'b1', manifest: {numImages: 2}, images: 2});
		const mineA = connect(a.dbPath);
		const mineB = connect(b.dbPath);
		const data = createMultiRootData([
			explorerOver(a.root, a.dbPath, mineA),
			explorerOver(b.root, b.dbPath, mineB),
		]);
		await recompute(data, {id: 1, scope: 'all'});
		const known = (await data.externalChanges(await data.versions()))!.versions;
		expect([...known.keys()].sort()).toEqual(['a1', 'b1']);
		expect(await data.externalChanges(known)).toBeNull();

		const other = connect(b.dbPath);
		expect((await recompute(data, {id: 2, scope: 'sessions', sessionIds: ['a1', 'b1']}))?.computed).toBe(2);
		other.metadata.apply(
			[{session_id: 'b1', session_path: path.join(b.root, 'b1')}],
			{kind: 'flag', field: 'is_favorite', value: 1},
			'2025-11-20T12:00:05',
		);
		const result = await data.externalChanges(known);
		// b1 changed after it landed; a1 landed and was not changed since: not read again.
		expect(result?.changed.map((r) => [r.session_id, r.is_favorite])).toEqual([['b1', 1]]);
		expect(await data.externalChanges(result!.versions)).toBeNull();
		other.db.close();
		mineA.db.close();
		mineB.db.close();
	});
});

describe("explorer data over several roots: a look for others' changes", () => {
	it('regression: a lock on one root lost the changes another root had already taken as seen (they were never shown)', async () => {
		const a = makeWorkspace('sdstats-test-', {oneFile: true});
		const b = makeWorkspace('sdstats-test-', {oneFile: true});
		const mineA = connect(a.dbPath);
		const mineB = connect(b.dbPath);
		mineA.stats.save(computed('a1', 1, NOW, a.root), 'fp-a1');
		mineB.stats.save(computed('b1', 1, NOW, b.root), 'fp-b1');
		const data = createMultiRootData([
			explorerOver(a.root, a.dbPath, mineA),
			explorerOver(b.root, b.dbPath, mineB),
		]);
		const known = await data.versions();
		const otherA = connect(a.dbPath);
		const otherB = connect(b.dbPath);
		otherA.stats.save(computed('a1', 2, NOW + 1000, a.root), 'fp-a1b');
		otherB.stats.save(computed('b1', 3, NOW + 1000, b.root), 'fp-b1b');
		const versionsPage = mineB.stats.versionsPage.bind(mineB.stats);
		mineB.stats.versionsPage = () => {
			throw Object.assign(new Error('database is locked'), {code: 'SQLITE_BUSY'});
		};
		const first = await data.externalChanges(known);
		expect(first?.changed.map((r) => r.images_actual)).toEqual([2]);
		mineB.stats.versionsPage = versionsPage;
		const second = await data.externalChanges(first!.versions);
		expect(second?.changed.map((r) => r.images_actual)).toEqual([3]);
		expect(await data.externalChanges(second!.versions)).toBeNull();
		for (const connection of [otherA, otherB, mineA, mineB]) connection.db.close();
	});
});

describe('stats repository: signatures page by page', () => {
	it('pages through every row of the root once, in storage order, and ends with a null cursor', () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		const {stats, db} = connect(dbPath);
		const names = Array.from({length: 7}, (_, i) => `s${i}`);
		for (const name of names) stats.save(computed(name, 1), `fp-${name}`);
		stats.save(computed('elsewhere', 1, NOW, '/other'), 'fp');
		const seen: string[] = [];
		let cursor: number | null = 0;
		let pages = 0;
		while (cursor !== null) {
			const page = stats.versionsPage(ROOT, cursor, 3);
			seen.push(...page.entries.map(([id]) => id));
			cursor = page.next;
			pages++;
		}
		expect(seen).toEqual(names);
		expect(pages).toBe(3);
		const before = new Map(stats.versionsPage(ROOT, 0, 100).entries);
		stats.save(computed('s3', 4, NOW + 5000), 'fp-s3b');
		const after = new Map(stats.versionsPage(ROOT, 0, 100).entries);
		expect(names.filter((n) => before.get(n) !== after.get(n))).toEqual(['s3']);
		db.close();
	});
});

describe('explorer data: rows that land in the list', () => {
	it('a recompute lands the lean listed rows, not whole rows: every listed field, none of the others, missing ids named', async () => {
		const {dbPath} = makeWorkspace('sdstats-test-', {oneFile: true});
		const mine = connect(dbPath);
		for (const name of ['s1', 's2']) mine.stats.save(computed(name, 3), `fp-${name}`);
		const data = explorerOver(ROOT, dbPath, mine);
		const {rows, missing} = data.fetchListed(['s2', 'gone', 's1']);
		expect(rows.map((r) => r.session_id)).toEqual(['s2', 's1']);
		expect(missing).toEqual(['gone']);
		// The same fields, with the same values, as the rows the list loaded.
		const pages = [];
		for await (const page of data.pages()) pages.push(...page);
		expect(rows[1]).toEqual(pages.find((r) => r.session_id === 's1'));
		// Whole-row fields (the details pane's) are not held by the list: 100,000 of them made it grow by GBs.
		expect(rows[1]).not.toHaveProperty('placeholders_json');
		expect(rows[1]).not.toHaveProperty('negative_prompt');
		mine.db.close();
	});
});
