/**
 * Session folders as the generator wrote them before manifest.json: a V1 plan (`<name>_manifest.json`), a
 * Phase-1 `metadata.json`, or nothing but images carrying their parameters (A1111 infotext, ComfyUI graphs).
 * The demo root, the bench's legacy root and the end-to-end tests write them from here.
 */
import fs from 'node:fs';
import path from 'node:path';
import {a1111Png, pngFile, type InfotextSpec} from './image-files.js';

export type LegacySessionSpec = {
	name: string;
	kind: 'v1' | 'phase1' | 'png' | 'comfyui';
	/** Images written. */
	images: number;
	/** Images the plan asked for (V1 total_variations, Phase-1 total_images). */
	planned?: number;
	/** V1's session_name, the stem of the image names. */
	stem?: string;
	model?: string;
	/** A second model for the images from this index on (a model switched mid-run). */
	switchModel?: {at: number; model: string};
	seedMode?: 'fixed' | 'progressive' | 'random';
	seed?: number;
	prompt?: string;
	/** Placeholder values cycled through the images. */
	values?: string[];
	steps?: number;
	sampler?: string;
	scheduler?: string;
	cfg?: number;
	width?: number;
	height?: number;
	/** Images with no parameters at all (enable_pnginfo off). */
	bare?: boolean;
	firstImageMs?: number;
	imageIntervalMs?: number;
	/** When the plan says it was written (V1 generated_at, Phase-1 generation_info.date), local ISO time. */
	generatedAt?: string;
};

const DEFAULTS = {
	model: 'illustriousXL_v01',
	seed: 1000,
	steps: 30,
	sampler: 'DPM++ 2M',
	scheduler: 'Karras',
	cfg: 7,
	width: 832,
	height: 1216,
	prompt: 'masterpiece, 1girl, {Expression}',
};

function seedAt(spec: LegacySessionSpec, index: number): number {
	const base = spec.seed ?? DEFAULTS.seed;
	if (spec.seedMode === 'fixed') return base;
	// Random seeds as A1111 draws them (below 2^32), reproducibly.
	if (spec.seedMode === 'random') return (Math.imul(index + 1, 2654435761) >>> 0) % 4294967294;
	return base + index;
}

function promptAt(spec: LegacySessionSpec, index: number): string {
	const template = spec.prompt ?? DEFAULTS.prompt;
	const values = spec.values ?? ['smiling', 'serious', 'surprised'];
	return template.replace('{Expression}', values[index % values.length]!);
}

function infotextAt(spec: LegacySessionSpec, index: number): InfotextSpec {
	return {
		prompt: promptAt(spec, index),
		negative: 'lowres, bad anatomy',
		steps: spec.steps ?? DEFAULTS.steps,
		sampler: spec.sampler ?? DEFAULTS.sampler,
		scheduler: spec.scheduler ?? DEFAULTS.scheduler,
		cfg: spec.cfg ?? DEFAULTS.cfg,
		seed: seedAt(spec, index),
		width: spec.width ?? DEFAULTS.width,
		height: spec.height ?? DEFAULTS.height,
		model:
			spec.switchModel && index >= spec.switchModel.at ? spec.switchModel.model : (spec.model ?? DEFAULTS.model),
		modelHash: 'a1b2c3d4e5',
		extra: {Version: 'v1.10.1'},
	};
}

function comfyGraphAt(spec: LegacySessionSpec, index: number): string {
	return JSON.stringify({
		'3': {
			class_type: 'KSampler',
			inputs: {
				seed: seedAt(spec, index),
				steps: spec.steps ?? 20,
				cfg: spec.cfg ?? 8,
				sampler_name: 'euler',
				scheduler: 'normal',
				denoise: 1,
				model: ['4', 0],
				positive: ['6', 0],
				negative: ['7', 0],
				latent_image: ['5', 0],
			},
		},
		'4': {
			class_type: 'CheckpointLoaderSimple',
			inputs: {ckpt_name: `${spec.model ?? 'sd_xl_base_1.0'}.safetensors`},
		},
		'5': {
			class_type: 'EmptyLatentImage',
			inputs: {width: spec.width ?? 1024, height: spec.height ?? 1024, batch_size: 1},
		},
		'6': {class_type: 'CLIPTextEncode', inputs: {text: promptAt(spec, index), clip: ['4', 1]}},
		'7': {class_type: 'CLIPTextEncode', inputs: {text: 'blurry', clip: ['4', 1]}},
		'9': {class_type: 'SaveImage', inputs: {images: ['8', 0], filename_prefix: 'ComfyUI'}},
	});
}

function imageNameAt(spec: LegacySessionSpec, index: number): string {
	switch (spec.kind) {
		case 'v1':
			return `${spec.stem ?? 'session'}_${String(index).padStart(4, '0')}.png`;
		case 'phase1':
			return `${spec.stem ?? 'session'}_${String(index + 1).padStart(3, '0')}_Expression_${(spec.values ?? ['smiling', 'serious', 'surprised'])[index % 3]}.png`;
		case 'comfyui':
			return `ComfyUI_${String(index + 1).padStart(5, '0')}_.png`;
		default:
			return `${String(index).padStart(5, '0')}-${seedAt(spec, index)}.png`;
	}
}

function v1Manifest(spec: LegacySessionSpec): unknown {
	const planned = spec.planned ?? spec.images;
	return {
		session_name: spec.stem ?? 'session',
		template_source: `${spec.stem ?? 'session'}.yaml`,
		generated_at: spec.generatedAt ?? '2025-10-12T14:03:22.123456',
		total_variations: planned,
		templating_system: 'v2.0',
		variations: Array.from({length: planned}, (_, index) => ({
			index,
			prompt: promptAt(spec, index),
			negative_prompt: 'lowres, bad anatomy',
			seed: spec.seedMode === 'random' ? -1 : seedAt(spec, index),
			variations: {
				Expression: (spec.values ?? ['smiling', 'serious', 'surprised'])[
					index % (spec.values ?? [1, 2, 3]).length
				],
			},
			parameters: {
				width: spec.width ?? DEFAULTS.width,
				height: spec.height ?? DEFAULTS.height,
				steps: spec.steps ?? DEFAULTS.steps,
				cfg_scale: spec.cfg ?? DEFAULTS.cfg,
				sampler: `${spec.sampler ?? DEFAULTS.sampler} ${spec.scheduler ?? DEFAULTS.scheduler}`,
			},
		})),
	};
}

function phase1Metadata(spec: LegacySessionSpec): unknown {
	const values = spec.values ?? ['smiling', 'serious', 'surprised'];
	return {
		version: '1.0',
		generation_info: {
			date: spec.generatedAt ?? '2025-10-02T10:00:00',
			timestamp: (spec.generatedAt ?? '2025-10-02T10:00:00').slice(0, 19).replace(/[-:]/g, '').replace('T', '_'),
			session_name: spec.stem ?? 'session',
			total_images: spec.planned ?? spec.images,
			generation_time_seconds: 120.5,
			generation_mode: 'combinatorial',
			seed_mode: spec.seedMode ?? 'progressive',
			seed: spec.seed ?? DEFAULTS.seed,
			total_combinations: values.length,
		},
		prompt: {template: spec.prompt ?? DEFAULTS.prompt, negative: 'lowres, bad anatomy'},
		variations: {Expression: {count: values.length, values}},
		generation: {
			mode: 'combinatorial',
			seed_mode: spec.seedMode ?? 'progressive',
			seed: spec.seed ?? DEFAULTS.seed,
			total_combinations: values.length,
			images_generated: spec.images,
		},
		parameters: {
			width: spec.width ?? DEFAULTS.width,
			height: spec.height ?? DEFAULTS.height,
			steps: spec.steps ?? DEFAULTS.steps,
			cfg_scale: spec.cfg ?? DEFAULTS.cfg,
			sampler: `${spec.sampler ?? DEFAULTS.sampler} ${spec.scheduler ?? DEFAULTS.scheduler}`,
			batch_size: 1,
			batch_count: 1,
		},
		output: {folder: spec.name, filename_keys: ['Expression']},
		model: {checkpoint: `${spec.model ?? DEFAULTS.model}.safetensors`},
	};
}

/** Writes one older-format session folder under `root`; returns its path. */
export function writeLegacySession(root: string, spec: LegacySessionSpec): string {
	const folder = path.join(root, spec.name);
	fs.mkdirSync(folder, {recursive: true});
	if (spec.kind === 'v1')
		fs.writeFileSync(
			path.join(folder, `${spec.stem ?? 'session'}_manifest.json`),
			JSON.stringify(v1Manifest(spec), null, 2),
		);
	if (spec.kind === 'phase1')
		fs.writeFileSync(path.join(folder, 'metadata.json'), JSON.stringify(phase1Metadata(spec), null, 2));
	const start = spec.firstImageMs ?? Date.UTC(2025, 9, 12, 12, 3, 30);
	for (let i = 0; i < spec.images; i++) {
		const file = path.join(folder, imageNameAt(spec, i));
		const bytes = spec.bare
			? pngFile(26, 38, [])
			: spec.kind === 'comfyui'
				? pngFile(32, 32, [
						{type: 'tEXt', key: 'prompt', text: comfyGraphAt(spec, i)},
						{type: 'tEXt', key: 'workflow', text: '{"last_node_id": 9, "nodes": []}'},
					])
				: a1111Png(infotextAt(spec, i));
		fs.writeFileSync(file, bytes);
		const when = (start + i * (spec.imageIntervalMs ?? 7000)) / 1000;
		fs.utimesSync(file, when, when);
	}
	return folder;
}
