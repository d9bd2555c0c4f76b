/** The root's listing: which entries are session folders, in what order, and what is skipped with why. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {listSessionFolders} from '../../source/scan/sessions.js';
import {makeWorkspace} from '../helpers/temp.js';

describe('listing the results root', () => {
	it('gives the folders sorted by name, whatever order the directory keeps them in (it is streamed, not read whole)', () => {
		const {root} = makeWorkspace('sdstats-test-');
		// More entries than one slice of the stream, created in an order unlike the sorted one.
		const names = Array.from({length: 700}, (_, i) => `2025${String((i * 7919) % 700).padStart(4, '0')}-s`);
		for (const name of names) fs.mkdirSync(path.join(root, name));
		expect(listSessionFolders(root)).toEqual({folders: [...names].sort(), skipped: []});
	});

	it('keeps folders and links to folders, leaves out files, hidden entries and dangling links, and names link loops', () => {
		const {root} = makeWorkspace('sdstats-test-');
		fs.mkdirSync(path.join(root, 'b-folder'));
		fs.mkdirSync(path.join(root, '.hidden'));
		fs.writeFileSync(path.join(root, 'a-file.txt'), '');
		fs.symlinkSync(path.join(root, 'b-folder'), path.join(root, 'c-link'));
		fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'd-dangling'));
		fs.symlinkSync(path.join(root, 'f-loop'), path.join(root, 'e-loop'));
		fs.symlinkSync(path.join(root, 'e-loop'), path.join(root, 'f-loop'));
		expect(listSessionFolders(root)).toEqual({
			folders: ['b-folder', 'c-link'],
			skipped: [
				{name: 'e-loop', reason: 'symbolic link loop'},
				{name: 'f-loop', reason: 'symbolic link loop'},
			],
		});
	});

	it('throws when the root cannot be read', () => {
		const {root} = makeWorkspace('sdstats-test-');
		expect(() => listSessionFolders(path.join(root, 'missing'))).toThrow(/ENOENT/);
	});
});
