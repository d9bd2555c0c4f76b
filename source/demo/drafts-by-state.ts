/** Hand-made demo sessions, one or more of every state: running, stalled, aborted, empty, over, no manifest, unreadable. */
import {buildManifest} from './corpus.js';
import {folderName, HOUR, MINUTE, pad, type When} from './when.js';
import {baseManifest, themedManifest, truncatedManifest, type DraftInput} from './drafts.js';
import {between, type Random} from './random.js';
import {MODELS, theme} from './vocabulary.js';

/** Adds the sessions of every state, drawing from `rand` in a fixed order (the demo stays deterministic). */
export function addStateDrafts(rand: Random, add: (draft: DraftInput) => void): void {
	// Running: ongoing, last write a few minutes before "now" (refreshed on every open).
	{
		const when: When = [2025, 11, 16, 21, 40, 12];
		const m = themedManifest(rand, when, theme('outfit_variations'), 'random', {model: MODELS[0]});
		add({
			when,
			label: 'sunset_rooftop_batch',
			state: 'running',
			manifest: {...m, numImages: 120, status: 'ongoing'},
			images: 47,
			live: {lastWriteAgoMs: 1 * MINUTE},
		});
	}
	{
		const when: When = [2025, 11, 16, 22, 15, 3];
		const m = baseManifest(rand, when, {model: MODELS[2], sampler: 'Euler a'});
		const variations = {Expression: theme('facial_expressions').placeholders.Expression!};
		add({
			when,
			label: 'expression_sweep_pony',
			state: 'running',
			manifest: {
				...m,
				prompt: 'score_9, score_8_up, 1girl, close-up, {Expression}',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations,
				numImages: 40,
				status: 'ongoing',
			},
			images: 12,
			live: {lastWriteAgoMs: 4 * MINUTE},
		});
	}
	// Stalled: ongoing, but silent for hours. One follows the clock (always ~3 h behind), one keeps its old times.
	{
		const when: When = [2025, 11, 16, 14, 2, 51];
		const m = themedManifest(rand, when, theme('landscape_moods'), 'combinatorial');
		add({
			when,
			label: 'landscape_moods_overnight',
			state: 'stalled',
			manifest: {...m, status: 'ongoing'},
			images: 9,
			live: {lastWriteAgoMs: 3 * HOUR + 12 * MINUTE},
		});
	}
	{
		const when: When = [2025, 11, 15, 3, 12, 40];
		const m = themedManifest(rand, when, theme('mecha_designs'), 'combinatorial');
		add({when, label: 'mecha_designs_oom', state: 'stalled', manifest: {...m, status: 'ongoing'}, images: 6});
	}
	// Aborted: fewer images than planned, one with none at all.
	{
		const when: When = [2025, 11, 13, 19, 5, 33];
		const m = themedManifest(rand, when, theme('armor_study'), 'combinatorial');
		add({when, label: 'armor_study_ctrl_c', state: 'aborted', manifest: {...m, status: 'aborted'}, images: 7});
	}
	{
		const when: When = [2025, 11, 12, 8, 30, 0];
		const m = themedManifest(rand, when, theme('cafe_scene'), 'random');
		add({
			when,
			label: 'cafe_scene_wrong_model',
			state: 'aborted',
			manifest: {...m, numImages: 24, status: 'aborted'},
			images: 0,
		});
	}
	{
		const when: When = [2025, 11, 14, 23, 48, 9];
		const m = themedManifest(rand, when, theme('outfit_variations'), 'random');
		add({
			when,
			label: 'outfits_random_60',
			state: 'aborted',
			manifest: {...m, numImages: 60, status: 'aborted'},
			images: 45,
		});
	}
	// Empty: a manifest that says completed, and no image.
	{
		const when: When = [2025, 11, 14, 10, 1, 17];
		const m = themedManifest(rand, when, theme('witch_workshop'), 'combinatorial');
		add({when, label: 'witch_workshop_empty_output_dir', state: 'empty', manifest: m, images: 0});
	}
	{
		const when: When = [2025, 11, 11, 16, 44, 2];
		const m = baseManifest(rand, when);
		add({
			when,
			label: 'typo_in_placeholder',
			state: 'empty',
			manifest: {
				...m,
				prompt: 'masterpiece, 1girl, {Expresion}',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {},
				numImages: 0,
			},
			images: 0,
		});
	}
	// Over: a re-run into the same folder added images (annotated copies do not count).
	{
		const when: When = [2025, 11, 12, 20, 10, 45];
		const m = themedManifest(rand, when, theme('character_sheet'), 'combinatorial');
		add({when, label: 'character_sheet_rerun', state: 'over', manifest: {...m, recordImages: 12}, images: 16});
	}
	{
		const when: When = [2025, 11, 15, 11, 22, 6];
		const m = themedManifest(rand, when, theme('cyberpunk_city'), 'combinatorial');
		const extraFiles = Object.fromEntries(
			[0, 1, 2].map((i) => [
				`cyberpunk_city_resumed_${pad(i, 4)}_seed-${(m.baseSeed ?? 0) + i}_annotated.png`,
				'',
			]),
		);
		add({
			when,
			label: 'cyberpunk_city_resumed',
			state: 'over',
			manifest: {...m, recordImages: 12},
			images: 14,
			extraFiles,
		});
	}
	// No manifest: legacy folders holding only images (old WebUI names, mixed extensions).
	{
		const when: When = [2025, 10, 7, 20, 30, 15];
		const seeds = Array.from({length: 12}, () => between(rand, 1, 4_294_967_295));
		const exts = ['png', 'png', 'png', 'jpg', 'webp', 'PNG'];
		const imageNames = seeds.map((seed, i) => `${pad(i, 5)}-${seed}.${exts[i % exts.length]}`);
		add({
			when,
			label: 'old_portraits',
			state: 'no_manifest',
			manifest: null,
			images: imageNames.length,
			imageNames,
			extraFiles: {
				'prompt.txt': 'portrait of a woman, long black hair, rim light\nNegative prompt: lowres\n',
				'.DS_Store': '',
			},
		});
	}
	{
		const when: When = [2025, 10, 9, 11, 2, 44];
		const imageNames = Array.from({length: 5}, (_, i) => `sketch_${pad(i + 1, 3)}.png`);
		add({
			when,
			label: 'pencil_sketches',
			state: 'no_manifest',
			manifest: null,
			images: 5,
			imageNames,
			realPng: true,
		});
	}
	{
		const when: When = [2025, 10, 28, 23, 15, 0];
		const imageNames = Array.from({length: 20}, (_, i) => `imported_${pad(i, 4)}.webp`);
		add({when, label: 'imported_from_laptop', state: 'no_manifest', manifest: null, images: 20, imageNames});
	}
	// Unreadable: truncated mid-write, a list, an object without snapshot.
	{
		const when: When = [2025, 11, 16, 20, 45, 12];
		const name = folderName(when, 'night_market_truncated');
		const m = themedManifest(rand, when, theme('cyberpunk_city'), 'combinatorial');
		const spec = {...m, status: 'ongoing'};
		add({
			when,
			label: 'night_market_truncated',
			state: 'unreadable',
			manifest: {raw: truncatedManifest(name, spec, 5, 0.57)},
			images: 5,
		});
	}
	{
		const when: When = [2025, 11, 4, 15, 12, 0];
		add({when, label: 'manifest_list_bug', state: 'unreadable', manifest: {raw: '[]\n'}, images: 3});
	}
	{
		const when: When = [2025, 10, 29, 9, 33, 21];
		const name = folderName(when, 'half_migrated');
		const m = themedManifest(rand, when, theme('forest_spirit'), 'combinatorial');
		const {snapshot: _snapshot, ...rest} = buildManifest(name, m, 4);
		add({
			when,
			label: 'half_migrated',
			state: 'unreadable',
			manifest: {raw: JSON.stringify({...rest, status: 'completed'}, null, 2)},
			images: 4,
		});
	}
}
