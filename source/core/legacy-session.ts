/**
 * A session without a usable manifest.json, filled field by field from what it does have: an older manifest
 * (V1 plan, Phase-1 metadata.json) and the parameters inside a sample of its images. Each value records its
 * source; values the images disagree on are chosen by majority and say so; nothing is guessed.
 *
 * Precedence: what the images carry is what actually ran, so it wins for model, sampler, steps, cfg, size and
 * seeds; the plans win for what only they know (planned count, template, placeholders, mode, dates).
 *
 * Long on purpose: computeLegacy is the one place that fills a row field by field with the precedence above;
 * its field rules read best side by side (what the images say, what the plans say, what each note records).
 */
import {readComfyPrompt} from './comfyui.js';
import {infotextFields, parseInfotext, type InfotextFields} from './infotext.js';
import {plannedIndexOf, readLegacyManifest, type LegacyKind, type LegacyPlan} from './legacy-manifest.js';
import {pythonDumps} from './python-dumps.js';
import type {FieldSource, SourceName, SourcesRecord} from './sources.js';
import type {Int64, SessionStatsRow} from './types.js';

/** What scan/ read from one sampled image: the text chunks that matter, decoded, or why none could be read. */
export type ImageSample = {
	name: string;
	/** Position among the session's images sorted by name (0-based): progressive seeds follow it. */
	position: number;
	/** A1111-style infotext (PNG `parameters`, EXIF UserComment). */
	parameters: string | null;
	/** ComfyUI's API graph (PNG `prompt` chunk). */
	comfyPrompt: string | null;
	/** Pixel size from the image header, when the container gives it cheaply. */
	pixelWidth: number | null;
	pixelHeight: number | null;
	/** Why this image's parameters could not be read, e.g. `"parameters" chunk of 10 MB is over the 1 MB limit`. */
	problem: string | null;
};

export type ImageSampling = {
	/** Images in the session. */
	total: number;
	samples: ImageSample[];
};

export type LegacyManifestInput = {kind: LegacyKind; fileName: string} & ({bytes: Uint8Array} | {reason: string});

export type LegacyInput = {
	manifests: readonly LegacyManifestInput[];
	sampling: ImageSampling | null;
	/** Every image name of the session, for matching a V1 plan's entries. */
	imageNames: readonly string[];
};

type ReadImage = {
	sample: ImageSample;
	from: 'png' | 'comfyui';
	fields: InfotextFields;
	prompt: string | null;
	negative: string | null;
};

const MAX_OTHERS = 4;

/** Picks the value most images carry; ties go to the earliest image. */
function tally<T>(
	images: readonly ReadImage[],
	pick: (image: ReadImage) => T | null,
	key: (value: T) => string = String,
) {
	const counts = new Map<string, {value: T; count: number}>();
	for (const image of images) {
		const value = pick(image);
		if (value === null) continue;
		const k = key(value);
		const slot = counts.get(k);
		if (slot) slot.count++;
		else counts.set(k, {value, count: 1});
	}
	if (counts.size === 0) return null;
	const ranked = [...counts.values()].sort((a, b) => b.count - a.count);
	const best = ranked[0]!;
	return {
		value: best.value,
		agree: best.count,
		others: ranked.slice(1, 1 + MAX_OTHERS).map((r): [string, number] => [key(r.value), r.count]),
		distinct: counts.size,
	};
}

function readImages(samples: readonly ImageSample[], notes: Map<string, number>): ReadImage[] {
	const read: ReadImage[] = [];
	for (const sample of samples) {
		if (sample.parameters !== null) {
			const info = parseInfotext(sample.parameters);
			if (info.params.size === 0) {
				bump(notes, 'parameters without the Key: value line (no steps, sampler or seed)');
			}
			read.push({
				sample,
				from: 'png',
				fields: infotextFields(info),
				prompt: info.prompt || null,
				negative: info.negativePrompt || null,
			});
			if (sample.problem !== null) bump(notes, sample.problem);
		} else if (sample.comfyPrompt !== null) {
			const comfy = readComfyPrompt(sample.comfyPrompt);
			if ('unread' in comfy) bump(notes, comfy.unread);
			else
				read.push({
					sample,
					from: 'comfyui',
					fields: comfy.fields,
					prompt: comfy.prompt,
					negative: comfy.negativePrompt,
				});
		} else {
			bump(notes, sample.problem ?? 'no parameters in the image');
		}
	}
	return read;
}

function bump(counts: Map<string, number>, reason: string): void {
	counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

const toInt64 = (digits: string): Int64 => {
	const big = BigInt(digits);
	return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
};

/** Sampler as configured, for comparing a plan's `DPM++ 2M Karras` with an image's `DPM++ 2M` + `Karras`. */
function fullSampler(fields: InfotextFields): string | null {
	if (fields.sampler === null) return null;
	const scheduler = fields.scheduler;
	return scheduler && scheduler !== 'Automatic' && !fields.sampler.endsWith(` ${scheduler}`)
		? `${fields.sampler} ${scheduler}`
		: fields.sampler;
}

type SeedReading = {
	mode: 'fixed' | 'progressive' | 'random' | null;
	base: Int64 | null;
	agree: number;
	of: number;
	note?: string;
};

/** Seed mode from the images' actual seeds and their positions: equal is fixed, seed − position constant is progressive. */
function seedsOfImages(images: readonly ReadImage[], total: number): SeedReading | null {
	const seeded = images
		.filter((i) => i.fields.seed !== null)
		.map((i) => ({seed: BigInt(i.fields.seed!), position: BigInt(i.sample.position)}));
	if (seeded.length === 0) return null;
	const first = seeded[0]!;
	if (seeded.length === 1) {
		return total === 1
			? {mode: 'fixed', base: toInt64(first.seed.toString()), agree: 1, of: 1}
			: {mode: null, base: null, agree: 1, of: 1, note: 'one image carries a seed: the seed mode is not known'};
	}
	if (seeded.every((s) => s.seed === first.seed))
		return {mode: 'fixed', base: toInt64(first.seed.toString()), agree: seeded.length, of: seeded.length};
	const offset = first.seed - first.position;
	if (seeded.every((s) => s.seed - s.position === offset)) {
		return {mode: 'progressive', base: toInt64(offset.toString()), agree: seeded.length, of: seeded.length};
	}
	return {mode: 'random', base: -1, agree: seeded.length, of: seeded.length};
}

export type LegacyComputation = {
	fields: Partial<SessionStatsRow>;
	sources: SourcesRecord;
};

function pickPlan(input: LegacyInput, notes: string[]): LegacyPlan | null {
	let chosen: LegacyPlan | null = null;
	for (const manifest of input.manifests) {
		if ('reason' in manifest) {
			notes.push(manifest.reason);
			continue;
		}
		const read = readLegacyManifest(manifest.kind, manifest.fileName, manifest.bytes);
		if (!read.ok) notes.push(read.reason);
		else if (chosen === null) chosen = read.plan;
		else notes.push(`${manifest.fileName} not read: ${chosen.fileName} already describes this session`);
	}
	return chosen;
}

/** Matches a V1 plan's entries to the image files by the index in their names; notes what does not match. */
function matchPlan(plan: LegacyPlan, imageNames: readonly string[], notes: string[]): void {
	if (plan.kind !== 'v1' || plan.planned === null) return;
	const planned = new Set(plan.planned.map((p) => p.index));
	const stem = plan.sessionName;
	if (stem === null) {
		if (imageNames.length > 0)
			notes.push(`${plan.fileName} has no session_name: its entries cannot be matched to the images`);
		return;
	}
	let unmatched = 0;
	const matched = new Set<number>();
	for (const name of imageNames) {
		const index = plannedIndexOf(name, stem);
		if (index === null || !planned.has(index)) unmatched++;
		else matched.add(index);
	}
	if (unmatched > 0) {
		notes.push(
			`${plan.fileName}: ${unmatched} of ${imageNames.length} images do not match its entries (expected names like ${stem}_0000.png)`,
		);
	}
	if (plan.planned.length > 0 && matched.size < plan.planned.length && unmatched === 0 && imageNames.length > 0) {
		notes.push(
			`${plan.fileName}: ${plan.planned.length - matched.size} of ${plan.planned.length} planned images have no file`,
		);
	}
}

export function computeLegacy(input: LegacyInput): LegacyComputation {
	const notes: string[] = [];
	const plan = pickPlan(input, notes);
	if (plan) matchPlan(plan, input.imageNames, notes);
	const sampleNotes = new Map<string, number>();
	const samples = input.sampling?.samples ?? [];
	const images = readImages(samples, sampleNotes);
	for (const [reason, count] of sampleNotes) notes.push(`${count} of ${samples.length} sampled images: ${reason}`);

	const fields: Partial<SessionStatsRow> = {};
	const sources: Record<string, FieldSource> = {};
	const origins = new Set<SourceName>();
	const planSource: SourceName | null = plan?.kind ?? null;
	const of = images.length;
	const dominantImageSource: SourceName = images.some((i) => i.from === 'png') ? 'png' : 'comfyui';

	/** Sets a column from the images (majority) or else from the plan, recording the source and any conflict. */
	const fromImagesOrPlan = <T extends string | number>(
		column: keyof SessionStatsRow,
		pick: (image: ReadImage) => T | null,
		planValue: T | null,
		same: (a: T, b: T) => boolean = (a, b) => a === b,
		planCompare: T | null = planValue,
	): void => {
		const best = tally(images, pick);
		if (best) {
			(fields as Record<string, unknown>)[column] = best.value;
			const source: FieldSource = {from: dominantImageSource, agree: best.agree, of};
			if (best.others.length > 0) source.others = best.others;
			if (planSource && planCompare !== null && !same(planCompare, best.value)) {
				source.conflicts = [{from: planSource, value: String(planCompare)}];
			}
			sources[column] = source;
			origins.add(dominantImageSource);
		} else if (planValue !== null && planSource) {
			(fields as Record<string, unknown>)[column] = planValue;
			sources[column] = {from: planSource};
			origins.add(planSource);
		}
	};

	const fromPlan = <K extends keyof SessionStatsRow>(column: K, value: SessionStatsRow[K] | null): void => {
		if (value === null || !planSource) return;
		fields[column] = value;
		sources[column] = {from: planSource};
		origins.add(planSource);
	};

	fromImagesOrPlan(
		'sd_model',
		(i) => i.fields.model ?? (i.fields.modelHash ? `hash ${i.fields.modelHash}` : null),
		plan?.model ?? null,
		(a, b) => modelMatches(a, b),
	);
	fromImagesOrPlan(
		'sampler_name',
		(i) => i.fields.sampler,
		plan?.sampler ?? null,
		samplersMatch,
		plan?.sampler ?? null,
	);
	// A plan says "DPM++ 2M Karras" where images ≥ A1111 1.9 say "DPM++ 2M" + "Karras": compared as one.
	if (sources.sampler_name?.conflicts && plan?.sampler) {
		const full = tally(images, (i) => fullSampler(i.fields));
		if (full && samplersMatch(plan.sampler, full.value)) delete sources.sampler_name.conflicts;
	}
	fromImagesOrPlan('steps', (i) => i.fields.steps, plan?.steps ?? null);
	fromImagesOrPlan('cfg_scale', (i) => i.fields.cfgScale, plan?.cfgScale ?? null);
	const size = tally(images, (i) =>
		i.fields.width !== null && i.fields.height !== null ? `${i.fields.width}x${i.fields.height}` : null,
	);
	if (size) {
		const [w, h] = size.value.split('x').map(Number) as [number, number];
		fields.width = w;
		fields.height = h;
		const source: FieldSource = {from: dominantImageSource, agree: size.agree, of};
		if (size.others.length > 0) source.others = size.others;
		if (planSource && plan?.width != null && plan.height != null && (plan.width !== w || plan.height !== h)) {
			source.conflicts = [{from: planSource, value: `${plan.width}x${plan.height}`}];
		}
		sources.width = sources.height = source;
		origins.add(dominantImageSource);
	} else if (plan?.width != null && plan.height != null) {
		fields.width = plan.width;
		fields.height = plan.height;
		sources.width = sources.height = {from: plan.kind};
		origins.add(plan.kind);
	} else {
		const pixels = tallySamples(samples, (s) =>
			s.pixelWidth !== null && s.pixelHeight !== null ? `${s.pixelWidth}x${s.pixelHeight}` : null,
		);
		if (pixels) {
			const [w, h] = pixels.value.split('x').map(Number) as [number, number];
			fields.width = w;
			fields.height = h;
			sources.width = sources.height = {
				from: 'header',
				agree: pixels.agree,
				of: pixels.of,
				note: 'the final pixel size (any upscaling included)',
			};
			origins.add('header');
		}
	}

	// Seeds: the images' actual seeds, else the plan's.
	const seeds = seedsOfImages(images, input.sampling?.total ?? 0);
	if (seeds && (seeds.mode !== null || seeds.base !== null)) {
		if (seeds.mode !== null) fields.seed_mode = seeds.mode;
		if (seeds.base !== null) fields.seed_base = seeds.base;
		const source: FieldSource = {from: dominantImageSource, agree: seeds.agree, of: seeds.of};
		if (planSource && plan?.seedMode && seeds.mode && plan.seedMode !== seeds.mode)
			source.conflicts = [{from: planSource, value: plan.seedMode}];
		sources.seed_mode = sources.seed_base = source;
		origins.add(dominantImageSource);
	} else {
		if (seeds?.note) notes.push(seeds.note);
		fromPlan('seed_mode', plan?.seedMode ?? null);
		fromPlan('seed_base', plan?.seedBase ?? null);
	}

	// Prompts: a template (Phase 1) first, then one prompt every sampled image shares, then the plan's.
	choosePrompt(
		'resolved_prompt',
		plan?.kind === 'phase1' ? plan.prompt : null,
		(i) => i.prompt,
		plan?.prompt ?? null,
		plan?.planned?.[0]?.prompt ?? null,
	);
	choosePrompt(
		'negative_prompt',
		plan?.kind === 'phase1' ? plan.negativePrompt : null,
		(i) => i.negative,
		plan?.negativePrompt ?? null,
		plan?.planned?.[0]?.negativePrompt ?? null,
	);

	function choosePrompt(
		column: 'resolved_prompt' | 'negative_prompt',
		template: string | null,
		pick: (image: ReadImage) => string | null,
		planShared: string | null,
		planFirst: string | null,
	): void {
		if (template !== null && planSource) {
			fields[column] = template;
			sources[column] = {from: planSource, note: 'the template, with its placeholders'};
			origins.add(planSource);
			return;
		}
		const best = tally(images, pick);
		if (best && best.distinct === 1) {
			fields[column] = best.value;
			sources[column] = {from: dominantImageSource, agree: best.agree, of};
			origins.add(dominantImageSource);
		} else if (planShared !== null && planSource) {
			fields[column] = planShared;
			sources[column] = {from: planSource};
			origins.add(planSource);
		} else if (best) {
			const first = images.find((i) => pick(i) !== null)!;
			fields[column] = pick(first);
			sources[column] = {
				from: dominantImageSource,
				agree: 1,
				of,
				note: `the first image's; the sampled images carry ${best.distinct} different ones`,
			};
			origins.add(dominantImageSource);
		} else if (planFirst !== null && planSource) {
			fields[column] = planFirst;
			sources[column] = {from: planSource, note: "the first planned image's"};
			origins.add(planSource);
		}
	}

	// What only a plan knows.
	fromPlan('template_version', plan?.templateVersion ?? null);
	fromPlan('generation_mode', plan?.mode ?? null);
	fromPlan('images_expected', plan?.expected ?? null);
	fromPlan('manifest_generated_at', plan?.generatedAt ?? null);
	if (plan?.placeholders) {
		fromPlan('placeholders_json', pythonDumps(new Map(plan.placeholders.map((p) => [p.name, p.count]))));
		fromPlan(
			'variations_summary_json',
			pythonDumps(new Map(plan.placeholders.map((p) => [p.name, p.values.slice(0, 10)]))),
		);
	}
	// A seed sweep: one prompt, several seeds (in the images, else in the plan).
	const prompts = tally(images, (i) => i.prompt);
	const seedCount = new Set(images.map((i) => i.fields.seed).filter((s) => s !== null)).size;
	if (prompts && prompts.distinct === 1 && seedCount > 1 && prompts.agree === of) {
		fields.is_seed_sweep = 1;
		sources.is_seed_sweep = {from: dominantImageSource, agree: of, of, note: 'one prompt, several seeds'};
	} else if (images.length === 0 && plan?.planned && plan.planned.length > 1) {
		const planPrompts = new Set(plan.planned.map((p) => p.prompt));
		const planSeeds = new Set(plan.planned.map((p) => String(p.seed)));
		if (planPrompts.size === 1 && planSeeds.size > 1) {
			fields.is_seed_sweep = 1;
			sources.is_seed_sweep = {from: plan.kind, note: 'one prompt, several seeds'};
		}
	}

	const ordered = (['v1', 'phase1', 'png', 'comfyui', 'header'] as const).filter(
		(o) => origins.has(o) || (o === planSource && plan !== null),
	);
	const record: SourcesRecord = {origins: [...ordered], fields: sources, notes};
	if (input.sampling) {
		record.sampled = samples.length;
		record.images = input.sampling.total;
	}
	return {fields, sources: record};
}

function tallySamples(
	samples: readonly ImageSample[],
	pick: (s: ImageSample) => string | null,
): {value: string; agree: number; of: number} | null {
	const counts = new Map<string, number>();
	let of = 0;
	for (const sample of samples) {
		const value = pick(sample);
		if (value === null) continue;
		of++;
		counts.set(value, (counts.get(value) ?? 0) + 1);
	}
	if (counts.size === 0) return null;
	const [value, agree] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
	return {value, agree, of};
}

/** `illustriousXL_v01` (an image's Model) and `illustriousXL_v01.safetensors [hash]` (a checkpoint) are one model. */
function modelMatches(a: string, b: string): boolean {
	const norm = (m: string): string =>
		m
			.replace(/\s*\[[0-9a-f]+\]$/i, '')
			.replace(/\.(safetensors|ckpt|pt|bin|gguf)$/i, '')
			.toLowerCase();
	return norm(a) === norm(b);
}

function samplersMatch(a: string, b: string): boolean {
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}
