/**
 * The explorer's change hints: one watch on the root and one per session folder (newest first, within a
 * budget), hints batched per turn, and an honest "not reliable" whenever the poll must keep its pace.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {FolderWatcher, type WatchFunction} from '../../source/jobs/folder-watch.js';
import {makeWorkspace} from '../helpers/temp.js';

type FakeWatch = {target: string; emit(filename: string | null): void; fail(error: Error): void; closed: boolean};

function fakeWatch(options: {failAfter?: number; failCode?: string} = {}): {
	watch: WatchFunction;
	watches: FakeWatch[];
} {
	const watches: FakeWatch[] = [];
	const watch: WatchFunction = (target, listener) => {
		if (options.failAfter !== undefined && watches.length >= options.failAfter) {
			throw Object.assign(new Error('no space'), {code: options.failCode ?? 'ENOSPC'});
		}
		let onError: ((error: Error) => void) | null = null;
		const entry: FakeWatch = {
			target,
			closed: false,
			emit: (filename) => listener('change', filename),
			fail: (error) => onError?.(error),
		};
		watches.push(entry);
		return {
			close() {
				entry.closed = true;
			},
			on(_event, listener) {
				onError = listener;
				return this;
			},
		};
	};
	return {watch, watches};
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FolderWatcher', () => {
	it('watches the root and each session folder once, running sessions first, then newest first', async () => {
		const {watch, watches} = fakeWatch();
		const watcher = new FolderWatcher({root: '/r', onHint: () => {}, watch, remote: false, sliceSize: 2});
		await watcher.start(['20250101_000000-a', '20250301_000000-c', '20250201_000000-b'], ['20250101_000000-a']);
		expect(watches.map((w) => w.target)).toEqual([
			'/r',
			'/r/20250101_000000-a',
			'/r/20250301_000000-c',
			'/r/20250201_000000-b',
		]);
		expect(watcher.reliable).toBe(true);
		expect(watcher.limitation).toBeNull();
		watcher.close();
		expect(watches.every((w) => w.closed)).toBe(true);
		expect(watcher.reliable).toBe(false);
	});

	it('hints once per turn however many events arrive, and hands over the sessions that changed', async () => {
		const {watch, watches} = fakeWatch();
		let hints = 0;
		const watcher = new FolderWatcher({root: '/r', onHint: () => hints++, watch, remote: false});
		await watcher.start(['s1', 's2']);
		watches[1]!.emit('img_0001.png');
		watches[1]!.emit('img_0001.png');
		watches[2]!.emit('manifest.json');
		await turn();
		expect(hints).toBe(1);
		expect(watcher.take()).toEqual({sessions: new Set(['s1', 's2']), rootChanged: false});
		expect(watcher.take()).toEqual({sessions: new Set(), rootChanged: false});
	});

	it('a folder appearing in the root is hinted and watched from then on; hidden names are not', async () => {
		const {watch, watches} = fakeWatch();
		const watcher = new FolderWatcher({root: '/r', onHint: () => {}, watch, remote: false});
		await watcher.start([]);
		watches[0]!.emit('20251120_100000-new');
		watches[0]!.emit('.tmp-partial');
		expect(watcher.take()).toEqual({sessions: new Set(['20251120_100000-new']), rootChanged: true});
		expect(watches.map((w) => w.target)).toEqual(['/r', '/r/20251120_100000-new']);
		expect(watcher.watchedFolders).toBe(1);
	});

	it('beyond the budget the oldest folders are left to the poll, and the watcher says so', async () => {
		const {watch, watches} = fakeWatch();
		const watcher = new FolderWatcher({root: '/r', onHint: () => {}, watch, remote: false, maxFolders: 2});
		await watcher.start(['2025a', '2025c', '2025b']);
		expect(watches.map((w) => w.target)).toEqual(['/r', '/r/2025c', '/r/2025b']);
		expect(watcher.reliable).toBe(false);
		expect(watcher.limitation).toMatch(/1 older session folders are not watched/);
	});

	it('when watches run out (ENOSPC) it stops adding them and is no longer reliable', async () => {
		const {watch, watches} = fakeWatch({failAfter: 3});
		const watcher = new FolderWatcher({root: '/r', onHint: () => {}, watch, remote: false});
		await watcher.start(['a', 'b', 'c', 'd', 'e']);
		expect(watches).toHaveLength(3);
		expect(watcher.reliable).toBe(false);
		expect(watcher.limitation).toMatch(/watches ran out \(ENOSPC\)/);
	});

	it('a root on a network filesystem is watched but never relied on', async () => {
		const {watch} = fakeWatch();
		const watcher = new FolderWatcher({root: '/r', onHint: () => {}, watch, remote: true});
		await watcher.start(['a']);
		expect(watcher.reliable).toBe(false);
		expect(watcher.limitation).toMatch(/network filesystem/);
	});

	it('a broken folder watch is dropped and its session hinted; a broken root watch ends reliability', async () => {
		const {watch, watches} = fakeWatch();
		let hints = 0;
		const watcher = new FolderWatcher({root: '/r', onHint: () => hints++, watch, remote: false});
		await watcher.start(['a']);
		watches[1]!.fail(Object.assign(new Error('gone'), {code: 'ENOENT'}));
		await turn();
		expect(hints).toBe(1);
		expect(watches[1]!.closed).toBe(true);
		expect(watcher.take().sessions).toEqual(new Set(['a']));
		expect(watcher.reliable).toBe(true);
		watches[0]!.fail(Object.assign(new Error('broken'), {code: 'EIO'}));
		expect(watcher.reliable).toBe(false);
	});

	it('with the real fs.watch: a file written in a session folder and a new folder in the root are hinted', async () => {
		const {root} = makeWorkspace();
		for (const name of ['20251120_100000-a', '20251120_100001-b']) fs.mkdirSync(path.join(root, name));
		let wake: (() => void) | null = null;
		const hinted = (): Promise<void> => new Promise((resolve) => (wake = resolve));
		const watcher = new FolderWatcher({root, onHint: () => wake?.(), remote: false});
		try {
			await watcher.start(fs.readdirSync(root));
			expect(watcher.watchedFolders).toBe(2);
			let next = hinted();
			fs.writeFileSync(path.join(root, '20251120_100001-b', 'img.png'), '');
			await next;
			expect(watcher.take().sessions).toEqual(new Set(['20251120_100001-b']));
			next = hinted();
			fs.mkdirSync(path.join(root, '20251120_100002-c'));
			await next;
			expect(watcher.take()).toEqual({sessions: new Set(['20251120_100002-c']), rootChanged: true});
			next = hinted();
			fs.writeFileSync(path.join(root, '20251120_100002-c', 'manifest.json'), '{}');
			await next;
			expect(watcher.take().sessions).toEqual(new Set(['20251120_100002-c']));
		} finally {
			watcher.close();
		}
	});
});
