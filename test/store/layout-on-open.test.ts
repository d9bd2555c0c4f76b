/**
 * A database named with a name of its own (not sessions.db, not sdstats.db) is the web UI's when it holds the
 * web UI's tables, and then sdstats keeps its tables in the companion beside it. openDatabase reads those
 * tables on the connection it goes on with, not on a second one: the file is closed untouched when it is the
 * web UI's (no journal mode, no migration, no table), and kept when it is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {openDatabase} from '../../source/store/db.js';
import {layoutFor} from '../../source/store/layout.js';
import {makeWorkspace} from '../helpers/temp.js';
import {persistentJournalMode, webUiFingerprint, webUiMigrate} from '../helpers/web-ui.js';

function folder(): string {
	const {base} = makeWorkspace('sdstats-layout-');
	return base;
}

const tables = (file: string): string[] => {
	const db = new Database(file, {readonly: true});
	try {
		return db
			.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
			.pluck()
			.all();
	} finally {
		db.close();
	}
};

describe('the layout of a database under a name of its own, told on the connection that opens it', () => {
	for (const mode of ['create', 'write', 'read'] as const) {
		it(`the web UI's file (${mode}): opened as the web UI's, the file itself untouched`, () => {
			const file = path.join(folder(), 'webui-copy.db');
			webUiMigrate(file);
			const before = webUiFingerprint(file);
			const tablesBefore = tables(file);
			const journal = persistentJournalMode(file);
			if (mode !== 'create') {
				// Nothing computed yet: said of the companion, as when a second connection told the layout.
				expect(() => openDatabase(file, mode)).toThrow(/no sdstats cache at .*webui-copy\.sdstats\.db/);
			} else {
				const opened = openDatabase(file, mode);
				try {
					expect(opened.path).toBe(path.join(path.dirname(file), 'webui-copy.sdstats.db'));
					expect(opened.sharedPath).toBe(file);
				} finally {
					opened.db.close();
				}
			}
			expect(webUiFingerprint(file)).toEqual(before);
			expect(tables(file)).toEqual(tablesBefore);
			expect(persistentJournalMode(file)).toBe(journal);
			expect(layoutFor(file)).toEqual({
				cachePath: path.join(path.dirname(file), 'webui-copy.sdstats.db'),
				sharedPath: file,
			});
		});
	}

	it("an older web UI's file (session_stats keyed by session_name, no ledger) is the web UI's too", () => {
		const file = path.join(folder(), 'old-webui.db');
		const db = new Database(file);
		db.exec('CREATE TABLE session_stats (session_name TEXT PRIMARY KEY, total INTEGER)');
		db.close();
		const opened = openDatabase(file, 'create');
		try {
			expect(opened.sharedPath).toBe(file);
			expect(opened.path).toBe(path.join(path.dirname(file), 'old-webui.sdstats.db'));
		} finally {
			opened.db.close();
		}
		// Only the shared triage table is added there (as the web UI's migration would); sdstats' own tables are not.
		expect(tables(file)).toEqual(['session_metadata', 'session_stats']);
	});

	it("sdstats' own one-file database stays one file, and reads back what it holds", () => {
		const file = path.join(folder(), 'cache.db');
		const first = openDatabase(file, 'create');
		expect(first.sharedPath).toBeNull();
		first.db.close();
		const again = openDatabase(file, 'write');
		try {
			expect(again.path).toBe(file);
			expect(again.sharedPath).toBeNull();
			expect(tables(file)).toContain('session_metadata');
		} finally {
			again.db.close();
		}
		expect(layoutFor(file)).toEqual({cachePath: file, sharedPath: null});
	});

	it('a file that is not a database is still said to be one that cannot be read, not taken for the web UI', () => {
		const file = path.join(folder(), 'noise.db');
		fs.writeFileSync(file, Buffer.alloc(4096, 7));
		expect(() => openDatabase(file, 'write')).toThrow(/noise\.db/);
		expect(fs.existsSync(path.join(path.dirname(file), 'noise.sdstats.db'))).toBe(false);
	});
});
