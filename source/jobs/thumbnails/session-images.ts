/**
 * A session folder as the previews need it: its images (name, size, mtime) in time order, each with its
 * manifest entry and caption, and the manifest's grid facts. One readdir, one stat per image, the manifest read
 * once. The explorer and the `preview`/`sheet` commands share it.
 */
import path from 'node:path';
import {readManifestImages, type ManifestImageEntry, type ManifestImages} from '../../core/analysis/manifest-images.js';
import {MANIFEST_NAME} from '../../core/images.js';
import {captionFor, entriesByName, pickSheetImages, shortCaptionFor} from '../../core/preview/pick.js';
import {listSessionFolder, readManifestInput} from '../../scan/session-facts.js';
import {sanitizeLine} from '../../text/sanitize.js';

export type PreviewImage = {
	name: string;
	path: string;
	size: number;
	mtimeMs: number;
	/** Placeholder values and seed, sanitized; the file name when the manifest does not list the image. */
	caption: string;
	/** The same for a narrow cell: values and `#seed` only. */
	shortCaption: string;
	entry: ManifestImageEntry | null;
};

export type SessionImages =
	| {
			ok: true;
			folder: string;
			images: PreviewImage[];
			manifest: ManifestImages | null;
			manifestReason: string | null;
			running: boolean;
	  }
	| {ok: false; reason: string};

const RUNNING_STATUSES = new Set(['ongoing', 'running', 'in_progress', 'generating']);

export function readSessionImages(folder: string): SessionImages {
	const listing = listSessionFolder(folder);
	if (listing.kind === 'gone') return {ok: false, reason: `the session folder is gone: ${folder}`};
	if (listing.kind === 'unlistable') return {ok: false, reason: `cannot list ${folder}: ${listing.reason}`};
	let manifest: ManifestImages | null = null;
	let manifestReason: string | null = null;
	const input = listing.hasManifest
		? readManifestInput(path.join(folder, MANIFEST_NAME))
		: ({kind: 'missing'} as const);
	if (input.kind === 'bytes') {
		const parsed = readManifestImages(input.bytes);
		if (parsed.ok) manifest = parsed;
		else manifestReason = `${MANIFEST_NAME}: ${parsed.reason}`;
	} else if (input.kind === 'unreadable') manifestReason = input.reason;
	else manifestReason = `no ${MANIFEST_NAME}`;
	const entries = entriesByName(manifest);
	const images = pickSheetImages(listing.images, listing.images.length, false).map((image): PreviewImage => {
		const entry = entries.get(image.name) ?? null;
		return {
			name: image.name,
			path: path.join(folder, image.name),
			size: image.size,
			mtimeMs: image.mtimeMs,
			caption: sanitizeLine(captionFor(image.name, entry ?? undefined)),
			shortCaption: sanitizeLine(shortCaptionFor(image.name, entry ?? undefined)),
			entry,
		};
	});
	return {
		ok: true,
		folder,
		images,
		manifest,
		manifestReason,
		running: manifest !== null && manifest.status !== null && RUNNING_STATUSES.has(manifest.status),
	};
}

/** The sheet's images of a session read by `readSessionImages` (see core/preview/pick.ts for which). */
export function sheetImages(
	session: Extract<SessionImages, {ok: true}>,
	count: number,
	running = session.running,
): PreviewImage[] {
	return pickSheetImages(session.images, count, running);
}
