/**
 * The "infotext" Stable Diffusion web UIs (A1111, Forge, and the generator through them) write into every image:
 * the prompt, an optional `Negative prompt:` part, then one line of `Key: value` pairs. The grammar follows
 * A1111's own reader (modules/infotext_utils.py, parse_generation_parameters) so quoted values with commas
 * (`Lora hashes: "a: 1, b: 2"`) come out whole; see the research notes on legacy formats for the history.
 */

export type Infotext = {
	prompt: string;
	negativePrompt: string;
	/** The pairs of the parameters line, last one winning for a repeated key; empty when there is no such line. */
	params: ReadonlyMap<string, string>;
};

/**
 * One pair: a key (a word character, then word characters, spaces, `-` or `/`), a colon, and either a JSON
 * string literal or anything up to the next comma. A1111's `re_param_code`, with Unicode word characters since
 * Python's `\w` is Unicode-aware.
 */
const PAIR = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
const NEGATIVE_LABEL = 'Negative prompt:';
/**
 * Some writers lose the newline before the parameters (Forge through ExifTool: `… photography).Steps: 50, …`):
 * the parameters then start at the last `Steps: <number>,` of the line.
 */
const GLUED_STEPS = /Steps: \d+,/g;

function pairsOf(line: string): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	for (const match of line.matchAll(PAIR)) {
		// A zero-length match at the end of the line carries nothing.
		if (match[0].length === 0) continue;
		pairs.push([match[1]!, unquote(match[2]!)]);
	}
	return pairs;
}

/** A JSON string literal becomes its text; a quoted value that is not valid JSON (before A1111 1.3) stays raw. */
function unquote(value: string): string {
	if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
		try {
			const parsed: unknown = JSON.parse(value);
			if (typeof parsed === 'string') return parsed;
		} catch {
			// Old-style quoting: keep what was written.
		}
	}
	return value;
}

/** Splits a line whose parameters were glued to the prompt; null when it does not look like one. */
function splitGluedParameters(line: string): [string, string] | null {
	let last = -1;
	for (const match of line.matchAll(GLUED_STEPS)) last = match.index;
	if (last <= 0) return null;
	const head = line.slice(0, last);
	const tail = line.slice(last);
	return pairsOf(tail).length >= 3 ? [head, tail] : null;
}

export function parseInfotext(text: string): Infotext {
	const lines = text.trim().replace(/\r\n?/g, '\n').split('\n');
	let last = lines.pop() ?? '';
	let pairs = pairsOf(last);
	// A1111's rule: fewer than three pairs means the last line is prompt text, not parameters.
	if (pairs.length < 3) {
		lines.push(last);
		last = '';
		pairs = [];
	} else if (!/^\s*[\p{L}\p{N}_][\p{L}\p{N}_ \-/]+:/u.test(last) || pairs[0]![0].length > 40) {
		// The line has pairs but does not start with one: parameters glued to the end of the prompt.
		const glued = splitGluedParameters(last);
		if (glued) {
			lines.push(glued[0]);
			pairs = pairsOf(glued[1]);
		}
	}

	const prompt: string[] = [];
	const negative: string[] = [];
	let inNegative = false;
	for (const raw of lines) {
		let line = raw.trim();
		if (!inNegative && line.startsWith(NEGATIVE_LABEL)) {
			inNegative = true;
			line = line.slice(NEGATIVE_LABEL.length).trim();
		}
		(inNegative ? negative : prompt).push(line);
	}
	return {prompt: prompt.join('\n').trim(), negativePrompt: negative.join('\n').trim(), params: new Map(pairs)};
}

/** The fields sdstats keeps, read out of an infotext's pairs. Absent keys and unreadable values are null. */
export type InfotextFields = {
	model: string | null;
	modelHash: string | null;
	sampler: string | null;
	scheduler: string | null;
	steps: number | null;
	cfgScale: number | null;
	/** Decimal digits: ComfyUI and typed seeds go past 2^53, so the seed stays text until it is stored. */
	seed: string | null;
	width: number | null;
	height: number | null;
};

const INTEGER = /^-?\d+$/;
const REAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SIZE = /^(\d+)x(\d+)$/;

function integerOf(value: string | undefined): number | null {
	if (value === undefined || !INTEGER.test(value.trim())) return null;
	const n = Number(value.trim());
	return Number.isSafeInteger(n) ? n : null;
}

function realOf(value: string | undefined): number | null {
	if (value === undefined || !REAL.test(value.trim())) return null;
	const n = Number(value.trim());
	return Number.isFinite(n) ? n : null;
}

function textOf(value: string | undefined): string | null {
	const trimmed = value?.trim();
	return trimmed ? trimmed : null;
}

export function infotextFields({params}: Infotext): InfotextFields {
	const size = SIZE.exec(params.get('Size')?.trim() ?? '');
	const seed = params.get('Seed')?.trim();
	return {
		model: textOf(params.get('Model')),
		modelHash: textOf(params.get('Model hash')),
		sampler: textOf(params.get('Sampler')),
		scheduler: textOf(params.get('Schedule type')),
		steps: integerOf(params.get('Steps')),
		cfgScale: realOf(params.get('CFG scale')),
		seed: seed !== undefined && INTEGER.test(seed) ? seed.replace(/^(-?)0+(?=\d)/, '$1') : null,
		width: size ? Number(size[1]) : null,
		height: size ? Number(size[2]) : null,
	};
}
