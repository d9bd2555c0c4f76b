/**
 * Permission problems, simulated (the tests run as root, whom permission bits do not stop): `node:fs` is
 * wrapped so chosen paths fail with EACCES, as they would for a user without the rights. The source
 * functions run in-process. (database-faults.test.ts has the same faults for real, run as user nobody.)
 */
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';

type Rule = {ops: readonly string[]; matches: (target: string) => boolean};
const control = vi.hoisted(() => ({rules: [] as Rule[], hits: [] as string[]}));

vi.mock('node:fs', async (importOriginal) => {
	const real = await importOriginal<typeof import('node:fs')>();
	const toPath = (target: unknown): string =>
		typeof target === 'string'
			? target
			: Buffer.isBuffer(target)
				? target.toString('utf8')
				: target instanceof URL
					? target.pathname
					: String(target);
	const check = (op: string, target: unknown): void => {
		const p = toPath(target);
		if (control.rules.some((r) => r.ops.includes(op) && r.matches(p))) {
			control.hits.push(`${op} ${p}`);
			throw Object.assign(new Error(`EACCES: permission denied, ${op} '${p}'`), {
				code: 'EACCES',
				errno: -13,
				syscall: op,
				path: p,
			});
		}
	};
	const wrap = <F extends (...args: never[]) => unknown>(op: string, fn: F): F =>
		((...args: Parameters<F>) => {
			check(op, args[0]);
			return fn(...args);
		}) as F;
	const overrides = {
		readdirSync: wrap('scandir', real.readdirSync),
		// Opening a folder needs the same read permission as listing it (the root check opens it without listing).
		opendirSync: wrap('scandir', real.opendirSync),
		statSync: wrap('stat', real.statSync),
		lstatSync: wrap('lstat', real.lstatSync),
		readFileSync: wrap('open', real.readFileSync),
		openSync: wrap('open', real.openSync),
		accessSync: wrap('access', real.accessSync),
		existsSync: (target: Parameters<typeof real.existsSync>[0]) => {
			try {
				check('stat', target);
			} catch {
				return false;
			}
			return real.existsSync(target);
		},
	};
	const wrapped = {...real, ...overrides};
	return {...wrapped, default: wrapped};
});

// Imported after the mock is declared (vi.mock is hoisted above these).
import fs from 'node:fs';
import {writeSession} from '../../source/demo/corpus.js';
import {ComputeAbortedError, runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {DatabaseReadonlyError, openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {computeCommand} from '../../source/commands/compute.js';
import {listCommand} from '../../source/commands/list.js';
import {showCommand} from '../../source/commands/show.js';
import {forgetCommand} from '../../source/commands/forget.js';
import type {CommonOptions} from '../../source/common-options.js';
import {makeWorkspace} from '../helpers/temp.js';
import {essentials} from './support.js';

afterEach(() => {
	control.rules.length = 0;
	control.hits.length = 0;
});

function deny(ops: readonly string[], matches: (target: string) => boolean): void {
	control.rules.push({ops, matches});
}

function setup() {
	const workspace = makeWorkspace('sdstats-perm-', {oneFile: true});
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	const compute = (extra: Partial<Parameters<typeof runCompute>[0]> = {}) =>
		runCompute({root: workspace.root, repository, runner: inlineRunner(), ...extra});
	return {...workspace, db, repository, compute};
}

function captureIo() {
	const out = {stdout: '', stderr: ''};
	return {
		out,
		io: {
			stdout: {write: (chunk: string) => (out.stdout += chunk)},
			stderr: {write: (chunk: string) => (out.stderr += chunk)},
		},
	};
}

function common(root: string, dbPath: string): CommonOptions {
	return {
		locations: {root, rootSource: '--root', dbPath, dbSource: '--db'},
		stallWindowMs: 600_000,
		color: false,
		now: Date.now,
	};
}

const A = '20251112_210411-alpha';
const B = '20251112_220000-beta';
const C = '20251113_090000-gamma';

describe('permission-denied folders and files (simulated EACCES)', () => {
	it('a session folder that cannot be listed is reported unreadable ("folder: permission denied"), its earlier row kept, the others computed', async () => {
		const {root, repository, compute} = setup();
		const locked = writeSession(root, {
			name: A,
			manifest: {numImages: 4, model: 'lockedModel.safetensors'},
			images: 3,
		});
		writeSession(root, {name: B, manifest: {numImages: 2}, images: 2});
		await compute();
		// What a folder with mode 000 does: it can be stat'ed from its parent, but not listed or entered.
		deny(['scandir'], (p) => p === locked);
		deny(['stat', 'open', 'lstat'], (p) => p.startsWith(locked + path.sep));
		writeSession(root, {name: C, manifest: {numImages: 1}, images: 1});
		const summary = await compute({force: true});
		expect(control.hits.length).toBeGreaterThan(0);
		expect(summary).toMatchObject({computed: 3, unreadable: 1, removed: 0});
		expect(summary.errors).toEqual([{session_id: A, reason: 'folder: permission denied'}]);
		expect(repository.get(A)).toMatchObject({
			sd_model: 'lockedModel.safetensors',
			images_actual: 3,
			images_expected: 4,
			manifest_state: 'unreadable',
			error: 'folder: permission denied',
			fingerprint: expect.stringMatching(/:unreadable$/),
		});
		expect(repository.get(B)).toMatchObject({manifest_state: 'ok', images_actual: 2});
		expect(repository.get(C)).toMatchObject({manifest_state: 'ok', images_actual: 1});

		// Access given back: computed as usual again.
		control.rules.length = 0;
		expect(await compute()).toMatchObject({computed: 1, unreadable: 0});
		expect(repository.get(A)).toMatchObject({manifest_state: 'ok', error: null});
	});

	it('a session folder never computed before that cannot be listed is reported with the reason, and the run goes on', async () => {
		const {root, repository, compute} = setup();
		const locked = writeSession(root, {name: A, manifest: {numImages: 4}, images: 3});
		writeSession(root, {name: B, manifest: {numImages: 2}, images: 2});
		deny(['scandir'], (p) => p === locked);
		deny(['stat', 'open', 'lstat'], (p) => p.startsWith(locked + path.sep));
		const summary = await compute();
		expect(summary).toMatchObject({unreadable: 1});
		expect(summary.errors).toEqual([{session_id: A, reason: 'folder: permission denied'}]);
		expect(repository.get(A)).toMatchObject({manifest_state: 'unreadable', error: 'folder: permission denied'});
		expect(repository.get(B)).toMatchObject({manifest_state: 'ok'});
	});

	it('a manifest that cannot be read: unreadable with "manifest.json: permission denied", the earlier good row kept, recomputed once readable', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {
			name: A,
			manifest: {numImages: 5, model: 'kept.safetensors', status: 'ongoing'},
			images: 2,
		});
		await compute();
		const manifestPath = path.join(folder, 'manifest.json');
		deny(['open'], (p) => p === manifestPath);
		fs.writeFileSync(path.join(folder, 'new.png'), '');
		const summary = await compute();
		expect(summary.errors).toEqual([{session_id: A, reason: 'manifest.json: permission denied'}]);
		expect(repository.get(A)).toMatchObject({
			sd_model: 'kept.safetensors',
			images_expected: 5,
			manifest_state: 'unreadable',
			error: 'manifest.json: permission denied',
			manifest_status: 'ongoing',
		});
		control.rules.length = 0;
		await compute();
		expect(repository.get(A)).toMatchObject({manifest_state: 'ok', error: null, images_actual: 3});
	});

	it("a manifest that cannot even be stat'ed (fingerprint and read both denied): a reason, no crash", async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {name: A, manifest: {numImages: 5}, images: 2});
		const manifestPath = path.join(folder, 'manifest.json');
		deny(['stat', 'open'], (p) => p === manifestPath);
		const summary = await compute();
		expect(summary.errors).toEqual([{session_id: A, reason: 'manifest.json: permission denied'}]);
		expect(repository.get(A)).toMatchObject({manifest_state: 'unreadable', images_actual: 2});
	});

	it('an image that cannot be examined is not counted; the others are', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {name: A, manifest: {numImages: 4}, images: 4});
		const first = fs
			.readdirSync(folder)
			.filter((n) => n.endsWith('.png'))
			.sort()[0]!;
		deny(['stat'], (p) => p === path.join(folder, first));
		const summary = await compute();
		expect(summary).toMatchObject({computed: 1, unreadable: 0});
		expect(repository.get(A)).toMatchObject({images_actual: 3, images_expected: 4, manifest_state: 'ok'});
	});

	it('a results root that cannot be read: the compute stops with the reason and removes no row', async () => {
		const {root, dbPath, repository, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 1}, images: 1});
		writeSession(root, {name: B, manifest: {numImages: 1}, images: 1});
		await compute();
		const before = essentials(dbPath);
		deny(['scandir'], (p) => p === root);
		await expect(compute()).rejects.toThrow(ComputeAbortedError);
		await expect(compute()).rejects.toThrow(
			/results root .* is unavailable \(permission denied\); cached stats are kept/,
		);
		expect(repository.count()).toBe(2);

		const {io, out} = captureIo();
		const code = await computeCommand(
			{
				...common(root, dbPath),
				force: false,
				wait: true,
				sessions: [],
				json: false,
				cancel: {cancelled: false},
				workers: 0,
			},
			io,
		);
		expect(code).toBe(1);
		expect(out.stderr).toContain(`results root ${root} cannot be read (EACCES)`);
		expect(essentials(dbPath)).toEqual(before);
	});
});

describe('a read-only database (simulated EACCES on access(W_OK))', () => {
	it('a read-only database file: opening it for writing throws DatabaseReadonlyError naming the path; reading it still works', async () => {
		const {root, dbPath, db, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 1}, images: 1});
		await compute();
		db.close();
		deny(['access'], (p) => p === dbPath);
		expect(() => openDatabase(dbPath, 'write')).toThrow(DatabaseReadonlyError);
		expect(() => openDatabase(dbPath, 'create')).toThrow(
			new RegExp(`${dbPath.replace(/[.]/g, '\\.')} is read-only \\(EACCES\\)`),
		);
		const read = openDatabase(dbPath, 'read');
		try {
			expect(read.readonly).toBe(true);
			expect(new StatsRepository(read.db).listAll().map((r) => r.session_id)).toEqual([A]);
		} finally {
			read.db.close();
		}
	});

	it('a read-only database folder: DatabaseReadonlyError names the folder and why (no journal can be written)', async () => {
		const {dbPath, db} = setup();
		db.close();
		const folder = path.dirname(dbPath);
		deny(['access'], (p) => p === folder);
		expect(() => openDatabase(dbPath, 'write')).toThrow(DatabaseReadonlyError);
		expect(() => openDatabase(dbPath, 'write')).toThrow(
			`the folder ${folder} is read-only (EACCES), so no journal can be written`,
		);
	});

	it('compute on a read-only database says why it cannot write (exit 1, the path, "read-only"); list and show still print', async () => {
		const {root, dbPath, db, compute} = setup();
		writeSession(root, {name: A, manifest: {numImages: 2}, images: 1});
		await compute();
		db.close();
		const before = fs.readFileSync(dbPath);
		deny(['access'], (p) => p === dbPath);

		const computed = captureIo();
		const code = await computeCommand(
			{
				...common(root, dbPath),
				force: true,
				wait: true,
				sessions: [],
				json: false,
				cancel: {cancelled: false},
				workers: 0,
			},
			computed.io,
		);
		expect(code).toBe(1);
		expect(computed.out.stderr).toBe(`sdstats compute: ${dbPath} is read-only (EACCES)\n`);
		expect(fs.readFileSync(dbPath).equals(before)).toBe(true);

		const listed = captureIo();
		expect(listCommand({...common(root, dbPath), format: 'json'}, listed.io)).toBe(0);
		expect((JSON.parse(listed.out.stdout) as Array<{session_id: string}>).map((r) => r.session_id)).toEqual([A]);
		const shown = captureIo();
		expect(showCommand({...common(root, dbPath), name: A, json: true}, shown.io)).toBe(0);
		expect(JSON.parse(shown.out.stdout)).toMatchObject({session_id: A, images_actual: 1});

		const forgot = captureIo();
		expect(await forgetCommand({...common(root, dbPath), yes: true}, forgot.io)).toBe(1);
		expect(forgot.out.stderr).toContain('read-only');
	});
});
