/** Session folders for the insight tests: generator-like manifests and real PNG files. */
import fs from 'node:fs';
import path from 'node:path';
import {TINY_PNG, buildManifest, type ManifestSpec} from '../../source/demo/corpus.js';
import type {CommonOptions} from '../../source/common-options.js';
import type {CommandIo} from '../../source/io.js';
import {locate} from '../../source/config.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';

/** The time in the folder names used here (`20251112_210411-…`); vitest runs with TZ=UTC, so local = UTC. */
export const FOLDER_MS = Date.UTC(2025, 10, 12, 21, 4, 11);

export type Cell = {values: Record<string, string>; seed: number | bigint};

/** The generator's order: product over non-empty placeholders, first outermost; with a seed list, every combination × every seed. */
export function generatorOrder(
	variations: Record<string, string[]>,
	seeds: {seedList?: readonly (number | bigint)[]; baseSeed?: number} = {},
): Cell[] {
	let combos: Array<Record<string, string>> = [{}];
	for (const [name, values] of Object.entries(variations)) {
		if (values.length === 0) continue;
		combos = combos.flatMap((combo) => values.map((value) => ({...combo, [name]: value})));
	}
	if (seeds.seedList) return combos.flatMap((values) => seeds.seedList!.map((seed) => ({values, seed})));
	return combos.map((values, i) => ({values, seed: (seeds.baseSeed ?? 1000) + i}));
}

export function fileNameOf(index: number, seed: number | bigint): string {
	return `image_${String(index).padStart(4, '0')}_seed-${seed}.png`;
}

export type GridSession = {folder: string; names: string[]; cells: readonly Cell[]};

/**
 * Writes a session whose manifest records `cells` (each with its own file name and seed) and a real PNG for
 * each, then removes the files of `deleted` (their entries stay: the generator recorded them). Seeds beyond
 * 2^53 are written as exact digits.
 */
export function writeGridSession(
	root: string,
	name: string,
	spec: ManifestSpec,
	cells: readonly Cell[],
	options: {deleted?: number[]; firstImageMs?: number; manifestMtimeMs?: number} = {},
): GridSession {
	const folder = path.join(root, name);
	fs.mkdirSync(folder, {recursive: true});
	const names = cells.map((cell, i) => fileNameOf(i, cell.seed));
	const manifest = buildManifest(name, spec, 0);
	const big = new Map<string, string>();
	const seedValue = (seed: number | bigint): unknown => {
		if (typeof seed === 'number') return seed;
		const token = `__BIG_${big.size}__`;
		big.set(token, seed.toString());
		return token;
	};
	manifest.images = cells.map((cell, i) => ({
		filename: names[i],
		seed: seedValue(cell.seed),
		prompt: `masterpiece, ${Object.values(cell.values).join(', ')}`,
		negative_prompt: 'lowres',
		applied_variations: cell.values,
	}));
	const snapshot = manifest.snapshot as {generation_params: Record<string, unknown>};
	if (spec.seedList) snapshot.generation_params.seed_list = spec.seedList;
	let text = JSON.stringify(manifest, null, 2);
	for (const [token, digits] of big) text = text.replace(`"${token}"`, digits);
	const start = options.firstImageMs ?? FOLDER_MS;
	names.forEach((file, i) => {
		const target = path.join(folder, file);
		fs.writeFileSync(target, TINY_PNG);
		const seconds = (start + i * 5000) / 1000;
		fs.utimesSync(target, seconds, seconds);
	});
	for (const i of options.deleted ?? []) fs.rmSync(path.join(folder, names[i]!));
	const manifestFile = path.join(folder, 'manifest.json');
	fs.writeFileSync(manifestFile, text);
	const manifestSeconds = (options.manifestMtimeMs ?? start + cells.length * 5000) / 1000;
	fs.utimesSync(manifestFile, manifestSeconds, manifestSeconds);
	return {folder, names, cells};
}

export function setMtime(file: string, ms: number): void {
	fs.utimesSync(file, ms / 1000, ms / 1000);
}

/** A command's io that keeps what it writes. */
export function captureIo(): CommandIo & {out: () => string; err: () => string} {
	let out = '';
	let err = '';
	return {
		stdout: {write: (chunk: string) => (out += chunk)},
		stderr: {write: (chunk: string) => (err += chunk)},
		out: () => out,
		err: () => err,
	};
}

/** CommonOptions as source/cli.ts builds them, for `--root ROOT --db DB`. */
export function commonOptions(root: string, dbPath: string, nowMs: number = Date.now()): CommonOptions {
	return {
		locations: locate({rootFlag: root, dbFlag: dbPath, env: {}, cwd: process.cwd()}),
		stallWindowMs: 10 * 60_000,
		color: false,
		now: () => nowMs,
	};
}

/** Computes a root into the database at `dbPath` (created when missing), inline. */
export async function computeRoot(root: string, dbPath: string, options: {force?: boolean} = {}): Promise<void> {
	const {db} = openDatabase(dbPath, 'create');
	try {
		await runCompute({root, repository: new StatsRepository(db), workers: 0, force: options.force ?? false});
	} finally {
		db.close();
	}
}
