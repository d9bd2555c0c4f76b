/**
 * Regression: the live poll's first listing of the root took every folder as new (nothing listed before to
 * compare with), so the first poll of an explorer over 100,000 cached sessions recomputed and read back all of
 * them on the screen's thread (measured: the process climbed from ≈300 to ≈560 MB a few seconds after opening).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {livePoller} from '../helpers/live-poller.js';
import {makeWorkspace} from '../helpers/temp.js';

const firstPng = (folder: string): string => fs.readdirSync(folder).find((name) => name.endsWith('.png'))!;

/** A root of finished sessions of four images each, every one computed into a new cache. */
async function computedRoot(names: readonly string[]) {
	const {base, root, dbPath} = makeWorkspace();
	for (const name of names) writeSession(root, {name, manifest: {numImages: 4, status: 'completed'}, images: 4});
	const opened = openDatabase(dbPath, 'create');
	const repository = new StatsRepository(opened.db);
	await runCompute({root, repository});
	return {base, root, opened, repository};
}

describe('live poll: the first listing of the root', () => {
	it('recomputes only folders the cache does not hold; a folder moved out (its row removed) and back in is computed again', async () => {
		const cached = ['20251120_100000-first', '20251120_110000-second'];
		const {base, root, opened, repository} = await computedRoot(cached);
		// Changed on disk after its compute: the staleness check's to find, not the first poll's.
		fs.rmSync(path.join(root, cached[0]!, firstPng(path.join(root, cached[0]!))));
		const added = '20251120_120000-added';
		writeSession(root, {name: added, manifest: {numImages: 2, status: 'completed'}, images: 2});
		const poller = livePoller(root, opened, repository);

		const first = await poller.cycle();
		expect(first.changedIds).toEqual([added]);
		expect(first.events.map((e) => [e.kind, e.sessionId])).toEqual([['new', added]]);
		expect(repository.get(cached[0]!)!.images_actual).toBe(4);

		// Moved out, then back in with an image fewer: each listing differs from the one before (the root's
		// mtime is set apart explicitly: a coarse clock could give two renames the same one).
		const aside = path.join(base, 'aside');
		fs.renameSync(path.join(root, cached[1]!), aside);
		fs.utimesSync(root, new Date(2030, 0, 1), new Date(2030, 0, 1));
		expect((await poller.cycle()).removedIds).toEqual([cached[1]]);
		fs.rmSync(path.join(aside, firstPng(aside)));
		fs.renameSync(aside, path.join(root, cached[1]!));
		fs.utimesSync(root, new Date(2030, 0, 2), new Date(2030, 0, 2));
		expect((await poller.cycle()).changedIds).toEqual([cached[1]]);
		expect(repository.get(cached[1]!)!.images_actual).toBe(3);
		opened.db.close();
	});

	it('recomputes a cached folder that was away at the first listing once a later listing has it again (the row was never removed, so only the listing before tells it came back)', async () => {
		const names = ['20251120_100000-stays', '20251120_110000-away'];
		const {base, root, opened, repository} = await computedRoot(names);
		const aside = path.join(base, 'aside');
		fs.renameSync(path.join(root, names[1]!), aside);
		const poller = livePoller(root, opened, repository);

		// The first listing lacks it, but has nothing before it to call it gone by: the row stays, as cached.
		const first = await poller.cycle();
		expect(first).toMatchObject({changedIds: [], removedIds: []});
		expect(repository.get(names[1]!)).toBeDefined();

		// Back, with an image fewer: cached, finished (no fingerprint is polled for it), so only "not listed last
		// time" makes it a candidate.
		fs.rmSync(path.join(aside, firstPng(aside)));
		fs.renameSync(aside, path.join(root, names[1]!));
		fs.utimesSync(root, new Date(2030, 0, 1), new Date(2030, 0, 1));
		expect((await poller.cycle()).changedIds).toEqual([names[1]]);
		expect(repository.get(names[1]!)!.images_actual).toBe(3);
		opened.db.close();
	});
});
