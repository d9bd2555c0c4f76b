/**
 * The pictures' outside work: read the images of the session the cursor rests on (never while it moves), ask
 * the thumbnail service for exactly the thumbnails the screen shows (state/previews.ts `wantedThumbs`), and
 * take the terminal's late answer about its graphics. Decoding and encoding happen on the service's worker
 * thread; results arrive as actions, so a key never waits for a picture.
 */
import path from 'node:path';
import {useEffect, useRef, type Dispatch} from 'react';
import type {Int64} from '../../core/types.js';
import {usableSeedList} from '../../core/analysis/grid.js';
import type {ThumbnailService} from '../../jobs/thumbnails/thumbnail-service.js';
import {readSessionImages} from '../../jobs/thumbnails/session-images.js';
import {detailsPanel, imagePlan, wantedThumbs} from '../state/previews.js';
import type {Action, ExplorerState, PreviewOutput, PreviewSession, PreviewThumb} from '../state/types.js';
import type {Clock} from '../clock.js';
import {fnv1a32} from '../../core/fnv1a.js';

export type PreviewServices = {
	thumbnails: ThumbnailService;
	/** The disk cache of thumbnails; null: none (tests). */
	cacheDir: string | null;
	/** Calls back when the terminal's answer changes the protocol; returns the unsubscribe. */
	onOutput?: (listener: (output: PreviewOutput) => void) => () => void;
};

/** The session folder → what the previews keep of it (values as text, seeds as text). */
export function loadPreviewSession(sessionId: string, folder: string): PreviewSession {
	const read = readSessionImages(folder);
	if (!read.ok) return {sessionId, images: [], running: false, placeholders: [], seeds: null, reason: read.reason};
	const manifest = read.manifest;
	const seeds = manifest ? usableSeedList(manifest.seedList) : null;
	return {
		sessionId,
		images: read.images.map((image) => ({
			name: image.name,
			path: image.path,
			size: image.size,
			mtimeMs: image.mtimeMs,
			caption: image.caption,
			shortCaption: image.shortCaption,
			values: image.entry ? Object.fromEntries(image.entry.combination.pairs) : {},
			seed: image.entry && image.entry.seed !== null ? String(image.entry.seed) : null,
		})),
		running: read.running,
		placeholders: manifest ? manifest.placeholders.map((p) => ({name: p.name, values: p.used})) : [],
		seeds: seeds ? seeds.map((seed: Int64) => String(seed)) : null,
		reason: read.images.length === 0 ? 'no images yet' : read.manifestReason,
	};
}

/** How long pictures that arrive one by one are held to be drawn together. */
const BATCH_MS = 30;
/**
 * While pictures keep arriving (a cold grid: ~70, one by one over most of a second), at most one frame of them
 * this often: each is a whole render (~10 ms idle, far more under load) on the cores the decoders need, and
 * with sixel or iTerm2 each frame sends every picture on screen again (a full grid is ~1 MB of sixel). At
 * 150 ms a cold grid drew ~6 such frames idle, ~13 at load 8; at 250 ms ~4 and ~8, still four a second to
 * watch it fill. The last picture is never held: it is drawn as soon as nothing asked is left.
 */
const PICTURE_FRAME_GAP_MS = 250;

/** A stable kitty image id per thumbnail (1…2²⁴−1, so 256-colour terminals can carry it too). */
function kittyIdOf(key: string): number {
	return (fnv1a32(key) % 0xfffffe) + 1;
}

export function usePreviews(
	services: PreviewServices | null,
	state: ExplorerState,
	dispatch: Dispatch<Action>,
	clock: Clock,
	settleMs: number,
): void {
	const selected = state.shown[state.cursorIndex];
	const inPictures = state.mode === 'grid' || state.mode === 'image';
	const wantedId = services && (inPictures || detailsPanel(state) !== null) ? (selected?.id ?? null) : null;
	const folder = selected?.row.session_path ?? null;
	const version = selected?.row;

	// The session's images, once the cursor rests (a running session: again when its row changes).
	useEffect(() => {
		if (wantedId === null || folder === null) return;
		const timer = clock.setTimeout(
			() => dispatch({type: 'preview-session-loaded', session: loadPreviewSession(wantedId, folder)}),
			settleMs,
		);
		return () => clock.clearTimeout(timer);
	}, [wantedId, folder, version, dispatch, clock, settleMs]);

	// The prompt of the image shown full screen, read (on the worker) when it is shown: nothing keeps prompts.
	const shown = state.mode === 'image' ? imagePlan(state) : null;
	const shownSession = shown?.session.sessionId ?? null;
	const shownImage = shown?.image ?? null;
	const promptKnown = shownImage !== null && state.previews.prompts.has(shownImage.name);
	useEffect(() => {
		if (!services || shownSession === null || shownImage === null || promptKnown) return;
		let live = true;
		void services.thumbnails
			.prompt({folder: path.dirname(shownImage.path), name: shownImage.name, path: shownImage.path})
			.then((answer) => {
				if (!live) return;
				dispatch({
					type: 'preview-prompt',
					sessionId: shownSession,
					name: shownImage.name,
					prompt: {prompt: answer.prompt, negative: answer.negative, reason: answer.reason},
				});
			});
		return () => {
			live = false;
		};
	}, [services, shownSession, shownImage, promptKnown, dispatch]);

	// The terminal's answer to the start-up query.
	useEffect(() => services?.onOutput?.((output) => dispatch({type: 'preview-output', output})), [services, dispatch]);

	// Exactly the thumbnails on screen; the ones no longer wanted are dropped from the queue.
	const wanted = wantedThumbs(state);
	const sessionId = state.previews.session?.sessionId ?? null;
	const output = state.previews.output;
	const missing = wanted.filter((w) => !state.previews.thumbs.has(w.key));
	// Keyed on what is wanted, not on what is missing: a thumbnail arriving must not restart the others.
	const signature = `${sessionId}\n${output.protocol}\n${output.cell.width}x${output.cell.height}\n${wanted.map((w) => w.key).join('\n')}`;
	const asked = useRef(new Set<string>());
	// The gap is about the frames of one filling sheet or grid: another session's first pictures never wait for
	// the frames of the one the cursor left (regression: they waited up to PICTURE_FRAME_GAP_MS, not BATCH_MS).
	const lastPictureFrame = useRef<{sessionId: string | null; at: number}>({
		sessionId: null,
		at: Number.NEGATIVE_INFINITY,
	});
	// Pictures that arrive together are drawn together: one render for a sheet from the warm cache, not one per
	// picture (each render is a whole frame: ~15 ms on a loaded machine, the bulk of a warm sheet's time). They
	// are handed over when nothing asked is left, or BATCH_MS after the first of them (PICTURE_FRAME_GAP_MS after
	// the previous picture frame while they keep coming).
	const arrived = useRef<{
		sessionId: string;
		thumbs: Array<{key: string; thumb: PreviewThumb}>;
		timer: unknown;
	} | null>(null);
	useEffect(() => {
		if (!services || sessionId === null || output.protocol === null || missing.length === 0) return;
		let live = true;
		const pending = asked.current;
		const flush = (): void => {
			const batch = arrived.current;
			if (!batch) return;
			arrived.current = null;
			lastPictureFrame.current = {sessionId: batch.sessionId, at: clock.now()};
			if (batch.timer !== null) clock.clearTimeout(batch.timer);
			if (live) dispatch({type: 'preview-thumbs', sessionId: batch.sessionId, thumbs: batch.thumbs});
		};
		const deliver = (key: string, thumb: PreviewThumb): void => {
			if (!arrived.current) arrived.current = {sessionId, thumbs: [], timer: null};
			arrived.current.thumbs.push({key, thumb});
			if (pending.size === 0) flush();
			else if (arrived.current.timer === null) {
				const last = lastPictureFrame.current;
				const since = last.sessionId === sessionId ? clock.now() - last.at : Number.POSITIVE_INFINITY;
				const wait = Math.max(BATCH_MS, PICTURE_FRAME_GAP_MS - since);
				arrived.current.timer = clock.setTimeout(flush, wait);
			}
		};
		for (const want of missing) {
			const key = `${sessionId}\n${want.key}`;
			if (asked.current.has(key)) continue;
			asked.current.add(key);
			const kittyId = output.protocol === 'kitty' ? kittyIdOf(key) : undefined;
			void services.thumbnails
				.get({
					path: want.image.path,
					size: want.image.size,
					mtimeMs: want.image.mtimeMs,
					cacheDir: services.cacheDir,
					keepSource: want.keepSource,
					encode: {
						protocol: output.protocol,
						cols: want.cols,
						rows: want.rows,
						cell: output.cell,
						depth: output.depth,
						full: want.full,
						...(kittyId === undefined ? {} : {kittyId}),
					},
				})
				.then((thumbnail) => {
					asked.current.delete(key);
					if (!live || thumbnail === null) return;
					deliver(
						want.key,
						thumbnail.ok
							? {
									status: 'ready',
									lines: thumbnail.lines,
									text: thumbnail.text,
									cols: thumbnail.cols,
									rows: thumbnail.rows,
									...(kittyId === undefined ? {} : {kittyId}),
								}
							: {status: 'failed', reason: thumbnail.reason},
					);
				});
		}
		return () => {
			// What arrived is still right for its session: hand it over before the screen moves on.
			flush();
			live = false;
			// The screen changed: what was asked for and not started is no longer wanted.
			services.thumbnails.cancel();
			pending.clear();
		};
		// `signature` stands for `wanted` (hence `missing`), `sessionId` and the output.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [signature, services, dispatch, clock]);
}
