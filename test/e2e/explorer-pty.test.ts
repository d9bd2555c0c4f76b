/**
 * The built binary in a real pseudo-terminal (tmux): start on a fixture root, filter, sort, open details,
 * recompute, quit, and check the terminal was given back (main screen, cursor, cooked mode). Also the signal
 * exits a dropped SSH link or a `kill` produce.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const sessions: string[] = [];

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

function capture(session: string): string {
	return tmux('capture-pane', '-p', '-t', session);
}

function paneFlag(session: string, flag: string): string {
	return tmux('display-message', '-p', '-t', session, `#{${flag}}`).trim();
}

/** Polls the pane (tmux has no change notification); each poll yields to the event loop only. */
async function waitForPane(
	session: string,
	check: (text: string) => boolean,
	what: string,
	limitMs = 15_000,
): Promise<string> {
	const started = Date.now();
	for (;;) {
		const text = capture(session);
		if (check(text)) return text;
		if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}; pane:\n${text}`);
		await new Promise((resolve) => setImmediate(resolve));
	}
}

function keys(session: string, ...sequence: string[]): void {
	tmux('send-keys', '-t', session, ...sequence);
}

function startExplorer(name: string, args: string[], base: string): {session: string; sttyFile: string} {
	const session = `sdstats-e2e-${process.pid}-${name}`;
	sessions.push(session);
	const sttyFile = path.join(base, `stty-${name}.txt`);
	// The shell prints a marker first: after quitting, it must be visible again (the main screen is back).
	const command = [
		'echo BEFORE-EXPLORER',
		// CI=true on purpose: Ink draws only a final frame when it sees CI, so on a real terminal sdstats must
		// clear it (regression: every explorer frame was missing when the tests ran under CI=true).
		// NODE_ENV=development on purpose too: sdstats must load React's production build regardless.
		`CI=true NODE_ENV=development NO_COLOR=1 ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_PATH)} ${args.map((a) => JSON.stringify(a)).join(' ')}`,
		'echo EXIT=$?',
		`stty -a > ${JSON.stringify(sttyFile)}`,
		'echo STTY-SAVED',
		'sleep 60',
	].join('; ');
	tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `sh -c '${command.replace(/'/g, `'\\''`)}'`);
	return {session, sttyFile};
}

function explorerPid(session: string): number {
	const shell = paneFlag(session, 'pane_pid');
	const child = spawnSync('pgrep', ['-P', shell], {encoding: 'utf8'}).stdout.trim();
	return Number(child.split('\n')[0]);
}

function expectTerminalRestored(session: string, sttyFile: string): void {
	expect(paneFlag(session, 'alternate_on')).toBe('0');
	expect(paneFlag(session, 'cursor_flag')).toBe('1');
	const stty = fs.readFileSync(sttyFile, 'utf8');
	// Cooked mode: canonical input and echo are back on.
	expect(stty).toMatch(/(^|\s)icanon(\s|$)/m);
	expect(stty).toMatch(/(^|\s)echo(\s|$)/m);
	expect(capture(session)).toContain('BEFORE-EXPLORER');
}

function fixture() {
	const workspace = makeWorkspace('sdstats-pty-');
	writeSession(workspace.root, {
		name: '20251112_210411-street_portrait',
		manifest: {numImages: 6, status: 'completed', prompt: 'a portrait on a street'},
		images: 6,
	});
	writeSession(workspace.root, {
		name: '20251113_090000-half_done',
		manifest: {numImages: 8, status: 'completed', prompt: 'a red fox in snow'},
		images: 2,
	});
	writeSession(workspace.root, {
		name: '20251114_100000-quarter',
		manifest: {numImages: 8, status: 'aborted'},
		images: 2,
	});
	writeSession(workspace.root, {name: '2025-10-14_163854_legacy.prompt', images: 3});
	return workspace;
}

beforeAll(() => {
	expect(spawnSync('tmux', ['-V']).status, 'tmux is needed for the pseudo-terminal tests').toBe(0);
	expect(fs.existsSync(CLI_PATH), 'build first (npm test builds)').toBe(true);
});

afterEach(() => {
	for (const session of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', session]);
});

describe('the explorer in a real terminal', () => {
	it('computes an empty cache, filters, sorts, shows details, recomputes, quits and restores the terminal', async () => {
		const {root, base} = fixture();
		const {session, sttyFile} = startExplorer('walk', ['--root', root], base);

		// An empty cache starts a compute by itself; the rows arrive.
		await waitForPane(
			session,
			(t) => t.includes('4 of 4 shown') && t.includes('recomputed 4 sessions'),
			'the first compute',
		);
		expect(paneFlag(session, 'alternate_on')).toBe('1');

		keys(session, '/');
		keys(session, '-l', 'fox');
		let pane = await waitForPane(session, (t) => t.includes('1 of 4 shown'), 'the text filter');
		expect(pane).toContain('half_done');
		expect(pane).not.toContain('street_portrait');
		keys(session, 'Escape');
		await waitForPane(session, (t) => t.includes('4 of 4 shown'), 'Esc clearing the filter');
		keys(session, 'Escape');

		keys(session, 's');
		await waitForPane(session, (t) => t.includes('Sort by'), 'the sort pane');
		// completion % is the sixth column of the pane's list.
		keys(session, 'Home');
		for (let i = 0; i < 5; i++) keys(session, 'Down');
		keys(session, 'Left', 'Enter');
		pane = await waitForPane(session, (t) => t.includes('DONE▲'), 'the completion sort');
		const rows = pane.split('\n').filter((l) => /\d+\/\d+|\/\?/.test(l));
		expect(rows[0]).toMatch(/quarter|half_done/);

		keys(session, 'Enter');
		pane = await waitForPane(session, (t) => t.includes('Generation') && t.includes('Images'), 'the details');
		keys(session, 'G');
		pane = await waitForPane(
			session,
			(t) => t.includes('Paths') && t.includes('database'),
			'the end of the details',
		);
		keys(session, 'Escape');
		await waitForPane(session, (t) => t.includes('DONE▲'), 'back to the list');

		keys(session, 'r');
		await waitForPane(session, (t) => t.includes('recomputed 1 session'), 'the recompute of the selected session');

		keys(session, 'q');
		await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
		expect(capture(session)).toContain('EXIT=0');
		expectTerminalRestored(session, sttyFile);
	});

	// Regression (issue 11, item 11): the explorer refused a new --db path ("no database … run sdstats compute
	// first") though an empty cache starts a compute by itself.
	it('the explorer on a new --db path starts and computes; a --db folder that does not exist is not created', async () => {
		const {root, base} = fixture();
		const dbPath = path.join(base, 'elsewhere.db');
		const {session, sttyFile} = startExplorer('new-db', ['--root', root, '--db', dbPath], base);
		await waitForPane(
			session,
			(t) => t.includes('4 of 4 shown') && t.includes('recomputed 4 sessions'),
			'the first compute into the new database',
		);
		keys(session, 'q');
		await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
		expect(capture(session)).toContain('EXIT=0');
		expectTerminalRestored(session, sttyFile);
		expect(fs.existsSync(dbPath)).toBe(true);
		expect(JSON.parse((await runCli(['list', '--root', root, '--db', dbPath, '--json'])).stdout)).toHaveLength(4);

		const mistyped = path.join(base, 'no-such-folder', 'cache.db');
		const refused = startExplorer('mistyped-db', ['--root', root, '--db', mistyped], base);
		await waitForPane(refused.session, (t) => t.includes('STTY-SAVED'), 'the refusal');
		expect(capture(refused.session)).toContain('EXIT=1');
		expect(capture(refused.session)).toContain('no database at');
		expect(fs.existsSync(path.dirname(mistyped))).toBe(false);
	});

	it('marks two sessions as favourites, quits, and list --filter fav:yes --json reads them back', async () => {
		const {root, base} = fixture();
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		const {session, sttyFile} = startExplorer('triage', ['--root', root], base);
		await waitForPane(session, (t) => t.includes('4 of 4 shown'), 'the explorer');
		// The two newest sessions: mark them, then favourite both.
		keys(session, 'Home', 'Space', 'Space', '*');
		await waitForPane(session, (t) => t.includes('set ★ favourite on 2 sessions'), 'the favourites');
		keys(session, 'q');
		await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
		expectTerminalRestored(session, sttyFile);
		const listed = await runCli(['list', '--root', root, '--filter', 'fav:yes', '--json']);
		expect(listed.code).toBe(0);
		const favourites = JSON.parse(listed.stdout) as Array<{session_id: string; is_favorite: boolean}>;
		expect(favourites.map((f) => f.session_id)).toEqual(['20251114_100000-quarter', '20251113_090000-half_done']);
		expect(favourites.every((f) => f.is_favorite === true)).toBe(true);
	});

	it('updates a running session on screen by itself while another process writes its images, then shows it stalled', async () => {
		const {root, base} = fixture();
		const name = '20251120_120000-live_run';
		const folder = writeSession(root, {
			name,
			manifest: {numImages: 20, status: 'ongoing'},
			images: 3,
			firstImageMs: Date.now() - 3000,
			imageIntervalMs: 1000,
		});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		// A stall window of 15 s, so the end of the writes shows as stalled within the test.
		const {session, sttyFile} = startExplorer('live', ['--root', root, '--stall-minutes', '0.25'], base);
		await waitForPane(session, (t) => /live_run.*running\s+3\/20/.test(t), 'the running session');
		// Another process writes four more images and rewrites the manifest after each, as the generator does.
		const writer = spawn(process.execPath, [
			'-e',
			`const fs = require('fs'); const path = require('path'); const folder = ${JSON.stringify(folder)};
			 let n = 3; const timer = setInterval(() => {
			   fs.writeFileSync(path.join(folder, 'live_run_' + String(n).padStart(4, '0') + '.png'), '');
			   const m = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
			   m.images.push({filename: 'x' + n + '.png'}); fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(m));
			   if (++n === 7) clearInterval(timer);
			 }, 400);`,
		]);
		await waitForPane(
			session,
			(t) => /live_run.*\s7\/20/.test(t),
			'the new images to show up without a key press',
			30_000,
		);
		writer.kill();
		await waitForPane(
			session,
			(t) => /live_run.*stalled\s+7\/20/.test(t),
			'the run to turn stalled without a key press',
			30_000,
		);
		keys(session, 'q');
		await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
		expectTerminalRestored(session, sttyFile);
	});

	for (const [signal, code] of [
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const) {
		it(`restores the terminal on ${signal}`, async () => {
			const {root, base} = fixture();
			const {session, sttyFile} = startExplorer(signal.toLowerCase(), ['--root', root], base);
			await waitForPane(session, (t) => t.includes('4 of 4 shown'), 'the explorer');
			process.kill(explorerPid(session), signal);
			await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
			expect(capture(session)).toContain(`EXIT=${code}`);
			expectTerminalRestored(session, sttyFile);
		});
	}

	it('restores the terminal on Ctrl-C', async () => {
		const {root, base} = fixture();
		const {session, sttyFile} = startExplorer('ctrlc', ['--root', root], base);
		await waitForPane(session, (t) => t.includes('4 of 4 shown') && !t.includes('Recomputing'), 'the explorer');
		keys(session, 'C-c');
		await waitForPane(session, (t) => t.includes('STTY-SAVED'), 'the explorer to exit');
		expect(capture(session)).toContain('EXIT=0');
		expectTerminalRestored(session, sttyFile);
	});
});
