/** Temporary folders for fixtures, removed after each test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll} from 'vitest';

const created: string[] = [];

afterAll(() => {
	for (const dir of created) fs.rmSync(dir, {recursive: true, force: true});
});

/**
 * A fresh folder holding `results/` (the root) and `metadata/` (where the default database goes). `dbPath` is
 * the web UI's `metadata/sessions.db` (sdstats' cache then goes to `metadata/sdstats.db` beside it), or with
 * `oneFile`, `metadata/cache.db`: a file the web UI does not use, holding everything (pass it with --db).
 */
export function makeWorkspace(
	prefix = 'sdstats-test-',
	options: {oneFile?: boolean} = {},
): {base: string; root: string; dbPath: string} {
	const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
	created.push(base);
	const root = path.join(base, 'results');
	fs.mkdirSync(root);
	return {base, root, dbPath: path.join(base, 'metadata', options.oneFile ? 'cache.db' : 'sessions.db')};
}
