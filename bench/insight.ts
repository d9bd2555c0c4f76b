/**
 * Issue-6 figures: the CPU one live poll costs over 10,000 cached sessions, and the missing-combination analysis
 * of a 100,000-entry manifest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {analyseMissing} from '../source/core/analysis/combinations.js';
import {readManifestImages} from '../source/core/analysis/manifest-images.js';
import {buildManifest, writeSession} from '../source/demo/corpus.js';
import {runCompute} from '../source/jobs/compute-job.js';
import {LivePoller} from '../source/jobs/live.js';
import {openDatabase} from '../source/store/db.js';
import {LiveQueries} from '../source/store/live-queries.js';
import {StatsRepository} from '../source/store/stats-repository.js';

/** A root of `count` small sessions, 2 % of them running, built once and reused. */
function liveRoot(count: number): string {
	const root = path.join(os.tmpdir(), 'sdstats-bench', `live-root-${count}`);
	const stamp = path.join(root, '.complete');
	if (fs.existsSync(stamp)) return root;
	fs.rmSync(root, {recursive: true, force: true});
	fs.mkdirSync(root, {recursive: true});
	for (let i = 0; i < count; i++) {
		const running = i % 50 === 0;
		writeSession(root, {
			name: `2025${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}_${String(i).padStart(6, '0')}-live_${i}`,
			manifest: {numImages: 8, status: running ? 'ongoing' : 'completed'},
			images: running ? 3 : 8,
			firstImageMs: running ? Date.now() - 30_000 : undefined,
		});
	}
	fs.writeFileSync(stamp, '');
	return root;
}

const cpuMs = (start: NodeJS.CpuUsage): number => {
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
};

export async function livePollFigures(count: number): Promise<{idleMs: number; changedMs: number; active: number}> {
	const root = liveRoot(count);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-live-db-'));
	const dbPath = path.join(work, 'sessions.db');
	try {
		const {db} = openDatabase(dbPath, 'create');
		const repository = new StatsRepository(db);
		await runCompute({root, repository});
		const poller = new LivePoller({root, dbPath, repository, queries: new LiveQueries(db), stallWindowMs: 600_000});
		await poller.cycle(); // takes stock
		const samples: number[] = [];
		for (let i = 0; i < 5; i++) {
			const start = process.cpuUsage();
			await poller.cycle();
			samples.push(cpuMs(start));
		}
		// One image more in five running sessions: the cycle that recomputes them.
		const active = poller.activeSessions();
		for (const id of active.slice(0, 5)) fs.writeFileSync(path.join(root, id, `extra_${Date.now()}.png`), '');
		const start = process.cpuUsage();
		await poller.cycle();
		const changedMs = cpuMs(start);
		db.close();
		samples.sort((a, b) => a - b);
		return {idleMs: samples[Math.floor(samples.length / 2)]!, changedMs, active: active.length};
	} finally {
		fs.rmSync(work, {recursive: true, force: true});
	}
}

export function analysisFigures(entries: number): {bytes: number; readMs: number; analyseMs: number; missing: number} {
	// 100 × 100 × 10 combinations, every tenth image gone.
	const hair = Array.from({length: 100}, (_, i) => `hair ${i}`);
	const pose = Array.from({length: 100}, (_, i) => `pose ${i}`);
	const light = Array.from({length: Math.ceil(entries / 10_000)}, (_, i) => `light ${i}`);
	const manifest = buildManifest(
		'20251120_120000-big',
		{numImages: entries, status: 'completed', variations: {Hair: hair, Pose: pose, Light: light}},
		entries,
	);
	const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
	const onDisk = new Set(
		(manifest.images as Array<{filename: string}>).filter((_, i) => i % 10 !== 0).map((e) => e.filename),
	);
	const started = performance.now();
	const read = readManifestImages(bytes);
	const readMs = performance.now() - started;
	if (!read.ok) throw new Error(read.reason);
	const analysing = performance.now();
	const analysis = analyseMissing(read, {imagesOnDisk: onDisk});
	return {
		bytes: bytes.length,
		readMs,
		analyseMs: performance.now() - analysing,
		missing: Number(analysis.missingCount),
	};
}
