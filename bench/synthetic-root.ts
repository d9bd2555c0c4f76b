/** A synthetic results root for the benchmark, built once per size and reused (marked complete by a stamp file). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {writeSession} from '../source/demo/corpus.js';

const MODELS = [
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'hassakuXL_v13.safetensors [9f0c1b2a33]',
];
const HAIR = [
	'short bob',
	'long ponytail',
	'twin braids',
	'messy bun',
	'pixie cut',
	'side braid',
	'hime cut',
	'wavy',
	'curly',
	'straight',
];
/** The expression placeholder's values, shared with the legacy root (bench/legacy.ts). */
export const EXPRESSION = [
	'smiling',
	'serious',
	'surprised',
	'laughing',
	'crying',
	'angry',
	'sleepy',
	'smug',
	'pouting',
	'shy',
];

export type RootSize = {sessions: number; images: number};

export function syntheticRoot(size: RootSize, base = path.join(os.tmpdir(), 'sdstats-bench')): string {
	const root = path.join(base, `root-${size.sessions}x${size.images}`);
	const stamp = path.join(root, '.complete');
	if (fs.existsSync(stamp)) return root;
	fs.rmSync(root, {recursive: true, force: true});
	fs.mkdirSync(root, {recursive: true});
	const started = performance.now();
	const startMs = Date.UTC(2025, 9, 1);
	for (let i = 0; i < size.sessions; i++) {
		const at = new Date(startMs + i * 3_600_000);
		const stamp14 = at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
		// Most sessions complete; every tenth is interrupted, every fiftieth still "ongoing".
		const images = i % 10 === 9 ? Math.floor(size.images / 2) : size.images;
		writeSession(root, {
			name: `${stamp14}-bench_${i}`,
			manifest: {
				model: MODELS[i % MODELS.length],
				numImages: size.images,
				status: i % 50 === 49 ? 'ongoing' : 'completed',
				variations: {
					Hair: HAIR,
					Expression: EXPRESSION.slice(0, Math.max(1, Math.ceil(size.images / HAIR.length))),
				},
			},
			images,
			firstImageMs: at.getTime(),
			imageIntervalMs: 4000,
		});
		if (i % 500 === 499) process.stderr.write(`  generating synthetic root: ${i + 1}/${size.sessions} sessions\r`);
	}
	fs.writeFileSync(stamp, '');
	process.stderr.write(
		`  generated ${size.sessions} sessions × ~${size.images} images in ${((performance.now() - started) / 1000).toFixed(1)} s at ${root}\n`,
	);
	return root;
}
