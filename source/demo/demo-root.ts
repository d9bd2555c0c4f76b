/**
 * The built-in demo results root behind `sdstats --demo`: about seventy session folders that cover every state,
 * both folder-name formats, seed sweeps, several models and samplers, hostile text and non-session clutter.
 *
 * It is generated deterministically (a seeded PRNG, fixed dates in the names) into a cache folder on first use,
 * and regenerated when DEMO_VERSION changes or one of its session folders is gone (archived or trashed in an
 * earlier demo). Every call refreshes the "live" sessions' modification times so the running ones are still
 * running, and a stalled one stalled, whenever the demo is opened.
 *
 * Every demo starts fresh: `startFreshDemo` also forgets the previous run's cache and triage (the demo's own
 * sessions.db folder) and its remembered view, so a key pressed in one demo never shapes the next one's first
 * impression.
 *
 * The sessions themselves are drafted in sessions.ts (from drafts-by-state.ts, drafts-edge-cases.ts and the
 * everyday ones); this module writes them to disk and keeps the demo folder current.
 */
import fs from 'node:fs';
import path from 'node:path';
import {isImageName, MANIFEST_NAME} from '../core/images.js';
import {TINY_PNG, writeSession} from './corpus.js';
import {demoPictures} from './demo-pictures.js';
import {DEMO_VERSION, demoSessions} from './sessions.js';
import {localMs} from './when.js';
import {demoLegacySessions, writeDemoLegacySessions} from './legacy-sessions.js';

export {DEMO_VERSION, demoSessions} from './sessions.js';
export type {DemoSession} from './drafts.js';

/** The stamp file inside the demo results root (hidden, so never a session) holding DEMO_VERSION. */
export const DEMO_STAMP_FILE = '.sdstats-demo-version';

// ---------------------------------------------------------------------------------------------------------------
// Where the demo lives

/** `$XDG_CACHE_HOME/sdstats/demo`, else `<home>/.cache/sdstats/demo`, else `<tmp>/sdstats-demo`. Pure. */
export function demoBaseDir(env: Record<string, string | undefined>, homedir: string, tmpdir: string): string {
	const xdg = env.XDG_CACHE_HOME;
	// The XDG spec: a relative path in the variable is invalid and must be ignored.
	if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'sdstats', 'demo');
	if (homedir) return path.join(homedir, '.cache', 'sdstats', 'demo');
	return path.join(tmpdir, 'sdstats-demo');
}

// ---------------------------------------------------------------------------------------------------------------
// Writing and refreshing

/** Writes the whole demo (sessions and clutter) into `root`, which may not exist yet. */
export function writeDemoRoot(root: string): void {
	fs.mkdirSync(root, {recursive: true});
	const pictures = new Map<string, Uint8Array>();
	for (const {spec} of demoSessions()) {
		// Real PNG files: images viewers can open, that the anomaly checks find whole, and that show a picture.
		const folder = writeSession(root, {...spec, realPng: true, imageBytes: demoPictures(spec, pictures)});
		// Side files get the session's times too, so the whole tree is reproducible.
		for (const name of Object.keys(spec.extraFiles ?? {}))
			setMtime(path.join(folder, name), spec.manifestMtimeMs ?? 0);
	}
	// Two damaged images for the anomaly checks (is:anomaly, details): one empty, one cut off before its end.
	const damaged = demoSessions().find((d) => d.spec.name.endsWith('-armor_study_ctrl_c'));
	if (damaged) {
		const folder = path.join(root, damaged.spec.name);
		const images = fs
			.readdirSync(folder)
			.filter((n) => n.endsWith('.png'))
			.sort();
		const keepTime = (file: string, write: () => void): void => {
			const {mtimeMs} = fs.statSync(file);
			write();
			setMtime(file, mtimeMs);
		};
		if (images[2])
			keepTime(path.join(folder, images[2]), () => fs.writeFileSync(path.join(folder, images[2]!), ''));
		if (images[3])
			keepTime(path.join(folder, images[3]), () =>
				fs.writeFileSync(path.join(folder, images[3]!), TINY_PNG.subarray(0, 40)),
			);
	}
	// Runs from before manifest.json: V1 plans, Phase-1 metadata.json, images carrying their parameters.
	writeDemoLegacySessions(root);
	// Things a results root holds that are not sessions.
	writeSession(path.join(root, 'dryrun'), {
		name: '20251112_230000-dryrun_test',
		manifest: {numImages: 2, timestamp: '2025-11-12T23:00:00.000000'},
		images: 2,
		firstImageMs: localMs([2025, 11, 12, 23, 0, 10]),
	});
	const clutterMs = localMs([2025, 11, 16, 23, 59, 0]);
	const writeClutter = (file: string, content: string): void => {
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
		setMtime(file, clutterMs);
	};
	writeClutter(path.join(root, 'batch_log.txt'), 'queue drained at 2025-11-16 23:59\n');
	writeClutter(path.join(root, '.thumbnails', '20251110_101500', 'thumb_0000.webp'), '');
	writeClutter(path.join(root, '.thumbnails', 'index.json'), '{}\n');
}

function hasCurrentStamp(root: string): boolean {
	try {
		return fs.readFileSync(path.join(root, DEMO_STAMP_FILE), 'utf8').trim() === String(DEMO_VERSION);
	} catch {
		return false;
	}
}

/** The demo of this version, with every one of its session folders still there. */
function isCompleteDemo(root: string): boolean {
	return (
		hasCurrentStamp(root) &&
		[...demoSessions(), ...demoLegacySessions()].every(({spec}) => fs.existsSync(path.join(root, spec.name)))
	);
}

function setMtime(file: string, ms: number): void {
	fs.utimesSync(file, ms / 1000, ms / 1000);
}

/**
 * Moves the live sessions' times along with the clock: images keep their cadence and end `lastWriteAgoMs`
 * before `nowMs`, and the manifest is written with the last image. Folders the user removed are skipped.
 */
export function refreshLiveSessions(root: string, nowMs: number): void {
	for (const {spec, live} of demoSessions()) {
		if (!live) continue;
		const folder = path.join(root, spec.name);
		let names: string[];
		try {
			names = fs.readdirSync(folder).filter(isImageName).sort();
		} catch {
			continue;
		}
		const lastMs = nowMs - live.lastWriteAgoMs;
		names.forEach((name, i) =>
			setMtime(path.join(folder, name), lastMs - (names.length - 1 - i) * live.intervalMs),
		);
		const manifest = path.join(folder, MANIFEST_NAME);
		if (fs.existsSync(manifest)) setMtime(manifest, lastMs);
	}
}

/** Where the demo's results root is under `baseDir`. */
export const demoRootOf = (baseDir: string): string => path.join(baseDir, 'results');

/**
 * The demo results root under `baseDir`, generated when missing or from another DEMO_VERSION, its live sessions
 * refreshed for `nowMs`. Never touches the database, whose default place is returned as `dbPath`.
 */
export function prepareDemoRoot(baseDir: string, nowMs: number): {root: string; dbPath: string} {
	const root = demoRootOf(baseDir);
	const dbPath = path.join(baseDir, 'metadata', 'sessions.db');
	if (!isCompleteDemo(root)) {
		// Built beside the root and renamed into place: an interrupted generation never looks finished.
		const staging = path.join(baseDir, `results.partial-${process.pid}`);
		fs.rmSync(staging, {recursive: true, force: true});
		writeDemoRoot(staging);
		fs.writeFileSync(path.join(staging, DEMO_STAMP_FILE), `${DEMO_VERSION}\n`);
		fs.rmSync(root, {recursive: true, force: true});
		try {
			fs.renameSync(staging, root);
		} catch (error) {
			fs.rmSync(staging, {recursive: true, force: true});
			// Another sdstats --demo finished first: its demo is as good as ours.
			if (!hasCurrentStamp(root)) throw error;
		}
	}
	refreshLiveSessions(root, nowMs);
	return {root, dbPath};
}

/**
 * `sdstats --demo`: the demo root as `prepareDemoRoot` leaves it, and nothing of an earlier demo run: its
 * database folder (cache, triage, the web UI's user data, companions) and the files in `forget` (the remembered
 * view) are removed, so the explorer starts on an empty cache and computes it, as on a first run.
 */
export function startFreshDemo(
	baseDir: string,
	nowMs: number,
	forget: readonly string[] = [],
): {root: string; dbPath: string} {
	const prepared = prepareDemoRoot(baseDir, nowMs);
	fs.rmSync(path.dirname(prepared.dbPath), {recursive: true, force: true});
	for (const file of forget) fs.rmSync(file, {force: true});
	return prepared;
}
