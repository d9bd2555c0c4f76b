/** Session folders on disk, their cache, tree snapshots and a second filesystem, for the action tests. */
import {execFileSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {TINY_PNG, buildManifest, imageFileName, type ManifestSpec} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';

export type SessionSpec = ManifestSpec & {images: number; bytes?: number; idleMinutes?: number};

/** Writes a session folder: a generator-like manifest and `images` PNG files of distinct content. */
export function writeSession(root: string, name: string, spec: SessionSpec, nowMs = Date.now()): string {
	const folder = path.join(root, name);
	fs.mkdirSync(folder, {recursive: true});
	const manifest = buildManifest(name, spec, spec.images);
	fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
	const seeds = (manifest.images as Array<{filename: string}>).map((i) => i.filename);
	for (let i = 0; i < spec.images; i++) {
		const file = path.join(folder, seeds[i] ?? imageFileName(name, i, 1000 + i));
		// A PNG's head and IEND end around distinct filler, so every image differs and reads as whole.
		const size = Math.max(spec.bytes ?? 2000 + i, TINY_PNG.length + 16);
		const content = Buffer.concat([
			TINY_PNG.subarray(0, TINY_PNG.length - 12),
			Buffer.alloc(size - TINY_PNG.length, `${name}:${i}:`),
			TINY_PNG.subarray(TINY_PNG.length - 12),
		]);
		fs.writeFileSync(file, content);
	}
	const when = new Date(nowMs - (spec.idleMinutes ?? 600) * 60_000);
	for (const entry of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, entry), when, when);
	return folder;
}

export function sessionName(i: number): string {
	return `20251001_${String(100000 + i).slice(-6)}-run_${String(i).padStart(3, '0')}`;
}

export async function computeRoot(root: string, dbPath: string): Promise<void> {
	const opened = openDatabase(dbPath, 'create');
	try {
		await runCompute({root, repository: new StatsRepository(opened.db), force: true, workers: 0});
	} finally {
		opened.db.close();
	}
}

/** Each session folder (top level of `dir`) → its files with sizes and content hashes, one string. */
export function sessionsIn(dir: string): Map<string, string> {
	const result = new Map<string, string>();
	if (!fs.existsSync(dir)) return result;
	for (const name of fs.readdirSync(dir).sort()) {
		const folder = path.join(dir, name);
		if (!fs.statSync(folder).isDirectory()) continue;
		result.set(name, describeFolder(folder));
	}
	return result;
}

export function describeFolder(folder: string): string {
	const lines: string[] = [];
	const walk = (dir: string, prefix: string): void => {
		for (const name of fs.readdirSync(dir).sort()) {
			const full = path.join(dir, name);
			const stat = fs.lstatSync(full);
			if (stat.isDirectory()) {
				lines.push(`${prefix}${name}/`);
				walk(full, `${prefix}${name}/`);
			} else
				lines.push(
					`${prefix}${name} ${stat.size} ${crypto.createHash('sha1').update(fs.readFileSync(full)).digest('hex')} ${Math.round(stat.mtimeMs)}`,
				);
		}
	};
	walk(folder, '');
	return lines.join('\n');
}

/**
 * A byte-for-byte picture of a tree (names, sizes, contents, mtimes) for "nothing changed" checks. SQLite's
 * side files are left out when they carry nothing: a reader of a WAL database makes an empty -wal and the
 * -shm index, which hold no data (a -wal with frames in it is counted like any file).
 */
export function treeFingerprint(dir: string): string {
	const hash = crypto.createHash('sha256');
	const walk = (d: string): void => {
		for (const name of fs.readdirSync(d).sort()) {
			const full = path.join(d, name);
			const stat = fs.lstatSync(full);
			if (name.endsWith('.db-shm') || (name.endsWith('.db-wal') && stat.size === 0)) continue;
			hash.update(`${full}\0${stat.mode}\0${stat.size}\0${stat.mtimeMs}\0`);
			if (stat.isDirectory()) walk(full);
			else if (stat.isFile()) hash.update(fs.readFileSync(full));
		}
	};
	walk(dir);
	return hash.digest('hex');
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A tmpfs of `size` bytes (a second filesystem), or the reason when it cannot be mounted. `at`: mounted on that
 * folder (made if missing; an archive folder beside a results root, on another filesystem), else a new one.
 */
export function mountTmpfs(size: number, at?: string): {dir: string; unmount(): void} | {reason: string} {
	if (!isRoot) return {reason: 'mounting a tmpfs needs root'};
	const dir = at ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sdstats-tmpfs-'));
	if (at !== undefined) fs.mkdirSync(at, {recursive: true});
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {stdio: 'pipe'});
	} catch (error) {
		fs.rmSync(dir, {recursive: true, force: true});
		return {reason: `mount failed: ${(error as Error).message.split('\n')[0]}`};
	}
	return {
		dir,
		unmount() {
			try {
				execFileSync('umount', ['-l', dir], {stdio: 'pipe'});
			} finally {
				fs.rmSync(dir, {recursive: true, force: true});
			}
		},
	};
}
