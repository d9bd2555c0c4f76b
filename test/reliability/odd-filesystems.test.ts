/**
 * Odd filesystems: link loops, FIFOs and folders where files should be, names with control characters,
 * names that are not UTF-8, names at the 255-byte limit.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

function setup() {
	const workspace = makeWorkspace('sdstats-odd-', {oneFile: true});
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	const compute = (extra: Partial<Parameters<typeof runCompute>[0]> = {}) =>
		runCompute({root: workspace.root, repository, runner: inlineRunner(), ...extra});
	return {...workspace, db, repository, compute};
}

const GOOD = '20251112_210411-good';

/** A path made of raw bytes (names that are not UTF-8 cannot be written as JS strings). */
function bytesPath(dir: string, name: number[] | Buffer): Buffer {
	return Buffer.concat([Buffer.from(`${dir}/`), Buffer.isBuffer(name) ? name : Buffer.from(name)]);
}

describe('symbolic link loops', () => {
	it('a session folder link pointing to itself is skipped as a "symbolic link loop"; the other sessions are computed', async () => {
		const {root, repository, compute} = setup();
		writeSession(root, {name: GOOD, manifest: {numImages: 2}, images: 2});
		fs.symlinkSync('self-loop', path.join(root, 'self-loop'));
		fs.symlinkSync('ping', path.join(root, 'pong'));
		fs.symlinkSync('pong', path.join(root, 'ping'));
		const summary = await compute();
		expect(summary).toMatchObject({computed: 1, unreadable: 3});
		expect(summary.errors).toEqual(
			expect.arrayContaining([
				{session_id: 'self-loop', reason: 'skipped: symbolic link loop'},
				{session_id: 'ping', reason: 'skipped: symbolic link loop'},
				{session_id: 'pong', reason: 'skipped: symbolic link loop'},
			]),
		);
		expect(repository.listAll().map((r) => r.session_id)).toEqual([GOOD]);
		// Said on the command line as well, and the run still succeeds.
		const viaCli = await cli(['compute', '--root', root, '--db', path.join(root, '..', 'cli.db')]);
		expect(viaCli.code).toBe(0);
		expect(viaCli.stderr).toContain('unreadable: self-loop: skipped: symbolic link loop');
	});

	it('image link loops and broken image links are not counted; real images and links to images are', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {name: GOOD, manifest: {numImages: 10}, images: 3});
		fs.symlinkSync('loop.png', path.join(folder, 'loop.png'));
		fs.symlinkSync('b.png', path.join(folder, 'a.png'));
		fs.symlinkSync('a.png', path.join(folder, 'b.png'));
		fs.symlinkSync('missing.png', path.join(folder, 'dangling.png'));
		fs.symlinkSync('.', path.join(folder, 'dir-loop.png'));
		const real = fs.readdirSync(folder).find((n) => n.endsWith('_seed-1000.png'))!;
		fs.symlinkSync(real, path.join(folder, 'link-to-real.png'));
		// manifest.json itself a link loop in another session.
		const other = writeSession(root, {name: '20251112_220000-manifest_loop', images: 1});
		fs.symlinkSync('manifest.json', path.join(other, 'manifest.json'));
		const summary = await compute();
		expect(summary.computed).toBe(2);
		expect(repository.get(GOOD)).toMatchObject({images_actual: 4, images_expected: 10, manifest_state: 'ok'});
		expect(repository.get('20251112_220000-manifest_loop')).toMatchObject({
			images_actual: 1,
			manifest_state: 'unreadable',
			error: 'manifest.json: symbolic link loop',
		});
	});
});

describe('things that are not what their names say', () => {
	it('a FIFO or a folder named manifest.json, a FIFO named like an image, a FIFO in the root: reasons, no hang', async () => {
		const {root, repository, compute} = setup();
		const fifoManifest = writeSession(root, {name: '20251112_210000-fifo_manifest', images: 2});
		execFileSync('mkfifo', [path.join(fifoManifest, 'manifest.json')]);
		const dirManifest = writeSession(root, {name: '20251112_210001-dir_manifest', images: 1});
		fs.mkdirSync(path.join(dirManifest, 'manifest.json'));
		const fifoImage = writeSession(root, {name: GOOD, manifest: {numImages: 3}, images: 2});
		execFileSync('mkfifo', [path.join(fifoImage, 'pipe.png')]);
		execFileSync('mkfifo', [path.join(root, '20251112_210002-fifo_in_root')]);
		const deviceManifest = writeSession(root, {name: '20251112_210003-device_manifest', images: 1});
		fs.symlinkSync('/dev/zero', path.join(deviceManifest, 'manifest.json'));

		const summary = await compute();
		expect(summary.computed).toBe(4);
		expect(repository.get('20251112_210000-fifo_manifest')).toMatchObject({
			images_actual: 2,
			manifest_state: 'unreadable',
			error: expect.stringMatching(/^manifest\.json: \S/),
		});
		expect(repository.get('20251112_210001-dir_manifest')).toMatchObject({
			manifest_state: 'unreadable',
			error: 'manifest.json: is a folder, not a file',
		});
		expect(repository.get('20251112_210003-device_manifest')).toMatchObject({
			manifest_state: 'unreadable',
			error: expect.stringMatching(/^manifest\.json: \S/),
		});
		expect(repository.get(GOOD)).toMatchObject({images_actual: 2, manifest_state: 'ok'});
		expect(repository.get('20251112_210002-fifo_in_root')).toBeUndefined();
	}, 20_000);
});

describe('names with control characters and escape sequences', () => {
	const NAMES = [
		'20251112_210411-new\nline',
		'20251112_210412-\u001b[31mred\u001b[0m',
		'20251112_210413-tab\there',
		'20251112_210414-bell\u0007\b\r',
		'20251112_210415-\u001b]0;pwned\u0007',
		'20251112_210416-c1\u009b31m\u0085',
		'20251112_210417-del\u007f',
		'20251112_210418-bidi\u202eevil\u200b',
		'-leading-dash',
		' spaced name ',
	];

	it('names with newlines, control characters and escape sequences are computed and stored exactly', async () => {
		const {root, repository, compute} = setup();
		for (const name of NAMES) {
			const folder = writeSession(root, {name, manifest: {numImages: 3, model: `model for ${name}`}, images: 2});
			fs.writeFileSync(path.join(folder, 'image\nwith\u001b[2Jcontrols.png'), '');
		}
		const summary = await compute();
		expect(summary).toMatchObject({computed: NAMES.length, unreadable: 0});
		for (const name of NAMES) {
			const row = repository.get(name);
			expect(row, JSON.stringify(name)).toMatchObject({
				session_id: name,
				session_path: path.join(root, name),
				sd_model: `model for ${name}`,
				images_actual: 3,
				images_expected: 3,
			});
		}
		expect(await compute()).toMatchObject({computed: 0, unchanged: NAMES.length});
	});
});

describe('names that are not valid UTF-8', () => {
	it('folder names that are not valid UTF-8 are reported as skipped with a reason; the others are computed', async () => {
		const {root, repository, compute} = setup();
		writeSession(root, {name: GOOD, manifest: {numImages: 1}, images: 1});
		for (const raw of [
			[0x66, 0xff, 0x6f],
			[0x32, 0x30, 0x32, 0x35, 0xc3, 0x28],
			[0xed, 0xa0, 0x80, 0x78],
		]) {
			const folder = bytesPath(root, raw);
			fs.mkdirSync(folder);
			fs.writeFileSync(Buffer.concat([folder, Buffer.from('/manifest.json')]), '{"snapshot": {}}');
			fs.writeFileSync(Buffer.concat([folder, Buffer.from('/a.png')]), '');
		}
		const summary = await compute();
		expect(summary).toMatchObject({computed: 1, unreadable: 3});
		expect(summary.errors).toHaveLength(3);
		for (const error of summary.errors) expect(error.reason).toBe('skipped: folder name is not valid UTF-8');
		expect(summary.errors.map((e) => e.session_id)).toContain('f\uFFFDo');
		expect(repository.listAll().map((r) => r.session_id)).toEqual([GOOD]);

		const viaCli = await cli(['compute', '--root', root, '--db', path.join(root, '..', 'cli.db')]);
		expect(viaCli.code).toBe(0);
		expect(viaCli.stderr).toContain('unreadable: f\uFFFDo: skipped: folder name is not valid UTF-8');
		expect(viaCli.stdout).toMatch(/^computed 1, unchanged 0, removed 0, unreadable 3, /);
	});

	it('image names with invalid UTF-8 bytes are still counted, even two that decode to the same text', async () => {
		const {root, repository, compute} = setup();
		const folder = writeSession(root, {name: GOOD, manifest: {numImages: 5}, images: 2});
		fs.writeFileSync(bytesPath(folder, [0x69, 0xff, 0x2e, 0x70, 0x6e, 0x67]), ''); // i\xff.png
		fs.writeFileSync(bytesPath(folder, [0x69, 0xfe, 0x2e, 0x70, 0x6e, 0x67]), ''); // i\xfe.png: same decoded name
		fs.writeFileSync(bytesPath(folder, [0xc3, 0x28, 0x2e, 0x4a, 0x50, 0x47]), ''); // \xc3(.JPG
		fs.writeFileSync(bytesPath(folder, [0xff, 0x2e, 0x74, 0x78, 0x74]), ''); // not an image
		await compute();
		expect(repository.get(GOOD)).toMatchObject({images_actual: 5, images_expected: 5, completion_percentage: 100});
	});
});

describe('names at the length limit', () => {
	it('very long names (255 bytes, ASCII and multi-byte) for session folders and images are computed', async () => {
		const {root, repository, compute} = setup();
		const ascii = `20251112_210411-${'a'.repeat(255 - 16)}`;
		const wide = `20251112_210412-${'日'.repeat(79)}`; // 16 + 237 = 253 bytes
		expect(Buffer.byteLength(ascii)).toBe(255);
		expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(255);
		const longImage = `${'b'.repeat(251)}.png`;
		for (const name of [ascii, wide]) {
			const folder = writeSession(root, {
				name,
				manifest: {numImages: 3},
				imageNames: ['a_0000.png', 'a_0001.png'],
			});
			fs.writeFileSync(path.join(folder, longImage), '');
		}
		const summary = await compute();
		expect(summary).toMatchObject({computed: 2, unreadable: 0});
		expect(repository.get(ascii)).toMatchObject({
			images_actual: 3,
			images_expected: 3,
			session_created_at: '2025-11-12T21:04:11',
		});
		expect(repository.get(wide)).toMatchObject({images_actual: 3, images_expected: 3});
		const listed = await cli(['compute', '--root', root, '--db', path.join(root, '..', 'cli.db')]);
		expect(listed.code).toBe(0);
		const shown = await cli(['show', ascii, '--json', '--root', root, '--db', path.join(root, '..', 'cli.db')]);
		expect(shown.code).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({session_id: ascii, images_actual: 3});
	});
});
