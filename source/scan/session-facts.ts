/** Reads what the calculator needs from one session folder: its image files and its manifest bytes. */
import fs from 'node:fs';
import path from 'node:path';
import {MANIFEST_NAME, isImageName} from '../core/images.js';
import type {ImageFact, ManifestInput, SessionInput} from '../core/types.js';
import {describeFsError, isGone} from './errors.js';

export type SessionFacts =
	| {kind: 'session'; input: SessionInput}
	/** A folder with neither a manifest nor an image: not a session (dryrun/, thumbnails…). */
	| {kind: 'not_a_session'}
	/** The folder disappeared (deleted or renamed) while we looked at it. */
	| {kind: 'gone'}
	/** The folder exists but cannot be listed. */
	| {kind: 'unlistable'; reason: string};

function readManifestInput(manifestPath: string): ManifestInput {
	let stat: fs.BigIntStats | undefined;
	try {
		stat = fs.statSync(manifestPath, {bigint: true, throwIfNoEntry: false});
		if (!stat) return {kind: 'missing'};
		if (!stat.isFile()) return {kind: 'unreadable', reason: `${MANIFEST_NAME}: ${describeFsError({code: stat.isDirectory() ? 'EISDIR' : 'EINVAL'})}`, mtimeNs: stat.mtimeNs};
		const bytes = fs.readFileSync(manifestPath);
		return {kind: 'bytes', bytes, mtimeNs: stat.mtimeNs};
	} catch (error) {
		// Deleted between the listing and the read: for this compute there is no manifest.
		if (isGone(error)) return {kind: 'missing'};
		return {kind: 'unreadable', reason: `${MANIFEST_NAME}: ${describeFsError(error)}`, mtimeNs: stat?.mtimeNs ?? null};
	}
}

export function readSessionFacts(sessionId: string, sessionPath: string, nowMs: number): SessionFacts {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(sessionPath, {withFileTypes: true});
	} catch (error) {
		if (isGone(error)) return {kind: 'gone'};
		return {kind: 'unlistable', reason: `folder: ${describeFsError(error)}`};
	}
	const images: ImageFact[] = [];
	let hasManifest = false;
	for (const entry of entries) {
		const {name} = entry;
		if (name === MANIFEST_NAME) {
			hasManifest = true;
			continue;
		}
		if (!isImageName(name) || entry.isDirectory()) continue;
		// Regular files and links to regular files count; broken links and anything else do not.
		const stat = statQuietly(path.join(sessionPath, name));
		if (stat?.isFile()) images.push({name, mtimeNs: stat.mtimeNs});
	}
	const manifest: ManifestInput = hasManifest ? readManifestInput(path.join(sessionPath, MANIFEST_NAME)) : {kind: 'missing'};
	if (manifest.kind === 'missing' && images.length === 0) return {kind: 'not_a_session'};
	return {kind: 'session', input: {sessionId, sessionPath, manifest, images, nowMs}};
}

function statQuietly(filePath: string): fs.BigIntStats | undefined {
	try {
		return fs.statSync(filePath, {bigint: true, throwIfNoEntry: false});
	} catch {
		// A link loop or a permission problem on one image: that file is not counted.
		return undefined;
	}
}
