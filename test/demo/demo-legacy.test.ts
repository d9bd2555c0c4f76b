/**
 * The demo's older sessions (issue 15): a new user sees V1 plans, a Phase-1 metadata.json and image-only
 * sessions, each value with where it came from.
 */
import {describe, expect, it} from 'vitest';
import {prepareDemoRoot} from '../../source/demo/demo-root.js';
import {demoLegacySessions} from '../../source/demo/legacy-sessions.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {toSessionRecord} from '../../source/core/session-model.js';
import {stateOf} from '../../source/core/state.js';
import type {StoredSession} from '../../source/core/types.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';

const NOW = Date.UTC(2025, 10, 17, 12, 0, 0);

async function legacyRows(): Promise<Map<string, StoredSession>> {
	const {root, dbPath} = prepareDemoRoot(makeWorkspace('sdstats-demo-legacy-').base, NOW);
	const {db} = openDatabase(dbPath, 'create');
	try {
		const repository = new StatsRepository(db);
		await runCompute({root, repository, runner: inlineRunner(), nowMs: () => NOW});
		const names = new Set(demoLegacySessions().map((s) => s.spec.name));
		return new Map(repository.listAll().flatMap((r) => (names.has(r.session_id) ? [[r.session_id, r]] : [])));
	} finally {
		db.close();
	}
}

const sourcesOf = (row: StoredSession) => toSessionRecord(row, stateOf(row, NOW, 600_000)).sources;

describe('the demo has sessions from before manifest.json', () => {
	it('every older format is there, each read from its own source', async () => {
		const rows = await legacyRows();
		expect(rows.size).toBe(demoLegacySessions().length);
		for (const row of rows.values()) expect(stateOf(row, NOW, 600_000), row.session_id).toBe('no_manifest');

		const v1 = rows.get('2025-09-02_140322_portraits')!;
		expect(v1).toMatchObject({images_expected: 12, images_actual: 12, sd_model: 'illustriousXL_v01', steps: 30});
		expect(v1.origins).toContain('v1');
		expect(sourcesOf(v1).images_expected?.from).toBe('v1');

		const stopped = rows.get('2025-09-05_101500_armor_sweep')!;
		expect(stopped).toMatchObject({images_expected: 20, images_actual: 7, completion_percentage: 35});

		const empty = rows.get('2025-09-06_093000_cityscape_plan')!;
		expect(empty).toMatchObject({images_expected: 10, images_actual: 0});

		const phase1 = rows.get('20250910_183000_fox_in_snow')!;
		expect(phase1).toMatchObject({images_expected: 9, images_actual: 9, width: 1024, height: 1024});
		expect(phase1.sd_model).toContain('hassakuXL_v13');
		expect(phase1.origins).toContain('phase1');

		const png = rows.get('2025-09-14_220500_moodboard')!;
		expect(png).toMatchObject({sd_model: 'illustriousXL_v01', sampler_name: 'DPM++ 2M', images_expected: null});
		expect(png.origins).toContain('png');
		expect(sourcesOf(png).sd_model?.from).toBe('png');

		const switched = rows.get('2025-09-18_160000_model_compare')!;
		// The disagreement is shown, not hidden: 6 of the 10 images say one model, 4 the other.
		expect(sourcesOf(switched).sd_model).toEqual({from: 'png', agree: 6, of: 10, others: [['animagineXL_v31', 4]]});

		const comfy = rows.get('2025-09-21_120000_comfy_tests')!;
		expect(comfy.sd_model).toContain('sd_xl_base_1.0');
		expect(comfy.steps).toBe(20);

		const bare = rows.get('2025-09-24_081500_quick_batch')!;
		expect(bare).toMatchObject({sd_model: null, images_actual: 5, images_expected: null});
	});
});
