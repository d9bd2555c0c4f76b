/**
 * The legacy variant of the compute benchmark: the same root twice, once with a manifest.json per session and
 * once without, so every session needs its images' parameters (a sample of each session's PNGs). Target: the
 * root without manifests computes within 1.3× the time of the root with them.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {writeSession} from '../source/demo/corpus.js';
import {a1111Png} from '../source/demo/image-files.js';
import {EXPRESSION} from './synthetic-root.js';

const MODELS = ['illustriousXL_v01', 'ponyDiffusionV6XL', 'hassakuXL_v13'];
/** Two roots with the same PNGs (each carrying A1111 parameters); only the first has manifest.json files. */
export function legacyRoots(
	sessions: number,
	images: number,
	base = path.join(os.tmpdir(), 'sdstats-bench'),
): {withManifests: string; withoutManifests: string} {
	const withManifests = path.join(base, `legacy-manifest-${sessions}x${images}`);
	const withoutManifests = path.join(base, `legacy-png-${sessions}x${images}`);
	for (const [root, manifests] of [
		[withManifests, true],
		[withoutManifests, false],
	] as const) {
		const stamp = path.join(root, '.complete');
		if (fs.existsSync(stamp)) continue;
		fs.rmSync(root, {recursive: true, force: true});
		fs.mkdirSync(root, {recursive: true});
		const started = performance.now();
		for (let i = 0; i < sessions; i++) {
			const at = Date.UTC(2025, 8, 1) + i * 3_600_000;
			const name = `${new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)}-legacy_${i}`;
			const model = MODELS[i % MODELS.length]!;
			const names = Array.from(
				{length: images},
				(_, k) => `legacy_${i}_${String(k).padStart(4, '0')}_seed-${1000 + k}.png`,
			);
			const folder = writeSession(root, {
				name,
				...(manifests
					? {
							manifest: {
								model: `${model}.safetensors [a1b2c3d4e5]`,
								numImages: images,
								status: 'completed',
								variations: {Expression: EXPRESSION},
							},
						}
					: {}),
				imageNames: names,
				firstImageMs: at,
				imageIntervalMs: 4000,
			});
			names.forEach((file, k) => {
				const target = path.join(folder, file);
				const {mtime} = fs.statSync(target);
				fs.writeFileSync(
					target,
					a1111Png({
						prompt: `masterpiece, 1girl, ${EXPRESSION[k % EXPRESSION.length]}`,
						negative: 'lowres',
						seed: 1000 + k,
						model,
						modelHash: 'a1b2c3d4e5',
						scheduler: 'Karras',
					}),
				);
				fs.utimesSync(target, mtime, mtime);
			});
			if (i % 100 === 99) process.stderr.write(`  generating legacy root: ${i + 1}/${sessions} sessions\r`);
		}
		fs.writeFileSync(stamp, '');
		process.stderr.write(
			`  generated ${sessions} legacy sessions × ${images} PNGs (${manifests ? 'with' : 'without'} manifest.json) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
		);
	}
	return {withManifests, withoutManifests};
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const hasGnuTime = fs.existsSync('/usr/bin/time');

/** Wall seconds of one full compute and, where /usr/bin/time exists, its CPU seconds (user + system). */
function computeSeconds(cli: string, root: string, db: string): {wall: number; cpu: number | null} {
	const cpuFile = `${db}.time`;
	const args = [cli, 'compute', '--root', root, '--db', db];
	const [command, fullArgs] = hasGnuTime
		? ['/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]]
		: [process.execPath, args];
	const started = performance.now();
	const result = spawnSync(command, fullArgs as string[], {stdio: ['ignore', 'ignore', 'pipe']});
	const wall = (performance.now() - started) / 1000;
	if (result.status !== 0) throw new Error(`compute ${root} failed (${result.status}): ${result.stderr}`);
	if (!hasGnuTime) return {wall, cpu: null};
	const [user, system] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
	return {wall, cpu: user! + system!};
}

export function legacySection(cli: string, sessions: number, images: number, runs: number): void {
	const {withManifests, withoutManifests} = legacyRoots(sessions, images);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-bench-legacy-'));
	try {
		const manifest: Array<{wall: number; cpu: number | null}> = [];
		const legacy: Array<{wall: number; cpu: number | null}> = [];
		// Alternate the two so a change in machine load hits both alike; a first pass warms the page cache.
		computeSeconds(cli, withManifests, path.join(work, 'warm-a.db'));
		computeSeconds(cli, withoutManifests, path.join(work, 'warm-b.db'));
		for (let run = 0; run < runs; run++) {
			manifest.push(computeSeconds(cli, withManifests, path.join(work, `m-${run}.db`)));
			legacy.push(computeSeconds(cli, withoutManifests, path.join(work, `l-${run}.db`)));
		}
		const m = median(manifest.map((r) => r.wall));
		const l = median(legacy.map((r) => r.wall));
		// Each legacy run against the manifest run just before it: load that changes between runs cancels out.
		const paired = median(legacy.map((r, i) => r.wall / manifest[i]!.wall));
		const cpuPaired = hasGnuTime ? median(legacy.map((r, i) => r.cpu! / manifest[i]!.cpu!)) : null;
		const verdict = (ratio: number): string => (ratio <= 1.3 ? 'within target (≤ 1.3)' : 'MISSES target (≤ 1.3)');
		console.log(`sdstats benchmark · legacy root · ${sessions} sessions × ${images} PNGs with parameters`);
		console.log(`  sdstats compute, full, with manifest.json          ${m.toFixed(3)} s`);
		console.log(
			`  sdstats compute, full, from the images' parameters ${l.toFixed(3)} s  = ${paired.toFixed(2)} × with manifests  ${verdict(paired)}`,
		);
		if (cpuPaired !== null) {
			const mc = median(manifest.map((r) => r.cpu!));
			const lc = median(legacy.map((r) => r.cpu!));
			console.log(
				`  CPU time (user + system): ${mc.toFixed(3)} s with manifests, ${lc.toFixed(3)} s from parameters  = ${cpuPaired.toFixed(2)} ×  ${verdict(cpuPaired)}`,
			);
		}
		console.log(
			`  (medians of ${runs} runs each; ratios paired, each run against the manifest run just before it)`,
		);
	} finally {
		fs.rmSync(work, {recursive: true, force: true});
	}
}
