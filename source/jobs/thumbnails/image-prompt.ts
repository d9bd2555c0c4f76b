/**
 * The prompt of the one image the full-screen view shows, read when it is shown (on the thumbnail worker):
 * from the session's manifest entry, else from the image's own infotext (A1111/Forge `parameters`, EXIF
 * UserComment). Never throws; a prompt nobody wrote gives a reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import {MANIFEST_NAME} from '../../core/images.js';
import {parseInfotext} from '../../core/infotext.js';
import {manifestEntryPrompt} from '../../core/preview/manifest-entry.js';
import {readImageHead} from '../../scan/image-head.js';

export type PromptRequest = {folder: string; name: string; path: string};

export type PromptAnswer = {
	prompt: string | null;
	negative: string | null;
	/** Where it came from; null with a reason when neither has one. */
	source: 'manifest' | 'image' | null;
	reason: string | null;
};

/** Manifests larger than this are not read for one line of text. */
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

async function fromManifest(request: PromptRequest): Promise<PromptAnswer | null> {
	const file = path.join(request.folder, MANIFEST_NAME);
	try {
		const stat = await fs.promises.stat(file);
		if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return null;
		const found = manifestEntryPrompt(await fs.promises.readFile(file, 'utf8'), request.name);
		if (!found || (found.prompt === null && found.negative === null)) return null;
		return {...found, source: 'manifest', reason: null};
	} catch {
		return null;
	}
}

function fromImage(request: PromptRequest): PromptAnswer | null {
	const head = readImageHead(request.path);
	if (head.parameters === null) return null;
	const parsed = parseInfotext(head.parameters);
	return {
		prompt: parsed.prompt || null,
		negative: parsed.negativePrompt || null,
		source: 'image',
		reason: null,
	};
}

export async function readImagePrompt(request: PromptRequest): Promise<PromptAnswer> {
	return (
		(await fromManifest(request)) ??
		fromImage(request) ?? {
			prompt: null,
			negative: null,
			source: null,
			reason: 'neither the manifest nor the image records a prompt',
		}
	);
}
