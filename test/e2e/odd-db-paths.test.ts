/** Odd database paths (regression: a FIFO hung, a folder or /dev/null gave SQLite's words): one sentence, exit 1, no hang, nothing left behind. */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli} from '../reliability/support.js';

const STACK_TRACE = /\n\s+at \S|SqliteError/;

describe('odd --db paths', () => {
	it('a FIFO (never opened for reading), a folder, /dev/null: one sentence each, exit 1, nothing created', async () => {
		const {base, root} = makeWorkspace('sdstats-oddpath-');
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		const fifo = path.join(base, 'pipe.db');
		execFileSync('mkfifo', [fifo]);
		const folder = path.join(base, 'folder.db');
		fs.mkdirSync(folder);
		const cases: Array<[string, RegExp]> = [
			[fifo, /is a named pipe \(FIFO\), not a database file/],
			[folder, /is a folder, not a database file/],
			['/dev/null', /is a device, not a database file/],
		];
		const before = fs.readdirSync(base).sort();
		for (const [db, reason] of cases) {
			for (const command of [
				['compute'],
				['list'],
				['show', '20251112_210411-a'],
				['doctor'],
				['doctor', '--rebuild'],
				['forget', '--yes'],
				[],
			]) {
				const result = await cli([...command, '--root', root, '--db', db]);
				const what = `${command.join(' ') || 'explorer'} --db ${db}`;
				expect(result.code, `${what}: ${result.stderr}`).toBe(1);
				expect(result.stderr, what).toMatch(reason);
				expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
				expect(result.stderr, what).not.toMatch(STACK_TRACE);
			}
		}
		expect(fs.readdirSync(base).sort()).toEqual(before);
		expect(fs.readdirSync(folder)).toEqual([]);
	});
});

describe('a --db whose folder is missing (regression: the issue asked to create it and say so, or refuse and say why)', () => {
	it('list, show and the explorer without a terminal refuse in one sentence and create nothing; compute creates every missing level and says so', async () => {
		const {base, root} = makeWorkspace('sdstats-missingdir-');
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		const missing = path.join(base, 'not-yet', 'deeper');
		const db = path.join(missing, 'cache.db');
		for (const command of [['list'], ['list', '--json'], ['show', '20251112_210411-a'], []]) {
			const result = await cli([...command, '--root', root, '--db', db]);
			const what = command.join(' ') || 'explorer';
			expect(result.code, `${what}: ${result.stderr}`).toBe(1);
			expect(result.stderr, what).toBe(
				// Without a terminal the explorer prints the plain list, and says so as list does.
				`sdstats ${command[0] === 'show' ? 'show' : 'list'}: no database at ${db} (run \`sdstats compute\` first, or check --db)\n`,
			);
			expect(fs.existsSync(path.join(base, 'not-yet')), what).toBe(false);
		}
		const computed = await cli(['compute', '--root', root, '--db', db]);
		expect(computed.code, computed.stderr).toBe(0);
		expect(computed.stderr).toContain(`created the folder ${missing}\n`);
		expect(computed.stderr).not.toMatch(STACK_TRACE);
		expect(fs.statSync(db).isFile()).toBe(true);
		const listed = await cli(['list', '--json', '--root', root, '--db', db]);
		expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(1);
		// Said once: the folder exists now.
		expect((await cli(['compute', '--root', root, '--db', db])).stderr).not.toContain('created the folder');
	});
});

describe('a read-only --db file (regression: doctor --rebuild backed it up, then failed with SQLite words and a stack trace)', () => {
	const NOBODY = 65534;
	// Permission bits do not stop root: as root the commands run as user nobody.
	const asUser = process.getuid?.() === 0 ? {uid: NOBODY, gid: NOBODY, env: {HOME: os.tmpdir()}} : {};

	it('compute, watch, forget and doctor --rebuild say so in one sentence and change nothing; list, show and the explorer without a terminal still browse', async () => {
		const {base, root} = makeWorkspace('sdstats-rofile-');
		fs.chmodSync(base, 0o755);
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 2}, images: 1});
		const folder = path.join(base, 'db');
		fs.mkdirSync(folder, {mode: 0o777});
		fs.chmodSync(folder, 0o777);
		const db = path.join(folder, 'cache.db');
		expect((await cli(['compute', '--root', root, '--db', db])).code).toBe(0);
		fs.chmodSync(db, 0o444);
		const bytes = fs.readFileSync(db);
		const refusals: Array<[string[], string]> = [
			[['compute'], `sdstats compute: ${db} is read-only (EACCES)\n`],
			[['compute', '--force'], `sdstats compute: ${db} is read-only (EACCES)\n`],
			[['watch'], `sdstats watch: ${db} is read-only (EACCES)\n`],
			[['forget', '--yes'], `sdstats forget: ${db} is read-only (EACCES)\n`],
			[
				['doctor', '--rebuild'],
				`sdstats doctor: cannot rebuild: ${db} is read-only (EACCES); nothing was changed\n`,
			],
		];
		for (const [command, sentence] of refusals) {
			const result = await cli([...command, '--root', root, '--db', db], asUser);
			const what = command.join(' ');
			expect(result.code, `${what}: ${result.stderr}`).toBe(1);
			expect(result.stderr, what).toBe(sentence);
		}
		for (const command of [['list', '--json'], ['show', '20251112_210411-a', '--json'], []]) {
			const result = await cli([...command, '--root', root, '--db', db], asUser);
			const what = command.join(' ') || 'explorer';
			expect(result.code, `${what}: ${result.stderr}`).toBe(0);
			expect(result.stdout, what).toContain('20251112_210411-a');
			expect(result.stderr, what).not.toMatch(STACK_TRACE);
		}
		expect(fs.readFileSync(db).equals(bytes)).toBe(true);
		// Nothing but SQLite's own journal files beside it (no backup, no lock left).
		expect(fs.readdirSync(folder).filter((f) => !/^cache\.db(-wal|-shm)?$/.test(f))).toEqual([]);
	});
});
