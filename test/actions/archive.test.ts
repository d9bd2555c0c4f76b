/** archive, trash and undo on one filesystem: where folders go, what the database says, what is skipped. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {planArchive} from '../../source/jobs/actions/plan.js';
import {runAction} from '../../source/jobs/actions/run-action.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {
	computeRoot,
	describeFolder,
	sessionName,
	sessionsIn,
	treeFingerprint,
	writeSession,
} from '../helpers/action-fixtures.js';
import {actionWorkspace, addTriage, archive, metadataRow, pathsIn, undo, type Workspace} from './action-harness.js';
import {makeWorkspace} from '../helpers/temp.js';
import {parseFilterFlag} from '../../source/cli-args.js';
import type {Query} from '../../source/core/query.js';

async function workspaceWith(count: number, extra?: (ws: Workspace) => void): Promise<Workspace> {
	const ws = actionWorkspace();
	for (let i = 0; i < count; i++) writeSession(ws.root, sessionName(i), {images: 4, numImages: 4});
	extra?.(ws);
	await computeRoot(ws.root, ws.dbPath);
	return ws;
}

const archiveDir = (ws: Workspace): string => path.join(ws.base, 'archive');

/** Any reader of a WAL database leaves its (empty) -wal and -shm beside it: made here, before the baseline. */
function readOnce(dbPath: string): void {
	openDatabase(dbPath, 'read').db.close();
}

describe('sdstats archive within one filesystem', () => {
	it('moves the selected folders whole into <root>/../archive and their stats and triage rows follow', async () => {
		const ws = await workspaceWith(5);
		addTriage(ws.dbPath, sessionName(1), path.join(ws.root, sessionName(1)));
		const before = sessionsIn(ws.root);
		const triageBefore = metadataRow(ws.dbPath, sessionName(1));

		const result = await archive(ws, {sessions: [sessionName(1), sessionName(3)]});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('archived 2 sessions');
		expect([...sessionsIn(ws.root).keys()]).toEqual([sessionName(0), sessionName(2), sessionName(4)]);
		const archived = sessionsIn(archiveDir(ws));
		expect([...archived.keys()]).toEqual([sessionName(1), sessionName(3)]);
		for (const [name, content] of archived) expect(content).toBe(before.get(name));

		const stats = pathsIn(ws.dbPath, 'session_stats');
		expect(stats.size).toBe(5);
		expect(stats.get(sessionName(1))).toBe(path.join(archiveDir(ws), sessionName(1)));
		expect(stats.get(sessionName(0))).toBe(path.join(ws.root, sessionName(0)));
		const triage = metadataRow(ws.dbPath, sessionName(1));
		expect(triage).toEqual({...triageBefore, session_path: path.join(archiveDir(ws), sessionName(1))});
	});

	it('shows the archived sessions under the archive root, and a compute of the old root removes none of them', async () => {
		const ws = await workspaceWith(4);
		await archive(ws, {filter: 'name:run_000,run_002'});
		await computeRoot(ws.root, ws.dbPath);
		const opened = openDatabase(ws.dbPath, 'read');
		try {
			const repository = new StatsRepository(opened.db);
			expect(repository.count()).toBe(4);
			expect(
				repository
					.listNewest(archiveDir(ws), 100)
					.map((r) => r.session_id)
					.sort(),
			).toEqual([sessionName(0), sessionName(2)]);
			expect(
				repository
					.listNewest(ws.root, 100)
					.map((r) => r.session_id)
					.sort(),
			).toEqual([sessionName(1), sessionName(3)]);
		} finally {
			opened.db.close();
		}
	});

	it('undo puts folders and paths back, and archiving again works (a round trip)', async () => {
		const ws = await workspaceWith(3);
		addTriage(ws.dbPath, sessionName(0), path.join(ws.root, sessionName(0)));
		const original = sessionsIn(ws.root);
		const pathsBefore = pathsIn(ws.dbPath, 'session_stats');

		expect((await archive(ws, {filter: ''})).code).toBe(0);
		expect(sessionsIn(ws.root).size).toBe(0);
		const undone = await undo(ws);
		expect(undone.code).toBe(0);
		expect(undone.stdout).toContain('put back 3 sessions');
		expect(sessionsIn(ws.root)).toEqual(original);
		expect(sessionsIn(archiveDir(ws)).size).toBe(0);
		expect(pathsIn(ws.dbPath, 'session_stats')).toEqual(pathsBefore);
		expect(metadataRow(ws.dbPath, sessionName(0))?.session_path).toBe(path.join(ws.root, sessionName(0)));

		expect((await archive(ws, {filter: ''})).code).toBe(0);
		expect(sessionsIn(archiveDir(ws))).toEqual(original);
		const list = await undo(ws, {list: true});
		expect(list.stdout.split('\n')[0]).toMatch(/^ {2}1 .*archive → .*: 3 sessions$/);
		expect(list.stdout).toMatch(/ {2}2 .*undo of .*: 3 sessions/);
		expect(list.stdout).toMatch(/ {2}3 .*archive → .*: 3 sessions {2}\(undone\)/);
		// `undo 3` refuses: it was taken back already.
		expect((await undo(ws, {number: 3})).stderr).toContain('already taken back');
		expect(listJournals(ws.stateDir).every((j) => !j.open)).toBe(true);
	});

	it('a dry run changes nothing: the tree and the database are the same byte for byte', async () => {
		const ws = await workspaceWith(3);
		readOnce(ws.dbPath);
		const tree = treeFingerprint(ws.base);
		const db = fs.readFileSync(ws.dbPath);
		const planned = await archive(ws, {filter: '', dryRun: true});
		expect(planned.code).toBe(0);
		expect(planned.stdout).toContain('archive 3 sessions (15 files,');
		expect(planned.stdout).toContain(`→ archive/${sessionName(0)}  (rename)`);
		expect(planned.stdout).toContain('dry run: nothing was moved');
		const trashed = await archive(ws, {filter: '', dryRun: true}, 'trash');
		expect(trashed.stdout).toContain('move to the trash 3 sessions');
		expect(treeFingerprint(ws.base)).toBe(tree);
		expect(fs.readFileSync(ws.dbPath).equals(db)).toBe(true);
	});

	it('archive --yes renames without a stat per file (only the folder entries counted); a dry run shows the bytes', async () => {
		const ws = await workspaceWith(2);
		fs.mkdirSync(path.join(ws.root, sessionName(0), 'extra'));
		fs.writeFileSync(path.join(ws.root, sessionName(0), 'extra', 'notes.txt'), 'twelve bytes');
		const shown = await archive(ws, {filter: '', dryRun: true});
		expect(shown.stdout).toMatch(/^archive 2 sessions \(11 files, \d[\d.]* (B|kB)\)/);
		const spy = vi.spyOn(fs, 'lstatSync');
		const done = await archive(ws, {filter: ''});
		const statted = spy.mock.calls.map(([p]) => String(p)).filter((p) => /\.(png|txt)$/.test(p));
		spy.mockRestore();
		expect(done.code).toBe(0);
		expect(done.stdout).toContain('archive 2 sessions (11 files, size not measured)');
		expect(done.stdout).toContain('archived 2 sessions (11 files)');
		expect(statted).toEqual([]);
		expect(sessionsIn(archiveDir(ws)).size).toBe(2);
	});

	it('an undo dry run changes nothing either', async () => {
		const ws = await workspaceWith(2);
		await archive(ws, {filter: ''});
		readOnce(ws.dbPath);
		const tree = treeFingerprint(ws.base);
		const db = fs.readFileSync(ws.dbPath);
		const result = await undo(ws, {dryRun: true});
		expect(result.stdout).toContain('put back 2 sessions');
		expect(result.stdout).toContain('dry run: nothing was moved');
		expect(treeFingerprint(ws.base)).toBe(tree);
		expect(fs.readFileSync(ws.dbPath).equals(db)).toBe(true);
	});

	it('skips running sessions unless --include-running, and says why', async () => {
		const ws = await workspaceWith(1, (w) =>
			writeSession(w.root, '20251002_100000-live', {images: 2, numImages: 10, status: 'ongoing', idleMinutes: 0}),
		);
		const result = await archive(ws, {filter: ''});
		expect(result.stdout).toMatch(
			/skipped 1 session:\n {2}20251002_100000-live\s+running \(add --include-running to move it anyway\)/,
		);
		expect(fs.existsSync(path.join(ws.root, '20251002_100000-live'))).toBe(true);
		expect(fs.existsSync(path.join(archiveDir(ws), sessionName(0)))).toBe(true);
		const forced = await archive(ws, {filter: '', includeRunning: true});
		expect(forced.stdout).toContain('archived 1 session');
		expect(fs.existsSync(path.join(archiveDir(ws), '20251002_100000-live'))).toBe(true);
	});

	it('never overwrites a target that exists, even an empty folder, and the other sessions go on', async () => {
		const ws = await workspaceWith(3);
		fs.mkdirSync(path.join(archiveDir(ws), sessionName(1)), {recursive: true});
		const result = await archive(ws, {filter: ''});
		expect(result.stdout).toContain('a folder of that name is already in the archive (nothing is overwritten)');
		expect(result.stdout).toContain('archived 2 sessions');
		expect(fs.readdirSync(path.join(archiveDir(ws), sessionName(1)))).toEqual([]);
		expect(fs.existsSync(path.join(ws.root, sessionName(1)))).toBe(true);
	});

	it('a target made between the plan and the move is not overwritten either', async () => {
		const ws = await workspaceWith(2);
		const plan = planArchive(
			[sessionName(0), sessionName(1)].map((sessionId) => ({sessionId, state: 'complete' as const})),
			archiveDir(ws),
			{root: ws.root, dbPath: ws.dbPath, includeRunning: false},
		);
		expect(plan.moves).toHaveLength(2);
		fs.mkdirSync(path.join(archiveDir(ws), sessionName(0)), {recursive: true});
		const summary = await runAction(plan, {stateDir: ws.stateDir, nowMs: Date.now()});
		expect(summary.failed).toEqual([
			{sessionId: sessionName(0), reason: 'the target already exists (nothing is overwritten)'},
		]);
		expect(summary.moved.map((m) => m.sessionId)).toEqual([sessionName(1)]);
		expect(fs.readdirSync(path.join(archiveDir(ws), sessionName(0)))).toEqual([]);
		expect(describeFolder(path.join(ws.root, sessionName(0)))).toContain('manifest.json');
	});

	it('remembers --to for the root, and refuses an archive inside the root', async () => {
		const ws = await workspaceWith(2);
		const elsewhere = path.join(ws.base, 'cold');
		expect((await archive(ws, {sessions: [sessionName(0)], to: elsewhere})).code).toBe(0);
		expect((await archive(ws, {sessions: [sessionName(1)]})).code).toBe(0);
		expect([...sessionsIn(elsewhere).keys()]).toEqual([sessionName(0), sessionName(1)]);
		const inside = await archive(ws, {sessions: [sessionName(0)], to: path.join(ws.root, 'old')});
		expect(inside.code).toBe(2);
		expect(inside.stderr).toContain('the archive cannot be inside the results root');
	});

	it('a stop request ends the run after the current session; the rest stay, recorded as not moved', async () => {
		const ws = await workspaceWith(4);
		const cancel = {cancelled: false};
		const plan = planArchive(
			[0, 1, 2, 3].map((i) => ({sessionId: sessionName(i), state: 'complete' as const})),
			archiveDir(ws),
			{root: ws.root, dbPath: ws.dbPath, includeRunning: false},
		);
		const summary = await runAction(plan, {
			stateDir: ws.stateDir,
			nowMs: Date.now(),
			cancel,
			onStep: (point, id) => {
				if (point === 'before-move' && id === sessionName(1)) cancel.cancelled = true;
			},
		});
		expect(summary.moved.map((m) => m.sessionId)).toEqual([sessionName(0), sessionName(1)]);
		expect(summary.stopped).toEqual([sessionName(2), sessionName(3)]);
		expect([...sessionsIn(ws.root).keys()]).toEqual([sessionName(2), sessionName(3)]);
	});

	it('selects with the query language: state:aborted images:0', async () => {
		const ws = await workspaceWith(2, (w) => {
			writeSession(w.root, '20251003_100000-dead', {images: 0, numImages: 10, status: 'aborted'});
			writeSession(w.root, '20251003_110000-half', {images: 3, numImages: 10, status: 'aborted'});
		});
		const result = await archive(ws, {filter: 'state:aborted images:0'});
		expect(result.stdout).toContain('archived 1 session');
		expect([...sessionsIn(archiveDir(ws)).keys()]).toEqual(['20251003_100000-dead']);
	});

	it('selects with the query language: complete sweeps older than 30 days (state:complete sweep:yes created:<30d)', async () => {
		// Named by their creation time, as the generator names them: 40 and 5 days ago (one clock reading).
		const now = Date.now();
		const named = (daysAgo: number, name: string): string =>
			`${new Date(now - daysAgo * 86_400_000)
				.toISOString()
				.slice(0, 19)
				.replace(/-|:/g, '')
				.replace('T', '_')}-${name}`;
		const sweep = {
			seedMode: 'progressive',
			variations: {Hair: ['bob']},
			numImages: 3,
			images: 3,
			status: 'completed',
		};
		const ws = await workspaceWith(0, (w) => {
			writeSession(w.root, named(40, 'old_sweep'), sweep);
			writeSession(w.root, named(5, 'new_sweep'), sweep);
			writeSession(w.root, named(40, 'old_grid'), {
				seedMode: 'fixed',
				variations: {Hair: ['bob', 'long'], Eyes: ['blue', 'green']},
				numImages: 4,
				images: 4,
				status: 'completed',
			});
			writeSession(w.root, named(40, 'old_aborted_sweep'), {...sweep, images: 1, status: 'aborted'});
		});
		const result = await archive(ws, {filter: 'state:complete sweep:yes created:<30d'});
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain('archived 1 session');
		expect([...sessionsIn(archiveDir(ws)).keys()]).toEqual([named(40, 'old_sweep')]);
	});

	it('says which sessions when neither --filter nor --session is given, and names unknown sessions', async () => {
		const ws = await workspaceWith(1);
		const none = await archive(ws, {});
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('say which sessions');
		const unknown = await archive(ws, {sessions: ['20990101_000000-nope']});
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no cached session');
	});
});

describe('sdstats trash', () => {
	it('moves folders to the freedesktop trash with a .trashinfo; undo restores folders, paths and removes the info', async () => {
		const ws = await workspaceWith(2);
		addTriage(ws.dbPath, sessionName(0), path.join(ws.root, sessionName(0)));
		const before = sessionsIn(ws.root);
		const result = await archive(ws, {sessions: [sessionName(0)]}, 'trash');
		expect(result.code).toBe(0);
		const trash = path.join(ws.env.XDG_DATA_HOME!, 'Trash');
		expect(describeFolder(path.join(trash, 'files', sessionName(0)))).toBe(before.get(sessionName(0)));
		const info = fs.readFileSync(path.join(trash, 'info', `${sessionName(0)}.trashinfo`), 'utf8');
		expect(info).toMatch(
			new RegExp(
				`^\\[Trash Info\\]\\nPath=${path.join(ws.root, sessionName(0)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\nDeletionDate=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\n$`,
			),
		);
		expect(metadataRow(ws.dbPath, sessionName(0))?.session_path).toBe(path.join(trash, 'files', sessionName(0)));
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(trash, 'files', sessionName(0)));

		const undone = await undo(ws);
		expect(undone.code).toBe(0);
		expect(sessionsIn(ws.root)).toEqual(before);
		expect(fs.readdirSync(path.join(trash, 'files'))).toEqual([]);
		expect(fs.readdirSync(path.join(trash, 'info'))).toEqual([]);
		expect(metadataRow(ws.dbPath, sessionName(0))?.session_path).toBe(path.join(ws.root, sessionName(0)));
	});

	it('a second folder of the same name gets another trash name; a session restored from the desktop only has its paths put back', async () => {
		const ws = await workspaceWith(1);
		const trash = path.join(ws.env.XDG_DATA_HOME!, 'Trash');
		fs.mkdirSync(path.join(trash, 'files', sessionName(0)), {recursive: true});
		await archive(ws, {sessions: [sessionName(0)]}, 'trash');
		expect(fs.existsSync(path.join(trash, 'files', `${sessionName(0)}.2`, 'manifest.json'))).toBe(true);
		expect(fs.existsSync(path.join(trash, 'info', `${sessionName(0)}.2.trashinfo`))).toBe(true);
		// The desktop's restore: the folder goes back, the .trashinfo is removed.
		fs.renameSync(path.join(trash, 'files', `${sessionName(0)}.2`), path.join(ws.root, sessionName(0)));
		fs.rmSync(path.join(trash, 'info', `${sessionName(0)}.2.trashinfo`));
		const undone = await undo(ws);
		expect(undone.stdout).toContain('already back; only its paths follow');
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(ws.root, sessionName(0)));
	});

	it('an undo whose old place is taken skips that session and says why', async () => {
		const ws = await workspaceWith(2);
		await archive(ws, {filter: ''});
		fs.mkdirSync(path.join(ws.root, sessionName(0)));
		const result = await undo(ws);
		expect(result.stdout).toContain('is taken (nothing is overwritten)');
		expect(result.stdout).toContain('put back 1 session');
		expect(fs.existsSync(path.join(archiveDir(ws), sessionName(0), 'manifest.json'))).toBe(true);
	});
});

describe('several roots open at once', () => {
	it('archives sessions of the second root from their own folder (the archive of the first root)', async () => {
		const ws = actionWorkspace();
		const second = path.join(ws.base, 'results2');
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		writeSession(second, sessionName(1), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		await computeRoot(second, ws.dbPath);
		const before = sessionsIn(second);
		const roots = [ws.root, second].map((p) => ({name: path.basename(p), path: p, dbPath: ws.dbPath}));
		const captured = {stdout: '', stderr: ''};
		const {archiveCommand} = await import('../../source/commands/archive.js');
		const code = await archiveCommand(
			{
				locations: {root: ws.root, rootSource: '--root', dbPath: ws.dbPath, dbSource: '--db', roots},
				stallWindowMs: 600_000,
				color: false,
				now: Date.now,
				stateDir: ws.stateDir,
				env: ws.env,
				dryRun: false,
				yes: true,
				cancel: {cancelled: false},
				sessions: [sessionName(1)],
				includeRunning: false,
				kind: 'archive',
			},
			{
				stdout: {write: (s: string) => ((captured.stdout += s), true)},
				stderr: {write: (s: string) => ((captured.stderr += s), true)},
			},
		);
		expect(captured.stderr).toBe('');
		expect(code).toBe(0);
		expect(sessionsIn(archiveDir(ws)).get(sessionName(1))).toBe(before.get(sessionName(1)));
		expect(sessionsIn(second).size).toBe(0);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(1))).toBe(path.join(archiveDir(ws), sessionName(1)));
	});
	it("two roots, each with its own database: each session goes to its root's archive, its rows follow in its own database, undo puts both back", async () => {
		const ws = actionWorkspace();
		const other = makeWorkspace('sdstats-actions-other-');
		writeSession(ws.root, sessionName(0), {images: 2, numImages: 2});
		writeSession(other.root, sessionName(1), {images: 3, numImages: 3});
		await computeRoot(ws.root, ws.dbPath);
		await computeRoot(other.root, other.dbPath);
		addTriage(other.dbPath, sessionName(1), path.join(other.root, sessionName(1)));
		const first = sessionsIn(ws.root);
		const second = sessionsIn(other.root);
		const roots = [
			{name: 'one', path: ws.root, dbPath: ws.dbPath},
			{name: 'two', path: other.root, dbPath: other.dbPath},
		];
		const captured = {stdout: '', stderr: ''};
		const parsed = parseFilterFlag('');
		if ('error' in parsed) throw new Error(parsed.error);
		const everything: Query = parsed.query;
		const {archiveCommand} = await import('../../source/commands/archive.js');
		const code = await archiveCommand(
			{
				locations: {root: ws.root, rootSource: '--root', dbPath: ws.dbPath, dbSource: 'default', roots},
				stallWindowMs: 600_000,
				color: false,
				now: Date.now,
				stateDir: ws.stateDir,
				env: ws.env,
				dryRun: false,
				yes: true,
				cancel: {cancelled: false},
				sessions: [],
				filter: everything,
				includeRunning: false,
				kind: 'archive',
			},
			{
				stdout: {write: (s: string) => ((captured.stdout += s), true)},
				stderr: {write: (s: string) => ((captured.stderr += s), true)},
			},
		);
		expect(captured.stderr).toBe('');
		expect(code).toBe(0);
		const otherArchive = path.join(other.base, 'archive');
		expect(sessionsIn(archiveDir(ws))).toEqual(first);
		expect(sessionsIn(otherArchive)).toEqual(second);
		// Each database has its own session's new path, and only its own.
		expect([...pathsIn(ws.dbPath, 'session_stats')]).toEqual([
			[sessionName(0), path.join(archiveDir(ws), sessionName(0))],
		]);
		expect([...pathsIn(other.dbPath, 'session_stats')]).toEqual([
			[sessionName(1), path.join(otherArchive, sessionName(1))],
		]);
		expect(pathsIn(other.dbPath, 'session_metadata').get(sessionName(1))).toBe(
			path.join(otherArchive, sessionName(1)),
		);

		const back = await undo(ws);
		expect(back.code).toBe(0);
		expect(sessionsIn(ws.root)).toEqual(first);
		expect(sessionsIn(other.root)).toEqual(second);
		expect(pathsIn(other.dbPath, 'session_stats').get(sessionName(1))).toBe(path.join(other.root, sessionName(1)));
		expect(pathsIn(other.dbPath, 'session_metadata').get(sessionName(1))).toBe(
			path.join(other.root, sessionName(1)),
		);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(ws.root, sessionName(0)));
	});

	it("the explorer's actions act through each session's own root and database", async () => {
		const ws = actionWorkspace();
		const other = makeWorkspace('sdstats-actions-other-');
		writeSession(ws.root, sessionName(0), {images: 1, numImages: 1});
		writeSession(other.root, sessionName(1), {images: 2, numImages: 2});
		await computeRoot(ws.root, ws.dbPath);
		await computeRoot(other.root, other.dbPath);
		const second = sessionsIn(other.root);
		const {createExplorerActions} = await import('../../source/ui/data/explorer-actions.js');
		const actions = createExplorerActions({
			root: ws.root,
			dbPath: ws.dbPath,
			stateDir: ws.stateDir,
			env: ws.env,
			now: Date.now,
		});
		const root = {name: 'two', path: other.root, dbPath: other.dbPath, sharedPath: null};
		const plan = await actions.plan('archive', [
			{sessionId: sessionName(1), state: 'complete', folder: path.join(other.root, sessionName(1)), root},
		]);
		expect(plan.movable).toBe(1);
		const done = await actions.run(plan.planId, () => {}, {cancelled: false});
		expect(done.movedKeys).toEqual([sessionName(1)]);
		const otherArchive = path.join(other.base, 'archive');
		expect(sessionsIn(otherArchive)).toEqual(second);
		expect(pathsIn(other.dbPath, 'session_stats').get(sessionName(1))).toBe(
			path.join(otherArchive, sessionName(1)),
		);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(ws.root, sessionName(0)));
		const back = await actions.undo(done.actionId!, () => {}, {cancelled: false});
		expect(back.movedKeys).toEqual([sessionName(1)]);
		expect(sessionsIn(other.root)).toEqual(second);
		expect(pathsIn(other.dbPath, 'session_stats').get(sessionName(1))).toBe(path.join(other.root, sessionName(1)));
	});
	it('an action over two databases interrupted before the paths were written: recovery writes each into its own', async () => {
		const ws = actionWorkspace();
		const other = makeWorkspace('sdstats-actions-other-');
		writeSession(ws.root, sessionName(0), {images: 1, numImages: 1});
		writeSession(other.root, sessionName(1), {images: 1, numImages: 1});
		await computeRoot(ws.root, ws.dbPath);
		await computeRoot(other.root, other.dbPath);
		const otherArchive = path.join(other.base, 'archive');
		const plan = planArchive(
			[
				{sessionId: sessionName(0), state: 'complete', root: {path: ws.root, dbPath: ws.dbPath}},
				{
					sessionId: sessionName(1),
					state: 'complete',
					root: {path: other.root, dbPath: other.dbPath},
					target: otherArchive,
				},
			],
			archiveDir(ws),
			{root: ws.root, dbPath: ws.dbPath, includeRunning: false},
		);
		await expect(
			runAction(plan, {
				stateDir: ws.stateDir,
				nowMs: Date.now(),
				onStep: (point) => {
					if (point === 'before-database') throw new Error('killed');
				},
			}),
		).rejects.toThrow('killed');
		expect(pathsIn(other.dbPath, 'session_stats').get(sessionName(1))).toBe(path.join(other.root, sessionName(1)));
		const {recoverActions} = await import('../../source/jobs/actions/recover.js');
		const reports = recoverActions(ws.stateDir);
		expect(reports.map((r) => [r.finished, r.databaseProblem])).toEqual([[2, null]]);
		expect(pathsIn(ws.dbPath, 'session_stats').get(sessionName(0))).toBe(path.join(archiveDir(ws), sessionName(0)));
		expect(pathsIn(other.dbPath, 'session_stats').get(sessionName(1))).toBe(
			path.join(otherArchive, sessionName(1)),
		);
	});
});
