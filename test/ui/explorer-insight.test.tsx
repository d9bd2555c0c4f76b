/** Details show missing combinations, seeds and anomalies read from the session folder. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {insightFor} from '../../source/jobs/session-insight.js';
import {displayNameOf} from '../../source/core/session-name.js';
import {KEYS, cursorRow, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';
import {makeWorkspace} from '../helpers/temp.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

describe('details: session insight', () => {
	it('lists the missing combinations and anomalies once the folder is read', async () => {
		const {root} = makeWorkspace();
		const rows = sampleSessions();
		const selected = rows.find((r) => r.session_id.endsWith('running_now'))!;
		const folder = writeSession(root, {
			name: selected.session_id,
			manifest: {
				numImages: 6,
				status: 'ongoing',
				variations: {Hair: ['bob', 'braids'], Expression: ['smile', 'frown', 'wink']},
			},
			images: 6,
			realPng: true,
		});
		// Two images gone, and one left empty.
		const images = fs
			.readdirSync(folder)
			.filter((n) => n.endsWith('.png'))
			.sort();
		fs.rmSync(path.join(folder, images[1]!));
		fs.rmSync(path.join(folder, images[4]!));
		fs.writeFileSync(path.join(folder, images[0]!), '');
		const data = fakeData(rows);
		data.insights.set(selected.session_id, insightFor(folder, selected.session_id));
		harness = await renderExplorer({data, columns: 100, rows: 60});
		await harness.press(KEYS.enter);
		// The folder is read once the cursor rests on the session.
		let frame = await harness.waitForFrame(
			(f) => f.includes('Missing combinations') && f.includes('3 made'),
			'the insight section',
		);
		expect(data.insightRequests).toContain(selected.session_id);
		// Two deleted and one empty image: three combinations to make again.
		expect(frame).toContain('3 of 6 planned images missing, 3 made');
		expect(frame).toContain('the folder holds 4 image files: 3 listed in the manifest,');
		await harness.press('G');
		frame = await harness.waitForFrame(
			(f) => f.includes('Hair=braids, Expression=frown'),
			'the end of the details',
		);
		expect(frame).toContain('Hair=bob, Expression=smile');
		expect(frame).toContain('Hair=bob, Expression=frown');
		expect(frame).toContain('Hair=braids, Expression=frown');
		expect(frame).toMatch(/!.*empty/i);
	});

	it('analyses only the session the cursor rests on, not every row it passes (regression: a worker thread per row while j was held)', async () => {
		const rows = sampleSessions();
		const data = fakeData(rows);
		// Wide enough for details beside the list, where the selected session's folder is read.
		harness = await renderExplorer({data, columns: 160, rows: 40, insightSettleMs: 400});
		await harness.press('j', 'j', 'j', 'j');
		const restingOn = cursorRow(harness.lastFrame())!;
		await harness.waitForFrame(
			() => data.insightRequests.length > 0,
			'the folder of the session the cursor rests on',
		);
		expect(data.insightRequests).toHaveLength(1);
		expect(restingOn).toContain(displayNameOf(data.insightRequests[0]!));
	});

	it('does not analyse the folder again when loading brings new objects of the same rows (regression: a worker thread started as the first key after loading was answered)', async () => {
		const rows = sampleSessions();
		const data = fakeData(rows);
		let release!: () => void;
		const loaded = new Promise<void>((resolve) => (release = resolve));
		// As the real explorer loads: every row read again after the first frame, as new objects.
		data.pages = async function* () {
			await loaded;
			yield data.rows.map((row) => ({...row}));
		};
		let fetches = 0;
		const fetch = data.fetch;
		data.fetch = (ids) => {
			fetches++;
			return fetch(ids);
		};
		harness = await renderExplorer({data, columns: 160, rows: 40, insightSettleMs: 50});
		await harness.waitForFrame(() => data.insightRequests.length > 0, 'the first analysis');
		const fetchesBefore = fetches;
		release();
		await harness.waitForFrame((f) => !f.includes('loading'), 'every row loaded');
		// Well past the settle time: a restarted analysis would have been asked for by now.
		harness.clock.advance(10_000);
		await harness.press('');
		expect(data.insightRequests).toHaveLength(1);
		expect(fetches).toBe(fetchesBefore);
	});
});
