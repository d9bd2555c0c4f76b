/**
 * The demo's older sessions (issue 15): runs from before manifest.json, as a results folder with some history
 * holds them, so a new user sees what sdstats reads from them and says where each value came from: V1 plans
 * (`<name>_manifest.json`, complete, stopped early, and one that made no image), a Phase-1 `metadata.json`,
 * folders holding nothing but images whose A1111 parameters carry the model, sampler, prompt and seeds (one
 * with the model switched mid-run), ComfyUI graphs, and images with no parameters at all.
 *
 * Kept apart from the manifest-era demo (sessions.ts and its drafts): written by legacy-corpus.ts, dated before
 * the first of those (September 2025), and fixed (no random draws), so the demo stays deterministic.
 */
import fs from 'node:fs';
import path from 'node:path';
import {writeLegacySession, type LegacySessionSpec} from './legacy-corpus.js';
import {localMs, type When} from './when.js';

/** A legacy demo session and the state its row gets (every one of them `no_manifest`: see core/state.ts). */
export type DemoLegacySession = {spec: LegacySessionSpec; what: string};

const at = (when: When): number => localMs(when);

/** Every legacy demo session, in a fixed order. */
export function demoLegacySessions(): DemoLegacySession[] {
	return [
		{
			what: 'a V1 plan whose run made every planned image',
			spec: {
				name: '2025-09-02_140322_portraits',
				kind: 'v1',
				generatedAt: '2025-09-02T14:03:22.418210',
				stem: 'portraits',
				planned: 12,
				images: 12,
				values: ['smiling', 'serious', 'surprised', 'laughing'],
				firstImageMs: at([2025, 9, 2, 14, 3, 40]),
				imageIntervalMs: 9000,
			},
		},
		{
			what: 'a V1 plan stopped early: 7 of its 20 images',
			spec: {
				name: '2025-09-05_101500_armor_sweep',
				kind: 'v1',
				generatedAt: '2025-09-05T10:15:00.120554',
				stem: 'armor_sweep',
				planned: 20,
				images: 7,
				model: 'ponyDiffusionV6XL',
				sampler: 'Euler a',
				scheduler: 'Automatic',
				seedMode: 'fixed',
				seed: 424242,
				prompt: 'knight in {Expression} armor, dramatic light',
				values: ['silver', 'gold', 'obsidian', 'bronze', 'jade'],
				firstImageMs: at([2025, 9, 5, 10, 15, 30]),
				imageIntervalMs: 11000,
			},
		},
		{
			what: 'a V1 plan whose run produced no image (aborted before the first)',
			spec: {
				name: '2025-09-06_093000_cityscape_plan',
				kind: 'v1',
				generatedAt: '2025-09-06T09:30:00.503311',
				stem: 'cityscape_plan',
				planned: 10,
				images: 0,
				prompt: 'city street at {Expression}, rain',
				values: ['dawn', 'noon', 'dusk', 'night', 'midnight'],
			},
		},
		{
			what: "a Phase-1 session: metadata.json's model, seed, sizes and planned count",
			spec: {
				name: '20250910_183000_fox_in_snow',
				kind: 'phase1',
				generatedAt: '2025-09-10T18:30:00',
				stem: 'fox_in_snow',
				planned: 9,
				images: 9,
				model: 'hassakuXL_v13',
				seedMode: 'fixed',
				seed: 31337,
				prompt: 'a red fox in snow, {Expression}',
				values: ['sleeping', 'running', 'watching'],
				width: 1024,
				height: 1024,
				steps: 28,
				firstImageMs: at([2025, 9, 10, 18, 30, 20]),
				imageIntervalMs: 8000,
			},
		},
		{
			what: 'images only, each carrying its parameters (A1111 infotext): random seeds',
			spec: {
				name: '2025-09-14_220500_moodboard',
				kind: 'png',
				images: 16,
				seedMode: 'random',
				prompt: 'moodboard, pastel colors, {Expression}',
				values: ['flowers', 'coffee', 'rain on glass', 'old books'],
				firstImageMs: at([2025, 9, 14, 22, 5, 10]),
				imageIntervalMs: 6500,
			},
		},
		{
			what: 'images only, the model switched mid-run (shown, not hidden)',
			spec: {
				name: '2025-09-18_160000_model_compare',
				kind: 'png',
				images: 10,
				switchModel: {at: 6, model: 'animagineXL_v31'},
				seedMode: 'progressive',
				seed: 5000,
				firstImageMs: at([2025, 9, 18, 16, 0, 15]),
				imageIntervalMs: 7000,
			},
		},
		{
			what: 'ComfyUI images: model, sampler, steps, cfg and seeds read from the graph',
			spec: {
				name: '2025-09-21_120000_comfy_tests',
				kind: 'comfyui',
				images: 6,
				model: 'sd_xl_base_1.0',
				seedMode: 'progressive',
				seed: 777,
				prompt: 'a lighthouse, {Expression}',
				values: ['storm', 'calm sea'],
				firstImageMs: at([2025, 9, 21, 12, 0, 5]),
				imageIntervalMs: 12000,
			},
		},
		{
			what: 'images with no parameters at all (saving them was off): what the files tell, nothing guessed',
			spec: {
				name: '2025-09-24_081500_quick_batch',
				kind: 'png',
				images: 5,
				bare: true,
				firstImageMs: at([2025, 9, 24, 8, 15, 0]),
				imageIntervalMs: 5000,
			},
		},
	];
}

/** Writes the legacy demo sessions into the demo results root. */
export function writeDemoLegacySessions(root: string): void {
	for (const {spec} of demoLegacySessions()) {
		const folder = writeLegacySession(root, spec);
		// The plans get their own time too (just before the first image), so the whole tree is reproducible.
		const planMs = (spec.firstImageMs ?? at([2025, 9, 6, 9, 30, 0])) - 15_000;
		for (const name of fs.readdirSync(folder))
			if (name.endsWith('.json')) fs.utimesSync(path.join(folder, name), planMs / 1000, planMs / 1000);
	}
}
