/**
 * SIGKILL at random moments of one `sdstats archive` over TWO results roots, each with its own database, across
 * filesystems (issue 14 with issue 15's roots). Each root's archive folder is its default, `<root>/../archive`,
 * with a tmpfs mounted on it (needs root; skipped with the reason elsewhere), so every move is a copy, verify
 * and remove, and the archive folders are results roots themselves whose default database is their root's: the
 * way back is the same command over the two archive folders (each remembers its root as its archive folder).
 * The two roots hold 100 sessions, 25 names in both (with different contents), so a session taken for its
 * namesake in the other root would show.
 *
 * After each kill the next sdstats command settles the journal; then every session of each root exists exactly
 * once, in that root or its archive, and whole (file list, sizes, contents and mtimes compared); each database's
 * paths, our stats' and the web UI's session_metadata, name where its sessions are; nothing temporary is left;
 * and a second recovery finds nothing to do.
 *
 * The loop runs until SDSTATS_CRASH_RUNS kills (default 8) have interrupted an action that then needed
 * recovering (a kill during start-up or after the end proves nothing), at most three times as many attempts;
 * each kill comes at a random moment after the action's journal opened, within the measured length of the moves. The seed is printed so a failure can be replayed
 * (SDSTATS_CRASH_SEED).
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {recoverActions} from '../../source/jobs/actions/recover.js';
import {rememberArchiveFolder} from '../../source/jobs/actions/remembered.js';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {seededRandom} from '../helpers/random.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {actionWorkspace, addTriage, pathsIn} from './action-harness.js';

// Fewer than the single-root test's 12 by default: each kill here costs two roots' worth of copying.
const RUNS = Number(process.env.SDSTATS_CRASH_RUNS ?? 8);
const ATTEMPTS = RUNS * 3;

const mounts: Array<{unmount(): void}> = [];
const unmountAll = (): void => {
	for (const m of mounts.splice(0)) m.unmount();
};
// Before the workspaces are removed (hooks run last-registered first): the mounts are inside them.
afterAll(unmountAll);

const skipReason = ((): string | null => {
	if (!isRoot) return 'not root: cannot mount a tmpfs as the second filesystem';
	const probe = mountTmpfs(1024 * 1024);
	if ('reason' in probe) return probe.reason;
	probe.unmount();
	return null;
})();

type Root = {
	name: string;
	results: string;
	archive: string;
	dbPath: string;
	ids: number[];
	bytes: (i: number) => number;
};

function spawnArchive(
	args: string[],
	env: Record<string, string>,
): {done: Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string}>; kill(): void} {
	const started = performance.now();
	const child = spawn(process.execPath, [CLI_PATH, 'archive', ...args], {
		env: {...process.env, ...env},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string}>(
		(resolve) => {
			child.on('exit', (code, signal) => resolve({code, signal, ms: performance.now() - started, stderr}));
		},
	);
	return {done, kill: () => child.kill('SIGKILL')};
}

describe.skipIf(skipReason !== null)(
	`SIGKILL during an archive over two roots with two databases, across filesystems${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		it(
			`every session of each root exists exactly once and whole, and each database follows, after ${RUNS} interrupting kills`,
			{timeout: 180_000 + ATTEMPTS * 40_000},
			async () => {
				const one = actionWorkspace();
				const other = makeWorkspace('sdstats-actions-other-');
				const roots: Root[] = [
					{
						name: 'one',
						results: one.root,
						archive: path.join(one.base, 'archive'),
						dbPath: one.dbPath,
						ids: Array.from({length: 50}, (_, i) => i),
						bytes: (i) => 20_000 + i * 37,
					},
					{
						name: 'other',
						results: other.root,
						archive: path.join(other.base, 'archive'),
						dbPath: other.dbPath,
						// 25..49 are in both roots.
						ids: Array.from({length: 50}, (_, i) => 25 + i),
						bytes: (i) => 23_000 + i * 41,
					},
				];
				try {
					for (const root of roots) {
						const mounted = mountTmpfs(256 * 1024 * 1024, root.archive);
						if ('reason' in mounted) throw new Error(mounted.reason);
						mounts.push(mounted);
						for (const i of root.ids)
							writeSession(root.results, sessionName(i), {images: 4, numImages: 4, bytes: root.bytes(i)});
						await computeRoot(root.results, root.dbPath);
						// The web UI's triage of every session: its session_path must follow too.
						for (const i of root.ids)
							addTriage(root.dbPath, sessionName(i), path.join(root.results, sessionName(i)));
						// The way back: each archive folder's archive folder is its results root.
						rememberArchiveFolder(one.stateDir, root.archive, root.results);
					}
					const original = roots.map((root) => sessionsIn(root.results));
					expect(original.map((o) => o.size)).toEqual([50, 50]);
					// The 25 shared names hold different files in each root.
					expect(original[0]!.get(sessionName(30))).not.toBe(original[1]!.get(sessionName(30)));
					const env = {SDSTATS_STATE_DIR: one.stateDir};
					const out = ['--root', roots[0]!.results, '--root', roots[1]!.results, '--filter', '', '--yes'];
					const back = ['--root', roots[0]!.archive, '--root', roots[1]!.archive, '--filter', '', '--yes'];
					const settle = ['undo', '--list', '--root', roots[0]!.results, '--root', roots[1]!.results];

					/** Every invariant, after the journal was settled. */
					const check = (what: string): void => {
						roots.forEach((root, r) => {
							const inResults = sessionsIn(root.results);
							const inArchive = sessionsIn(root.archive);
							expect(inResults.size + inArchive.size, `${what}: ${root.name}'s sessions`).toBe(50);
							const stats = pathsIn(root.dbPath, 'session_stats');
							const triage = pathsIn(root.dbPath, 'session_metadata');
							expect([stats.size, triage.size], `${what}: ${root.name}'s database rows`).toEqual([
								50, 50,
							]);
							for (const [name, content] of original[r]!) {
								const places = [inResults.has(name), inArchive.has(name)].filter(Boolean).length;
								expect(places, `${what}: ${root.name}'s ${name} in ${places} places`).toBe(1);
								expect(
									inResults.get(name) ?? inArchive.get(name),
									`${what}: ${root.name}'s ${name} whole`,
								).toBe(content);
								const where = path.join(inResults.has(name) ? root.results : root.archive, name);
								expect(stats.get(name), `${what}: ${root.name}'s ${name} stats row`).toBe(where);
								expect(triage.get(name), `${what}: ${root.name}'s ${name} session_metadata row`).toBe(
									where,
								);
							}
							for (const dir of [root.results, root.archive])
								expect(
									fs.readdirSync(dir).filter((n) => n.startsWith('.sdstats-')),
									`${what}: ${dir}`,
								).toEqual([]);
						});
						expect(
							listJournals(one.stateDir).filter((j) => j.open),
							what,
						).toEqual([]);
					};

					// One run each way uncut: how long a whole archive takes, and that both directions work.
					const whole = await spawnArchive(out, env).done;
					expect(whole.code, whole.stderr).toBe(0);
					roots.forEach((root, r) => expect(sessionsIn(root.archive)).toEqual(original[r]));
					check('after the first uncut archive');
					const returned = await spawnArchive(back, env).done;
					expect(returned.code, returned.stderr).toBe(0);
					roots.forEach((root, r) => expect(sessionsIn(root.results)).toEqual(original[r]));
					check('after the uncut way back');
					const dry = await spawnArchive([...out, '--dry-run'], env).done;
					expect(dry.code, dry.stderr).toBe(0);

					const seed = Number(process.env.SDSTATS_CRASH_SEED ?? Date.now() % 1_000_000);
					const random = seededRandom(seed);
					const counts = {
						attempts: 0,
						killed: 0,
						finishedBeforeKill: 0,
						interrupted: 0,
						finished: 0,
						rolledBack: 0,
					};
					// Kills are aimed from the moment the action's journal is open (a kill before that interrupts
					// nothing), at a random point of how long the moves took in the uncut run: a loaded machine's slow
					// start-up cannot use up the attempts. A run that ends before its kill shortens the span.
					let span = Math.max(50, Math.max(whole.ms, returned.ms) - dry.ms);
					while (counts.interrupted < RUNS && counts.attempts < ATTEMPTS) {
						const run = counts.attempts++;
						// Each way in proportion to the sessions it would move: a run of a handful is mostly start-up.
						const outward = roots.reduce((n, root) => n + sessionsIn(root.results).size, 0);
						const inward = roots.reduce((n, root) => n + sessionsIn(root.archive).size, 0);
						const args = random() * (outward + inward) < outward ? out : back;
						const delay = random() * span;
						const known = new Set(listJournals(one.stateDir).map((j) => j.id));
						const child = spawnArchive(args, env);
						let opened: number | null = null;
						let timer: NodeJS.Timeout | undefined;
						const watch = setInterval(() => {
							if (!listJournals(one.stateDir).some((j) => j.open && !known.has(j.id))) return;
							clearInterval(watch);
							opened = performance.now();
							timer = setTimeout(() => child.kill(), delay);
						}, 2);
						const exit = await child.done;
						clearInterval(watch);
						clearTimeout(timer);
						const what = `seed ${seed} attempt ${run} (${args === out ? 'out' : 'back'}, kill ${Math.round(delay)} ms after the journal opened)`;
						if (exit.signal === 'SIGKILL') counts.killed++;
						else {
							expect(exit.code, `${what}: ${exit.stderr}`).toBe(0);
							counts.finishedBeforeKill++;
							if (opened !== null) span = Math.max(50, Math.min(span, performance.now() - opened));
						}

						// The next sdstats command settles what was interrupted, and says so.
						const next = await runCli(settle, {env});
						expect(next.code, `${what}: ${next.stderr}`).toBe(0);
						if (/an interrupted archive/.test(next.stderr)) counts.interrupted++;
						for (const m of next.stderr.matchAll(/finished (\d+) session|put (\d+) back/g)) {
							if (m[1]) counts.finished += Number(m[1]);
							if (m[2]) counts.rolledBack += Number(m[2]);
						}
						expect(next.stderr, what).not.toContain('left alone');
						check(what);

						// A second recovery (the same code any command runs first) finds nothing to do.
						expect(recoverActions(one.stateDir), what).toEqual([]);
					}
					console.log(
						`crash test over two roots (seed ${seed}): ${counts.attempts} attempts, ${counts.killed} killed, ${counts.finishedBeforeKill} finished before the kill; ${counts.interrupted} interrupted actions recovered, finishing ${counts.finished} sessions and putting ${counts.rolledBack} back; an uncut run ${Math.round(whole.ms)} ms, kills within ${Math.round(span)} ms of the journal opening`,
					);
					expect(counts.interrupted, `seed ${seed}: ${JSON.stringify(counts)}`).toBe(RUNS);
				} finally {
					unmountAll();
				}
			},
		);
	},
);
