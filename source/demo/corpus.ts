/**
 * Writes session folders the way the generator does: a manifest.json with its real keys and image files with
 * chosen modification times. One builder serves the tests' fixtures, the benchmark's synthetic root and the
 * built-in demo, so all three exercise the same shapes.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * A 1×1 transparent PNG: images that real viewers can open (every chunk with its CRC; the earlier bytes lacked
 * IDAT's CRC, so libvips called every demo image damaged).
 */
export const TINY_PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
		'1f15c4890000000b4944415478da636000020000050001e9fadcd80000000049454e44ae426082',
	'hex',
);

export type ManifestSpec = {
	model?: string;
	prompt?: string;
	negative?: string;
	mode?: 'combinatorial' | 'random' | string;
	seedMode?: 'fixed' | 'progressive' | 'random' | string;
	baseSeed?: number | null;
	/** The planned count (`generation_params.num_images`); omitted when undefined. */
	numImages?: number;
	/** Placeholder → used values (available = used unless `available` says otherwise). */
	variations?: Record<string, string[]>;
	available?: Record<string, string[]>;
	apiParams?: Record<string, unknown>;
	/** Top-level status; null leaves the key out (manifests before 2025-11-11). */
	status?: string | null;
	seedList?: number[];
	/** How many `images[]` entries to record (default: the images written). */
	recordImages?: number;
	timestamp?: string;
	/** Extra keys merged into generation_params (e.g. max_images). */
	generationExtras?: Record<string, unknown>;
	/** Extra top-level keys (e.g. images_requested). */
	topLevelExtras?: Record<string, unknown>;
};

export type SessionSpec = {
	name: string;
	/** A generator-like manifest, raw bytes/text written as they are, or null for none. */
	manifest?: ManifestSpec | {raw: string | Uint8Array} | null;
	/** Number of images to write (`<stem>_0000_seed-N.png`…). */
	images?: number;
	/** Explicit image file names instead of generated ones. */
	imageNames?: string[];
	/** mtime of the first image, epoch ms; later images follow every `imageIntervalMs`. */
	firstImageMs?: number;
	imageIntervalMs?: number;
	/** mtime of manifest.json (default: the last image's, or firstImageMs). */
	manifestMtimeMs?: number;
	/** Write real 1×1 PNG bytes instead of empty files. */
	realPng?: boolean;
	/** Each image's bytes (the demo's pictures); wins over realPng. */
	imageBytes?: (name: string, index: number) => Uint8Array;
	extraFiles?: Record<string, string | Uint8Array>;
};

const DEFAULT_START_MS = Date.UTC(2025, 10, 12, 21, 4, 11);

function stemOf(name: string): string {
	return name.replace(/^\d{8}_\d{6}-|^\d{4}-\d{2}-\d{2}_\d{6}_?/, '') || 'image';
}

export function imageFileName(sessionName: string, index: number, seed: number): string {
	return `${stemOf(sessionName)}_${String(index).padStart(4, '0')}_seed-${seed}.png`;
}

function* cartesian(variations: Record<string, string[]>): Generator<Record<string, string>> {
	const entries = Object.entries(variations).filter(([, values]) => values.length > 0);
	if (entries.length === 0) {
		yield {};
		return;
	}
	const indexes = entries.map(() => 0);
	for (;;) {
		yield Object.fromEntries(entries.map(([name, values], i) => [name, values[indexes[i]!]!]));
		let k = entries.length - 1;
		while (k >= 0) {
			indexes[k]!++;
			if (indexes[k]! < entries[k]![1].length) break;
			indexes[k] = 0;
			k--;
		}
		if (k < 0) return;
	}
}

/** The manifest object the generator would have written after `recorded` images. */
export function buildManifest(sessionName: string, spec: ManifestSpec, recorded: number): Record<string, unknown> {
	const variations = spec.variations ?? {};
	const baseSeed = spec.baseSeed === undefined ? 1000 : spec.baseSeed;
	const prompt =
		spec.prompt ??
		`masterpiece, best quality, 1girl, ${Object.keys(variations)
			.map((n) => `{${n}}`)
			.join(', ')}`;
	const negative = spec.negative ?? 'lowres, bad anatomy, blurry';
	const combos = cartesian(variations);
	const images: unknown[] = [];
	for (let i = 0; i < recorded; i++) {
		const next = combos.next();
		const applied = next.done ? {} : next.value;
		const seed = spec.seedList ? spec.seedList[i % spec.seedList.length]! : (baseSeed ?? 0) + i;
		images.push({
			filename: imageFileName(sessionName, i, seed),
			seed,
			prompt: Object.entries(applied).reduce((text, [n, v]) => text.replace(`{${n}}`, v), prompt),
			negative_prompt: negative,
			applied_variations: applied,
		});
	}
	const generationParams: Record<string, unknown> = {
		mode: spec.mode ?? 'combinatorial',
		seed_mode: spec.seedMode ?? 'progressive',
		base_seed: baseSeed,
		...(spec.numImages === undefined ? {} : {num_images: spec.numImages}),
		total_combinations: Object.values(spec.available ?? variations).reduce((p, v) => p * Math.max(1, v.length), 1),
		...(spec.seedList ? {seed_list: spec.seedList} : {}),
		...spec.generationExtras,
	};
	const manifest: Record<string, unknown> = {
		snapshot: {
			version: '2.0',
			timestamp: spec.timestamp ?? '2025-11-12T21:04:11.482913',
			runtime_info: {sd_model_checkpoint: spec.model ?? 'illustriousXL_v01.safetensors [a1b2c3d4e5]'},
			resolved_template: {prompt, negative},
			generation_params: generationParams,
			api_params: spec.apiParams ?? {
				width: 832,
				height: 1216,
				steps: 30,
				cfg_scale: 7,
				sampler: 'DPM++ 2M',
				scheduler: 'Karras',
			},
			variations: Object.fromEntries(
				Object.entries(variations).map(([name, used]) => {
					const available = spec.available?.[name] ?? used;
					return [name, {available, used, count: available.length}];
				}),
			),
			fixed_placeholders: {},
			theme_name: null,
			style: 'default',
		},
		images,
		...spec.topLevelExtras,
	};
	if (spec.status !== null) manifest.status = spec.status ?? 'completed';
	return manifest;
}

function setMtime(file: string, ms: number): void {
	const seconds = ms / 1000;
	fs.utimesSync(file, seconds, seconds);
}

/** Writes one session folder under `root`; returns its path. */
export function writeSession(root: string, spec: SessionSpec): string {
	const folder = path.join(root, spec.name);
	fs.mkdirSync(folder, {recursive: true});
	const start = spec.firstImageMs ?? DEFAULT_START_MS;
	const interval = spec.imageIntervalMs ?? 5000;
	const manifestSpec = spec.manifest && !('raw' in spec.manifest) ? spec.manifest : undefined;
	const names =
		spec.imageNames ??
		Array.from({length: spec.images ?? 0}, (_, i) => {
			const seed = manifestSpec?.seedList
				? manifestSpec.seedList[i % manifestSpec.seedList.length]!
				: (manifestSpec?.baseSeed ?? 1000) + i;
			return imageFileName(spec.name, i, seed);
		});
	names.forEach((name, i) => {
		const file = path.join(folder, name);
		fs.writeFileSync(file, spec.imageBytes ? spec.imageBytes(name, i) : spec.realPng ? TINY_PNG : '');
		setMtime(file, start + i * interval);
	});
	for (const [name, content] of Object.entries(spec.extraFiles ?? {}))
		fs.writeFileSync(path.join(folder, name), content);
	if (spec.manifest) {
		const file = path.join(folder, 'manifest.json');
		const content =
			'raw' in spec.manifest
				? spec.manifest.raw
				: JSON.stringify(
						buildManifest(spec.name, spec.manifest, spec.manifest.recordImages ?? names.length),
						null,
						2,
					);
		fs.writeFileSync(file, content);
		setMtime(file, spec.manifestMtimeMs ?? start + Math.max(0, names.length - 1) * interval);
	}
	return folder;
}
