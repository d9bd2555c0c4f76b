/**
 * Session insight: what a session folder says beyond its stats row, read on demand (the details view, `sdstats
 * show --missing`), never in the compute path.
 *
 * - Missing combinations (combinatorial sessions) or missing images and never-produced values (random ones):
 *   core/analysis/combinations.ts.
 * - Seeds expected against seeds found, for seed sweeps and sessions with a seed list: core/analysis/seeds.ts.
 * - Anomalies: image files the manifest does not list and entries whose file is gone, empty images, PNG files
 *   without their end marker, a first image older than the folder's timestamp, duplicate sessions:
 *   core/analysis/anomalies.ts.
 *
 * An image counts as found for the missing and seed analyses when its file is there and is not empty or cut off
 * (those are reported as anomalies, and their cells come back in the resume list: they need making again).
 *
 * The folder read is one readdir, one plain stat per image, the manifest bytes, and for `.png` files the last 12
 * bytes. `insightOffThread` runs it on a worker thread (compiled builds) so the explorer stays responsive.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {
	PNG_END,
	checkImageFiles,
	compareFilesWithManifest,
	duplicateSessionAnomaly,
	duplicateSessions,
	endsWithPngEnd,
	firstImageBeforeFolder,
	type Anomaly,
	type ImageFileFacts,
	type SessionIdentityRow,
} from '../core/analysis/anomalies.js';
import {analyseMissing, type MissingAnalysis} from '../core/analysis/combinations.js';
import {usableSeedList} from '../core/analysis/grid.js';
import {readManifestImages, type ManifestImages} from '../core/analysis/manifest-images.js';
import {analyseSeeds, type SeedAnalysis} from '../core/analysis/seeds.js';
import {MANIFEST_NAME} from '../core/images.js';
import {isoFromEpochMs} from '../core/iso-time.js';
import {createdAtFromFolderName} from '../core/session-name.js';
import {listSessionFolder, readManifestInput, type ImageFileStat} from '../scan/session-facts.js';

export type {Anomaly, SessionIdentityRow} from '../core/analysis/anomalies.js';

export type SessionInsight = {
	sessionId: string;
	/** Missing combinations (combinatorial) or missing images (random); null when the manifest cannot say (see `reason`). */
	missing: MissingAnalysis | null;
	/** Seeds expected against found, for seed sweeps and sessions with a seed list; else null. */
	seeds: SeedAnalysis | null;
	/** What deserves a look, in this order: files vs manifest, broken images, timestamps, duplicate sessions. */
	anomalies: Anomaly[];
	/** Why `missing` and `seeds` are null: no manifest, an unreadable one (with the parser's reason), no images list, no folder. */
	reason: string | null;
	/** Image files in the folder. */
	imagesOnDisk: number;
	/**
	 * Of them, whole image files no manifest entry names (they count toward no plan); absent when there is no
	 * readable images list to compare with.
	 */
	unlistedImages?: number;
	/** Entries in the manifest's `images` list; null when there is no readable list. */
	manifestEntries: number | null;
	/** PNG files whose last bytes were checked. */
	pngChecked: number;
	/** Image files not counted as found because they are empty or cut off. */
	brokenImages: number;
};

export type InsightOptions = {
	/**
	 * The session is running (its derived state): the generator writes each image before its manifest entry, so
	 * one image the manifest does not list yet is not an anomaly, and the newest image (perhaps still being
	 * written) is not checked for being empty or cut off.
	 */
	running?: boolean;
	/**
	 * The folder's timestamp to compare the first image with (pass the row's `session_created_at`, as the
	 * `is:anomaly` filter does); default: the timestamp in the folder name.
	 */
	sessionCreatedAt?: string | null;
	/**
	 * Rows to look for duplicates among (the session's own row included: without it no duplicate is reported).
	 * Two sessions are duplicates with the same resolved prompt, model, size, steps, cfg, sampler, mode and base seed.
	 */
	identities?: readonly SessionIdentityRow[];
	/** Read the last bytes of each PNG to find files cut off (default true). */
	checkPngEnds?: boolean;
	/** How many missing cells the analysis lists (default 50; the resume list enumerates all of them). */
	firstMissing?: number;
	/** How many items each seed list holds (default 50). */
	firstSeeds?: number;
};

/** Seed analysis applies to seed sweeps as the calculator defines them, and to any session with a seed list. */
function hasSeedsToCheck(manifest: ManifestImages): boolean {
	if (usableSeedList(manifest.seedList)) return true;
	return manifest.seedMode === 'progressive' && manifest.placeholders.filter((p) => p.used.length > 1).length <= 1;
}

const PNG_NAME = /\.png$/i;
const NOT_A_PNG_END = new Uint8Array(0);

/** The last bytes of a file reduced to what checkImageFiles needs; undefined when it cannot be read. */
function pngTail(file: string, size: number, scratch: Buffer): Uint8Array | undefined {
	let fd: number | undefined;
	try {
		fd = fs.openSync(file, 'r');
		const length = Math.min(size, PNG_END.length);
		const read = fs.readSync(fd, scratch, 0, length, size - length);
		return endsWithPngEnd(scratch.subarray(0, read)) ? PNG_END : NOT_A_PNG_END;
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) {
			try {
				fs.closeSync(fd);
			} catch {
				// Nothing to do: the descriptor is gone either way.
			}
		}
	}
}

function imageFacts(
	sessionPath: string,
	images: readonly ImageFileStat[],
	checkPngEnds: boolean,
): {facts: ImageFileFacts[]; pngChecked: number} {
	const scratch = Buffer.alloc(PNG_END.length);
	let pngChecked = 0;
	const facts = images.map(({name, size}): ImageFileFacts => {
		if (!checkPngEnds || size === 0 || !PNG_NAME.test(name)) return {name, size};
		const tailBytes = pngTail(path.join(sessionPath, name), size, scratch);
		if (tailBytes === undefined) return {name, size};
		pngChecked++;
		return {name, size, tailBytes};
	});
	return {facts, pngChecked};
}

/** The duplicate-session anomaly of `sessionId` among `identities`, comparing prompts first (cheap over 100,000 rows). */
export function duplicateAnomaly(
	sessionId: string,
	identities: readonly SessionIdentityRow[] | undefined,
): Anomaly | null {
	if (!identities || identities.length < 2) return null;
	const own = identities.find((row) => row.session_id === sessionId);
	if (!own || own.resolved_prompt === null || own.resolved_prompt === '') return null;
	const candidates = identities.filter((row) => row.resolved_prompt === own.resolved_prompt);
	if (candidates.length < 2) return null;
	return duplicateSessionAnomaly(sessionId, duplicateSessions(candidates));
}

function emptyInsight(sessionId: string, reason: string): SessionInsight {
	return {
		sessionId,
		missing: null,
		seeds: null,
		anomalies: [],
		reason,
		imagesOnDisk: 0,
		manifestEntries: null,
		pngChecked: 0,
		brokenImages: 0,
	};
}

/** Reads a session folder and runs every analysis. Never throws for what is on disk: problems become `reason`. */
export function insightFor(sessionPath: string, sessionId: string, options: InsightOptions = {}): SessionInsight {
	const listing = listSessionFolder(sessionPath);
	if (listing.kind === 'gone') return emptyInsight(sessionId, 'the session folder is gone');
	if (listing.kind === 'unlistable') return emptyInsight(sessionId, listing.reason);

	const {images} = listing;
	const names = images.map((i) => i.name);
	let newest: ImageFileStat | null = null;
	for (const image of images) if (newest === null || image.mtimeMs > newest.mtimeMs) newest = image;
	const checked = options.running && newest ? images.filter((image) => image !== newest) : images;
	const {facts, pngChecked} = imageFacts(sessionPath, checked, options.checkPngEnds ?? true);
	const fileCheck = checkImageFiles(facts);
	const broken = new Set([...fileCheck.zeroByte, ...fileCheck.truncatedPng]);
	const usable = new Set(names.filter((name) => !broken.has(name)));

	let missing: MissingAnalysis | null = null;
	let seeds: SeedAnalysis | null = null;
	let reason: string | null = null;
	let manifestEntries: number | null = null;
	let unlistedImages: number | undefined;
	const anomalies: Anomaly[] = [];

	const input = listing.hasManifest
		? readManifestInput(path.join(sessionPath, MANIFEST_NAME))
		: ({kind: 'missing'} as const);
	if (input.kind === 'missing') {
		reason = `no ${MANIFEST_NAME} in the folder: nothing says what was planned`;
	} else if (input.kind === 'unreadable') {
		reason = input.reason;
	} else {
		const manifest = readManifestImages(input.bytes);
		if (!manifest.ok) {
			reason = manifest.reason;
		} else if (!manifest.imagesListed) {
			reason = `${MANIFEST_NAME} has no "images" list: the images cannot be matched to what was planned`;
		} else {
			manifestEntries = manifest.images.length;
			const comparison = compareFilesWithManifest(
				names,
				manifest.images.map((entry) => entry.filename),
				{running: options.running ?? false},
			);
			anomalies.push(...comparison.anomalies);
			unlistedImages = comparison.notInManifest.filter((name) => !broken.has(name)).length;
			missing = analyseMissing(manifest, {imagesOnDisk: usable, firstMissing: options.firstMissing ?? 50});
			if (hasSeedsToCheck(manifest))
				seeds = analyseSeeds(manifest, {imagesOnDisk: usable, first: options.firstSeeds ?? 50});
		}
	}

	anomalies.push(...fileCheck.anomalies);
	if (images.length > 0) {
		let oldest = Number.POSITIVE_INFINITY;
		for (const {mtimeMs} of images) if (mtimeMs < oldest) oldest = mtimeMs;
		const folderTime =
			options.sessionCreatedAt === undefined ? createdAtFromFolderName(sessionId) : options.sessionCreatedAt;
		const early = firstImageBeforeFolder(folderTime, isoFromEpochMs(oldest));
		if (early) anomalies.push(early);
	}
	const duplicate = duplicateAnomaly(sessionId, options.identities);
	if (duplicate) anomalies.push(duplicate);

	const insight: SessionInsight = {
		sessionId,
		missing,
		seeds,
		anomalies,
		reason,
		imagesOnDisk: images.length,
		manifestEntries,
		pngChecked,
		brokenImages: broken.size,
	};
	if (unlistedImages !== undefined) insight.unlistedImages = unlistedImages;
	return insight;
}

// ---- off the render thread ---------------------------------------------------------------------------------------

/** What the worker is given (identities stay on the calling thread: the duplicate check is cheap there). */
export type InsightRequest = {sessionPath: string; sessionId: string; options: Omit<InsightOptions, 'identities'>};
export type InsightReply = {insight: SessionInsight} | {error: string};

const WORKER_SCRIPT = new URL('./insight-worker.js', import.meta.url);

function workerScript(): string | null {
	if (WORKER_SCRIPT.protocol !== 'file:') return null;
	const file = fileURLToPath(WORKER_SCRIPT);
	return fs.existsSync(file) ? file : null;
}

function abortError(): Error {
	const error = new Error('the session insight was cancelled');
	error.name = 'AbortError';
	return error;
}

function withDuplicates(
	insight: SessionInsight,
	identities: readonly SessionIdentityRow[] | undefined,
): SessionInsight {
	const duplicate = duplicateAnomaly(insight.sessionId, identities);
	return duplicate ? {...insight, anomalies: [...insight.anomalies, duplicate]} : insight;
}

/**
 * `insightFor` without blocking the calling thread: on a worker thread when the compiled worker script exists,
 * else on this thread after yielding once (tests run from sources). The analyses come back as plain data: the
 * missing analysis lists its first `firstMissing` cells (`iterateMissing` cannot enumerate more of a copy; use
 * `insightFor` on the calling thread for a full resume list). `signal` stops the worker and rejects with an
 * AbortError.
 */
export function insightOffThread(
	sessionPath: string,
	sessionId: string,
	options: InsightOptions & {signal?: AbortSignal} = {},
): Promise<SessionInsight> {
	const {identities, signal, ...rest} = options;
	if (signal?.aborted) return Promise.reject(abortError());
	const script = workerScript();
	if (!script) {
		return new Promise((resolve, reject) =>
			setImmediate(() => {
				if (signal?.aborted) return reject(abortError());
				try {
					resolve(withDuplicates(insightFor(sessionPath, sessionId, rest), identities));
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
				}
			}),
		);
	}
	return new Promise((resolve, reject) => {
		const worker = new Worker(script, {
			workerData: {sessionPath, sessionId, options: rest} satisfies InsightRequest,
		});
		let settled = false;
		const settle = (action: () => void): void => {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			void worker.terminate();
			action();
		};
		const onAbort = (): void => settle(() => reject(abortError()));
		signal?.addEventListener('abort', onAbort, {once: true});
		worker.once('message', (reply: InsightReply) => {
			settle(() =>
				'error' in reply ? reject(new Error(reply.error)) : resolve(withDuplicates(reply.insight, identities)),
			);
		});
		worker.once('error', (error) => settle(() => reject(error)));
		worker.once('exit', (code) => settle(() => reject(new Error(`the insight worker exited with code ${code}`))));
	});
}
