/**
 * Files that change under us: images coming and going, manifests cut off mid-write or mid-read, session
 * folders deleted or renamed while a compute looks at them, and the whole results root disappearing.
 */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {ComputeAbortedError, runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner, type BatchRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, essentials, halfWritten} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

function setup() {
	const workspace = makeWorkspace('sdstats-change-', {oneFile: true});
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	const compute = (extra: Partial<Parameters<typeof runCompute>[0]> = {}) =>
		runCompute({root: workspace.root, repository, runner: inlineRunner(), ...extra});
	return {...workspace, db, repository, compute};
}

/** A runner that does something to the disk before the first `times` batches are read, then reads them as usual. */
function meddlingRunner(
	before: (tasks: readonly {sessionId: string; sessionPath: string}[], batch: number) => void,
): BatchRunner {
	const inner = inlineRunner();
	let batch = 0;
	return {
		parallelism: 1,
		run(tasks, nowMs) {
			before(tasks, batch++);
			return inner.run(tasks, nowMs);
		},
		close: () => inner.close(),
	};
}

const A = '20251112_210411-alpha';
const B = '20251112_220000-beta';
const C = '20251113_090000-gamma';

describe('images that come and go', () => {
	it('images appearing and disappearing between computes are counted each time', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {name: A, manifest: {numImages: 10, status: 'ongoing'}, images: 4});
		await compute();
		expect(repository.get(A)).toMatchObject({images_actual: 4, images_expected: 10, completion_percentage: 40});

		for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(folder, `late_${i}.png`), '');
		expect(await compute()).toMatchObject({computed: 1, unchanged: 0});
		expect(repository.get(A)).toMatchObject({images_actual: 7, completion_percentage: 70});

		const pngs = fs.readdirSync(folder).filter((n) => n.endsWith('.png'));
		for (const name of pngs.slice(0, 5)) fs.rmSync(path.join(folder, name));
		expect(await compute()).toMatchObject({computed: 1});
		expect(repository.get(A)).toMatchObject({images_actual: 2, completion_percentage: 20});

		for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.png'))) fs.rmSync(path.join(folder, name));
		await compute();
		expect(repository.get(A)).toMatchObject({
			images_actual: 0,
			completion_percentage: 0,
			first_image_created_at: null,
			last_image_created_at: null,
		});
	});

	it('images appearing and disappearing in a session whose manifest was never readable are counted (no earlier good row to keep)', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: A,
			manifest: {raw: '{"snapshot": {"version": "2.0", "runtime_info": {'},
			images: 3,
		});
		await compute();
		expect(repository.get(A)).toMatchObject({images_actual: 3, manifest_state: 'unreadable'});

		for (let i = 0; i < 2; i++) fs.writeFileSync(path.join(folder, `late_${i}.png`), '');
		const summary = await compute();
		expect(summary).toMatchObject({computed: 1, unreadable: 1});
		// The stored row is the filesystem-only row of an unreadable manifest: nothing in it came from a manifest,
		// so there is no "earlier good row" to protect. What the disk says must reach it.
		expect(repository.get(A)).toMatchObject({images_actual: 5, manifest_state: 'unreadable', sd_model: null});
	});
});

describe('manifests cut off', () => {
	it('a manifest truncated mid-write keeps the previous good row with the reason, is read again, and is recomputed once fixed', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: A,
			manifest: {numImages: 8, status: 'ongoing', model: 'goodModel.safetensors'},
			images: 3,
		});
		const manifestPath = path.join(folder, 'manifest.json');
		await compute();
		const good = repository.get(A)!;
		expect(good).toMatchObject({
			sd_model: 'goodModel.safetensors',
			images_expected: 8,
			manifest_state: 'ok',
			error: null,
		});

		const full = fs.readFileSync(manifestPath);
		fs.writeFileSync(manifestPath, full.subarray(0, Math.floor(full.length / 2)));
		const truncated = await compute();
		expect(truncated).toMatchObject({computed: 1, unreadable: 1});
		expect(truncated.errors).toEqual([
			{session_id: A, reason: expect.stringMatching(/^manifest\.json: .+ at byte \d+$/)},
		]);
		const kept = repository.get(A)!;
		expect(kept).toMatchObject({
			sd_model: 'goodModel.safetensors',
			images_expected: 8,
			images_actual: 3,
			completion_percentage: 37.5,
			manifest_status: 'ongoing',
		});
		expect(kept.manifest_state).toBe('unreadable');
		expect(kept.error).toMatch(/^manifest\.json: .+ at byte \d+$/);
		// Marked unreadable: never taken as unchanged by a compute.
		expect(kept.fingerprint).toMatch(/:unreadable$/);

		// Still cut off: read again (not skipped as unchanged), still kept.
		expect(await compute()).toMatchObject({computed: 1, unchanged: 0, unreadable: 1});
		expect(repository.get(A)).toMatchObject({sd_model: 'goodModel.safetensors', manifest_state: 'unreadable'});

		// The generator finishes its write: the session is computed from the new manifest.
		writeSession(root, {
			name: A,
			manifest: {numImages: 4, status: 'completed', model: 'goodModel.safetensors'},
			images: 4,
		});
		expect(await compute()).toMatchObject({computed: 1, unreadable: 0});
		expect(repository.get(A)).toMatchObject({
			manifest_state: 'ok',
			error: null,
			images_expected: 4,
			images_actual: 4,
			completion_percentage: 100,
			manifest_status: 'completed',
		});
		expect(repository.get(A)!.fingerprint).not.toBeNull();
		expect(repository.get(A)!.fingerprint).not.toMatch(/:unreadable$/);
	});

	it('a manifest truncated between fingerprinting and reading: the good row stays, the next compute reads it again', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: A,
			manifest: {numImages: 6, model: 'goodModel.safetensors'},
			images: 6,
		});
		writeSession(root, {name: B, manifest: {numImages: 2}, images: 1});
		await compute();
		const manifestPath = path.join(folder, 'manifest.json');
		const full = fs.readFileSync(manifestPath);
		const summary = await compute({
			force: true,
			runner: meddlingRunner(() => fs.writeFileSync(manifestPath, full.subarray(0, 40))),
		});
		expect(summary).toMatchObject({computed: 2, unreadable: 1});
		expect(repository.get(A)).toMatchObject({
			sd_model: 'goodModel.safetensors',
			images_expected: 6,
			manifest_state: 'unreadable',
			fingerprint: expect.stringMatching(/:unreadable$/),
		});
		expect(repository.get(B)).toMatchObject({manifest_state: 'ok', images_actual: 1});

		fs.writeFileSync(manifestPath, full);
		expect(await compute()).toMatchObject({computed: 1, unreadable: 0});
		expect(repository.get(A)).toMatchObject({manifest_state: 'ok', error: null, images_expected: 6});
	});
});

describe('session folders that vanish while we look', () => {
	it('a session folder deleted between fingerprinting and reading: no error, its stale row goes, the others are computed', async () => {
		const {root, dbPath, repository, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: B, manifest: {numImages: 3}, images: 3});
		await compute();
		writeSession(root, {name: C, manifest: {numImages: 1}, images: 1});
		const summary = await compute({
			force: true,
			runner: meddlingRunner((tasks, batch) => {
				if (batch === 0) {
					expect(tasks.map((t) => t.sessionId)).toContain(B);
					expect(tasks.map((t) => t.sessionId)).toContain(C);
					fs.rmSync(path.join(root, B), {recursive: true});
					fs.rmSync(path.join(root, C), {recursive: true});
				}
			}),
		});
		expect(summary).toMatchObject({computed: 1, removed: 1, unreadable: 0, cancelled: false});
		expect(summary.errors).toEqual([]);
		expect(repository.listAll().map((r) => r.session_id)).toEqual([A]);
		expect(halfWritten(dbPath)).toEqual({statsOnly: [], stateOnly: []});
	});

	it('a session folder renamed between fingerprinting and reading: the old name goes, the new name is computed next time', async () => {
		const {root, repository, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: B, manifest: {numImages: 5, model: 'renamed.safetensors'}, images: 3});
		await compute();
		const renamed = '20251112_220000-beta_renamed';
		const summary = await compute({
			force: true,
			runner: meddlingRunner((_tasks, batch) => {
				if (batch === 0) fs.renameSync(path.join(root, B), path.join(root, renamed));
			}),
		});
		expect(summary).toMatchObject({computed: 1, removed: 1});
		expect(repository.get(B)).toBeUndefined();
		const next = await compute();
		expect(next).toMatchObject({computed: 1, unchanged: 1, removed: 0});
		expect(repository.get(renamed)).toMatchObject({
			sd_model: 'renamed.safetensors',
			images_actual: 3,
			images_expected: 5,
		});
	});
});

describe('the whole results root disappears', () => {
	it('the whole root unmounted (renamed away) before a compute: exit 1, no row removed', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-change-', {oneFile: true});
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: B, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const before = essentials(dbPath);
		fs.renameSync(root, `${root}.unmounted`);
		const result = await cli(['compute', '--root', root, '--db', dbPath]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`results root ${root} does not exist`);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(essentials(dbPath)).toEqual(before);
		expect(before.size).toBe(2);
	});

	it('the whole root unmounted before an in-process compute (explorer path): ComputeAbortedError, no row removed', async () => {
		const {root, repository, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		await compute();
		fs.renameSync(root, `${root}.unmounted`);
		await expect(compute()).rejects.toThrow(ComputeAbortedError);
		await expect(compute()).rejects.toThrow(/unavailable.*cached stats are kept/);
		expect(repository.count()).toBe(1);
	});

	it('the whole root removed during a compute: a clear error, no row removed, normal again when it is back', async () => {
		const {root, dbPath, repository, compute} = setup();
		for (let i = 0; i < 12; i++)
			writeSession(root, {
				name: `20251112_2100${String(i).padStart(2, '0')}-s${i}`,
				manifest: {numImages: 4},
				images: i % 5,
			});
		await compute();
		const before = essentials(dbPath);
		expect(before.size).toBe(12);
		const away = `${root}.unmounted`;
		// The second batch finds the root gone (the first was stored).
		const run = compute({
			force: true,
			batchSize: 4,
			runner: meddlingRunner((_tasks, batch) => {
				if (batch === 1) fs.renameSync(root, away);
			}),
		});
		await expect(run).rejects.toThrow(ComputeAbortedError);
		await expect(run).rejects.toThrow(
			/results root .* became unavailable during the compute; no session was removed/,
		);
		expect(repository.count()).toBe(12);
		expect(essentials(dbPath)).toEqual(before);
		expect(halfWritten(dbPath)).toEqual({statsOnly: [], stateOnly: []});

		fs.renameSync(away, root);
		const back = await compute();
		expect(back).toMatchObject({removed: 0, unreadable: 0});
		expect(back.computed + back.unchanged).toBe(12);
		expect(essentials(dbPath)).toEqual(before);
	});

	it('the whole root removed during the very first batch: no row removed', async () => {
		const {root, dbPath, repository, compute} = setup();
		for (let i = 0; i < 5; i++)
			writeSession(root, {
				name: `20251112_2100${String(i).padStart(2, '0')}-s${i}`,
				manifest: {numImages: 4},
				images: 2,
			});
		await compute();
		const before = essentials(dbPath);
		await expect(
			compute({
				force: true,
				runner: meddlingRunner(() => {
					if (fs.existsSync(root)) fs.rmSync(root, {recursive: true});
				}),
			}),
		).rejects.toThrow(ComputeAbortedError);
		expect(repository.count()).toBe(5);
		expect(essentials(dbPath)).toEqual(before);
	});

	it('stats of a vanished root are kept until the root is back (compute again → normal)', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-change-', {oneFile: true});
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: B, manifest: {numImages: 4}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		fs.renameSync(root, `${root}.away`);
		for (let i = 0; i < 2; i++) expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(1);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect((JSON.parse(listed.stdout) as Array<{session_id: string}>).map((r) => r.session_id).sort()).toEqual([
			A,
			B,
		]);
		fs.renameSync(`${root}.away`, root);
		const back = await cli(['compute', '--json', '--root', root, '--db', dbPath]);
		expect(back.code).toBe(0);
		expect(JSON.parse(back.stdout)).toMatchObject({computed: 0, unchanged: 2, removed: 0});
	});

	it('sdstats forget --yes removes the stats of a vanished root, and nothing else (session_metadata and other roots untouched)', async () => {
		const {base, root, dbPath} = makeWorkspace('sdstats-change-', {oneFile: true});
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: B, manifest: {numImages: 4}, images: 1});
		const other = path.join(base, 'other-results');
		writeSession(other, {name: C, manifest: {numImages: 1}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		expect((await cli(['compute', '--root', other, '--db', dbPath])).code).toBe(0);
		{
			const {db} = openDatabase(dbPath, 'write');
			const insert = db.prepare(
				"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_note, created_at, updated_at) VALUES (?, ?, 1, 'keep me', 'c', 'u')",
			);
			insert.run(A, path.join(root, A));
			insert.run(C, path.join(other, C));
			db.close();
		}
		fs.renameSync(root, `${root}.away`);

		const unconfirmed = await cli(['forget', '--root', root, '--db', dbPath]);
		expect(unconfirmed.code).toBe(2);
		expect(unconfirmed.stderr).toContain('--yes');
		expect(essentials(dbPath).size).toBe(3);

		const forgot = await cli(['forget', '--yes', '--root', root, '--db', dbPath]);
		expect(forgot.code, forgot.stderr).toBe(0);
		expect(forgot.stdout).toContain('removed the cached stats of 2 sessions');
		expect([...essentials(dbPath).keys()]).toEqual([C]);
		const {db} = openDatabase(dbPath, 'read');
		try {
			expect(
				db.prepare('SELECT session_id, is_favorite, user_note FROM session_metadata ORDER BY session_id').all(),
			).toEqual([
				{session_id: A, is_favorite: 1, user_note: 'keep me'},
				{session_id: C, is_favorite: 1, user_note: 'keep me'},
			]);
			expect(db.prepare('SELECT COUNT(*) FROM sdstats_session_state').pluck().get()).toBe(1);
		} finally {
			db.close();
		}
	});
});
