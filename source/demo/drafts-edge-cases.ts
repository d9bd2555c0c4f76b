/**
 * Hand-made demo sessions for the edge cases: text that must show inert, a name that is only a timestamp, seed
 * sweeps, progressive runs, migrated manifests, max_images caps, a BOM with a NaN, one big folder.
 */
import {buildManifest} from './corpus.js';
import {folderName, type When} from './when.js';
import {baseManifest, intervalFor, themedManifest, type DraftInput} from './drafts.js';
import type {Random} from './random.js';
import {MODELS, theme} from './vocabulary.js';

/** Adds the edge-case sessions, drawing from `rand` in a fixed order (the demo stays deterministic). */
export function addEdgeCaseDrafts(rand: Random, add: (draft: DraftInput) => void): void {
	// Text that must show inert: CJK and emoji in the name, terminal escapes in the prompt and the model.
	{
		const when: When = [2025, 11, 10, 10, 15, 0];
		const m = baseManifest(rand, when, {model: MODELS[4]});
		add({
			when,
			label: '桜の肖像_🌸_portrait',
			state: 'complete',
			manifest: {
				...m,
				prompt: '桜の木の下の少女, {表情}, 🌸 petals, soft light',
				negative: '低品質, blurry',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {表情: ['笑顔', '泣き顔', '驚き'], 季節: ['春', '夏']},
				numImages: 6,
			},
			images: 6,
			realPng: true,
		});
	}
	{
		const when: When = [2025, 11, 8, 3, 13, 37];
		const m = baseManifest(rand, when, {
			model: 'evil\u001b[2K\u001b[1Gmerge_v2\u001b]0;model\u0007.safetensors [0badc0de00]',
		});
		add({
			when,
			label: 'terminal_escape_check',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'masterpiece, \u001b]0;pwned\u0007 1girl, \u001b[2J\u001b[H{Mood}, \u001b]52;c;ZWNobyBoaQ==\u0007 smile, \u202Egnp.exe\u202C, first line\rOVERWRITTEN',
				negative: 'lowres, \u001b[31mred\u001b[0m, \u0007bell',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Mood: ['calm', '\u001b[5mblinking\u001b[0m', 'tired\u202E'], Place: ['park', 'room']},
				numImages: 6,
			},
			images: 6,
		});
	}
	// Named only by its timestamp.
	{
		const when: When = [2025, 10, 20, 12, 0, 0];
		const m = themedManifest(rand, when, theme('portrait'), 'random');
		add({when, label: '', state: 'complete', manifest: m, images: m.numImages!});
	}
	// Seed sweeps: a few combinations times an explicit seed list.
	{
		const when: When = [2025, 11, 5, 14, 20, 0];
		const m = baseManifest(rand, when, {model: MODELS[3], sampler: 'DPM++ SDE'});
		add({
			when,
			label: 'seed_sweep_hassaku',
			state: 'complete',
			manifest: {
				...m,
				prompt: '1girl, {Outfit}, cherry blossoms',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Outfit: ['kimono', 'hakama', 'yukata']},
				seedList: [1000, 1001, 1002],
				numImages: 9,
			},
			images: 9,
		});
	}
	{
		const when: When = [2025, 11, 9, 17, 3, 30];
		const m = baseManifest(rand, when, {model: MODELS[5], sampler: 'DDIM'});
		add({
			when,
			label: 'seed_sweep_sdxl_base',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'a lighthouse on a cliff, {Weather}, {Time}',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Weather: ['storm', 'calm'], Time: ['dawn', 'night']},
				seedList: [42, 1337, 2024, 7777, 31337],
				numImages: 20,
			},
			images: 20,
		});
	}
	{
		const when: When = [2025, 11, 13, 9, 41, 5];
		const m = baseManifest(rand, when, {model: MODELS[4], sampler: 'UniPC'});
		add({
			when,
			label: 'seed_sweep_animagine',
			state: 'partial',
			manifest: {
				...m,
				prompt: '1boy, {Hair}, school uniform',
				mode: 'combinatorial',
				seedMode: 'fixed',
				variations: {Hair: ['black hair', 'white hair']},
				seedList: [7, 8, 9, 10],
				numImages: 8,
			},
			images: 5,
		});
	}
	// Progressive runs over a single placeholder (seed sweeps by the calculator's rule).
	{
		const when: When = [2025, 10, 31, 13, 0, 7];
		const m = baseManifest(rand, when, {sampler: 'Euler a'});
		const poses = [
			'standing',
			'sitting',
			'lying down',
			'jumping',
			'running',
			'crouching',
			'leaning on wall',
			'arms crossed',
			'waving',
			'looking back',
		];
		add({
			when,
			label: 'pose_library',
			state: 'complete',
			manifest: {
				...m,
				prompt: '1girl, full body, {Pose}',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {Pose: poses},
				numImages: 10,
			},
			images: 10,
		});
	}
	{
		const when: When = [2025, 10, 15, 22, 10, 10];
		const m = baseManifest(rand, when, {model: MODELS[2]});
		add({
			when,
			label: 'hair_colors_progressive',
			state: 'complete',
			manifest: {
				...m,
				prompt: 'score_9, 1girl, {HairColor} hair',
				mode: 'combinatorial',
				seedMode: 'progressive',
				variations: {HairColor: ['pink', 'green', 'silver', 'purple', 'orange', 'teal']},
				numImages: 6,
			},
			images: 6,
		});
	}
	// Migrated manifests: the planned count in top-level images_requested, no num_images.
	const migrated: Array<[When, string, string, number]> = [
		[[2025, 10, 10, 19, 25, 44], 'migrated_fantasy', 'Hassaku-fantasy', 20],
		[[2025, 10, 14, 17, 33, 20], 'migrated_portrait', 'portrait', 18],
		[[2025, 10, 17, 8, 5, 55], 'migrated_city', 'cyberpunk_city', 7],
	];
	for (const [when, label, themeLabel, written] of migrated) {
		const {numImages, ...m} = themedManifest(rand, when, theme(themeLabel), 'combinatorial');
		const requested = numImages!;
		add({
			when,
			label,
			state: written === requested ? 'complete' : 'partial',
			manifest: {...m, topLevelExtras: {images_requested: requested}},
			images: written,
		});
	}
	// max_images caps: a combinatorial product above the cap, and a random run with only max_images.
	{
		const when: When = [2025, 11, 2, 12, 12, 12];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('outfit_variations'), 'combinatorial');
		add({
			when,
			label: 'outfits_capped',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 16}},
			images: 16,
		});
	}
	{
		const when: When = [2025, 11, 6, 21, 0, 40];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('landscape_moods'), 'combinatorial');
		add({
			when,
			label: 'landscapes_capped',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 12}},
			images: 12,
		});
	}
	{
		const when: When = [2025, 10, 26, 15, 45, 0];
		const {numImages: _n, ...m} = themedManifest(rand, when, theme('forest_spirit'), 'random');
		add({
			when,
			label: 'forest_spirit_random_max',
			state: 'complete',
			manifest: {...m, generationExtras: {max_images: 15}},
			images: 15,
		});
	}
	// A manifest with a UTF-8 BOM and a Python NaN, as Python's json writes and reads it.
	{
		const when: When = [2025, 10, 22, 18, 18, 18];
		const name = folderName(when, 'witch_workshop_bom');
		const m = themedManifest(rand, when, theme('witch_workshop'), 'combinatorial', {
			apiExtras: {denoising_strength: 0.5},
		});
		const count = m.numImages!;
		const text = JSON.stringify(buildManifest(name, m, count), null, 2).replace(
			'"denoising_strength": 0.5',
			'"denoising_strength": NaN',
		);
		add({
			when,
			label: 'witch_workshop_bom',
			state: 'complete',
			manifest: {raw: `\uFEFF${text}`},
			images: count,
			intervalMs: intervalFor(rand, m),
		});
	}
	// A long random run: the one big folder.
	{
		const when: When = [2025, 11, 7, 1, 0, 0];
		const m = themedManifest(rand, when, theme('facial_expressions'), 'random', {
			model: MODELS[0],
			sampler: 'DPM++ 2M',
		});
		add({when, label: 'expressions_random_200', state: 'complete', manifest: {...m, numImages: 200}, images: 200});
	}
}
