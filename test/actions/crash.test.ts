/**
 * SIGKILL at random moments of `sdstats archive` of 100 sessions across two filesystems (a tmpfs as the
 * second; needs root). After each kill, the next sdstats command settles the journal; then every session must
 * exist exactly once and whole (file list, sizes, contents and mtimes compared), its stats row must name
 * where it is, nothing temporary may be left, and a second recovery must find nothing to do.
 * SDSTATS_CRASH_RUNS sets the number of kills (default 12); the seed is printed so a failure can be replayed.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {listJournals} from '../../source/jobs/actions/journal.js';
import {computeRoot, isRoot, mountTmpfs, sessionName, sessionsIn, writeSession} from '../helpers/action-fixtures.js';
import {seededRandom} from '../helpers/random.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {actionWorkspace, pathsIn} from './action-harness.js';

const RUNS = Number(process.env.SDSTATS_CRASH_RUNS ?? 12);
const SESSIONS = 100;

const mounts: Array<{unmount(): void}> = [];
afterAll(() => {
	for (const m of mounts) m.unmount();
});

const mounted = isRoot
	? mountTmpfs(512 * 1024 * 1024)
	: {reason: 'not root: cannot mount a tmpfs as the second filesystem'};
if (!('reason' in mounted)) mounts.push(mounted);
const skipReason = 'reason' in mounted ? mounted.reason : null;

function spawnArchive(
	args: string[],
	env: Record<string, string>,
): {done: Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>; kill(): void} {
	const started = performance.now();
	const child = spawn(process.execPath, [CLI_PATH, 'archive', ...args], {
		env: {...process.env, ...env},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	child.stderr.resume();
	const done = new Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>((resolve) => {
		child.on('exit', (code, signal) => resolve({code, signal, ms: performance.now() - started}));
	});
	return {done, kill: () => child.kill('SIGKILL')};
}

describe.skipIf(skipReason !== null)(
	`SIGKILL during an archive across filesystems${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		it(
			`every session exists exactly once and whole after ${RUNS} kills at random moments`,
			{timeout: 120_000 + RUNS * 60_000},
			async () => {
				const ws = actionWorkspace();
				const second = path.join((mounted as {dir: string}).dir, 'archive');
				fs.mkdirSync(second);
				for (let i = 0; i < SESSIONS; i++)
					writeSession(ws.root, sessionName(i), {images: 4, numImages: 4, bytes: 20_000 + i * 37});
				await computeRoot(ws.root, ws.dbPath);
				const original = sessionsIn(ws.root);
				const env = {SDSTATS_STATE_DIR: ws.stateDir};
				const places = [ws.root, second];
				const argsFrom = (from: string): string[] => [
					'--root',
					from,
					'--db',
					ws.dbPath,
					'--to',
					from === ws.root ? second : ws.root,
					'--filter',
					'',
					'--yes',
				];

				// One run each way uncut: how long a whole archive takes, and that both directions work.
				const whole = await spawnArchive(argsFrom(ws.root), env).done;
				expect(whole.code).toBe(0);
				expect(sessionsIn(second)).toEqual(original);
				expect((await spawnArchive(argsFrom(second), env).done).code).toBe(0);
				expect(sessionsIn(ws.root)).toEqual(original);
				const dry = await spawnArchive([...argsFrom(ws.root), '--dry-run'], env).done;

				const seed = Number(process.env.SDSTATS_CRASH_SEED ?? Date.now() % 1_000_000);
				const random = seededRandom(seed);
				const counts = {killedMidway: 0, finishedBeforeKill: 0, recoveries: 0, finished: 0, rolledBack: 0};
				for (let run = 0; run < RUNS; run++) {
					const nonEmpty = places.filter((p) => sessionsIn(p).size > 0);
					const from = nonEmpty[Math.floor(random() * nonEmpty.length)]!;
					const delay = dry.ms * 0.7 + random() * (whole.ms * 1.1 - dry.ms * 0.7);
					const child = spawnArchive(argsFrom(from), env);
					const timer = setTimeout(() => child.kill(), delay);
					const exit = await child.done;
					clearTimeout(timer);
					if (exit.signal === 'SIGKILL') counts.killedMidway++;
					else counts.finishedBeforeKill++;

					// The next sdstats command settles what was interrupted, and says so.
					const next = await runCli(['undo', '--list', '--root', ws.root, '--db', ws.dbPath], {env});
					expect(next.code, `seed ${seed} run ${run}: ${next.stderr}`).toBe(0);
					const said = [...next.stderr.matchAll(/finished (\d+) session|put (\d+) back/g)];
					if (/an interrupted archive/.test(next.stderr)) counts.recoveries++;
					for (const m of said) {
						if (m[1]) counts.finished += Number(m[1]);
						if (m[2]) counts.rolledBack += Number(m[2]);
					}
					expect(next.stderr, `seed ${seed} run ${run}`).not.toContain('left alone');

					const inRoot = sessionsIn(ws.root);
					const inSecond = sessionsIn(second);
					for (const [name, content] of original) {
						const where = [inRoot.has(name), inSecond.has(name)].filter(Boolean).length;
						expect(where, `seed ${seed} run ${run}: ${name} in ${where} places`).toBe(1);
						expect(inRoot.get(name) ?? inSecond.get(name), `seed ${seed} run ${run}: ${name} whole`).toBe(
							content,
						);
					}
					expect(inRoot.size + inSecond.size).toBe(SESSIONS);
					for (const dir of places)
						expect(
							fs.readdirSync(dir).filter((n) => n.startsWith('.sdstats-')),
							`seed ${seed} run ${run}`,
						).toEqual([]);
					expect(listJournals(ws.stateDir).filter((j) => j.open)).toEqual([]);
					const stats = pathsIn(ws.dbPath, 'session_stats');
					for (const name of original.keys())
						expect(stats.get(name), `seed ${seed} run ${run}: ${name}'s row`).toBe(
							path.join(inRoot.has(name) ? ws.root : second, name),
						);

					// A second recovery finds nothing to do.
					const again = await runCli(['undo', '--list', '--root', ws.root, '--db', ws.dbPath], {env});
					expect(again.stderr).toBe('');
					if ((run + 1) % 10 === 0)
						console.log(`crash test (seed ${seed}): after ${run + 1} runs ${JSON.stringify(counts)}`);
				}
				console.log(
					`crash test (seed ${seed}): ${RUNS} runs, ${counts.killedMidway} killed midway, ${counts.finishedBeforeKill} finished before the kill; ${counts.recoveries} recoveries finished ${counts.finished} sessions and put ${counts.rolledBack} back; whole run ${Math.round(whole.ms)} ms`,
				);
				expect(counts.killedMidway).toBeGreaterThan(0);
			},
		);
	},
);
