import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';

function setup() {
	const workspace = makeWorkspace('sdstats-test-', {oneFile: true});
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	const compute = (extra: Partial<Parameters<typeof runCompute>[0]> = {}) =>
		runCompute({root: workspace.root, repository, runner: inlineRunner(), ...extra});
	return {...workspace, db, repository, compute};
}

describe('runCompute', () => {
	it('computes new sessions, ignores non-sessions, and skips unchanged ones the second time', async () => {
		const {root, repository, compute} = setup();
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 4}, images: 4});
		writeSession(root, {name: '20251112_220000-b', manifest: {numImages: 10}, images: 3});
		writeSession(root, {name: '2025-10-14_163854_legacy', images: 2});
		fs.mkdirSync(path.join(root, 'dryrun', '20251112_230000-dry'), {recursive: true});
		fs.mkdirSync(path.join(root, '.thumbnails'));
		fs.writeFileSync(path.join(root, 'stray.txt'), 'x');

		const first = await compute();
		expect(first).toMatchObject({
			computed: 3,
			unchanged: 0,
			removed: 0,
			unreadable: 0,
			no_manifest: 1,
			cancelled: false,
		});
		expect(
			repository
				.listAll()
				.map((r) => r.session_id)
				.sort(),
		).toEqual(['2025-10-14_163854_legacy', '20251112_210411-a', '20251112_220000-b']);

		const second = await compute();
		expect(second).toMatchObject({computed: 0, unchanged: 3, removed: 0});
	});

	it('recomputes a session whose manifest or folder changed', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: '20251112_210411-a',
			manifest: {numImages: 4, status: 'ongoing'},
			images: 2,
		});
		await compute();
		expect(repository.get('20251112_210411-a')!.images_actual).toBe(2);

		fs.writeFileSync(path.join(folder, 'extra_0002.png'), '');
		const afterImage = await compute();
		expect(afterImage).toMatchObject({computed: 1, unchanged: 0});
		expect(repository.get('20251112_210411-a')!.images_actual).toBe(3);

		const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
		manifest.status = 'completed';
		fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest) + '\n');
		await compute();
		expect(repository.get('20251112_210411-a')!.manifest_status).toBe('completed');
	});

	it('recomputes a session whose image was removed or replaced, and nothing when nothing changed', async () => {
		const {root, compute} = setup();
		const folder = writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 4}, images: 3});
		writeSession(root, {name: '20251112_220000-b', manifest: {numImages: 2}, images: 2});
		await compute();
		expect(await compute()).toMatchObject({computed: 0, unchanged: 2});
		const images = fs
			.readdirSync(folder)
			.filter((name) => name.endsWith('.png'))
			.sort();
		fs.rmSync(path.join(folder, images[0]!));
		expect(await compute()).toMatchObject({computed: 1, unchanged: 1});
		// Replaced by a file renamed over it (how image writers finish a file): the folder's entry changes.
		fs.writeFileSync(path.join(folder, 'incoming.tmp'), 'new picture');
		fs.renameSync(path.join(folder, 'incoming.tmp'), path.join(folder, images[1]!));
		expect(await compute()).toMatchObject({computed: 1, unchanged: 1});
	});

	it('recomputes a session stored by another stats version, or without a fingerprint, though its folder is unchanged', async () => {
		const {root, db, compute} = setup();
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 4}, images: 3});
		writeSession(root, {name: '20251112_220000-b', manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: '20251112_230000-c', manifest: {numImages: 2}, images: 1});
		await compute();
		db.prepare(
			"UPDATE session_stats SET stats_version = stats_version - 1 WHERE session_id = '20251112_210411-a'",
		).run();
		db.prepare("UPDATE sdstats_session_state SET fingerprint = NULL WHERE session_id = '20251112_220000-b'").run();
		expect(await compute()).toMatchObject({computed: 2, unchanged: 1});
		expect(await compute()).toMatchObject({computed: 0, unchanged: 3});
	});

	it('removes the stats of sessions whose folder is gone, never their session_metadata', async () => {
		const {root, db, repository, compute} = setup();
		const folder = writeSession(root, {name: '20251112_210411-gone', manifest: {numImages: 1}, images: 1});
		writeSession(root, {name: '20251112_210412-kept', manifest: {numImages: 1}, images: 1});
		await compute();
		db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, is_favorite, created_at, updated_at) VALUES (?, ?, 1, 'c', 'u')",
		).run('20251112_210411-gone', folder);
		fs.rmSync(folder, {recursive: true});
		const summary = await compute();
		expect(summary).toMatchObject({removed: 1, unchanged: 1});
		expect(repository.get('20251112_210411-gone')).toBeUndefined();
		expect(db.prepare('SELECT session_id, is_favorite FROM session_metadata').all()).toEqual([
			{session_id: '20251112_210411-gone', is_favorite: 1},
		]);
	});

	it('leaves rows of other results roots in a shared database alone', async () => {
		const {root, base, repository, compute} = setup();
		writeSession(root, {name: '20251112_210411-here', manifest: {numImages: 1}, images: 1});
		const otherRoot = path.join(base, 'other-results');
		fs.mkdirSync(otherRoot);
		writeSession(otherRoot, {name: '20251112_210411-there', manifest: {numImages: 1}, images: 1});
		await runCompute({root: otherRoot, repository, runner: inlineRunner()});
		const summary = await compute();
		expect(summary.removed).toBe(0);
		expect(repository.count()).toBe(2);
	});

	it('recomputes everything with force, and only the named sessions with sessions', async () => {
		const {root, compute} = setup();
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		writeSession(root, {name: '20251112_210412-b', manifest: {numImages: 1}, images: 1});
		await compute();
		expect(await compute({force: true})).toMatchObject({computed: 2, unchanged: 0});
		expect(await compute({force: true, sessions: ['20251112_210412-b']})).toMatchObject({
			computed: 1,
			unchanged: 0,
			removed: 0,
		});
	});

	it('keeps the previous row for a manifest caught mid-write, and reads it again next time', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: '20251112_210411-a',
			manifest: {numImages: 8, model: 'good.safetensors'},
			images: 4,
		});
		await compute();
		const manifestPath = path.join(folder, 'manifest.json');
		const whole = fs.readFileSync(manifestPath);
		fs.writeFileSync(manifestPath, whole.subarray(0, 57));
		const summary = await compute();
		expect(summary).toMatchObject({computed: 1, unreadable: 1});
		expect(summary.errors).toEqual([
			{session_id: '20251112_210411-a', reason: 'manifest.json: unexpected end of input at byte 57'},
		]);
		let row = repository.get('20251112_210411-a')!;
		expect(row).toMatchObject({
			sd_model: 'good.safetensors',
			images_expected: 8,
			images_actual: 4,
			manifest_state: 'unreadable',
		});

		// Nothing else changes, but an unreadable session is read again.
		fs.writeFileSync(manifestPath, whole);
		expect(await compute()).toMatchObject({computed: 1, unreadable: 0});
		row = repository.get('20251112_210411-a')!;
		expect(row).toMatchObject({manifest_state: 'ok', error: null});
	});

	it('stops after the current batch when cancelled, storing what finished', async () => {
		const {root, repository, compute} = setup();
		for (let i = 0; i < 6; i++)
			writeSession(root, {name: `20251112_21041${i}-s${i}`, manifest: {numImages: 1}, images: 1});
		const cancel = {cancelled: false};
		const summary = await compute({
			batchSize: 2,
			cancel,
			onBatchStored: () => {
				cancel.cancelled = true;
			},
		});
		expect(summary).toMatchObject({cancelled: true, computed: 2, planned: 6});
		expect(repository.count()).toBe(2);
		expect(await compute()).toMatchObject({computed: 4, unchanged: 2});
	});

	it('reports progress with totals', async () => {
		const {root, compute} = setup();
		for (let i = 0; i < 3; i++) writeSession(root, {name: `20251112_21041${i}-s${i}`, images: 1});
		const seen: Array<[number, number]> = [];
		await compute({batchSize: 1, onProgress: (p) => seen.push([p.done, p.total])});
		expect(seen[0]).toEqual([0, 3]);
		expect(seen.at(-1)).toEqual([3, 3]);
	});
});

describe('a forced compute', () => {
	it("takes each folder's fingerprint when its batch is built, just before reading it, not while planning", async () => {
		const {root, repository, compute} = setup();
		const names = ['20251112_210000-a', '20251112_220000-b'];
		for (const name of names) writeSession(root, {name, manifest: {numImages: 4}, images: 2});
		await compute();
		// The second folder changes while the first is computed: after its planning, before it is read.
		const inline = inlineRunner();
		const fingerprints = new Map<string, string | null>();
		const runner = {
			parallelism: 1,
			close: () => inline.close(),
			async run(tasks: Parameters<typeof inline.run>[0], nowMs: number) {
				for (const task of tasks) fingerprints.set(task.sessionId, task.fingerprint);
				if (tasks[0]?.sessionId === names[0]) {
					fs.writeFileSync(path.join(root, names[1]!, 'extra_0099.png'), '');
					fs.utimesSync(path.join(root, names[1]!), new Date(2030, 0, 1), new Date(2030, 0, 1));
				}
				return inline.run(tasks, nowMs);
			},
		};
		const forced = await compute({force: true, batchSize: 1, runner});
		expect(forced).toMatchObject({computed: 2, cancelled: false});
		expect([...fingerprints.keys()]).toEqual(names);
		expect(repository.get(names[1]!)!.images_actual).toBe(3);
		// What was stored is what was read: a compute now finds both unchanged (a fingerprint taken while planning
		// would have been the one from before the change, and the second session computed again for nothing).
		expect(await compute()).toMatchObject({computed: 0, unchanged: 2});
	});
});
