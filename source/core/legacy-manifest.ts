/**
 * The generator's manifests from before `manifest.json` (see the research notes on legacy formats):
 * - V1 `<name>_manifest.json` (October 2025): a plan written once before generation, one entry per planned
 *   image (`index`, `prompt`, `negative_prompt`, planned `seed` with -1 for random, `variations` or, in its
 *   "phase2" variant, `placeholders`, and `parameters`). No model, no status.
 * - Phase-1 `metadata.json` (`version` "1.0"): `generation_info`, `model.checkpoint`, `generation`, `parameters`,
 *   `prompt.template`, `variations: {name: {count, values}}`. No per-image seeds.
 * Both become a LegacyPlan: the same fields, each absent (null) when the file does not have it.
 */
import {JsonSyntaxError, isJsonObject, parsePythonJson, type JsonObject, type JsonValue} from './python-json.js';
import {asCount, asInt64, asList, asObject, asReal, asSafeInteger, asString, getPath} from './values.js';
import type {Int64} from './types.js';

export const PHASE1_METADATA_NAME = 'metadata.json';
const V1_SUFFIX = '_manifest.json';

export type LegacyKind = 'v1' | 'phase1';

/** Whether a file name is an older manifest, and which. */
export function legacyManifestKind(name: string): LegacyKind | null {
	if (name === PHASE1_METADATA_NAME) return 'phase1';
	if (name.endsWith(V1_SUFFIX) && name.length > V1_SUFFIX.length && !name.startsWith('.')) return 'v1';
	return null;
}

export type PlannedImage = {index: number; seed: Int64 | null; prompt: string | null; negativePrompt: string | null};

export type LegacyPlaceholder = {name: string; count: number; values: readonly JsonValue[]};

export type LegacyPlan = {
	kind: LegacyKind;
	fileName: string;
	/** V1's `session_name`: the stem of its image names (`<session_name>_0000.png`). */
	sessionName: string | null;
	templateVersion: string | null;
	generatedAt: string | null;
	expected: Int64 | null;
	mode: string | null;
	seedMode: string | null;
	seedBase: Int64 | null;
	prompt: string | null;
	negativePrompt: string | null;
	model: string | null;
	width: number | null;
	height: number | null;
	steps: number | null;
	cfgScale: number | null;
	sampler: string | null;
	placeholders: LegacyPlaceholder[] | null;
	/** V1 only: the planned images, by index. */
	planned: PlannedImage[] | null;
};

export type LegacyReadResult = {ok: true; plan: LegacyPlan} | {ok: false; reason: string};

const emptyPlan = (kind: LegacyKind, fileName: string): LegacyPlan => ({
	kind,
	fileName,
	sessionName: null,
	templateVersion: null,
	generatedAt: null,
	expected: null,
	mode: null,
	seedMode: null,
	seedBase: null,
	prompt: null,
	negativePrompt: null,
	model: null,
	width: null,
	height: null,
	steps: null,
	cfgScale: null,
	sampler: null,
	placeholders: null,
	planned: null,
});

export function readLegacyManifest(kind: LegacyKind, fileName: string, bytes: Uint8Array): LegacyReadResult {
	let document: JsonValue;
	try {
		document = parsePythonJson(bytes);
	} catch (error) {
		if (error instanceof JsonSyntaxError) return {ok: false, reason: `${fileName}: ${error.message}`};
		throw error;
	}
	if (!isJsonObject(document)) return {ok: false, reason: `${fileName}: the top level is not an object`};
	return kind === 'v1' ? readV1(fileName, document) : readPhase1(fileName, document);
}

/** Placeholder values in first-use order, from per-image `{placeholder: value}` objects. */
function placeholdersFromEntries(entries: readonly JsonObject[]): LegacyPlaceholder[] | null {
	const seen = new Map<string, {values: JsonValue[]; keys: Set<string>}>();
	let any = false;
	for (const entry of entries) {
		const chosen = asObject(entry.get('variations')) ?? asObject(entry.get('placeholders'));
		if (!chosen) continue;
		any = true;
		for (const [name, value] of chosen) {
			let slot = seen.get(name);
			if (!slot) seen.set(name, (slot = {values: [], keys: new Set()}));
			const key = JSON.stringify(
				typeof value === 'bigint' ? value.toString() : value instanceof Map ? [...value] : value,
			);
			if (slot.keys.has(key)) continue;
			slot.keys.add(key);
			slot.values.push(value);
		}
	}
	if (!any) return null;
	return [...seen].map(([name, {values}]) => ({name, count: values.length, values}));
}

/** The seed mode a list of planned seeds shows: all -1 random, all equal fixed, +1 each progressive. */
export function seedModeOfPlan(seeds: readonly bigint[]): 'fixed' | 'progressive' | 'random' | null {
	if (seeds.length === 0) return null;
	if (seeds.every((s) => s === -1n)) return 'random';
	if (seeds.length === 1) return null;
	if (seeds.every((s) => s === seeds[0])) return 'fixed';
	if (seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1n)) return 'progressive';
	return 'random';
}

function readV1(fileName: string, document: JsonObject): LegacyReadResult {
	const plan = emptyPlan('v1', fileName);
	const variations = asList(document.get('variations'));
	if (variations === undefined && document.get('total_variations') === undefined) {
		return {ok: false, reason: `${fileName}: neither "variations" nor "total_variations": not a V1 manifest`};
	}
	const entries = (variations ?? []).filter(isJsonObject);
	plan.sessionName = asString(document.get('session_name')) ?? null;
	plan.templateVersion = asString(document.get('templating_system')) ?? null;
	plan.generatedAt = asString(document.get('generated_at')) ?? null;
	plan.expected = asCount(document.get('total_variations')) ?? (variations ? entries.length : null);
	plan.planned = entries.map((entry, position) => ({
		index: asSafeInteger(entry.get('index')) ?? position,
		seed: asInt64(entry.get('seed')) ?? null,
		prompt: asString(entry.get('prompt')) ?? null,
		negativePrompt: asString(entry.get('negative_prompt')) ?? null,
	}));
	const first = entries[0];
	if (first) {
		const params = asObject(first.get('parameters'));
		plan.width = asSafeInteger(params?.get('width')) ?? null;
		plan.height = asSafeInteger(params?.get('height')) ?? null;
		plan.steps = asSafeInteger(params?.get('steps')) ?? null;
		plan.cfgScale = asReal(params?.get('cfg_scale')) ?? null;
		plan.sampler = asString(params?.get('sampler')) ?? asString(params?.get('sampler_name')) ?? null;
		const prompts = new Set(plan.planned.map((p) => p.prompt));
		// One prompt for every planned image is the session's prompt; several are per-image resolutions.
		if (prompts.size === 1) plan.prompt = plan.planned[0]!.prompt;
		const negatives = new Set(plan.planned.map((p) => p.negativePrompt));
		if (negatives.size === 1) plan.negativePrompt = plan.planned[0]!.negativePrompt;
	}
	const seeds = plan.planned.flatMap((p) => (p.seed === null ? [] : [BigInt(p.seed)]));
	plan.seedMode = seeds.length === plan.planned.length ? seedModeOfPlan(seeds) : null;
	if (plan.seedMode !== null && plan.seedMode !== 'random') plan.seedBase = plan.planned[0]!.seed;
	if (plan.seedMode === 'random') plan.seedBase = -1;
	plan.placeholders = placeholdersFromEntries(entries);
	return {ok: true, plan};
}

const MORE_VALUES = /^\.\.\. and \d+ more$/;

function readPhase1(fileName: string, document: JsonObject): LegacyReadResult {
	const plan = emptyPlan('phase1', fileName);
	const info = asObject(document.get('generation_info'));
	const generation = asObject(document.get('generation'));
	if (!info && !generation)
		return {
			ok: false,
			reason: `${fileName}: neither "generation_info" nor "generation": not a Phase-1 metadata file`,
		};
	const params = asObject(document.get('parameters'));
	plan.templateVersion = asString(document.get('version')) ?? null;
	plan.sessionName = asString(info?.get('session_name')) ?? null;
	plan.generatedAt = asString(info?.get('date')) ?? null;
	plan.expected = asCount(info?.get('total_images')) ?? null;
	plan.mode = asString(generation?.get('mode')) ?? asString(info?.get('generation_mode')) ?? null;
	plan.seedMode = asString(generation?.get('seed_mode')) ?? asString(info?.get('seed_mode')) ?? null;
	plan.seedBase = asInt64(generation?.get('seed')) ?? asInt64(info?.get('seed')) ?? null;
	const model = document.get('model');
	plan.model = asString(getPath(model, 'checkpoint')) ?? asString(model) ?? null;
	plan.prompt = asString(getPath(document, 'prompt', 'template')) ?? null;
	plan.negativePrompt = asString(getPath(document, 'prompt', 'negative')) ?? null;
	plan.width = asSafeInteger(params?.get('width')) ?? null;
	plan.height = asSafeInteger(params?.get('height')) ?? null;
	plan.steps = asSafeInteger(params?.get('steps')) ?? null;
	plan.cfgScale = asReal(params?.get('cfg_scale')) ?? null;
	plan.sampler = asString(params?.get('sampler')) ?? null;
	const variations = asObject(document.get('variations'));
	if (variations) {
		plan.placeholders = [...variations].map(([name, entry]) => {
			const values = (asList(getPath(entry, 'values')) ?? []).filter(
				(v) => !(typeof v === 'string' && MORE_VALUES.test(v)),
			);
			return {name, count: asSafeInteger(getPath(entry, 'count')) ?? values.length, values};
		});
	}
	return {ok: true, plan};
}

/**
 * The planned index an image file name carries for a V1 plan: `<session_name>_0007.png`, or
 * `<session_name>_0007_001.png` for a batch; null when the name does not follow that pattern.
 */
export function plannedIndexOf(imageName: string, sessionName: string): number | null {
	if (!imageName.startsWith(sessionName + '_')) return null;
	const rest = imageName.slice(sessionName.length + 1);
	const match = /^(\d{4,})(?:_\d{3})?(?:_seed-\d+)?\.[A-Za-z]+$/.exec(rest);
	return match ? Number(match[1]) : null;
}
