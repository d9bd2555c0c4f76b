/** Shared fixtures for the reliability tests: a seeded PRNG, corpus builders, CLI runs with pids, DB probes. */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll} from 'vitest';
import Database from 'better-sqlite3';
import {writeSession, type SessionSpec} from '../../source/demo/corpus.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {seededRandom} from '../helpers/random.js';

export const PROJECT_ROOT = path.resolve(path.dirname(CLI_PATH), '../..');

/** mulberry32: small, fast, reproducible. */
export function prng(seed: number): {
	next(): number;
	int(lo: number, hi: number): number;
	pick<T>(items: readonly T[]): T;
	chance(p: number): boolean;
} {
	const next = seededRandom(seed);
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (items) => items[Math.floor(next() * items.length)]!,
		chance: (p) => next() < p,
	};
}

const MODELS = [
	'illustriousXL_v01.safetensors [a1b2c3d4e5]',
	'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
	'sdxl_base_1.0.safetensors',
];

/** A session spec in the generator's shapes: most complete or partial, some running, some without manifest, a few broken. */
export function variedSession(index: number, rng: ReturnType<typeof prng>): SessionSpec {
	const day = 10 + (index % 18);
	const name = `202511${String(day).padStart(2, '0')}_${String(100000 + index).slice(-6)}-session_${index}`;
	const kind = rng.next();
	const planned = rng.int(1, 24);
	const images = rng.int(0, planned + 2);
	if (kind < 0.08) return {name, images: Math.max(1, images)};
	if (kind < 0.12) return {name, manifest: {raw: '{"snapshot": {"version": "2.0", "runtime_info": {'}, images};
	return {
		name,
		images,
		manifest: {
			numImages: rng.chance(0.8) ? planned : undefined,
			model: rng.pick(MODELS),
			status: rng.pick(['completed', 'ongoing', 'aborted', null] as const),
			seedMode: rng.pick(['fixed', 'progressive', 'random']),
			variations: rng.chance(0.6)
				? {
						Hair: ['bob', 'braids', 'ponytail'].slice(0, rng.int(1, 3)),
						Expression: ['smile', 'frown'].slice(0, rng.int(1, 2)),
					}
				: {},
			generationExtras: rng.chance(0.3) ? {max_images: planned} : {},
		},
	};
}

export function writeVariedRoot(root: string, count: number, seed: number): string[] {
	const rng = prng(seed);
	const names: string[] = [];
	for (let i = 0; i < count; i++) {
		const spec = variedSession(i, rng);
		writeSession(root, spec);
		names.push(spec.name);
	}
	return names;
}

export type SpawnedCli = {
	child: ChildProcess;
	pid: number;
	done: Promise<{
		code: number | null;
		signal: NodeJS.Signals | null;
		stdout: string;
		stderr: string;
		stdoutBytes: Buffer;
	}>;
};

/** Starts the built binary (no terminal) and hands back its pid at once. */
let stagedDir: string | null = null;

afterAll(() => {
	if (stagedDir) fs.rmSync(stagedDir, {recursive: true, force: true});
	stagedDir = null;
});

/**
 * The built binary as another user can run it. The clone may sit in a folder only its owner can enter (a
 * `mktemp -d` checkout is 0700), so the tests that switch to `nobody` run a world-readable copy: the bundle
 * (dist/bin: entry, workers, chunks), package.json, and the SQLite driver with the two packages it loads.
 */
export function cliForOtherUsers(): string {
	if (stagedDir === null) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-staged-'));
		const copy = (from: string): void =>
			fs.cpSync(path.join(PROJECT_ROOT, from), path.join(dir, from), {recursive: true});
		for (const part of ['package.json', 'dist/bin', 'node_modules/bindings', 'node_modules/file-uri-to-path'])
			copy(part);
		for (const part of ['package.json', 'lib', 'build/Release/better_sqlite3.node'])
			copy(path.join('node_modules/better-sqlite3', part));
		// The picture decoder and sixel encoder stay outside the bundle (a native addon; an ES-module bundle breaks sixel).
		for (const part of ['sharp', '@img', 'detect-libc', 'semver', 'sixel'])
			if (fs.existsSync(path.join(PROJECT_ROOT, 'node_modules', part))) copy(path.join('node_modules', part));
		execFileSync('chmod', ['-R', 'a+rX', dir]);
		stagedDir = dir;
	}
	return path.join(stagedDir, 'dist/bin', path.basename(CLI_PATH));
}

export function spawnCli(
	args: readonly string[],
	options: {cwd?: string; env?: Record<string, string>; uid?: number; gid?: number} = {},
): SpawnedCli {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env))
		if (value !== undefined && !['SDSTATS_ROOT', 'SDSTATS_DB', 'IMAGE_FOLDERS'].includes(key)) env[key] = value;
	Object.assign(env, options.env);
	const otherUser = options.uid !== undefined && options.uid !== process.getuid?.();
	const cliPath = otherUser ? cliForOtherUsers() : CLI_PATH;
	const child = spawn(process.execPath, [cliPath, ...args], {
		cwd: options.cwd,
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
		uid: options.uid,
		gid: options.gid,
	});
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	child.stdout!.on('data', (c: Buffer) => out.push(c));
	child.stderr!.on('data', (c: Buffer) => err.push(c));
	child.stdin!.end();
	const done = new Promise<{
		code: number | null;
		signal: NodeJS.Signals | null;
		stdout: string;
		stderr: string;
		stdoutBytes: Buffer;
	}>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => {
			const stdoutBytes = Buffer.concat(out);
			resolve({
				code,
				signal,
				stdout: stdoutBytes.toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				stdoutBytes,
			});
		});
	});
	return {child, pid: child.pid!, done};
}

export async function cli(args: readonly string[], options: Parameters<typeof spawnCli>[1] = {}) {
	return spawnCli(args, options).done;
}

/** Opens a database read-only for a probe; closed by the caller's callback. */
export function withDb<T>(dbPath: string, body: (db: Database.Database) => T): T {
	const db = new Database(dbPath, {readonly: true, fileMustExist: true});
	try {
		return body(db);
	} finally {
		db.close();
	}
}

export function integrityCheck(dbPath: string): string[] {
	return withDb(dbPath, (db) =>
		(db.pragma('integrity_check') as Array<{integrity_check: string}>).map((r) => r.integrity_check),
	);
}

/**
 * Session ids with a stats row but no bookkeeping row, and the reverse. Rows another writer made (the web UI
 * never writes bookkeeping) are left out by `foreignPrefix`.
 */
export function halfWritten(dbPath: string, foreignPrefix = '\u0000'): {statsOnly: string[]; stateOnly: string[]} {
	return withDb(dbPath, (db) => {
		const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
		if (!tables.includes('session_stats') || !tables.includes('sdstats_session_state'))
			return {statsOnly: [], stateOnly: []};
		return {
			statsOnly: db
				.prepare(
					'SELECT s.session_id FROM session_stats s LEFT JOIN sdstats_session_state b USING (session_id) WHERE b.session_id IS NULL AND substr(s.session_id, 1, length(?)) <> ?',
				)
				.pluck()
				.all(foreignPrefix, foreignPrefix) as string[],
			stateOnly: db
				.prepare(
					'SELECT b.session_id FROM sdstats_session_state b LEFT JOIN session_stats s USING (session_id) WHERE s.session_id IS NULL',
				)
				.pluck()
				.all() as string[],
		};
	});
}

export type Essentials = {
	images_actual: number;
	images_expected: number | null;
	completion_percentage: number | null;
	sd_model: string | null;
};

export function essentials(dbPath: string, where = ''): Map<string, Essentials> {
	return withDb(dbPath, (db) => {
		const rows = db
			.prepare(
				`SELECT session_id, images_actual, images_expected, completion_percentage, sd_model FROM session_stats ${where} ORDER BY session_id`,
			)
			.all() as Array<Essentials & {session_id: string}>;
		return new Map(rows.map(({session_id, ...rest}) => [session_id, rest]));
	});
}

/** Bytes a terminal could act on: C0 except newline, DEL, and (decoded) C1; also any invalid UTF-8. */
export function terminalHazards(bytes: Buffer | string): string[] {
	const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
	const problems: string[] = [];
	for (let i = 0; i < buffer.length; i++) {
		const b = buffer[i]!;
		if ((b < 0x20 && b !== 0x0a) || b === 0x7f) problems.push(`byte 0x${b.toString(16).padStart(2, '0')} at ${i}`);
	}
	const text = buffer.toString('utf8');
	if (Buffer.from(text, 'utf8').compare(buffer) !== 0) problems.push('invalid UTF-8');
	for (const ch of text) {
		const c = ch.codePointAt(0)!;
		if (c >= 0x80 && c <= 0x9f) problems.push(`C1 U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
	}
	return problems;
}

export function waitFor(predicate: () => boolean, timeoutMs: number, stepMs = 5): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	return new Promise((resolve) => {
		const tick = (): void => {
			if (predicate()) resolve(true);
			else if (Date.now() > deadline) resolve(false);
			else setTimeout(tick, stepMs);
		};
		tick();
	});
}

export function exists(file: string): boolean {
	return fs.existsSync(file);
}
