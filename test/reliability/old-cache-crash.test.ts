/**
 * A crash in the middle of the one-time move of a 0.1.0 cache out of the web UI's sessions.db (issue 10
 * item 1): a child process opens the database as compute does and is SIGKILLed at each step boundary of the
 * move (and inside each step's transaction, its writes made and not committed), through the crash hook the
 * store offers (OpenOptions.onOldCacheStep). Whatever the moment, `list` still shows the cached sessions,
 * and the next `sdstats compute` finishes the move: every stats row and every session_metadata row kept, the
 * file back to the rollback journal with 0.1.0's tables and user_version gone, and the web UI's migration
 * starts on it.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import type {OldCacheStep} from '../../source/store/old-cache.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {persistentJournalMode, webUiGlobalStats, webUiListStats, webUiMigrate} from '../helpers/web-ui.js';
import {PROJECT_ROOT, cli} from './support.js';

const STORE = path.join(PROJECT_ROOT, 'dist', 'source', 'store', 'db.js');
const NAMES = ['20251112_210411-street_portrait', '20251113_090000-half', '20251114_100000-night'];
const STEPS: readonly OldCacheStep[] = [
	'cache-ready',
	'copy-uncommitted',
	'copied',
	'journal-restored',
	'drop-uncommitted',
	'dropped',
];

beforeAll(() => {
	for (const file of [CLI_PATH, STORE]) if (!fs.existsSync(file)) throw new Error(`build first: ${file} is missing`);
});

/** The child: opens the database for writing as compute does, and kills itself with SIGKILL at `step`. */
function crashScript(folder: string): string {
	const script = path.join(folder, 'crash-in-move.mjs');
	fs.writeFileSync(
		script,
		`import {openDatabase} from ${JSON.stringify(pathToFileURL(STORE).href)};
const [dbPath, step] = process.argv.slice(2);
const opened = openDatabase(dbPath, 'create', {
	onOldCacheStep: (at) => {
		if (at === step) process.kill(process.pid, 'SIGKILL');
	},
});
opened.db.close();
console.log('not killed');
`,
	);
	return script;
}

type Rows = Array<Record<string, unknown>>;

function readAll(file: string, sql: string): Rows {
	const db = new Database(file, {readonly: true, fileMustExist: true});
	try {
		return db.prepare(sql).all() as Rows;
	} finally {
		db.close();
	}
}

/** sessions.db as sdstats 0.1.0 left it: the design's tables inside it, in WAL, 30 session_metadata rows. */
async function oldLayout() {
	const {base, root, dbPath} = makeWorkspace('sdstats-oldmove-');
	writeSession(root, {name: NAMES[0]!, manifest: {numImages: 6, status: 'completed'}, images: 6});
	writeSession(root, {name: NAMES[1]!, manifest: {numImages: 4, status: 'completed'}, images: 2});
	writeSession(root, {name: NAMES[2]!, manifest: {numImages: 2, status: 'completed'}, images: 2});
	const oldFile = path.join(base, 'metadata', 'old-layout.db');
	fs.mkdirSync(path.dirname(oldFile), {recursive: true});
	expect((await cli(['compute', '--root', root, '--db', oldFile])).code).toBe(0);
	const old = new Database(oldFile);
	for (let i = 0; i < 30; i++) {
		old.prepare(
			"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_note, tags, created_at, updated_at) VALUES (?, ?, 1, ?, '[\"x\"]', '2025-11-01T10:00:00', '2025-11-01T10:00:00')",
		).run(i < 3 ? NAMES[i]! : `gone-${i}`, `/r/${i}`, `note ${i}`);
	}
	old.pragma('wal_checkpoint(TRUNCATE)');
	old.close();
	fs.renameSync(oldFile, dbPath);
	expect(persistentJournalMode(dbPath)).toBe('wal');
	return {base, root, dbPath, companion: path.join(path.dirname(dbPath), 'sdstats.db')};
}

describe('a crash in the middle of the 0.1.0 move (SIGKILL at each step boundary)', () => {
	for (const step of STEPS) {
		it(`killed at ${step}: list still shows the sessions, and the next compute finishes the move with every row kept`, async () => {
			const {base, root, dbPath, companion} = await oldLayout();
			const metadataBefore = readAll(dbPath, 'SELECT * FROM session_metadata ORDER BY session_id');
			const statsBefore = readAll(dbPath, 'SELECT * FROM session_stats ORDER BY session_id');
			const stateBefore = readAll(dbPath, 'SELECT * FROM sdstats_session_state ORDER BY session_id');
			expect(statsBefore).toHaveLength(3);

			const child = spawnSync(process.execPath, [crashScript(base), dbPath, step], {encoding: 'utf8'});
			expect(child.signal, `${child.stdout}${child.stderr}`).toBe('SIGKILL');
			expect(child.stdout).not.toContain('not killed');

			// Between the crash and the next compute, the cached sessions are still listed, with their triage.
			const listed = await cli(['list', '--json', '--root', root]);
			expect(listed.code, listed.stderr).toBe(0);
			const rows = JSON.parse(listed.stdout) as Array<{session_id: string; is_favorite: boolean}>;
			expect(rows.map((r) => r.session_id).sort()).toEqual([...NAMES].sort());
			expect(rows.every((r) => r.is_favorite)).toBe(true);

			const computed = await cli(['compute', '--root', root]);
			expect(computed.code, computed.stderr).toBe(0);
			if (step !== 'dropped')
				expect(computed.stderr).toMatch(
					/moved the sdstats 0\.1\.0 cache \(3 sessions\) out of .*sessions\.db into .*sdstats\.db; its 30 session_metadata rows stay/,
				);

			expect(readAll(dbPath, 'SELECT * FROM session_metadata ORDER BY session_id')).toEqual(metadataBefore);
			expect(readAll(companion, 'SELECT * FROM session_stats ORDER BY session_id')).toEqual(statsBefore);
			expect(readAll(companion, 'SELECT * FROM sdstats_session_state ORDER BY session_id')).toEqual(stateBefore);
			expect(
				readAll(dbPath, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name),
			).toEqual(['session_metadata']);
			const shared = new Database(dbPath, {readonly: true});
			try {
				expect(shared.pragma('user_version', {simple: true})).toBe(0);
				expect(shared.pragma('integrity_check', {simple: true})).toBe('ok');
			} finally {
				shared.close();
			}
			expect(persistentJournalMode(dbPath)).toBe('rollback');

			// The web UI starts on the file as on a fresh one, and works.
			expect(webUiMigrate(dbPath)).toBe('applied');
			expect(webUiListStats(dbPath)).toEqual([]);
			expect(webUiGlobalStats(dbPath).total_sessions).toBe(0);
			// Once: nothing is left to move.
			const again = await cli(['compute', '--root', root]);
			expect(again.code, again.stderr).toBe(0);
			expect(again.stderr).not.toContain('moved');
		});
	}
});
