/** The design's service API over the store (design section 2.2.2 and its integration tests). */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {SessionStatsService} from '../../source/service/session-stats-service.js';
import {openDatabase} from '../../source/store/db.js';
import {SessionIdError} from '../../source/scan/session-path.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';

function setup() {
	const workspace = makeWorkspace('sdstats-service-');
	const {db} = openDatabase(workspace.dbPath, 'create');
	const repository = new StatsRepository(db);
	return {
		...workspace,
		db,
		repository,
		service: new SessionStatsService(workspace.root, repository, () => Date.UTC(2025, 10, 20, 12)),
	};
}

describe('SessionStatsService', () => {
	it('computes and caches a session (the design test: combinatorial, 3 × 2 used values, 6 images → 100 %)', () => {
		const {root, service} = setup();
		writeSession(root, {
			name: '20251107_120000-test_session',
			manifest: {
				model: 'test_model.safetensors',
				mode: 'combinatorial',
				seedMode: 'progressive',
				baseSeed: 42,
				variations: {Hair: ['bob', 'ponytail', 'braid'], Expression: ['smile', 'sad']},
				generationExtras: {max_images: 100},
				apiParams: {width: 512, height: 768, steps: 30, cfg_scale: 7.0, sampler_name: 'DPM++ 2M'},
			},
			images: 6,
		});
		const stats = service.computeAndCache('20251107_120000-test_session');
		expect(stats).toMatchObject({
			session_id: '20251107_120000-test_session',
			session_path: path.join(root, '20251107_120000-test_session'),
			sd_model: 'test_model.safetensors',
			generation_mode: 'combinatorial',
			images_expected: 6,
			images_actual: 6,
			completion_percentage: 100,
			is_seed_sweep: false,
			placeholders: {Hair: 3, Expression: 2},
			variations_summary: {Hair: ['bob', 'ponytail', 'braid'], Expression: ['smile', 'sad']},
			width: 512,
			height: 768,
			steps: 30,
			cfg_scale: 7,
			sampler_name: 'DPM++ 2M',
			session_created_at: '2025-11-07T12:00:00',
			stats_version: 1,
		});
		expect(service.getStats('20251107_120000-test_session')).toEqual(stats);
	});

	it("detects the design's seed sweep (progressive seeds, one placeholder)", () => {
		const {root, service} = setup();
		writeSession(root, {
			name: '20251107_120000-seed_sweep',
			manifest: {
				mode: 'random',
				seedMode: 'progressive',
				baseSeed: 42,
				variations: {HairStyle: ['bob']},
				generationExtras: {max_images: 50},
			},
			images: 0,
		});
		const stats = service.computeAndCache('20251107_120000-seed_sweep');
		expect(stats.is_seed_sweep).toBe(true);
		expect(stats.images_expected).toBe(50);
	});

	it('returns null for a session never computed, computes it on getOrCompute, recomputes on refresh', () => {
		const {root, service} = setup();
		const folder = writeSession(root, {name: '20251107_120000-a', manifest: {numImages: 4}, images: 2});
		expect(service.getStats('20251107_120000-a')).toBeNull();
		expect(service.getOrCompute('20251107_120000-a').images_actual).toBe(2);
		fs.writeFileSync(path.join(folder, 'more_0002.png'), '');
		// getOrCompute serves the cache; refresh reads the folder again.
		expect(service.getOrCompute('20251107_120000-a').images_actual).toBe(2);
		expect(service.refresh('20251107_120000-a').images_actual).toBe(3);
	});

	it('lists newest first and deletes cached stats only', () => {
		const {root, service, db} = setup();
		for (const name of ['20251101_100000-old', '20251105_100000-new', '20251103_100000-mid']) {
			writeSession(root, {name, manifest: {numImages: 1}, images: 1});
			service.computeAndCache(name);
		}
		db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, is_favorite, created_at, updated_at) VALUES ('20251103_100000-mid', '/x', 1, 'c', 'u')",
		).run();
		expect(service.listAll().map((s) => s.session_id)).toEqual([
			'20251105_100000-new',
			'20251103_100000-mid',
			'20251101_100000-old',
		]);
		expect(service.delete('20251103_100000-mid')).toBe(true);
		expect(service.delete('20251103_100000-mid')).toBe(false);
		expect(service.getStats('20251103_100000-mid')).toBeNull();
		expect(db.prepare('SELECT COUNT(*) AS n FROM session_metadata').get()).toEqual({n: 1});
	});

	it('refuses ids that are not a folder name under the root, and never reaches outside it', () => {
		const {root, base, service} = setup();
		writeSession(base, {name: 'outside', manifest: {numImages: 1, model: 'escaped.safetensors'}, images: 1});
		// A backslash is not a path separator on Linux: 'a\\b' is a folder name like any other (issue 11 item 10).
		for (const id of ['../outside', '/etc', 'a/b', '..', '.', '.hidden', 'nul\u0000byte', '']) {
			expect(() => service.computeAndCache(id), id).toThrow(SessionIdError);
			expect(() => service.getStats(id), id).toThrow(SessionIdError);
		}
		expect(() => service.computeAndCache('20251107_120000-missing')).toThrow(/no session folder/);
		fs.mkdirSync(path.join(root, 'not_a_session'));
		expect(() => service.computeAndCache('not_a_session')).toThrow(/not a session/);
	});
});
