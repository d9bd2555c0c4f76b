/**
 * Crashes: `sdstats compute` killed with SIGKILL at seeded random moments. After every kill the database must
 * be intact, hold no half-written session, and the next compute must finish the job.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {setTimeout as sleep} from 'node:timers/promises';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {isoFromEpochMs} from '../../source/core/iso-time.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {
	cli,
	essentials,
	halfWritten,
	integrityCheck,
	prng,
	spawnCli,
	variedSession,
	waitFor,
	withDb,
	writeVariedRoot,
} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const SEED = 0x5d57a75;
const ITERATIONS = 24;

async function referenceRows(root: string, scratchDb: string) {
	fs.rmSync(scratchDb, {force: true});
	const {db} = openDatabase(scratchDb, 'create');
	try {
		await runCompute({root, repository: new StatsRepository(db), runner: inlineRunner(), force: true});
	} finally {
		db.close();
	}
	const rows = essentials(scratchDb);
	for (const suffix of ['', '-wal', '-shm']) fs.rmSync(scratchDb + suffix, {force: true});
	return rows;
}

function hasBrokenManifest(folder: string): boolean {
	try {
		JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ENOENT';
	}
}

/** Changes some sessions so the next compute has work to do (new images, removed images, edited manifests, new and deleted folders). */
function mutate(root: string, rng: ReturnType<typeof prng>, iteration: number, nextIndex: {value: number}): void {
	const folders = fs.readdirSync(root).filter((n) => !n.startsWith('.'));
	for (let k = 0; k < 25; k++) {
		const folder = path.join(root, rng.pick(folders));
		// Sessions whose manifest never parsed keep their first row by design (see changing-files.test.ts);
		// they are left alone here so this test measures crash safety only.
		if (!fs.existsSync(folder) || hasBrokenManifest(folder)) continue;
		const action = rng.int(0, 9);
		if (action <= 3) {
			fs.writeFileSync(path.join(folder, `extra_${iteration}_${k}.png`), '');
		} else if (action <= 5) {
			const image = fs.readdirSync(folder).find((n) => n.endsWith('.png'));
			if (image) fs.rmSync(path.join(folder, image));
		} else if (action <= 8) {
			const manifestPath = path.join(folder, 'manifest.json');
			try {
				const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
					snapshot: {generation_params: Record<string, unknown>; runtime_info: Record<string, unknown>};
				};
				manifest.snapshot.generation_params.num_images = rng.int(1, 40);
				manifest.snapshot.runtime_info.sd_model_checkpoint = `model-${iteration}-${k}.safetensors`;
				fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
			} catch {
				// No manifest, or a broken one: leave it.
			}
		} else if (rng.chance(0.5)) {
			fs.rmSync(folder, {recursive: true, force: true});
		} else {
			writeSession(root, variedSession(nextIndex.value++, rng));
		}
	}
}

describe('crashes', () => {
	it(`SIGKILL at ${ITERATIONS}+ seeded random moments of a compute: integrity ok, no half-written session, the next compute completes the job`, async () => {
		const {base, root, dbPath} = makeWorkspace('sdstats-crash-', {oneFile: true});
		writeVariedRoot(root, 150, SEED);
		// Padding images make reading (and so the window in which batches are stored) a larger share of a run.
		for (const name of fs.readdirSync(root)) {
			for (let k = 0; k < 60; k++) fs.writeFileSync(path.join(root, name, `padding_${k}.png`), '');
		}
		const nextIndex = {value: 1000};
		const scratch = path.join(base, 'reference.db');
		const rng = prng(SEED);

		// The typical duration of a full compute of this root, as a user would run it (median of three: the
		// machine may be busy).
		const timing = path.join(base, 'timing.db');
		const durations: number[] = [];
		for (let k = 0; k < 3; k++) {
			const t0 = Date.now();
			const timed = await cli(['compute', '--force', '--root', root, '--db', timing]);
			durations.push(Date.now() - t0);
			expect(timed.code).toBe(0);
		}
		const typicalMs = durations.sort((a, b) => a - b)[1]!;

		const log: string[] = [];
		let killedWhileRunning = 0;
		let killedMidWrite = 0;
		// ITERATIONS kills at timed moments. The machine may be busy, so timing alone cannot promise kills between
		// stored batches: while fewer than three landed there, extra kills (up to 8) are triggered by progress
		// instead: a random 0-40 ms after the first batch of the run is seen in the database.
		for (let i = 0; i < ITERATIONS || (killedMidWrite < 3 && i < ITERATIONS + 8); i++) {
			if (i > 0) mutate(root, rng, i, nextIndex);
			const extra = i >= ITERATIONS;
			const force = i % 2 === 1 || extra;
			// Every delay lies between 0 and the typical duration; forced runs (which rewrite every session) draw from
			// its second half, where the batches are stored, so that kills land between transactions often.
			const delay = extra ? rng.int(0, 40) : rng.int(force ? Math.floor(typicalMs / 2) : 0, typicalMs);
			const startedIso = isoFromEpochMs(Date.now());
			const run = spawnCli(['compute', '--root', root, '--db', dbPath, ...(force ? ['--force'] : [])]);
			let exited = false;
			void run.done.then(() => (exited = true));
			if (extra) {
				const probe = new Database(dbPath, {readonly: true});
				const progress = probe
					.prepare('SELECT COUNT(*) FROM session_stats WHERE stats_computed_at >= ?')
					.pluck();
				await waitFor(() => exited || (progress.get(startedIso) as number) > 0, 30_000, 1);
				probe.close();
			}
			await sleep(delay);
			run.child.kill('SIGKILL');
			const killed = await run.done;
			let written = 0;
			if (fs.existsSync(dbPath)) {
				expect(integrityCheck(dbPath), log.join('\n')).toEqual(['ok']);
				expect(halfWritten(dbPath), log.join('\n')).toEqual({statsOnly: [], stateOnly: []});
				written = withDb(dbPath, (db) => {
					const tables = db
						.prepare("SELECT name FROM sqlite_master WHERE name = 'session_stats'")
						.pluck()
						.all();
					return tables.length === 0
						? 0
						: (db
								.prepare('SELECT COUNT(*) FROM session_stats WHERE stats_computed_at >= ?')
								.pluck()
								.get(startedIso) as number);
				});
			}
			if (killed.signal === 'SIGKILL') killedWhileRunning++;
			if (killed.signal === 'SIGKILL' && written > 0) killedMidWrite++;
			log.push(
				`#${i} ${extra ? 'after the first stored batch + ' : ''}delay ${delay} ms${force ? ' --force' : ''}: ${killed.signal ?? `exit ${killed.code}`}, ${written} sessions written before`,
			);

			const next = await cli(['compute', '--root', root, '--db', dbPath]);
			expect(next.code, `${log.join('\n')}\n${next.stderr}`).toBe(0);
			expect(next.stderr).not.toMatch(/waiting for|locked|\n\s+at /);
			const expected = await referenceRows(root, scratch);
			expect(essentials(dbPath), log.join('\n')).toEqual(expected);
			expect(halfWritten(dbPath)).toEqual({statsOnly: [], stateOnly: []});
		}
		// Many kills must land while the compute runs, or the test proves little.
		expect(killedWhileRunning, log.join('\n')).toBeGreaterThanOrEqual(ITERATIONS / 4);
		// …and some of them after the first batches were stored, before the last.
		expect(killedMidWrite, log.join('\n')).toBeGreaterThanOrEqual(3);
	}, 300_000);
});
