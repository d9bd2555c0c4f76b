/**
 * The connections the explorer keeps open (its own, its recompute's, its staleness check's) get a small page
 * cache on every schema, the web UI's attached one included: better-sqlite3's 16 MB default per connection was
 * ≈15 MB of the explorer's peak during a recompute of 100,000 sessions.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {LONG_LIVED_PAGE_CACHE_KIB, limitPageCache, openDatabase} from '../../source/store/db.js';
import {makeWorkspace} from '../helpers/temp.js';
import {webUiMigrate} from '../helpers/web-ui.js';

const cacheSizes = (db: ReturnType<typeof openDatabase>['db']): Record<string, number> => {
	const schemas = db.prepare<[], string>("SELECT name FROM pragma_database_list WHERE name != 'temp'").pluck().all();
	return Object.fromEntries(
		schemas.map((schema) => [schema, Number(db.pragma(`${schema}.cache_size`, {simple: true}))]),
	);
};

describe('limitPageCache', () => {
	it('sets the page cache of the main schema and of the attached web UI file', () => {
		const {dbPath} = makeWorkspace();
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		webUiMigrate(dbPath);
		const opened = openDatabase(dbPath, 'create');
		try {
			const before = cacheSizes(opened.db);
			expect(Object.keys(before).length).toBe(2);
			// Not what a connection has by itself (then this test would prove nothing).
			for (const size of Object.values(before)) expect(size).not.toBe(-LONG_LIVED_PAGE_CACHE_KIB);
			limitPageCache(opened.db);
			const after = cacheSizes(opened.db);
			expect(Object.keys(after)).toEqual(Object.keys(before));
			for (const size of Object.values(after)) expect(size).toBe(-LONG_LIVED_PAGE_CACHE_KIB);
		} finally {
			opened.db.close();
		}
	});
});
