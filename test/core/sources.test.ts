/**
 * The column set of session_stats is declared once (core/types.ts), each column with what fills it; the
 * sources of a manifest.json row are read from that declaration (issue 12: one place per rule).
 */
import {describe, expect, it} from 'vitest';
import {sourcesOfRow} from '../../source/core/sources.js';
import {MANIFEST_COLUMNS, SESSION_STATS_COLUMNS} from '../../source/core/types.js';

describe('the columns a manifest fills', () => {
	it('are these, in DDL order, and a subset of the table', () => {
		expect(MANIFEST_COLUMNS).toEqual([
			'sd_model',
			'template_version',
			'generation_mode',
			'seed_mode',
			'seed_base',
			'resolved_prompt',
			'negative_prompt',
			'width',
			'height',
			'steps',
			'cfg_scale',
			'sampler_name',
			'images_expected',
			'is_seed_sweep',
			'placeholders_json',
			'variations_summary_json',
			'manifest_generated_at',
		]);
		expect(MANIFEST_COLUMNS.every((c) => SESSION_STATS_COLUMNS.includes(c))).toBe(true);
		expect(SESSION_STATS_COLUMNS).toHaveLength(26);
	});

	it("a manifest.json row: every filled manifest column is the manifest's, nothing of the filesystem is", () => {
		const row = Object.fromEntries(SESSION_STATS_COLUMNS.map((c) => [c, 1])) as Record<string, unknown>;
		row.steps = null;
		const sources = sourcesOfRow({...row, manifest_state: 'ok', sd_model: 'm'});
		expect(sources.origins).toEqual(['manifest']);
		expect(Object.keys(sources.fields)).toEqual(MANIFEST_COLUMNS.filter((c) => c !== 'steps'));
		expect(sources.fields.images_actual).toBeUndefined();
		expect(sources.fields.session_path).toBeUndefined();
	});
});
