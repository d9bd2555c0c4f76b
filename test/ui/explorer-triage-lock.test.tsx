/**
 * Another program holding sessions.db under an EXCLUSIVE lock (a `sqlite3` shell's BEGIN EXCLUSIVE, a VACUUM,
 * the web UI committing) never holds the explorer's screen (issue 10, "the screen never waits for a lock").
 * Real files: the web UI's sessions.db (its own migration), sdstats' companion cache beside it, the explorer's
 * data over them as run-explorer builds it, and a second connection in the test holding the lock. Every wait
 * is bounded by the harness's 10 s wall-clock limit, the busy timeout the reads used to wait for: a read that
 * waited for the lock fails the test.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, describe, expect, it} from 'vitest';
import {computeCommand} from '../../source/commands/compute.js';
import type {CommonOptions} from '../../source/common-options.js';
import {writeSession} from '../../source/demo/corpus.js';
import {openDatabase, openMetadataConnection} from '../../source/store/db.js';
import {LiveQueries} from '../../source/store/live-queries.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {createExplorerData} from '../../source/ui/data/explorer-data.js';
import {KEYS, cursorName, renderExplorer, rowLines, type Harness} from '../helpers/explorer.js';
import {makeWorkspace} from '../helpers/temp.js';
import {webUiMigrate, webUiUpsertMetadata} from '../helpers/web-ui.js';

const A = '20251112_210411-alpha';
const B = '20251113_090000-beta';
const C = '20251114_100000-gamma';
const STALE = /triage may be stale: sessions\.db is locked by another program/;

const cleanups: Array<() => void> = [];
let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const lines = (frame: string): string[] => frame.split('\n');
const header = (frame: string): string => lines(frame)[1] ?? '';
/** A list row by the session's short name (the list shows names without their timestamp). */
const rowOf = (frame: string, name: string): string =>
	rowLines(frame).find((l) => l.includes(` ${name.replace(/^\d{8}_\d{6}-/, '')} `)) ?? '';
const starred = (frame: string, name: string): boolean => rowOf(frame, name).includes('★');

/** A root of three computed sessions, the web UI's sessions.db (A a favourite there), and the explorer's data. */
async function explorerOverSharedFile() {
	const {root, dbPath} = makeWorkspace('sdstats-triagelock-');
	fs.mkdirSync(path.dirname(dbPath));
	webUiMigrate(dbPath);
	for (const name of [A, B, C]) writeSession(root, {name, manifest: {numImages: 2, status: 'completed'}, images: 2});
	const common: CommonOptions = {
		locations: {root, rootSource: '--root', dbPath, dbSource: 'default'},
		stallWindowMs: 600_000,
		color: false,
		now: Date.now,
	};
	const quiet = {stdout: {write: () => true}, stderr: {write: () => true}};
	const computed = await computeCommand(
		{...common, force: false, wait: true, sessions: [], json: true, cancel: {cancelled: false}, workers: 0},
		quiet,
	);
	expect(computed).toBe(0);
	webUiUpsertMetadata(dbPath, A, path.join(root, A), {is_favorite: true}, '2025-11-20T10:00:00.000000');
	// As run-explorer opens it: the cache with sessions.db attached, and triage's own connection.
	const opened = openDatabase(dbPath, 'write');
	const triageDb = openMetadataConnection(opened);
	cleanups.push(() => {
		triageDb.close();
		opened.db.close();
	});
	expect(opened.sharedPath).toBe(dbPath);
	const data = createExplorerData({
		root,
		dbPath: opened.path,
		sharedPath: opened.sharedPath,
		repository: new StatsRepository(opened.db),
		metadata: new MetadataRepository(triageDb),
		liveQueries: new LiveQueries(opened.db),
		readonlyReason: null,
	});
	return {root, dbPath, data};
}

/** Another program's connection holding sessions.db under BEGIN EXCLUSIVE until `release()` commits. */
function holdExclusive(dbPath: string): {db: Database.Database; release(): void} {
	const db = new Database(dbPath, {timeout: 5000});
	db.exec('BEGIN EXCLUSIVE');
	let released = false;
	const release = (): void => {
		if (released) return;
		released = true;
		db.exec('COMMIT');
		db.close();
	};
	cleanups.push(release);
	return {db, release};
}

describe('an EXCLUSIVE lock on sessions.db never holds the screen (regression: list and details reads waited the busy timeout on the screen connection)', () => {
	it('held while the explorer browses: keys answer, details show the triage last read with a visible stale notice, and the fresh triage lands when the lock goes', async () => {
		const {dbPath, data} = await explorerOverSharedFile();
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.waitForFrame((f) => starred(f, A) && rowOf(f, C) !== '', 'the rows with A a favourite');
		expect(starred(harness.lastFrame(), B)).toBe(false);

		// Another program takes the lock and, inside it, moves the favourite from A to B (not committed yet).
		const lock = holdExclusive(dbPath);
		const now = '2025-11-21T08:00:00.000000';
		lock.db.prepare('UPDATE session_metadata SET is_favorite = 0, updated_at = ? WHERE session_id = ?').run(now, A);
		lock.db
			.prepare(
				`INSERT INTO session_metadata (session_id, session_path, is_favorite, tags, created_at, updated_at)
				 VALUES (?, ?, 1, '[]', ?, ?)`,
			)
			.run(B, path.join(path.dirname(dbPath), '..', 'results', B), now, now);

		// Keys answer at once: the cursor moves through the rows and the details open (a read of A's full row).
		const start = cursorName(harness.lastFrame());
		await harness.press(KEYS.down);
		await harness.waitForFrame((f) => cursorName(f) !== start, 'the cursor to move under the lock');
		while (cursorName(harness.lastFrame()) !== 'alpha') {
			const before = cursorName(harness.lastFrame());
			await harness.press(KEYS.down);
			await harness.waitForFrame((f) => cursorName(f) !== before, 'the cursor to reach A');
		}
		await harness.press(KEYS.enter);
		// The triage last read stands in A's details (still a favourite), and the header says it may be stale.
		await harness.waitForFrame(
			(f) => STALE.test(header(f)) && f.includes('★ favourite'),
			'the details of A with the triage last read and the stale notice',
		);
		await harness.press(KEYS.escape);
		await harness.waitForFrame((f) => rowOf(f, B) !== '' && STALE.test(header(f)), 'the list again, still stale');
		expect(starred(harness.lastFrame(), A)).toBe(true);

		lock.release();
		// The retry reads the triage again; the favourite moved to B, and the notice goes.
		const fresh = await harness.waitForFrame(
			(f) => !STALE.test(header(f)) && starred(f, B) && !starred(f, A),
			'the fresh triage after the lock is released',
		);
		expect(header(fresh)).not.toMatch(/locked/);
	});

	it('held when the explorer starts: the first frame lists the sessions without waiting, says the triage may be stale, and the favourite appears once the lock is released', async () => {
		const {dbPath, data} = await explorerOverSharedFile();
		const lock = holdExclusive(dbPath);
		harness = await renderExplorer({data, columns: 140, rows: 30});
		const first = await harness.waitForFrame(
			(f) => rowOf(f, A) !== '' && rowOf(f, C) !== '' && STALE.test(header(f)),
			'the rows and the stale notice under the lock',
		);
		// Nothing was ever read of the triage: A reads as a session without a row until the lock goes.
		expect(starred(first, A)).toBe(false);
		const start = cursorName(first);
		await harness.press(KEYS.down);
		await harness.waitForFrame((f) => cursorName(f) !== start, 'the cursor to move under the lock');
		await harness.press('/');
		await harness.type('gamma');
		await harness.press(KEYS.enter);
		await harness.waitForFrame(
			(f) => rowOf(f, C) !== '' && rowOf(f, A) === '',
			'the filter to apply under the lock',
		);
		await harness.press('/');
		await harness.press(KEYS.ctrlU, KEYS.enter);
		await harness.waitForFrame((f) => rowOf(f, A) !== '', 'the filter cleared');

		lock.release();
		await harness.waitForFrame(
			(f) => starred(f, A) && !STALE.test(header(f)),
			'A a favourite once the lock is released, the notice gone',
		);
	});
});
