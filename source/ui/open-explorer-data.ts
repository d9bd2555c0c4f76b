/**
 * Opens what the explorer reads: every root's caches (each distinct database once: roots side by side share
 * one), one ExplorerData per root, and with several roots the one list over all of them (data/multi-root-data.ts).
 * A root whose cache cannot be opened is listed as such, with why; only when none opens is it an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import {isBusy} from '../store/busy-retry.js';
import {layoutByName} from '../store/layout.js';
import type Database from 'better-sqlite3';
import {
	DatabaseReadonlyError,
	filesLockedNow,
	isOpenProblem,
	lockedMessage,
	limitPageCache,
	openDatabase,
	openMetadataConnection,
	type OpenedDatabase,
} from '../store/db.js';
import {NewerSchemaError} from '../store/migrations.js';
import {StatsRepository} from '../store/stats-repository.js';
import {MetadataRepository} from '../store/metadata-repository.js';
import {LiveQueries} from '../store/live-queries.js';
import {rootLabels} from '../core/root-labels.js';
import {rootsOf, type Locations, type RootLocation} from '../config.js';
import {createExplorerData, type ExplorerData} from './data/explorer-data.js';
import {createMultiRootData, type ClosedRoot} from './data/multi-root-data.js';

function openForExplorer(dbPath: string, create: boolean): {opened: OpenedDatabase; notice: string | null} {
	try {
		const opened = openDatabase(dbPath, create ? 'create' : 'write');
		return {opened, notice: opened.events.length > 0 ? opened.events.join('; ') : null};
	} catch (error) {
		// A database we may not write (newer schema, read-only file) can still be browsed.
		if (error instanceof NewerSchemaError) {
			const opened = openDatabase(dbPath, 'read');
			return {opened, notice: opened.notice};
		}
		if (error instanceof DatabaseReadonlyError && fs.existsSync(dbPath)) {
			const opened = openDatabase(dbPath, 'read');
			return {opened, notice: `${error.message}: browsing only, recompute is off`};
		}
		throw error;
	}
}

/**
 * The triage connection (see openMetadataConnection) with its repository, or null when the file cannot be
 * opened for writing or is locked at this moment: its first reads (the page cache, the statements) are made here
 * too, where a lock taken by another program since the main connection opened reads as "none" (triage then goes
 * through the main connection) instead of an unexpected "database is locked".
 */
function openTriageConnection(opened: OpenedDatabase): {db: Database.Database; metadata: MetadataRepository} | null {
	if (opened.readonly && opened.sharedPath === null) return null;
	let db: Database.Database | null = null;
	try {
		db = openMetadataConnection(opened);
		// Open as long as the explorer: a small page cache (see LONG_LIVED_PAGE_CACHE_KIB).
		limitPageCache(db);
		return {db, metadata: new MetadataRepository(db)};
	} catch {
		db?.close();
		return null;
	}
}

/** One opened database with what every root on it shares. */
type OpenCache = {
	opened: OpenedDatabase;
	notice: string | null;
	repository: StatsRepository;
	metadata: MetadataRepository;
	liveQueries: LiveQueries;
	triageDb: Database.Database | null;
};

function openCache(dbPath: string, create: boolean): OpenCache {
	const {opened, notice} = openForExplorer(dbPath, create);
	// Triage has its own connection, with no busy wait: a lock the web UI holds never freezes the screen.
	const triage = openTriageConnection(opened);
	// Open as long as the explorer: a small page cache (see LONG_LIVED_PAGE_CACHE_KIB).
	limitPageCache(opened.db);
	return {
		opened,
		notice,
		repository: new StatsRepository(opened.db),
		metadata: triage?.metadata ?? new MetadataRepository(opened.db),
		liveQueries: new LiveQueries(opened.db),
		triageDb: triage?.db ?? null,
	};
}

function isFolder(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}

export type OpenedExplorerData = {data: ExplorerData; notice: string | null; close(): void};

/** Why the explorer cannot open (said as one sentence), from opening the caches. */
export class ExplorerOpenError extends Error {
	override name = 'ExplorerOpenError';
}

export function openExplorerData(options: {
	locations: Locations;
	/** The database may be created (see ExplorerOptions.createDatabase). */
	createDatabase: boolean;
	stallWindowMs: number;
	/**
	 * Told, before opening waits (up to the busy timeout, no screen yet), which files another program holds
	 * locked: the user hears why the explorer has not appeared instead of facing a blank terminal.
	 */
	onLockedWait?: (files: string[]) => void;
}): OpenedExplorerData {
	const open = (dbPath: string, create: boolean): OpenCache => {
		if (options.onLockedWait) {
			const locked = filesLockedNow(dbPath);
			if (locked.length > 0) options.onLockedWait(locked);
		}
		return openOrSay(dbPath, create);
	};
	const roots = rootsOf(options.locations);
	const labels = rootLabels(roots.map((r) => r.name));
	const caches = new Map<string, OpenCache>();
	const closeAll = (): void => {
		for (const cache of caches.values()) {
			cache.triageDb?.close();
			cache.opened.db.close();
		}
	};
	const dataOf = (root: RootLocation, i: number, cache: OpenCache): ExplorerData =>
		createExplorerData({
			root: root.path,
			rootName: root.name,
			rootLabel: labels[i]!,
			dbPath: cache.opened.path,
			sharedPath: cache.opened.sharedPath,
			repository: cache.repository,
			metadata: cache.metadata,
			liveQueries: cache.liveQueries,
			stallWindowMs: options.stallWindowMs,
			readonlyReason: cache.opened.readonly ? (cache.notice ?? 'the database is read-only') : null,
		});
	if (roots.length === 1) {
		const cache = open(roots[0]!.dbPath, options.createDatabase);
		caches.set(roots[0]!.dbPath, cache);
		return {data: dataOf(roots[0]!, 0, cache), notice: cache.notice, close: closeAll};
	}
	const parts: ExplorerData[] = [];
	const closed: ClosedRoot[] = [];
	const notices: string[] = [];
	const failures = new Map<string, string>();
	roots.forEach((root, i) => {
		let cache = caches.get(root.dbPath);
		const problem = failures.get(root.dbPath);
		if (!cache && problem === undefined) {
			try {
				// A root that is not there (an unmounted disk) never gets a new cache: only one already made is read.
				cache = open(root.dbPath, options.createDatabase && isFolder(root.path));
				caches.set(root.dbPath, cache);
				if (cache.notice) notices.push(`${root.name}: ${cache.notice}`);
			} catch (error) {
				if (!(error instanceof ExplorerOpenError)) throw error;
				failures.set(root.dbPath, error.message);
			}
		}
		if (cache) parts.push(dataOf(root, i, cache));
		else {
			const why = failures.get(root.dbPath)!;
			closed.push({
				root: {
					name: root.name,
					label: labels[i]!,
					path: root.path,
					dbPath: root.dbPath,
					sharedPath: null,
					readonlyReason: why,
				},
				problem: isFolder(root.path) ? why : `unavailable (${root.path} is not there) and ${why}`,
			});
		}
	});
	if (parts.length === 0) throw new ExplorerOpenError(closed.map((c) => `${c.root.name}: ${c.problem}`).join('; '));
	const data = createMultiRootData(parts, {closed, order: roots.map((r) => r.name)});
	return {data, notice: notices.length > 0 ? notices.join('; ') : null, close: closeAll};
}

/** Opens one cache; a database that cannot be opened becomes an ExplorerOpenError with the store's sentence. */
function openOrSay(dbPath: string, create: boolean): OpenCache {
	try {
		return openCache(dbPath, create);
	} catch (error) {
		if (isOpenProblem(error)) throw new ExplorerOpenError(error.message);
		// A lock another program took after the file opened, held past the busy timeout while the cache's
		// statements were made (they read sessions.db's schema): one sentence, as a lock at opening gets.
		if (isBusy(error))
			throw new ExplorerOpenError(lockedMessage(layoutByName(path.resolve(dbPath)).sharedPath ?? dbPath));
		throw error;
	}
}
