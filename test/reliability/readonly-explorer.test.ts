/**
 * The explorer's way into the database when it may not write: `runExplorer` itself, in-process, with the
 * terminal side (Ink, the App, the alternate screen) replaced by stand-ins, so what is checked is which
 * database connection it opens and what it tells the user. Write access is refused with a simulated EACCES.
 */
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';

const control = vi.hoisted(() => ({
	denied: new Set<string>(),
	rendered: [] as Array<Record<string, unknown>>,
	explorerData: [] as Array<{readonlyReason: string | null; dbPath: string; sessionIds: string[]}>,
}));

vi.mock('node:fs', async (importOriginal) => {
	const real = await importOriginal<typeof import('node:fs')>();
	const accessSync = (target: Parameters<typeof real.accessSync>[0], mode?: number) => {
		if (control.denied.has(String(target)))
			throw Object.assign(new Error(`EACCES: permission denied, access '${String(target)}'`), {code: 'EACCES'});
		return real.accessSync(target, mode);
	};
	const wrapped = {...real, accessSync};
	return {...wrapped, default: wrapped};
});

vi.mock('ink', () => ({
	render: (element: {props: Record<string, unknown>}) => {
		control.rendered.push(element.props);
		return {unmount() {}, waitUntilExit: () => Promise.resolve(), rerender() {}, cleanup() {}, clear() {}};
	},
}));
vi.mock('../../source/ui/app.js', () => ({App: () => null}));
vi.mock('../../source/ui/terminal.js', () => ({enterTerminal: () => ({restore() {}})}));
vi.mock('../../source/ui/data/explorer-data.js', () => ({
	// What the explorer would show: the rows its connection reads (taken now, the connection closes at exit).
	createExplorerData: (options: {
		readonlyReason: string | null;
		dbPath: string;
		repository: {listAll(): Array<{session_id: string}>};
	}) => {
		control.explorerData.push({
			readonlyReason: options.readonlyReason,
			dbPath: options.dbPath,
			sessionIds: options.repository.listAll().map((r) => r.session_id),
		});
		// The real data names its roots (one here: the explorer keys its remembered view by them).
		return {...options, roots: []};
	},
}));

import fs from 'node:fs';
import Database from 'better-sqlite3';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {DatabaseReadonlyError, openDatabase} from '../../source/store/db.js';
import {SCHEMA_VERSION} from '../../source/store/migrations.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {runExplorer} from '../../source/ui/run-explorer.js';
import {makeWorkspace} from '../helpers/temp.js';

afterEach(() => {
	control.denied.clear();
	control.rendered.length = 0;
	control.explorerData.length = 0;
});

async function cachedWorkspace() {
	const workspace = makeWorkspace('sdstats-roexp-', {oneFile: true});
	writeSession(workspace.root, {name: '20251112_210411-alpha', manifest: {numImages: 2}, images: 2});
	const {db} = openDatabase(workspace.dbPath, 'create');
	await runCompute({root: workspace.root, repository: new StatsRepository(db), runner: inlineRunner()});
	db.close();
	return workspace;
}

function captureIo() {
	const out = {stdout: '', stderr: ''};
	return {
		out,
		io: {stdout: {write: (c: string) => (out.stdout += c)}, stderr: {write: (c: string) => (out.stderr += c)}},
	};
}

function options(root: string, dbPath: string, createDatabase = false) {
	return {
		locations: {root, rootSource: '--root' as const, dbPath, dbSource: '--db' as const},
		stallWindowMs: 600_000,
		color: false,
		now: Date.now,
		createDatabase,
	};
}

describe('the explorer on a database it may not write', () => {
	it('a read-only database file: the explorer opens it read-only and browses, recompute off with the reason', async () => {
		const {root, dbPath} = await cachedWorkspace();
		control.denied.add(dbPath);
		expect(() => openDatabase(dbPath, 'write')).toThrow(DatabaseReadonlyError);
		const before = fs.readFileSync(dbPath);
		const {io, out} = captureIo();
		expect(await runExplorer(options(root, dbPath), io)).toBe(0);
		expect(out.stderr).toBe('');
		expect(control.explorerData).toHaveLength(1);
		const data = control.explorerData[0]!;
		expect(data.readonlyReason).toMatch(/is read-only \(EACCES\): browsing only, recompute is off/);
		expect(data.sessionIds).toEqual(['20251112_210411-alpha']);
		expect(control.rendered[0]!.notice).toMatch(/browsing only, recompute is off/);
		expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
	});

	it('a read-only database folder: the explorer opens it read-only and browses', async () => {
		const {root, dbPath} = await cachedWorkspace();
		control.denied.add(path.dirname(dbPath));
		const {io} = captureIo();
		expect(await runExplorer(options(root, dbPath, true), io)).toBe(0);
		expect(control.explorerData[0]!.readonlyReason).toMatch(/folder .* is read-only/);
		expect(control.explorerData[0]!.sessionIds).toEqual(['20251112_210411-alpha']);
	});

	it('a database written by a newer sdstats: the explorer browses it read-only with a notice', async () => {
		const {root, dbPath} = await cachedWorkspace();
		const raw = new Database(dbPath);
		raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
		raw.close();
		const {io} = captureIo();
		expect(await runExplorer(options(root, dbPath), io)).toBe(0);
		expect(control.explorerData[0]!.readonlyReason).toMatch(/newer sdstats/);
		expect(control.rendered[0]!.notice).toMatch(/newer sdstats.*opened read-only/);
		expect(control.explorerData[0]!.sessionIds).toEqual(['20251112_210411-alpha']);
	});

	it('a --db path that does not exist: a clear message, exit 1, nothing created', async () => {
		const {base, root} = makeWorkspace('sdstats-roexp-', {oneFile: true});
		const missing = path.join(base, 'no-such-folder', 'sessions.db');
		const {io, out} = captureIo();
		expect(await runExplorer(options(root, missing), io)).toBe(1);
		expect(out.stderr).toBe(`sdstats: no database at ${missing} (run \`sdstats compute\` first, or check --db)\n`);
		expect(fs.existsSync(path.dirname(missing))).toBe(false);
		expect(control.rendered).toHaveLength(0);
	});

	it('a damaged database: the explorer says so, names sdstats doctor, exit 1', async () => {
		const {base, root} = makeWorkspace('sdstats-roexp-', {oneFile: true});
		const damaged = path.join(base, 'damaged.db');
		fs.writeFileSync(damaged, Buffer.alloc(8192, 0x5a));
		const {io, out} = captureIo();
		expect(await runExplorer(options(root, damaged), io)).toBe(1);
		expect(out.stderr).toMatch(/damaged.*sdstats doctor/);
		expect(out.stderr).not.toMatch(/\n\s+at /);
	});
});
