/**
 * Connections are opened with the path of better-sqlite3's compiled addon when it is where the package builds
 * it, and with the package's own lookup (the `bindings` package) anywhere else.
 */
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {findSqliteAddon, openSqlite} from '../../source/store/sqlite.js';

describe('the compiled addon of better-sqlite3', () => {
	it('is found inside the installed package, as the file `bindings` would load', () => {
		const addon = findSqliteAddon();
		expect(addon).not.toBeNull();
		const packageFolder = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
		expect(addon).toBe(path.join(packageFolder, 'build', 'Release', 'better_sqlite3.node'));
		expect(fs.statSync(addon!).isFile()).toBe(true);
	});

	it('is null (the default lookup) when the package cannot be resolved or holds no such file', () => {
		expect(
			findSqliteAddon(() => {
				throw new Error('Cannot find module');
			}),
		).toBeNull();
		const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-addon-'));
		try {
			fs.mkdirSync(path.join(elsewhere, 'lib'));
			expect(findSqliteAddon(() => path.join(elsewhere, 'lib', 'index.js'))).toBeNull();
			// A folder of that name is not the addon either.
			fs.mkdirSync(path.join(elsewhere, 'build', 'Release', 'better_sqlite3.node'), {recursive: true});
			expect(findSqliteAddon(() => path.join(elsewhere, 'lib', 'index.js'))).toBeNull();
		} finally {
			fs.rmSync(elsewhere, {recursive: true, force: true});
		}
	});

	it('opens working connections with it', () => {
		const db = openSqlite(':memory:');
		try {
			expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({two: 2});
		} finally {
			db.close();
		}
	});
});
