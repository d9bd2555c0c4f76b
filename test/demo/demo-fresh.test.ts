/**
 * Regression (issue 11, item 12): the demo's data lives under the user's cache, so a triage key pressed in one
 * demo (a favourite, a tag, an archived session, a filter) came back in the next one's first impression. Every
 * `sdstats --demo` now starts fresh: its database folder and remembered view are forgotten, and its root is
 * regenerated when one of its session folders is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {demoSessions, startFreshDemo} from '../../source/demo/demo-root.js';
import {SESSION_METADATA_DDL} from '../../source/store/schema.js';
import {viewStatePath} from '../../source/ui/data/view-store.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);

describe('every demo starts fresh', () => {
	it('forgets the previous demo database and remembered view, and restores a session folder archived in it', () => {
		const {base} = makeWorkspace('sdstats-demo-fresh-');
		const {root, dbPath} = startFreshDemo(base, NOW);
		fs.mkdirSync(path.dirname(dbPath), {recursive: true});
		for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.writeFileSync(file, 'earlier demo');
		const view = path.join(base, 'state', 'views.json');
		fs.mkdirSync(path.dirname(view), {recursive: true});
		fs.writeFileSync(view, '{}');
		const archived = demoSessions()[0]!.spec.name;
		fs.renameSync(path.join(root, archived), path.join(base, 'archived-elsewhere'));

		const again = startFreshDemo(base, NOW, [view]);
		expect(again).toEqual({root, dbPath});
		expect(fs.existsSync(path.dirname(dbPath))).toBe(false);
		expect(fs.existsSync(view)).toBe(false);
		expect(fs.existsSync(path.join(root, archived))).toBe(true);
	});

	it('sdstats --demo: a favourite marked in one run is gone at the next start', async () => {
		const {base} = makeWorkspace('sdstats-demo-fresh-');
		const env = {XDG_CACHE_HOME: path.join(base, 'cache'), XDG_STATE_HOME: path.join(base, 'state')};
		const first = await runCli(['--demo'], {env});
		expect(first.stderr).not.toMatch(/\n\s+at /);
		expect(first.code).toBe(0);
		const dbPath = path.join(base, 'cache', 'sdstats', 'demo', 'metadata', 'sessions.db');
		const root = path.join(base, 'cache', 'sdstats', 'demo', 'results');
		// sdstats' stats live in the companion sdstats.db beside the web UI's sessions.db (issue 10).
		const stats = new Database(path.join(path.dirname(dbPath), 'sdstats.db'), {readonly: true});
		const [someone] = stats.prepare('SELECT session_id FROM session_stats LIMIT 1').pluck().all() as string[];
		stats.close();
		const db = new Database(dbPath);
		db.exec(SESSION_METADATA_DDL);
		db.prepare(
			"INSERT OR REPLACE INTO session_metadata (session_id, session_path, is_favorite, created_at, updated_at) VALUES (?, ?, 1, 'x', 'x')",
		).run(someone, path.join(root, someone!));
		db.close();
		const view = viewStatePath(env, '', '', root);
		fs.mkdirSync(path.dirname(view), {recursive: true});
		fs.writeFileSync(
			view,
			JSON.stringify({version: 1, root, last: {sort: 'name:asc', filter: 'is:fav', hidden: []}, saved: {}}),
		);

		const second = await runCli(['--demo'], {env});
		expect(second.code).toBe(0);
		expect(second.stdout).toContain(someone!);
		const after = new Database(dbPath, {readonly: true});
		const favourites = after
			.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'session_metadata'")
			.pluck()
			.get() as number;
		const marked =
			favourites === 0
				? 0
				: (after
						.prepare('SELECT count(*) FROM session_metadata WHERE is_favorite = 1')
						.pluck()
						.get() as number);
		after.close();
		expect(marked).toBe(0);
		expect(fs.existsSync(view)).toBe(false);
	});
});
