/**
 * One session folder's listing (scan/session-facts.ts listSessionFolder): which entries count as images, whether
 * manifest.json is there, which older manifests are read. The folder is listed by name only; each image's own
 * stat says whether it is a file, so folders and broken links named like images never count.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {listSessionFolder} from '../../source/scan/session-facts.js';
import {makeWorkspace} from '../helpers/temp.js';

function sessionFolder(): string {
	const {root} = makeWorkspace('sdstats-test-');
	const folder = path.join(root, '20251014_173320-s');
	fs.mkdirSync(folder);
	return folder;
}

describe('listing a session folder', () => {
	it('counts image files and links to them, with their size and mtime; not folders, broken links or other files', () => {
		const folder = sessionFolder();
		fs.writeFileSync(path.join(folder, 'a.png'), 'xyz');
		fs.utimesSync(path.join(folder, 'a.png'), 1_760_000_000, 1_760_000_000);
		fs.writeFileSync(path.join(folder, 'b.jpg'), '');
		fs.symlinkSync('a.png', path.join(folder, 'c.png'));
		fs.symlinkSync('missing.png', path.join(folder, 'dangling.png'));
		fs.mkdirSync(path.join(folder, 'folder.png'));
		fs.writeFileSync(path.join(folder, 'notes.txt'), 'x');
		fs.writeFileSync(path.join(folder, 'manifest.json'), '{}');
		const listing = listSessionFolder(folder);
		expect(listing.kind).toBe('listed');
		if (listing.kind !== 'listed') return;
		expect(listing.hasManifest).toBe(true);
		const images = [...listing.images].sort((x, y) => x.name.localeCompare(y.name));
		expect(images.map((i) => [i.name, i.size])).toEqual([
			['a.png', 3],
			['b.jpg', 0],
			['c.png', 3],
		]);
		expect(images[0]!.mtimeMs).toBe(1_760_000_000_000);
	});

	it('lists older manifests that are files, not folders with their names (a folder named metadata.json is not read)', () => {
		const folder = sessionFolder();
		fs.writeFileSync(path.join(folder, 'run_manifest.json'), '{}');
		fs.mkdirSync(path.join(folder, 'metadata.json'));
		const listing = listSessionFolder(folder);
		expect(listing).toEqual({
			kind: 'listed',
			images: [],
			hasManifest: false,
			legacyManifests: ['run_manifest.json'],
		});
	});

	it('says a folder that is gone is gone', () => {
		expect(listSessionFolder(path.join(sessionFolder(), 'missing'))).toEqual({kind: 'gone'});
	});
});
