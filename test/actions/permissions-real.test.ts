/**
 * Permission errors during an archive, for real: the built binary run as user `nobody` (the tests run as root,
 * whom permission bits do not stop). A session `nobody` may not move (a folder it cannot write: a rename to
 * another folder must rewrite its `..`), or whose files it may not read (a copy to another filesystem), is
 * skipped with the reason while the others move; the summary counts both, nothing is half-moved, and the
 * database names where each session is.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {cli} from '../reliability/support.js';
import {actionWorkspace, addTriage, pathsIn, type Workspace} from './action-harness.js';

const NOBODY = 65534;
const STACK_TRACE = /\n\s+at \S|SqliteError/;

const mounts: Array<{unmount(): void}> = [];
afterAll(() => {
	for (const m of mounts.splice(0)) m.unmount();
});

beforeAll(() => {
	if (isRoot && !fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

/** Three sessions with their cache and triage, the whole workspace handed to `nobody`. */
async function nobodysWorkspace(): Promise<Workspace> {
	const ws = actionWorkspace();
	for (let i = 0; i < 3; i++) writeSession(ws.root, sessionName(i), {images: 3, numImages: 3, bytes: 5000 + i});
	await computeRoot(ws.root, ws.dbPath);
	for (let i = 0; i < 3; i++) addTriage(ws.dbPath, sessionName(i), path.join(ws.root, sessionName(i)));
	fs.chmodSync(ws.base, 0o755);
	execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, ws.base]);
	return ws;
}

function archiveAsNobody(ws: Workspace, extra: string[] = []) {
	return cli(['archive', '--root', ws.root, '--filter', '', '--yes', ...extra], {
		uid: NOBODY,
		gid: NOBODY,
		env: {HOME: '/tmp', SDSTATS_STATE_DIR: ws.stateDir},
	});
}

/** Where each session is, by the database's two tables, must be where it is on disk. */
function expectPathsFollow(ws: Workspace, where: (name: string) => string): void {
	const stats = pathsIn(ws.dbPath, 'session_stats');
	const triage = pathsIn(ws.dbPath, 'session_metadata');
	for (let i = 0; i < 3; i++) {
		const name = sessionName(i);
		expect([stats.get(name), triage.get(name)], name).toEqual([where(name), where(name)]);
	}
}

describe.skipIf(!isRoot)(
	`archive with permission errors (run as nobody)${isRoot ? '' : ' (skipped: not root: cannot switch to user nobody)'}`,
	() => {
		it('a session folder nobody may move is skipped with the reason; the others are archived; the summary counts both', async () => {
			const ws = await nobodysWorkspace();
			const before = sessionsIn(ws.root);
			const stuck = sessionName(1);
			// Root's folder, readable by all, writable by root only: its rename elsewhere is refused (EACCES).
			execFileSync('chown', ['-R', '0:0', path.join(ws.root, stuck)]);
			const result = await archiveAsNobody(ws);
			expect(result.stderr).not.toMatch(STACK_TRACE);
			expect(result.code, result.stderr).toBe(1);
			expect(result.stdout).toMatch(/^archived 2 sessions \(.*\), skipped 1$/m);
			expect(result.stdout).toMatch(new RegExp(`^ {2}${stuck}: .*(permission|EACCES)`, 'im'));
			const archive = path.join(ws.base, 'archive');
			expect(sessionsIn(ws.root)).toEqual(new Map([[stuck, before.get(stuck)]]));
			expect(sessionsIn(archive)).toEqual(new Map([...before].filter(([name]) => name !== stuck)));
			expectPathsFollow(ws, (name) => path.join(name === stuck ? ws.root : archive, name));
			expect(listJournals(ws.stateDir).filter((j) => j.open)).toEqual([]);
			expect(fs.readdirSync(archive).filter((n) => n.startsWith('.sdstats-'))).toEqual([]);
		});

		it('across filesystems, a session with a file nobody may read is skipped (its partial copy removed); the others are copied', async () => {
			const mounted = mountTmpfs(64 * 1024 * 1024);
			if ('reason' in mounted) {
				// Said, not hidden: the rename case above still ran.
				console.log(`across filesystems as nobody: skipped (${mounted.reason})`);
				return;
			}
			mounts.push(mounted);
			const target = path.join(mounted.dir, 'archive');
			fs.mkdirSync(target);
			execFileSync('chown', [`${NOBODY}:${NOBODY}`, target]);
			const ws = await nobodysWorkspace();
			const before = sessionsIn(ws.root);
			const stuck = sessionName(2);
			const secret = fs.readdirSync(path.join(ws.root, stuck)).find((f) => f.endsWith('.png'))!;
			execFileSync('chown', ['0:0', path.join(ws.root, stuck, secret)]);
			fs.chmodSync(path.join(ws.root, stuck, secret), 0o600);
			const result = await archiveAsNobody(ws, ['--to', target]);
			expect(result.stderr).not.toMatch(STACK_TRACE);
			expect(result.code, result.stderr).toBe(1);
			expect(result.stdout).toMatch(/^archived 2 sessions \(.*\), skipped 1$/m);
			expect(result.stdout).toMatch(new RegExp(`^ {2}${stuck}: .*(permission|EACCES)`, 'im'));
			expect(sessionsIn(ws.root)).toEqual(new Map([[stuck, before.get(stuck)]]));
			expect(sessionsIn(target)).toEqual(new Map([...before].filter(([name]) => name !== stuck)));
			expectPathsFollow(ws, (name) => path.join(name === stuck ? ws.root : target, name));
			expect(listJournals(ws.stateDir).filter((j) => j.open)).toEqual([]);
			expect(fs.readdirSync(target).filter((n) => n.startsWith('.sdstats-'))).toEqual([]);
		});
	},
);
