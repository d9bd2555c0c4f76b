/** The details of a session without manifest.json say where each value came from, and what could not be read. */
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import type {StoredSession} from '../../source/core/types.js';
import {a1111Infotext} from '../../source/demo/image-files.js';
import {buildDetails} from '../../source/ui/model/details.js';
import {toSessionView} from '../../source/view/session-view.js';
import {TEST_NOW, storedSession} from '../helpers/sessions.js';

function stored(result: ReturnType<typeof computeSession>): StoredSession {
	return {
		...result.stats,
		...result.bookkeeping,
		fingerprint: 'fp',
		has_metadata: 0,
		is_favorite: null,
		is_test: null,
		is_complete: null,
		user_rating: null,
		user_note: null,
		tags: null,
	};
}

const detailsText = (row: StoredSession): string =>
	buildDetails(toSessionView(row, TEST_NOW, 600_000), row, 120, {
		nowMs: TEST_NOW,
		stallWindowMs: 600_000,
		dbPath: '/db',
		stale: false,
	})
		.map((l) => l.text)
		.join('\n');

describe('details of a session filled from its images', () => {
	it('show each value with its source and agreement, and the notes', () => {
		const names = Array.from({length: 12}, (_, i) => `i${i}.png`);
		const samples = [0, 4, 8, 11].map((position, k) => ({
			name: names[position]!,
			position,
			parameters:
				k === 3 ? null : a1111Infotext({prompt: 'p', seed: 5, model: k === 2 ? 'modelB' : 'modelA', steps: 28}),
			comfyPrompt: null,
			pixelWidth: null,
			pixelHeight: null,
			problem: k === 3 ? 'no parameters in the image' : null,
		}));
		const result = computeSession({
			sessionId: '2025-09-20_080000_x',
			sessionPath: '/results/2025-09-20_080000_x',
			manifest: {kind: 'missing'},
			images: names.map((name, i) => ({name, mtimeNs: BigInt(TEST_NOW - 10_000 + i) * 1_000_000n})),
			nowMs: TEST_NOW,
			legacy: {manifests: [], sampling: {total: 12, samples}, imageNames: names},
		});
		const text = detailsText(stored(result));
		expect(text).toMatch(/^model +modelA {2}\(from the images' parameters, 2 of 3 agree; others: modelB \(1\)\)$/m);
		expect(text).toMatch(/^steps +28 {2}\(from the images' parameters, 3 of 3 agree\)$/m);
		expect(text).toMatch(/^Sources$/m);
		expect(text).toContain('1 of 4 sampled images: no parameters in the image');
		expect(text).toContain('parameters read from 4 of 12 images (sdstats compute --deep reads them all)');
		// The state's line says what was read instead of "only the files are known".
		expect(text).toContain(
			"? no manifest: no manifest.json in the folder: values read from the images' parameters",
		);
	});

	it('a manifest.json session shows its values bare, and no Sources section', () => {
		const text = detailsText(
			storedSession('20251115_100000-complete_pony', {
				numImages: 4,
				images: 4,
				model: 'ponyDiffusionV6XL.safetensors [67ab2fd8ec]',
				status: 'completed',
			}),
		);
		expect(text).toMatch(/^model +ponyDiffusionV6XL\.safetensors \[67ab2fd8ec\]$/m);
		expect(text).not.toMatch(/^Sources$/m);
	});
});
