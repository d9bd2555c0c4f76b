import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {locate, rootsOf} from '../../source/config.js';

const cwd = '/home/u';
const folders = (list: unknown): string => JSON.stringify(list);

describe('every root', () => {
	it('IMAGE_FOLDERS: every {name, path}, each with the cache beside it as the web UI keeps it', () => {
		const locations = locate({
			env: {
				IMAGE_FOLDERS: folders([
					{name: 'Main', path: '/data/sd/results'},
					{name: 'Old disk', path: '/mnt/old/outputs'},
					{name: 'Beside', path: '/data/sd/archive'},
				]),
			},
			cwd,
		});
		expect(locations).toMatchObject({
			root: '/data/sd/results',
			dbPath: '/data/sd/metadata/sessions.db',
			rootSource: 'IMAGE_FOLDERS',
		});
		expect(rootsOf(locations)).toEqual([
			{name: 'Main', path: '/data/sd/results', dbPath: '/data/sd/metadata/sessions.db'},
			{name: 'Old disk', path: '/mnt/old/outputs', dbPath: '/mnt/old/metadata/sessions.db'},
			// Side by side with the first: one cache per metadata folder, shared.
			{name: 'Beside', path: '/data/sd/archive', dbPath: '/data/sd/metadata/sessions.db'},
		]);
	});

	it('--root repeated wins over the environment; names from the folders, told apart when they repeat; duplicates folded', () => {
		const locations = locate({
			rootFlag: ['a/results', '/x/results', 'a/results', '/y/old'],
			env: {IMAGE_FOLDERS: folders([{name: 'n', path: '/z'}])},
			cwd,
		});
		expect(rootsOf(locations).map((r) => [r.name, r.path])).toEqual([
			['a/results', path.join(cwd, 'a/results')],
			['x/results', '/x/results'],
			['old', '/y/old'],
		]);
	});

	it('--db (or SDSTATS_DB) is one cache for every root', () => {
		const locations = locate({rootFlag: ['/a/r', '/b/r2'], dbFlag: 'my.db', env: {}, cwd});
		expect(rootsOf(locations).map((r) => r.dbPath)).toEqual([path.join(cwd, 'my.db'), path.join(cwd, 'my.db')]);
	});

	it('entries of IMAGE_FOLDERS without a path are skipped; unnamed ones take the folder name', () => {
		const locations = locate({
			env: {
				IMAGE_FOLDERS: folders([{name: 'x'}, 'junk', {path: '/p/outputs'}, {name: '  ', path: '/q/renders'}]),
			},
			cwd,
		});
		expect(rootsOf(locations).map((r) => r.name)).toEqual(['outputs', 'renders']);
	});

	it('a single root as before', () => {
		const locations = locate({rootFlag: '/r/results', env: {}, cwd});
		expect(rootsOf(locations)).toEqual([{name: 'results', path: '/r/results', dbPath: '/r/metadata/sessions.db'}]);
	});
});
