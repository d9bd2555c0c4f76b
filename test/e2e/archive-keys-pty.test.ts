/**
 * `sdstats archive` in a real terminal (tmux): while folders move, Esc stops after the current session, and so
 * does Ctrl-C (read as a key then); the rest stay where they were, every session whole in one place, and the terminal is given back
 * in cooked mode. Across filesystems (a tmpfs; needs root, skipped with the reason elsewhere) so the copies last
 * long enough to press a key while they run.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const SESSIONS = 200;

const mounts: Array<{unmount(): void}> = [];
afterAll(() => {
	for (const m of mounts.splice(0)) m.unmount();
});
const tmuxSessions: string[] = [];
afterEach(() => {
	for (const name of tmuxSessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', name]);
});

const skipReason = ((): string | null => {
	if (!isRoot) return 'not root: cannot mount a tmpfs as the second filesystem';
	if (spawnSync('tmux', ['-V']).status !== 0) return 'tmux is not installed';
	return null;
})();

const tmux = (...args: string[]): string => execFileSync('tmux', args, {encoding: 'utf8'});

async function waitForPane(session: string, check: (text: string) => boolean, what: string): Promise<string> {
	const started = Date.now();
	for (;;) {
		const text = tmux('capture-pane', '-p', '-J', '-S', '-50', '-t', session);
		if (check(text)) return text;
		if (Date.now() - started > 60_000) throw new Error(`timed out waiting for ${what}; pane:\n${text}`);
		await new Promise((resolve) => setImmediate(resolve));
	}
}

describe.skipIf(skipReason !== null)(`archive on a terminal${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	// Ctrl-C too: while the keys are read raw it arrives as a key, not as SIGINT, and must still stop.
	it.each([
		['Esc', 'Escape'],
		['Ctrl-C', 'C-c'],
	])(
		'%s stops after the current session; the rest stay, all whole; the terminal is cooked again',
		{timeout: 180_000},
		async (_name, key) => {
			const mounted = mountTmpfs(256 * 1024 * 1024);
			if ('reason' in mounted) throw new Error(mounted.reason);
			mounts.push(mounted);
			const target = path.join(mounted.dir, 'archive');
			fs.mkdirSync(target);
			const ws = makeWorkspace('sdstats-archive-keys-');
			for (let i = 0; i < SESSIONS; i++)
				writeSession(ws.root, sessionName(i), {images: 4, numImages: 4, bytes: 40_000 + i});
			await computeRoot(ws.root, ws.dbPath);
			const original = sessionsIn(ws.root);
			const sttyFile = path.join(ws.base, 'stty.txt');
			const session = `sdstats-archive-keys-${process.pid}-${key}`;
			tmuxSessions.push(session);
			const command = [
				`SDSTATS_STATE_DIR=${JSON.stringify(path.join(ws.base, 'state'))} ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_PATH)} archive --root ${JSON.stringify(ws.root)} --to ${JSON.stringify(target)} --filter '' --yes`,
				'echo EXIT=$?',
				`stty -a > ${JSON.stringify(sttyFile)}`,
				'sleep 600',
			].join('; ');
			tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', command);
			await waitForPane(
				session,
				(t) => /\d+\/\d+ sessions · .* · Esc or Ctrl-C stops after this session/.test(t),
				'the progress line',
			);
			tmux('send-keys', '-t', session, key);
			const pane = await waitForPane(session, (t) => t.includes('EXIT='), 'the archive to end');
			expect(pane).toContain('stopping after the current session');
			const stopped = /stopped: (\d+) sessions? not moved/.exec(pane);
			expect(stopped, pane).not.toBeNull();
			expect(pane).toContain('EXIT=130');
			const archived = sessionsIn(target);
			const left = sessionsIn(ws.root);
			expect(left.size).toBe(Number(stopped![1]));
			expect(archived.size + left.size).toBe(SESSIONS);
			for (const [name, content] of original) expect(archived.get(name) ?? left.get(name), name).toBe(content);
			// The terminal is back in cooked mode: line editing, echo and signals.
			await waitForPane(
				session,
				() => fs.existsSync(sttyFile) && fs.readFileSync(sttyFile, 'utf8').length > 0,
				'stty',
			);
			const stty = fs.readFileSync(sttyFile, 'utf8');
			for (const flag of ['icanon', 'echo', 'isig']) expect(stty).toMatch(new RegExp(`(^|\\s)${flag}(\\s|$)`));
		},
	);
});
