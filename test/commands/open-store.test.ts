/**
 * The one "open the database or say why" helper every command uses (issue 12): each database a user can get
 * wrong is one sentence, `sdstats <command>: <reason>`, exit 1, nothing created; what opening did is said once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {openDatabaseOrSay, sayRefusal, withReadStore} from '../../source/commands/open-store.js';
import {openDatabase} from '../../source/store/db.js';
import {SCHEMA_VERSION} from '../../source/store/migrations.js';
import {tryOpenDatabase, tryOpenReadStore} from '../../source/store/try-open.js';
import {EXIT_FAILURE, EXIT_OK} from '../../source/io.js';
import {makeWorkspace} from '../helpers/temp.js';

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return {out, err, io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}}};
}

/** A one-file cache set up by a compute, then stamped with a schema newer than this sdstats knows. */
function newerSchemaDb(): string {
	const {base} = makeWorkspace('sdstats-open-newer-');
	const file = path.join(base, 'cache.db');
	openDatabase(file, 'create').db.close();
	const db = new Database(file);
	db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
	db.close();
	return file;
}

describe('opening the database or saying why (issue 12)', () => {
	it('a missing file: one sentence naming it and what to do, exit 1, and nothing created', () => {
		const {base} = makeWorkspace('sdstats-open-missing-');
		const file = path.join(base, 'nothing.db');
		const {err, io} = capture();
		expect(openDatabaseOrSay('forget', file, 'write', io)).toBe(EXIT_FAILURE);
		expect(err).toEqual([
			`sdstats forget: no database at ${file} (run \`sdstats compute\` first, or check --db)\n`,
		]);
		expect(fs.existsSync(file)).toBe(false);
	});

	it('a folder given as the database: says it is a folder, for every kind of opening', () => {
		const {base} = makeWorkspace('sdstats-open-folder-');
		const reason = `${base} is a folder, not a database file: give --db the path of a file`;
		expect(tryOpenDatabase(base, 'create')).toEqual({ok: false, reason});
		expect(tryOpenReadStore(base)).toEqual({ok: false, reason});
		const {err, io} = capture();
		expect(withReadStore('list', base, io, () => EXIT_OK)).toBe(EXIT_FAILURE);
		expect(err).toEqual([`sdstats list: ${reason}\n`]);
	});

	it('a file that is not SQLite: says it is damaged and that doctor rebuilds it', () => {
		const {base} = makeWorkspace('sdstats-open-damaged-');
		const file = path.join(base, 'cache.db');
		fs.writeFileSync(file, 'this is not a database, just text long enough to have a header of sorts\n'.repeat(20));
		const {err, io} = capture();
		expect(openDatabaseOrSay('compute', file, 'create', io)).toBe(EXIT_FAILURE);
		expect(err).toHaveLength(1);
		expect(err[0]).toMatch(
			new RegExp(`^sdstats compute: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(`),
		);
		expect(err[0]).toContain('`sdstats doctor` backs it up and rebuilds the stats from disk');
		expect(err[0]).toMatch(/\n$/);
		expect(err[0]!.slice(0, -1)).not.toContain('\n');
	});

	it('a newer schema: writing is refused with the versions; reading goes on and says it is read-only', () => {
		const file = newerSchemaDb();
		const refused = capture();
		expect(openDatabaseOrSay('compute', file, 'create', refused.io)).toBe(EXIT_FAILURE);
		expect(refused.err).toEqual([
			`sdstats compute: the database was written by a newer sdstats (schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION})\n`,
		]);
		const read = capture();
		let bodyRan = false;
		expect(
			withReadStore('show', file, read.io, ({repository}) => {
				bodyRan = true;
				expect(repository.listAll()).toEqual([]);
				return EXIT_OK;
			}),
		).toBe(EXIT_OK);
		expect(bodyRan).toBe(true);
		expect(read.err).toEqual([
			`(the database was written by a newer sdstats (schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION}); opened read-only)\n`,
		]);
	});

	it('says what opening did once: a folder created for a new database', () => {
		const {base} = makeWorkspace('sdstats-open-create-');
		const file = path.join(base, 'new-folder', 'cache.db');
		const {err, io} = capture();
		const opened = openDatabaseOrSay('watch', file, 'create', io);
		expect(typeof opened).not.toBe('number');
		if (typeof opened !== 'number') opened.db.close();
		expect(err).toEqual([`created the folder ${path.dirname(file)}\n`]);
	});

	it('closes the store after the body, also when the body is async or throws', async () => {
		const {base} = makeWorkspace('sdstats-open-close-');
		const file = path.join(base, 'cache.db');
		openDatabase(file, 'create').db.close();
		const {io} = capture();
		let seen: Database.Database | null = null;
		expect(
			withReadStore('list', file, io, ({opened}) => {
				seen = opened.db;
				return EXIT_OK;
			}),
		).toBe(EXIT_OK);
		expect(seen!.open).toBe(false);
		const later = withReadStore('list', file, io, async ({opened}) => {
			seen = opened.db;
			await Promise.resolve();
			expect(opened.db.open).toBe(true);
			return EXIT_OK;
		});
		expect(await later).toBe(EXIT_OK);
		expect(seen!.open).toBe(false);
		expect(() =>
			withReadStore('list', file, io, ({opened}) => {
				seen = opened.db;
				throw new Error('a bug in the body');
			}),
		).toThrow('a bug in the body');
		expect(seen!.open).toBe(false);
	});

	it('sayRefusal keeps the reason to one line (no escape or line break from a path reaches the terminal)', () => {
		const {err, io} = capture();
		expect(sayRefusal('show', {ok: false, reason: 'no database at /tmp/a\nb\u001b[2J.db'}, io)).toBe(EXIT_FAILURE);
		expect(err).toHaveLength(1);
		expect(err[0]!.startsWith('sdstats show: no database at /tmp/a')).toBe(true);
		expect(err[0]!.slice(0, -1)).not.toMatch(/[\n\u001b]/);
	});
});
