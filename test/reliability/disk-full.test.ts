/**
 * A full disk under the web UI's metadata folder (issue 10 item 6), for real: a small tmpfs holding
 * sessions.db and sdstats.db, filled to the last byte. sdstats must never damage sessions.db or the web UI's
 * rows, must say so in one sentence (exit 1, no stack trace), must keep browsing the cached stats, and the
 * next compute after space is freed must complete. Mounting needs root: run as another user, the file runs
 * itself again as root of a user namespace (test/helpers/small-disk.ts); it is skipped, with the reason,
 * only where neither can be had.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI_PATH} from '../helpers/run-cli.js';
import {IN_NAMESPACE, canMount, mountSmallDisk, runInUserNamespace, type SmallDisk} from '../helpers/small-disk.js';
import {makeWorkspace} from '../helpers/temp.js';
import {
	persistentJournalMode,
	webUiFingerprint,
	webUiGlobalStats,
	webUiListStats,
	webUiMigrate,
	webUiSaveStats,
	webUiUpsertMetadata,
} from '../helpers/web-ui.js';
import {PROJECT_ROOT, cli, writeVariedRoot} from './support.js';

const STACK_TRACE = /\n\s+at \S|SqliteError/;
const THIS_FILE = path.relative(PROJECT_ROOT, new URL(import.meta.url).pathname);

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

if (!canMount() && process.env[IN_NAMESPACE] !== '1') {
	describe('a full disk (not root here: run again as root of a user namespace)', () => {
		it('every case below passes inside the namespace', (ctx) => {
			const run = runInUserNamespace(THIS_FILE, PROJECT_ROOT);
			if ('reason' in run) ctx.skip(`a full disk cannot be made here: ${run.reason}`);
			else {
				expect(run.status, run.output).toBe(0);
				expect(run.output).toMatch(/Tests\s+\S*\s*\d+ passed/);
				expect(run.output).not.toMatch(/skipped/);
			}
		}, 600_000);
	});
} else {
	describe('a full disk under the metadata folder', () => {
		const disks: SmallDisk[] = [];
		afterEach(() => {
			for (const disk of disks.splice(0)) disk.close();
		});

		/** A 3 MiB tmpfs holding the web UI's metadata folder; the results root stays on the ordinary disk. */
		function smallDisk(ctx: {skip: (note: string) => never}): SmallDisk {
			const disk = mountSmallDisk(3 * 1024 * 1024);
			if ('reason' in disk) ctx.skip(disk.reason);
			disks.push(disk);
			return disk;
		}

		/** The web UI's sessions.db on the small disk, with its own rows (stats, a favourite, a tagged session). */
		function webUiFolder(disk: SmallDisk, root: string) {
			const dbPath = path.join(disk.dir, 'metadata', 'sessions.db');
			fs.mkdirSync(path.dirname(dbPath));
			webUiMigrate(dbPath);
			webUiSaveStats(dbPath, {
				session_name: 'webui_only_session',
				sd_model: 'webui.safetensors',
				images_requested: 4,
				images_actual: 4,
				completion_percent: 1,
				session_created_at: '2025-11-01T10:00:00',
				stats_computed_at: '2025-11-01T10:00:00',
			});
			return {dbPath, companion: path.join(path.dirname(dbPath), 'sdstats.db'), root};
		}

		function triageByTheWebUi(dbPath: string, root: string, names: readonly string[]): void {
			webUiUpsertMetadata(
				dbPath,
				names[0]!,
				path.join(root, names[0]!),
				{is_favorite: true},
				'2025-11-02T10:00:00',
			);
			webUiUpsertMetadata(dbPath, names[1]!, path.join(root, names[1]!), {tags: ['redo']}, '2025-11-02T10:00:01');
		}

		/** What must never change: the file's bytes, the web UI's tables, every session_metadata row, the journal. */
		function webUiState(dbPath: string) {
			const db = new Database(dbPath, {readonly: true, fileMustExist: true});
			try {
				return {
					bytes: crypto.createHash('sha256').update(fs.readFileSync(dbPath)).digest('hex'),
					tables: webUiFingerprint(dbPath),
					metadata: db.prepare('SELECT * FROM session_metadata ORDER BY session_id').all(),
					journal: persistentJournalMode(dbPath),
					integrity: db.pragma('integrity_check', {simple: true}),
				};
			} finally {
				db.close();
			}
		}

		function integrity(file: string): unknown {
			const db = new Database(file, {fileMustExist: true});
			try {
				return db.pragma('integrity_check', {simple: true});
			} finally {
				db.close();
			}
		}

		function expectOneSentence(result: {code: number | null; stderr: string}, companion: string, what: string) {
			expect(result.code, `${what}: ${result.stderr}`).toBe(1);
			expect(result.stderr, what).toBe(
				`sdstats compute: the disk holding ${companion} is full: free some space and run again (what was stored before is kept)\n`,
			);
			expect(result.stderr, what).not.toMatch(STACK_TRACE);
		}

		/** The web UI at its next start and in use, after space is free again. */
		function webUiStillWorks(dbPath: string): void {
			expect(webUiMigrate(dbPath)).toBe('skipped');
			webUiSaveStats(dbPath, {
				session_name: 'webui_after',
				sd_model: 'webui.safetensors',
				images_requested: 2,
				images_actual: 1,
				completion_percent: 0.5,
				session_created_at: '2025-11-03T10:00:00',
				stats_computed_at: '2025-11-03T10:00:00',
			});
			expect(webUiListStats(dbPath).map((r) => r.session_name)).toEqual(['webui_after', 'webui_only_session']);
			expect(webUiGlobalStats(dbPath).total_sessions).toBe(2);
			expect(
				webUiUpsertMetadata(dbPath, 'webui_after', '/x/webui_after', {is_test: true}, '2025-11-03T10:00:01'),
			).toMatchObject({is_test: 1, is_complete: 1});
		}

		it('full (regression: compute printed "SqliteError: disk I/O error" and a stack trace): sessions.db untouched, one sentence, the cache still browsed, and the next compute after space frees completes', async (ctx) => {
			const disk = smallDisk(ctx);
			const {root} = makeWorkspace('sdstats-diskfull-');
			const first = writeVariedRoot(root, 12, 101);
			const {dbPath, companion} = webUiFolder(disk, root);
			expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
			triageByTheWebUi(dbPath, root, first);
			const cachedBefore = JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as
				Array<{session_id: string}> | undefined;
			expect(cachedBefore).toHaveLength(12);
			const more = writeVariedRoot(root, 60, 202).filter((n) => !first.includes(n));
			const before = webUiState(dbPath);

			const fillers = disk.fill();
			expectOneSentence(await cli(['compute', '--root', root, '--db', dbPath]), companion, 'compute');
			expectOneSentence(
				await cli(['compute', '--force', '--root', root, '--db', dbPath]),
				companion,
				'compute --force',
			);

			// While full, the cached stats are still browsed and listed, with the web UI's triage.
			const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
			expect(listed.code, listed.stderr).toBe(0);
			expect(listed.stderr).not.toMatch(STACK_TRACE);
			const rows = JSON.parse(listed.stdout) as Array<{session_id: string; is_favorite: boolean; tags: string[]}>;
			expect(rows.map((r) => r.session_id).sort()).toEqual(cachedBefore!.map((r) => r.session_id).sort());
			expect(rows.find((r) => r.session_id === first[0])).toMatchObject({is_favorite: true});
			expect(rows.find((r) => r.session_id === first[1])).toMatchObject({tags: ['redo']});
			const shown = await cli(['show', first[0]!, '--json', '--root', root, '--db', dbPath]);
			expect(shown.code, shown.stderr).toBe(0);
			expect(JSON.parse(shown.stdout)).toMatchObject({session_id: first[0]});
			const plain = await cli(['--root', root, '--db', dbPath]);
			expect(plain.code, plain.stderr).toBe(0);
			expect(plain.stdout.split('\n').length).toBeGreaterThan(12);
			// doctor neither waits for a lock it cannot create (regression: it waited forever, "for another sdstats
			// process") nor leaves the lock's temporary files behind (regression: one per attempt).
			const doctor = await cli(['doctor', '--root', root, '--db', dbPath]);
			expect(doctor.stderr, 'doctor').not.toMatch(STACK_TRACE);
			expect(doctor.stderr, 'doctor').not.toMatch(/waiting for/);
			expect(
				fs
					.readdirSync(path.dirname(dbPath))
					.filter((f) => !f.startsWith('filler-'))
					.sort(),
			).toEqual(expect.arrayContaining(['sdstats.db', 'sessions.db']));
			expect(
				fs
					.readdirSync(path.dirname(dbPath))
					.filter((f) => !/^(filler-\d+|sessions\.db|sdstats\.db(-wal|-shm)?)$/.test(f)),
				'files left in the metadata folder',
			).toEqual([]);

			// Nothing of the web UI's changed, byte for byte.
			expect(webUiState(dbPath)).toEqual(before);

			for (const filler of fillers) fs.rmSync(filler);
			const computed = await cli(['compute', '--json', '--root', root, '--db', dbPath]);
			expect(computed.code, computed.stderr).toBe(0);
			const all = JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as Array<{
				session_id: string;
			}>;
			expect(all.map((r) => r.session_id).sort()).toEqual([...first, ...more].sort());
			expect(webUiState(dbPath)).toEqual(before);
			expect(integrity(companion)).toBe('ok');
			webUiStillWorks(dbPath);
		});

		it('nearly full: compute stops with the one sentence when the disk fills mid-way, keeps what it stored, and completes the rest once space frees', async (ctx) => {
			const disk = smallDisk(ctx);
			const {root} = makeWorkspace('sdstats-diskfull-');
			const first = writeVariedRoot(root, 6, 303);
			const {dbPath, companion} = webUiFolder(disk, root);
			expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
			triageByTheWebUi(dbPath, root, first);
			const all = [...new Set([...first, ...writeVariedRoot(root, 400, 404)])];
			const before = webUiState(dbPath);

			// Room to open the cache and store a few batches, not for 400 sessions' rows.
			const fillers = disk.fill();
			const biggest = fillers[0]!;
			fs.truncateSync(biggest, Math.max(0, fs.statSync(biggest).size - 160 * 1024));
			expectOneSentence(await cli(['compute', '--root', root, '--db', dbPath]), companion, 'compute');
			expect(webUiState(dbPath)).toEqual(before);
			const kept = JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as Array<{
				session_id: string;
			}>;
			expect(kept.length).toBeGreaterThanOrEqual(first.length);
			expect(kept.length).toBeLessThan(all.length);

			for (const filler of fillers) fs.rmSync(filler);
			expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
			const done = JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as Array<{
				session_id: string;
			}>;
			expect(done.map((r) => r.session_id).sort()).toEqual(all.sort());
			expect(webUiState(dbPath)).toEqual(before);
			expect(integrity(companion)).toBe('ok');
			webUiStillWorks(dbPath);
		});

		it('full before the first compute: one sentence, no sdstats.db left behind, sessions.db untouched; the first compute after space frees makes it', async (ctx) => {
			const disk = smallDisk(ctx);
			const {root} = makeWorkspace('sdstats-diskfull-');
			const names = writeVariedRoot(root, 8, 505);
			const {dbPath, companion} = webUiFolder(disk, root);
			triageByTheWebUi(dbPath, root, names);
			const before = webUiState(dbPath);
			const folder = fs.readdirSync(path.dirname(dbPath)).sort();

			const fillers = disk.fill();
			expectOneSentence(await cli(['compute', '--root', root, '--db', dbPath]), companion, 'compute');
			expect(fs.readdirSync(path.dirname(dbPath)).sort()).toEqual(folder);
			expect(webUiState(dbPath)).toEqual(before);
			// Nothing cached yet: list says so in one sentence, and creates nothing either.
			const listed = await cli(['list', '--root', root, '--db', dbPath]);
			expect(listed.code).toBe(1);
			expect(listed.stderr.trim().split('\n')).toHaveLength(1);
			expect(listed.stderr).not.toMatch(STACK_TRACE);
			expect(fs.readdirSync(path.dirname(dbPath)).sort()).toEqual(folder);

			for (const filler of fillers) fs.rmSync(filler);
			expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
			expect(
				(JSON.parse((await cli(['list', '--json', '--root', root, '--db', dbPath])).stdout) as unknown[])
					.length,
			).toBe(names.length);
			expect(webUiState(dbPath)).toEqual(before);
			webUiStillWorks(dbPath);
		});
	});
}
