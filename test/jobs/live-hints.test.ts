/** The live poll with watch hints: a hinted finished session is recomputed; stray names are not sessions. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {livePoller} from '../helpers/live-poller.js';
import {makeWorkspace} from '../helpers/temp.js';

describe('live poll with watch hints', () => {
	it('recomputes a hinted finished session (the poll alone leaves finished ones to the staleness check)', async () => {
		const {root, dbPath} = makeWorkspace();
		const id = '20251120_100000-finished';
		writeSession(root, {name: id, manifest: {numImages: 4, status: 'completed'}, images: 4});
		const opened = openDatabase(dbPath, 'create');
		const repository = new StatsRepository(opened.db);
		await runCompute({root, repository});
		const poller = livePoller(root, opened, repository);
		await poller.cycle();
		fs.rmSync(
			path.join(
				root,
				id,
				fs.readdirSync(path.join(root, id)).find((n) => n.endsWith('.png'))!,
			),
		);
		fs.writeFileSync(path.join(root, 'notes.txt'), 'not a session');

		expect((await poller.cycle()).changedIds).toEqual([]);
		expect(repository.get(id)!.images_actual).toBe(4);
		const hinted = await poller.cycle([id, 'notes.txt', '.hidden']);
		expect(hinted.changedIds).toEqual([id]);
		expect(repository.get(id)!.images_actual).toBe(3);
		expect(repository.get('notes.txt')).toBeUndefined();
		opened.db.close();
	});
});
