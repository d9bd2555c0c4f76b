/**
 * ComfyUI writes its API graph as JSON into a PNG `prompt` chunk: `{node_id: {class_type, inputs}}`, an input
 * being a literal or a link `[source_node_id, output_index]`. Parameters are read only where the graph makes
 * them unambiguous: exactly one stock sampler node, literal inputs, links followed through a few known nodes.
 * Anything else says why it was not read rather than guessing.
 */
import {parsePythonJson, isJsonObject, type JsonObject, type JsonValue} from './python-json.js';
import {asReal, asSafeInteger, asString} from './values.js';
import type {InfotextFields} from './infotext.js';

export type ComfyReading =
	{fields: InfotextFields; prompt: string | null; negativePrompt: string | null} | {unread: string};

const SAMPLERS = new Set(['KSampler', 'KSamplerAdvanced']);
const CHECKPOINT_LOADERS = new Set(['CheckpointLoaderSimple', 'CheckpointLoader', 'unCLIPCheckpointLoader']);
/** Nodes a model passes through unchanged in name (LoRAs, sampling tweaks): followed by their `model` input. */
const MODEL_PASS_THROUGH = /^(LoraLoader|LoraLoaderModelOnly|ModelSampling\w*|FreeU\w*|CFGGuider)$/;
const TEXT_ENCODERS = new Set(['CLIPTextEncode']);
const MAX_HOPS = 8;

function isLink(value: JsonValue | undefined): value is [JsonValue, JsonValue] {
	return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number');
}

function nodeOf(graph: JsonObject, link: [JsonValue, JsonValue]): JsonObject | undefined {
	const node = graph.get(String(link[0]));
	return isJsonObject(node) ? node : undefined;
}

const inputsOf = (node: JsonObject): JsonObject | undefined => {
	const inputs = node.get('inputs');
	return isJsonObject(inputs) ? inputs : undefined;
};

/** Follows a `model` link to a checkpoint loader's `ckpt_name`; null when the chain is not one we know. */
function modelName(graph: JsonObject, start: JsonValue | undefined): string | null {
	let link = start;
	for (let hop = 0; hop < MAX_HOPS && isLink(link); hop++) {
		const node = nodeOf(graph, link);
		if (!node) return null;
		const type = asString(node.get('class_type')) ?? '';
		const inputs = inputsOf(node);
		if (CHECKPOINT_LOADERS.has(type)) return asString(inputs?.get('ckpt_name')) ?? null;
		if (!MODEL_PASS_THROUGH.test(type)) return null;
		link = inputs?.get('model');
	}
	return null;
}

function promptText(graph: JsonObject, link: JsonValue | undefined): string | null {
	if (!isLink(link)) return null;
	const node = nodeOf(graph, link);
	if (!node || !TEXT_ENCODERS.has(asString(node.get('class_type')) ?? '')) return null;
	return asString(inputsOf(node)?.get('text')) ?? null;
}

function latentSize(graph: JsonObject, link: JsonValue | undefined): {width: number | null; height: number | null} {
	const node = isLink(link) ? nodeOf(graph, link) : undefined;
	const inputs =
		node && /^Empty\w*LatentImage$/.test(asString(node.get('class_type')) ?? '') ? inputsOf(node) : undefined;
	return {width: asSafeInteger(inputs?.get('width')) ?? null, height: asSafeInteger(inputs?.get('height')) ?? null};
}

function seedText(value: JsonValue | undefined): string | null {
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	return null;
}

export function readComfyPrompt(text: string): ComfyReading {
	let graph: JsonValue;
	try {
		graph = parsePythonJson(new TextEncoder().encode(text));
	} catch {
		return {unread: 'parameters from ComfyUI not read: its graph is not valid JSON'};
	}
	if (!isJsonObject(graph)) return {unread: 'parameters from ComfyUI not read: its graph is not an object'};
	const samplers: JsonObject[] = [];
	for (const node of graph.values()) {
		if (isJsonObject(node) && SAMPLERS.has(asString(node.get('class_type')) ?? '')) samplers.push(node);
	}
	if (samplers.length === 0) return {unread: 'parameters from ComfyUI not read: no KSampler node in its graph'};
	if (samplers.length > 1)
		return {
			unread: `parameters from ComfyUI not read: ${samplers.length} sampler nodes, none of them is "the" sampler`,
		};
	const inputs = inputsOf(samplers[0]!);
	if (!inputs) return {unread: 'parameters from ComfyUI not read: its sampler has no inputs'};
	const size = latentSize(graph, inputs.get('latent_image'));
	const sampler = asString(inputs.get('sampler_name')) ?? null;
	const scheduler = asString(inputs.get('scheduler')) ?? null;
	return {
		fields: {
			model: modelName(graph, inputs.get('model')),
			modelHash: null,
			sampler,
			scheduler,
			steps: asSafeInteger(inputs.get('steps')) ?? null,
			cfgScale: asReal(inputs.get('cfg')) ?? null,
			seed: seedText(inputs.get('seed') ?? inputs.get('noise_seed')),
			width: size.width,
			height: size.height,
		},
		prompt: promptText(graph, inputs.get('positive')),
		negativePrompt: promptText(graph, inputs.get('negative')),
	};
}
