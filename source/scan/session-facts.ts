/** Reads what the calculator needs from one session folder: its image files and its manifest bytes. */
import {isUtf8} from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import {MANIFEST_NAME, isImageName} from '../core/images.js';
import type {ImageFact, ManifestInput, SessionInput} from '../core/types.js';
import {describeFsError, isGone} from './errors.js';
import {readImageHead} from './image-head.js';
import {legacyManifestKind} from '../core/legacy-manifest.js';
import type {ImageSample, LegacyInput, LegacyManifestInput} from '../core/legacy-session.js';

export type SessionFacts =
	| {kind: 'session'; input: SessionInput}
	/** A folder with neither a manifest nor an image: not a session (dryrun/, thumbnails…). */
	| {kind: 'not_a_session'}
	/** The folder disappeared (deleted or renamed) while we looked at it. */
	| {kind: 'gone'}
	/** The folder exists but cannot be listed. */
	| {kind: 'unlistable'; reason: string};

/**
 * The largest manifest.json read. The generator's biggest (100,000 images) is a few tens of MB; reading one
 * takes a few times its size in memory, and a compute thread's heap is capped (folder-runner.ts: 1 GB), so a
 * far bigger file would end the whole compute instead of giving its one session a reason.
 */
const MAX_MANIFEST_BYTES = 192 * 1024 * 1024;

function formatMb(bytes: bigint): string {
	return `${Math.round(Number(bytes) / (1024 * 1024))} MB`;
}

/** manifest.json of a session folder: its bytes and mtime, missing, or why it cannot be read. */
export function readManifestInput(manifestPath: string): ManifestInput {
	let stat: fs.BigIntStats | undefined;
	try {
		stat = fs.statSync(manifestPath, {bigint: true, throwIfNoEntry: false});
		if (!stat) return {kind: 'missing'};
		if (!stat.isFile()) {
			return {
				kind: 'unreadable',
				reason: `${MANIFEST_NAME}: ${describeFsError({code: stat.isDirectory() ? 'EISDIR' : 'EINVAL'})}`,
				mtimeNs: stat.mtimeNs,
			};
		}
		if (stat.size > BigInt(MAX_MANIFEST_BYTES)) {
			return {
				kind: 'unreadable',
				reason: `${MANIFEST_NAME} is ${formatMb(stat.size)}, more than sdstats reads (${formatMb(BigInt(MAX_MANIFEST_BYTES))}): not a generator's manifest, or a damaged one; check the file`,
				mtimeNs: stat.mtimeNs,
			};
		}
		const bytes = fs.readFileSync(manifestPath);
		return {kind: 'bytes', bytes, mtimeNs: stat.mtimeNs};
	} catch (error) {
		// Deleted between the listing and the read: for this compute there is no manifest.
		if (isGone(error)) return {kind: 'missing'};
		return {
			kind: 'unreadable',
			reason: `${MANIFEST_NAME}: ${describeFsError(error)}`,
			mtimeNs: stat?.mtimeNs ?? null,
		};
	}
}

/** An image file as one plain stat sees it. */
export type ImageFileStat = {name: string; mtimeMs: number; size: number};

/**
 * Images need an mtime each, but only the oldest and newest need it to the nanosecond (Python's microsecond
 * rendering depends on it). Plain stats are much cheaper than BigInt ones, so every image gets a plain stat and
 * only the files within a microsecond of the extremes get an exact one.
 */
function exactExtremes(folder: string, images: readonly ImageFileStat[]): ImageFact[] {
	if (images.length === 0) return [];
	let min = Number.POSITIVE_INFINITY;
	let max = Number.NEGATIVE_INFINITY;
	for (const {mtimeMs} of images) {
		if (mtimeMs < min) min = mtimeMs;
		if (mtimeMs > max) max = mtimeMs;
	}
	// A double of milliseconds near 2025 is exact to about 0.25 µs: 0.001 ms covers any rounding.
	const candidates = images.filter(({mtimeMs}) => mtimeMs - min <= 0.001 || max - mtimeMs <= 0.001);
	const exact = new Map<string, bigint>();
	for (const {name} of candidates) {
		const stat = statQuietly(folder + path.sep + name, true);
		if (stat) exact.set(name, stat.mtimeNs);
	}
	return images.map(({name, mtimeMs, size}) => ({
		name,
		mtimeNs: exact.get(name) ?? BigInt(Math.round(mtimeMs * 1000)) * 1000n,
		size,
	}));
}

export type FolderListing =
	/** `legacyManifests`: older manifests (V1 `<name>_manifest.json`, Phase-1 `metadata.json`), by name. */
	| {kind: 'listed'; images: ImageFileStat[]; hasManifest: boolean; legacyManifests: string[]}
	/** The folder disappeared (deleted or renamed) while we looked at it. */
	| {kind: 'gone'}
	/** The folder exists but cannot be listed. */
	| {kind: 'unlistable'; reason: string};

/**
 * A session folder's image files (regular files or links to them, named as images; see core/images.ts) with
 * one plain stat each, and whether it holds manifest.json. The compute and the session insight share it.
 */
export function listSessionFolder(sessionPath: string): FolderListing {
	// Names only, no entry types: every image is stat'ed anyway (its stat says whether it is a file), and a
	// Dirent per entry was a million objects for a root of 10,000 sessions of 100 images.
	let names: string[];
	try {
		names = fs.readdirSync(sessionPath);
	} catch (error) {
		if (isGone(error)) return {kind: 'gone'};
		return {kind: 'unlistable', reason: `folder: ${describeFsError(error)}`};
	}
	const images: ImageFileStat[] = [];
	let hasManifest = false;
	let undecodable = false;
	const legacyManifests: string[] = [];
	const prefix = sessionPath + path.sep;
	for (const name of names) {
		if (name === MANIFEST_NAME) {
			hasManifest = true;
			continue;
		}
		if (!isImageName(name)) {
			if (legacyManifestKind(name) !== null && !isFolder(prefix + name)) legacyManifests.push(name);
			continue;
		}
		// Regular files and links to regular files count; folders, broken links and anything else do not.
		const stat = statQuietly(prefix + name, false);
		if (stat?.isFile()) images.push({name, mtimeMs: stat.mtimeMs, size: stat.size});
		else if (!stat && name.includes('\uFFFD')) undecodable = true;
	}
	// Names with bytes that are not UTF-8 cannot be reached through a decoded string: read them as bytes.
	if (undecodable) images.push(...undecodableImages(sessionPath, new Set(images.map((i) => i.name))));
	return {kind: 'listed', images, hasManifest, legacyManifests: legacyManifests.sort()};
}

export type FactsOptions = {
	/** Read every image's parameters, not a sample (`compute --deep`). */
	deep?: boolean;
};

export function readSessionFacts(
	sessionId: string,
	sessionPath: string,
	nowMs: number,
	options: FactsOptions = {},
): SessionFacts {
	const listing = listSessionFolder(sessionPath);
	if (listing.kind !== 'listed') return listing;
	const {images, hasManifest, legacyManifests} = listing;
	const prefix = sessionPath + path.sep;
	const manifest: ManifestInput = hasManifest ? readManifestInput(prefix + MANIFEST_NAME) : {kind: 'missing'};
	if (manifest.kind === 'missing' && images.length === 0 && legacyManifests.length === 0)
		return {kind: 'not_a_session'};
	const input: SessionInput = {sessionId, sessionPath, manifest, images: exactExtremes(sessionPath, images), nowMs};
	// Without manifest.json, the older manifests and the images' own parameters are what is left to read.
	if (manifest.kind === 'missing')
		input.legacy = readLegacyFacts(sessionPath, images, legacyManifests, options.deep === true);
	return {kind: 'session', input};
}

/** Images whose parameters are read when not --deep: the first, the last and evenly spaced ones between. */
export const SAMPLE_SIZE = 10;

/** Positions (in name order) of the images to sample among `count`. */
export function samplePositions(count: number, deep: boolean): number[] {
	if (deep || count <= SAMPLE_SIZE) return Array.from({length: count}, (_, i) => i);
	const positions = new Set<number>();
	for (let i = 0; i < SAMPLE_SIZE; i++) positions.add(Math.round((i * (count - 1)) / (SAMPLE_SIZE - 1)));
	return [...positions].sort((a, b) => a - b);
}

/**
 * Natural name order, made on first use: creating the collator loads ICU's collation data (≈13 ms of CPU),
 * which every process that imports this module paid at start-up, a nothing-changed compute included.
 */
let naturalOrder: Intl.Collator['compare'] | null = null;
const byName = (a: string, b: string): number =>
	(naturalOrder ??= new Intl.Collator('en', {numeric: true}).compare)(a, b);

function readLegacyFacts(
	sessionPath: string,
	images: readonly ImageFileStat[],
	legacyNames: readonly string[],
	deep: boolean,
): LegacyInput {
	const prefix = sessionPath + path.sep;
	const manifests: LegacyManifestInput[] = legacyNames.map((fileName) => {
		const kind = legacyManifestKind(fileName)!;
		try {
			const stat = fs.statSync(prefix + fileName);
			if (stat.size > MAX_LEGACY_MANIFEST_BYTES)
				return {
					kind,
					fileName,
					reason: `${fileName}: ${Math.round(stat.size / 1048576)} MB is too large for a manifest; not read`,
				};
			return {kind, fileName, bytes: fs.readFileSync(prefix + fileName)};
		} catch (error) {
			return {kind, fileName, reason: `${fileName}: ${describeFsError(error)}`};
		}
	});
	const names = images.map((i) => i.name).sort(byName);
	const samples: ImageSample[] = samplePositions(names.length, deep).map((position) => {
		const name = names[position]!;
		return {name, position, ...readImageHead(prefix + name)};
	});
	return {manifests, sampling: names.length > 0 ? {total: names.length, samples} : null, imageNames: names};
}

/** A V1 plan lists every planned image: 100,000 of them is a few tens of MB; more is not a manifest. */
const MAX_LEGACY_MANIFEST_BYTES = 256 * 1024 * 1024;

function undecodableImages(sessionPath: string, known: ReadonlySet<string>): ImageFileStat[] {
	const found: ImageFileStat[] = [];
	const prefix = Buffer.from(sessionPath + path.sep);
	try {
		for (const raw of fs.readdirSync(sessionPath, {encoding: 'buffer'})) {
			if (isUtf8(raw)) continue;
			const name = raw.toString('utf8');
			if (known.has(name) || !isImageName(name)) continue;
			const stat = fs.statSync(Buffer.concat([prefix, raw]), {throwIfNoEntry: false});
			if (stat?.isFile()) found.push({name, mtimeMs: stat.mtimeMs, size: stat.size});
		}
	} catch {
		// The folder changed under us; what was found so far stands.
	}
	return found;
}

/** Whether `entryPath` itself (a link not followed) is a folder; false when it cannot be read. */
function isFolder(entryPath: string): boolean {
	try {
		return fs.lstatSync(entryPath, {throwIfNoEntry: false})?.isDirectory() === true;
	} catch {
		return false;
	}
}

function statQuietly(filePath: string, bigint: true): fs.BigIntStats | undefined;
function statQuietly(filePath: string, bigint: false): fs.Stats | undefined;
function statQuietly(filePath: string, bigint: boolean): fs.Stats | fs.BigIntStats | undefined {
	try {
		return fs.statSync(filePath, {bigint, throwIfNoEntry: false});
	} catch {
		// A link loop or a permission problem on one image: that file is not counted.
		return undefined;
	}
}
