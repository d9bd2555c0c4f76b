/**
 * The built explorer over several results roots in a real pseudo-terminal (tmux), issue 15: every root's
 * sessions in one list with a ROOT column and per-root counts, the root: filter, a mark written to its own root's
 * sessions.db, and a root that is unavailable kept (its rows marked, the header saying so).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {writeLegacySession} from '../../source/demo/legacy-corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const sessions: string[] = [];

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

const capture = (session: string): string => tmux('capture-pane', '-p', '-t', session);

/** Polls the pane (tmux has no change notification); each poll yields to the event loop only. */
async function waitForPane(session: string, check: (text: string) => boolean, what: string): Promise<string> {
	const started = Date.now();
	for (;;) {
		const text = capture(session);
		if (check(text)) return text;
		if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}; pane:\n${text}`);
		await new Promise((resolve) => setImmediate(resolve));
	}
}

function keys(session: string, ...sequence: string[]): void {
	tmux('send-keys', '-t', session, ...sequence);
}

function startExplorer(name: string, env: Record<string, string>): string {
	const session = `sdstats-e2e-roots-${process.pid}-${name}`;
	sessions.push(session);
	const vars = Object.entries(env)
		.map(([k, v]) => `${k}=${JSON.stringify(v).replace(/\$/g, '\\$')}`)
		.join(' ');
	const command = [
		`CI=true NO_COLOR=1 ${vars} ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_PATH)}`,
		'echo EXIT=$?',
		'sleep 60',
	].join('; ');
	tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', `sh -c '${command.replace(/'/g, `'\\''`)}'`);
	return session;
}

function twoRoots() {
	const main = makeWorkspace('sdstats-pty-root-a-');
	const old = makeWorkspace('sdstats-pty-root-b-');
	writeSession(main.root, {
		name: '20251112_210411-current',
		manifest: {numImages: 4, status: 'completed'},
		images: 4,
	});
	writeSession(main.root, {name: '20251113_090000-half', manifest: {numImages: 4, status: 'completed'}, images: 2});
	writeLegacySession(old.root, {
		name: '2025-10-12_140322_portraits',
		kind: 'v1',
		stem: 'portraits',
		planned: 4,
		images: 4,
	});
	const env = {
		IMAGE_FOLDERS: JSON.stringify([
			{name: 'main', path: main.root},
			{name: 'old disk', path: old.root},
		]),
	};
	return {main, old, env};
}

beforeAll(() => {
	expect(spawnSync('tmux', ['-V']).status, 'tmux is needed for the pseudo-terminal tests').toBe(0);
	expect(fs.existsSync(CLI_PATH), 'build first (npm test builds)').toBe(true);
});

afterEach(() => {
	for (const session of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', session]);
});

describe('the explorer over every root of IMAGE_FOLDERS', () => {
	it('lists both roots with a root column, filters by root, and writes a mark to its own root', async () => {
		const {main, old, env} = twoRoots();
		expect((await runCli(['compute'], {env})).code).toBe(0);
		const session = startExplorer('both', env);
		let pane = await waitForPane(session, (t) => t.includes('3 of 3 shown'), 'the explorer');
		expect(pane).toMatch(/3 sessions: main 2 · old disk 1/);
		expect(pane).toMatch(/NAME\s+ROOT/);
		expect(pane).toMatch(/portraits\s+old disk/);
		expect(pane).toMatch(/half\s+main/);

		keys(session, '/');
		keys(session, '-l', 'root:old');
		keys(session, 'Enter');
		pane = await waitForPane(session, (t) => t.includes('1 of 3 shown'), 'the root filter');
		expect(pane).toContain('portraits');
		expect(pane).not.toMatch(/half\s+main/);

		// The old disk's session is the only one shown: favourite it.
		keys(session, '*');
		await waitForPane(session, (t) => t.includes('set ★ favourite on 1 session'), 'the favourite');
		keys(session, 'q');
		await waitForPane(session, (t) => t.includes('EXIT='), 'the explorer to exit');
		expect(capture(session)).toContain('EXIT=0');

		const favourites = JSON.parse(
			(await runCli(['list', '--json', '--filter', 'fav:yes'], {env})).stdout,
		) as Array<{
			session_id: string;
			root: string;
		}>;
		expect(favourites.map((f) => [f.session_id, f.root])).toEqual([['2025-10-12_140322_portraits', 'old disk']]);
		// Written to the old disk's sessions.db (the web UI's), not to main's.
		const marked = (dbPath: string): number => {
			const db = new Database(dbPath, {readonly: true});
			try {
				return (
					db.prepare('SELECT COUNT(*) AS n FROM session_metadata WHERE is_favorite = 1').get() as {n: number}
				).n;
			} finally {
				db.close();
			}
		};
		expect(marked(old.dbPath)).toBe(1);
		expect(marked(main.dbPath)).toBe(0);
	});

	it('keeps the rows of a root that is unavailable, marked, and says so in the header', async () => {
		const {old, env} = twoRoots();
		expect((await runCli(['compute'], {env})).code).toBe(0);
		const away = `${old.root}-unmounted`;
		fs.renameSync(old.root, away);
		try {
			const session = startExplorer('gone', env);
			const pane = await waitForPane(
				session,
				(t) => t.includes('3 of 3 shown') && t.includes('unavailable'),
				'the explorer with one root gone',
			);
			expect(pane).toMatch(/main 2 · old disk 1 unavailable/);
			expect(pane).toMatch(/portraits\s+old disk!/);
			keys(session, 'q');
			await waitForPane(session, (t) => t.includes('EXIT='), 'the explorer to exit');
			expect(capture(session)).toContain('EXIT=0');
			// Nothing was made where the root was.
			expect(fs.existsSync(old.root)).toBe(false);
		} finally {
			fs.renameSync(away, old.root);
		}
	});
});
