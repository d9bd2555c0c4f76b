/**
 * Regression (issue 11, item 6): the second `x` export of a session in the same second failed with EEXIST (the
 * same name). Exports never overwrite and never fail on a clash: the next free name gets a suffix.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import type {SessionInput} from '../../source/core/types.js';
import {writeNewFile} from '../../source/jobs/write-new-file.js';
import {openDatabase} from '../../source/store/db.js';
import {MetadataRepository} from '../../source/store/metadata-repository.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {createExplorerData} from '../../source/ui/data/explorer-data.js';
import {makeWorkspace} from '../helpers/temp.js';

const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);
const ROOT = '/results';

function computed(name: string): ReturnType<typeof computeSession> {
	const input: SessionInput = {
		sessionId: name,
		sessionPath: path.join(ROOT, name),
		manifest: {kind: 'missing'},
		images: [{name: 'i0.png', mtimeNs: BigInt(NOW - 60_000) * 1_000_000n}],
		nowMs: NOW,
	};
	return computeSession(input);
}

describe('exports never overwrite and never fail on a clash (issue 11 item 6)', () => {
	it('the second and third x export of a session at the same moment get -2 and -3', () => {
		const {dbPath, base} = makeWorkspace('sdstats-export-');
		const {db} = openDatabase(dbPath, 'create');
		const stats = new StatsRepository(db);
		stats.save(computed('s1'), 'fp');
		const exportFolder = path.join(base, 'exports');
		fs.mkdirSync(exportFolder);
		const data = createExplorerData({
			root: ROOT,
			dbPath,
			repository: stats,
			metadata: new MetadataRepository(db),
			readonlyReason: null,
			exportFolder,
		});
		const first = data.exportSessions('json', ['s1'], NOW, 600_000);
		const second = data.exportSessions('json', ['s1'], NOW, 600_000);
		const third = data.exportSessions('csv', ['s1'], NOW, 600_000);
		const fourth = data.exportSessions('csv', ['s1'], NOW, 600_000);
		expect(path.basename(first)).toBe('sdstats-20251120-120000.json');
		expect(path.basename(second)).toBe('sdstats-20251120-120000-2.json');
		expect(path.basename(third)).toBe('sdstats-20251120-120000.csv');
		expect(path.basename(fourth)).toBe('sdstats-20251120-120000-2.csv');
		expect(fs.readFileSync(first, 'utf8')).toBe(fs.readFileSync(second, 'utf8'));
		expect(fs.readdirSync(exportFolder).sort()).toHaveLength(4);
		db.close();
	});

	it('a file someone else put at the name is left as it was', () => {
		const {base} = makeWorkspace('sdstats-export-');
		fs.writeFileSync(path.join(base, 'sdstats-x.json'), 'theirs');
		fs.writeFileSync(path.join(base, 'sdstats-x-2.json'), 'theirs too');
		expect(writeNewFile(base, 'sdstats-x', '.json', 'ours')).toBe(path.join(base, 'sdstats-x-3.json'));
		expect(fs.readFileSync(path.join(base, 'sdstats-x.json'), 'utf8')).toBe('theirs');
		expect(fs.readFileSync(path.join(base, 'sdstats-x-2.json'), 'utf8')).toBe('theirs too');
		expect(() => writeNewFile(path.join(base, 'no-such-folder'), 'a', '.json', '')).toThrow(/ENOENT/);
	});
});
