/**
 * Permission faults for real: the built binary run as user `nobody` (the tests run as root, whom permission
 * bits do not stop), on a database another user owns and on folders `nobody` may not read.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, cliForOtherUsers, essentials} from './support.js';

const NOBODY = 65534;
const AS_NOBODY = {uid: NOBODY, gid: NOBODY, env: {HOME: '/tmp'}};
const STACK_TRACE = /\n\s+at \S|SqliteError/;

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
	expect(process.getuid?.(), 'these tests switch to user nobody and need to run as root').toBe(0);
});

/**
 * A workspace `nobody` can enter; its cache computed (and owned) by root, as another user's web UI would own it.
 * `dbPath` is sdstats' cache there (`metadata/sdstats.db`, beside the web UI's sessions.db).
 */
async function rootOwnedCache() {
	const workspace = makeWorkspace('sdstats-realperm-');
	fs.chmodSync(workspace.base, 0o755);
	writeSession(workspace.root, {name: '20251112_210411-alpha', manifest: {numImages: 4}, images: 2});
	writeSession(workspace.root, {name: '20251112_220000-beta', images: 1});
	const computed = await cli(['compute', '--root', workspace.root]);
	expect(computed.code).toBe(0);
	return {...workspace, dbPath: path.join(path.dirname(workspace.dbPath), 'sdstats.db')};
}

describe('a database another user owns (real permissions, run as nobody)', () => {
	it('a read-only database file and folder: compute says why it cannot write (exit 1, path, read-only) and changes nothing', async () => {
		const {root, dbPath} = await rootOwnedCache();
		const before = fs.readFileSync(dbPath);
		const result = await cli(['compute', '--root', root], AS_NOBODY);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(new RegExp(`${dbPath.replace(/[.]/g, '\\.')}.*read-only`));
		expect(result.stderr).not.toMatch(STACK_TRACE);
		expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
	});

	it('a read-only database file and folder: list, show and the plain explorer still print the cached sessions', async () => {
		const {root, dbPath} = await rootOwnedCache();
		const listed = await cli(['list', '--root', root], AS_NOBODY);
		expect.soft(listed.code, listed.stderr).toBe(0);
		expect.soft(listed.stdout).toContain('20251112_210411-alpha');
		const json = await cli(['list', '--json', '--root', root], AS_NOBODY);
		expect.soft(json.code, json.stderr).toBe(0);
		const shown = await cli(['show', '20251112_210411-alpha', '--root', root], AS_NOBODY);
		expect.soft(shown.code, shown.stderr).toBe(0);
		const plain = await cli(['--root', root], AS_NOBODY);
		expect.soft(plain.code, plain.stderr).toBe(0);
		expect.soft(plain.stdout).toContain('20251112_210411-alpha');
		expect(essentials(dbPath).size).toBe(2);
	});

	it('a read-only database file in a folder nobody may write to: list and show work, compute refuses with the reason', async () => {
		const {root, dbPath} = await rootOwnedCache();
		fs.chmodSync(path.dirname(dbPath), 0o777);
		fs.chmodSync(dbPath, 0o444);
		const listed = await cli(['list', '--json', '--root', root], AS_NOBODY);
		expect(listed.code, listed.stderr).toBe(0);
		expect(JSON.parse(listed.stdout)).toHaveLength(2);
		const computed = await cli(['compute', '--root', root], AS_NOBODY);
		expect(computed.code).toBe(1);
		expect(computed.stderr).toBe(`sdstats compute: ${dbPath} is read-only (EACCES)\n`);
	});
});

describe('the explorer on a database another user owns (real terminal, run as nobody)', () => {
	const sessions: string[] = [];
	afterEach(() => {
		for (const session of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', session]);
	});

	it('a read-only database folder: the explorer browses the cached sessions, recompute off', async () => {
		expect(spawnSync('tmux', ['-V']).status, 'tmux is needed').toBe(0);
		const {root} = await rootOwnedCache();
		const session = `sdstats-rel-${process.pid}-ro`;
		sessions.push(session);
		const command = `setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups env HOME=/tmp NO_COLOR=1 ${JSON.stringify(process.execPath)} ${JSON.stringify(cliForOtherUsers())} --root ${JSON.stringify(root)}; echo EXIT=$?; sleep 30`;
		execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '140', '-y', '30', command]);
		const capture = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'});
		const started = Date.now();
		let pane = capture();
		while (!/alpha/.test(pane) && !pane.includes('EXIT=') && Date.now() - started < 15_000) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			pane = capture();
		}
		expect(pane, pane).not.toContain('EXIT=');
		expect(pane).toContain('alpha');
		execFileSync('tmux', ['send-keys', '-t', session, 'q']);
	});
});

describe('folders and files nobody may read (real permissions, run as nobody)', () => {
	it('a session folder and a manifest without read permission are reported with the reason; the others are computed', async () => {
		const {base, root} = makeWorkspace('sdstats-realperm-', {oneFile: true});
		fs.chmodSync(base, 0o755);
		const locked = writeSession(root, {name: '20251112_210411-locked_folder', manifest: {numImages: 4}, images: 2});
		const secret = writeSession(root, {
			name: '20251112_210412-locked_manifest',
			manifest: {numImages: 4},
			images: 2,
		});
		const image = writeSession(root, {name: '20251112_210413-locked_image', manifest: {numImages: 3}, images: 3});
		writeSession(root, {name: '20251112_210414-fine', manifest: {numImages: 1}, images: 1});
		const dbFolder = path.join(base, 'nobody-db');
		fs.mkdirSync(dbFolder);
		execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, root, dbFolder]);
		fs.chmodSync(locked, 0o000);
		fs.chmodSync(path.join(secret, 'manifest.json'), 0o000);
		fs.chmodSync(
			path.join(
				image,
				fs.readdirSync(image).find((n) => n.endsWith('.png'))!,
			),
			0o000,
		);
		const dbPath = path.join(dbFolder, 'cache.db');

		const result = await cli(['compute', '--root', root, '--db', dbPath], AS_NOBODY);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toContain('unreadable: 20251112_210411-locked_folder: folder: permission denied');
		expect(result.stderr).toContain(
			'unreadable: 20251112_210412-locked_manifest: manifest.json: permission denied',
		);
		expect(result.stdout).toMatch(/^computed 4, unchanged 0, removed 0, unreadable 2, /);
		const rows = essentials(dbPath);
		// An image file whose own bits deny reading is still an image in the folder.
		expect(rows.get('20251112_210413-locked_image')).toMatchObject({images_actual: 3, images_expected: 3});
		expect(rows.get('20251112_210414-fine')).toMatchObject({images_actual: 1});
		fs.chmodSync(locked, 0o755);
	});

	it('a results root nobody may read: compute exits 1 with the reason and removes no row', async () => {
		const {base, root} = makeWorkspace('sdstats-realperm-', {oneFile: true});
		fs.chmodSync(base, 0o755);
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		const dbFolder = path.join(base, 'nobody-db');
		fs.mkdirSync(dbFolder);
		execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, root, dbFolder]);
		const dbPath = path.join(dbFolder, 'cache.db');
		expect((await cli(['compute', '--root', root, '--db', dbPath], AS_NOBODY)).code).toBe(0);
		fs.chmodSync(root, 0o000);
		try {
			const result = await cli(['compute', '--root', root, '--db', dbPath], AS_NOBODY);
			expect(result.code).toBe(1);
			expect(result.stderr).toContain(`results root ${root} cannot be read (EACCES)`);
			expect(essentials(dbPath).size).toBe(1);
		} finally {
			fs.chmodSync(root, 0o755);
		}
	});
});
