/**
 * manifest.json → what the session analyses need: the snapshot's placeholders (their `used` values, in the
 * generator's order), the seed parameters, and a compact list of the `images[]` entries.
 *
 * The bytes are read once by JsonReader (Python's grammar, errors with byte offsets). The snapshot is built (it
 * is small); the `images` list is validated without being built, then a scanner picks `filename`, `seed` and
 * `applied_variations` out of each entry and leaves the rest (the prompts: most of the bytes) undecoded.
 * `applied_variations` is not kept per entry: identical objects map to one interned combination, so 100,000
 * entries over 500 combinations hold 500 pair lists, not 100,000 Maps.
 *
 * Pure: bytes in, result out. Malformed input gives `{ok: false, reason}`, never a throw.
 *
 * Long on purpose: the images scanner works on the same bytes and cursor as the JSON reader and interns
 * combinations as it goes; split apart, its byte constants and state would have to be shared across modules.
 */
import {describeTopLevel} from '../manifest.js';
import {MANIFEST_NAME} from '../images.js';
import {pythonDumps} from '../python-dumps.js';
import {Buffer} from 'node:buffer';
import {
	JsonReader,
	JsonSyntaxError,
	isJsonObject,
	jsonTypeName,
	parsePythonJson,
	type JsonObject,
	type JsonValue,
} from '../python-json.js';
import {asCount, asInteger, asList, asString, getPath, usedVariations} from '../values.js';
import type {Int64} from '../types.js';
import {loopOrder} from './loop-order.js';
import {baseName} from './base-name.js';

/** A seed: an exact integer (bigint only beyond 2^53), or null when absent or not a number. `-1` is kept as -1. */
export type Seed = Int64 | null;

/** One `applied_variations` member: the placeholder name and its value as text. */
export type VariationPair = readonly [name: string, value: string];

/** An interned `applied_variations` object: every entry with the same pairs (same order) shares one. */
export type Combination = {
	/** Position in `ManifestImages.combinations`. */
	readonly id: number;
	/** An unambiguous key built from the pairs (length-prefixed), usable in Maps and Sets. */
	readonly key: string;
	/** The pairs in manifest order; a duplicate name keeps its first position and its last value (as Python does). */
	readonly pairs: readonly VariationPair[];
};

export type ManifestImageEntry = {
	/** `filename` when it is a string, else null. */
	readonly filename: string | null;
	readonly seed: Seed;
	/** `applied_variations`; the empty combination when absent or not an object. */
	readonly combination: Combination;
};

export type ManifestPlaceholder = {
	readonly name: string;
	/** `used` values as text, in manifest order; empty when `used` is absent or not a list. */
	readonly used: readonly string[];
};

export type ManifestImages = {
	readonly ok: true;
	/** Top-level `status` when it is a string. */
	readonly status: string | null;
	/** `generation_params.mode` (`combinatorial`, `random`…) when it is a string. */
	readonly mode: string | null;
	/** `generation_params.seed_mode` (`fixed`, `progressive`, `random`) when it is a string. */
	readonly seedMode: string | null;
	/** `generation_params.seed_base`, else `base_seed`; null when neither is an integer. -1 means random. */
	readonly baseSeed: Seed;
	/** `generation_params.num_images`: the planned count. */
	readonly numImages: Int64 | null;
	/** `generation_params.max_images` (0 or absent: unlimited). */
	readonly maxImages: Int64 | null;
	/** `generation_params.seed_list` as written (entries that are not integers become null); null when absent. */
	readonly seedList: readonly Seed[] | null;
	/**
	 * `snapshot.variations`, in the generator's loop order (outermost first; see loop-order.ts): the key order
	 * of `applied_variations`, else of the prompt's placeholders sorted by weight, else of `variations`.
	 */
	readonly placeholders: readonly ManifestPlaceholder[];
	/** Placeholders the prompt gives weight 0: the generator picks one at random per image, they form no loop. */
	readonly randomPerImage: readonly string[];
	/** `images[]` in manifest order; empty when the list is absent or not a list. */
	readonly images: readonly ManifestImageEntry[];
	/** Whether top-level `images` is a list. */
	readonly imagesListed: boolean;
	/** Every distinct combination, by id. */
	readonly combinations: readonly Combination[];
	/** `images[]` elements that are not objects (kept as entries without filename, seed or variations). */
	readonly malformedEntries: number;
};

export type ManifestImagesResult = ManifestImages | {readonly ok: false; readonly reason: string};

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/** A JSON value as the text the analyses compare and show: strings as they are, anything else as Python's json writes it. */
export function valueText(value: JsonValue): string {
	return typeof value === 'string' ? value : pythonDumps(value);
}

/** A seed value from a manifest: integers (any size), integral floats and integer strings; else null. */
export function toSeed(value: JsonValue | undefined): Seed {
	return asInteger(value) ?? null;
}

/** Interns combinations; the scratch arrays collect one entry's pairs without allocating per entry. */
class CombinationTable {
	readonly list: Combination[] = [];
	private readonly byKey = new Map<string, Combination>();
	private readonly names: string[] = [];
	private readonly values: string[] = [];
	private size = 0;
	readonly empty: Combination;

	constructor() {
		this.empty = this.intern();
	}

	begin(): void {
		this.size = 0;
	}

	add(name: string, value: string): void {
		// A repeated key: Python's dict keeps the first position and the last value.
		for (let i = 0; i < this.size; i++) {
			if (this.names[i] === name) {
				this.values[i] = value;
				return;
			}
		}
		this.names[this.size] = name;
		this.values[this.size] = value;
		this.size++;
	}

	intern(): Combination {
		let key = '';
		for (let i = 0; i < this.size; i++) {
			const name = this.names[i]!;
			const value = this.values[i]!;
			key += `${name.length}:${name}${value.length}:${value}`;
		}
		const known = this.byKey.get(key);
		if (known) return known;
		const pairs: VariationPair[] = [];
		for (let i = 0; i < this.size; i++) pairs.push([this.names[i]!, this.values[i]!]);
		const combination: Combination = {id: this.list.length, key, pairs};
		this.list.push(combination);
		this.byKey.set(key, combination);
		return combination;
	}
}

// ---- the images list ------------------------------------------------------------------------------------------
//
// The list is first validated by JsonReader.skipValue (exactly Python's grammar, byte offsets in errors); then
// a scanner walks the now-known-valid bytes and picks out what the analyses use. Knowing the bytes are valid
// lets it skip a prompt with one indexOf and recognise a key by comparing bytes, so the bulk of a 100,000-entry
// list is never decoded. Whatever is unusual (escapes, a seed that is not a plain integer, a value that is not
// a string) goes through parsePythonJson on its own slice, so the result is the one Python's json gives.

const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const asciiKey = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const KEY_FILENAME = asciiKey('filename');
const KEY_SEED = asciiKey('seed');
const KEY_APPLIED = asciiKey('applied_variations');
const enum Key {
	Other,
	Filename,
	Seed,
	Applied,
}

const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

type ImagesState = {
	entries: ManifestImageEntry[];
	combinations: CombinationTable;
	/** Raw bytes of an `applied_variations` object (as latin1 text, one char per byte) → its combination. */
	byRaw: Map<string, Combination>;
	malformed: number;
};

/** Walks a list that JsonReader has already validated; every position it meets is well-formed JSON. */
class ImagesScanner {
	private readonly text: Buffer;

	constructor(
		private readonly bytes: Uint8Array,
		private readonly state: ImagesState,
	) {
		this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	private blank(p: number): number {
		const bytes = this.bytes;
		while (isBlank(bytes[p])) p++;
		return p;
	}

	/** The position after the string whose opening quote is at `p`. */
	private stringEnd(p: number): number {
		const bytes = this.bytes;
		let from = p + 1;
		for (;;) {
			const close = bytes.indexOf(QUOTE, from);
			let backslashes = 0;
			while (bytes[close - 1 - backslashes] === BACKSLASH) backslashes++;
			if (backslashes % 2 === 0) return close + 1;
			from = close + 1;
		}
	}

	/** The position after the value starting at `p`. */
	private valueEnd(p: number): number {
		const bytes = this.bytes;
		const first = bytes[p];
		if (first === QUOTE) return this.stringEnd(p);
		if (first === OPEN_BRACE || first === OPEN_BRACKET) {
			let depth = 0;
			for (;;) {
				const c = bytes[p]!;
				if (c === QUOTE) {
					p = this.stringEnd(p);
					continue;
				}
				if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
				else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return p + 1;
				p++;
			}
		}
		while (p < bytes.length) {
			const c = bytes[p]!;
			if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isBlank(c)) break;
			p++;
		}
		return p;
	}

	private parse(start: number, end: number): JsonValue {
		return parsePythonJson(this.bytes.subarray(start, end));
	}

	private hasEscape(start: number, end: number): boolean {
		const bytes = this.bytes;
		for (let p = start + 1; p < end - 1; p++) if (bytes[p] === BACKSLASH) return true;
		return false;
	}

	/** The string whose quotes are at `start` and `end - 1`. */
	private string(start: number, end: number): string {
		if (this.hasEscape(start, end)) return this.parse(start, end) as string;
		return this.text.toString('utf8', start + 1, end - 1);
	}

	private keyIs(start: number, end: number, key: Uint8Array): boolean {
		if (end - start - 2 !== key.length) return false;
		const bytes = this.bytes;
		for (let i = 0; i < key.length; i++) if (bytes[start + 1 + i] !== key[i]) return false;
		return true;
	}

	/** Which key the string at start..end names (a key written with escapes is decoded first). */
	private keyOf(start: number, end: number): Key {
		if (this.keyIs(start, end, KEY_FILENAME)) return Key.Filename;
		if (this.keyIs(start, end, KEY_SEED)) return Key.Seed;
		if (this.keyIs(start, end, KEY_APPLIED)) return Key.Applied;
		if (!this.hasEscape(start, end)) return Key.Other;
		const key = this.string(start, end);
		if (key === 'filename') return Key.Filename;
		if (key === 'seed') return Key.Seed;
		return key === 'applied_variations' ? Key.Applied : Key.Other;
	}

	private seed(start: number, end: number): Seed {
		const bytes = this.bytes;
		// The usual case: a plain integer of at most 15 digits, exact in a double.
		let p = start;
		const negative = bytes[p] === MINUS;
		if (negative) p++;
		if (end > p && end - p <= 15) {
			let value = 0;
			for (; p < end; p++) {
				const c = bytes[p]!;
				if (c < ZERO || c > NINE) break;
				value = value * 10 + (c - ZERO);
			}
			if (p === end) return negative && value !== 0 ? -value : value;
		}
		return toSeed(this.parse(start, end));
	}

	private combination(start: number, end: number): Combination {
		const raw = this.text.toString('latin1', start, end);
		const known = this.state.byRaw.get(raw);
		if (known) return known;
		const table = this.state.combinations;
		const value = this.parse(start, end);
		table.begin();
		// parsePythonJson already applied Python's rule for repeated keys (first position, last value).
		if (isJsonObject(value)) for (const [name, item] of value) table.add(name, valueText(item));
		const combination = table.intern();
		this.state.byRaw.set(raw, combination);
		return combination;
	}

	/** Reads the entry at `p`; returns the position after it. */
	private entry(p: number): number {
		const bytes = this.bytes;
		const state = this.state;
		if (bytes[p] !== OPEN_BRACE) {
			state.malformed++;
			state.entries.push({filename: null, seed: null, combination: state.combinations.empty});
			return this.valueEnd(p);
		}
		let filename: string | null = null;
		let seed: Seed = null;
		let combination = state.combinations.empty;
		p = this.blank(p + 1);
		if (bytes[p] === CLOSE_BRACE) {
			p++;
		} else {
			for (;;) {
				const keyEnd = this.stringEnd(p);
				const key = this.keyOf(p, keyEnd);
				const valueStart = this.blank(this.blank(keyEnd) + 1); // past ':'
				const valueEnd = this.valueEnd(valueStart);
				// A repeated key: the last value wins, as in a Python dict.
				if (key === Key.Filename) {
					filename =
						bytes[valueStart] === QUOTE
							? this.string(valueStart, valueEnd)
							: (asString(this.parse(valueStart, valueEnd)) ?? null);
				} else if (key === Key.Seed) {
					seed = this.seed(valueStart, valueEnd);
				} else if (key === Key.Applied) {
					combination =
						bytes[valueStart] === OPEN_BRACE
							? this.combination(valueStart, valueEnd)
							: state.combinations.empty;
				}
				p = this.blank(valueEnd);
				if (bytes[p++] === CLOSE_BRACE) break;
				p = this.blank(p); // past ','
			}
		}
		state.entries.push({filename, seed, combination});
		return p;
	}

	/** Reads the list starting at (or after blanks from) `start`. */
	list(start: number): void {
		const bytes = this.bytes;
		let p = this.blank(this.blank(start) + 1); // past '['
		if (bytes[p] === CLOSE_BRACKET) return;
		for (;;) {
			p = this.blank(this.entry(p));
			if (bytes[p++] === CLOSE_BRACKET) return;
			p = this.blank(p); // past ','
		}
	}
}

/** Validates the `images` value and, when it is a list, scans its entries; returns whether it is a list. */
function readImages(reader: JsonReader, state: ImagesState): boolean {
	const start = reader.offset;
	const isList = reader.peek() === OPEN_BRACKET;
	reader.skipValue();
	// A repeated `images` key: the last one wins.
	state.entries = [];
	state.malformed = 0;
	state.byRaw.clear();
	if (isList) new ImagesScanner(reader.bytes, state).list(start);
	return isList;
}

function placeholdersInLoopOrder(
	snapshot: JsonObject,
	entries: readonly ManifestImageEntry[],
): {placeholders: ManifestPlaceholder[]; randomPerImage: string[]} {
	const placeholders = usedVariations(snapshot).map(({name, used}) => ({name, used: used.map(valueText)}));
	const names = new Set(placeholders.map((p) => p.name));
	const applied = entries.find((entry) => entry.combination.pairs.some(([name]) => names.has(name)));
	const prompt = asString(getPath(snapshot.get('resolved_template'), 'prompt')) ?? null;
	const order = loopOrder(
		placeholders.map((p) => p.name),
		applied ? applied.combination.pairs.map(([name]) => name) : null,
		prompt,
	);
	const byName = new Map(placeholders.map((p) => [p.name, p]));
	return {placeholders: order.names.map((name) => byName.get(name)!), randomPerImage: [...order.randomPerImage]};
}

function readOrThrow(bytes: Uint8Array): ManifestImagesResult {
	const reader = new JsonReader(bytes);
	const first = reader.peek();
	if (first === -1) reader.fail('unexpected end of input');
	if (first !== OPEN_BRACE) {
		reader.skipValue();
		reader.finish();
		return {ok: false, reason: `${MANIFEST_NAME}: the top level is ${describeTopLevel(first)}, not an object`};
	}
	const state: ImagesState = {entries: [], combinations: new CombinationTable(), byRaw: new Map(), malformed: 0};
	let snapshot: JsonValue | undefined;
	let status: JsonValue | undefined;
	let imagesListed = false;
	if (reader.openObject()) {
		do {
			const key = reader.readKey();
			if (key === 'snapshot') snapshot = reader.parseValue();
			else if (key === 'status') status = reader.parseValue();
			else if (key === 'images') imagesListed = readImages(reader, state);
			else reader.skipValue();
		} while (reader.nextMember());
	}
	reader.finish();

	if (snapshot === undefined) return {ok: false, reason: `${MANIFEST_NAME}: "snapshot" is missing`};
	if (!isJsonObject(snapshot)) {
		return {ok: false, reason: `${MANIFEST_NAME}: "snapshot" is ${jsonTypeName(snapshot)}, not an object`};
	}
	const params = snapshot.get('generation_params');
	const seedList = asList(getPath(params, 'seed_list'));
	const seedBase = toSeed(getPath(params, 'seed_base'));
	return {
		ok: true,
		status: typeof status === 'string' ? status : null,
		mode: asString(getPath(params, 'mode')) ?? null,
		seedMode: asString(getPath(params, 'seed_mode')) ?? null,
		baseSeed: seedBase ?? toSeed(getPath(params, 'base_seed')),
		numImages: asCount(getPath(params, 'num_images')) ?? null,
		maxImages: asCount(getPath(params, 'max_images')) ?? null,
		seedList: seedList ? seedList.map(toSeed) : null,
		...placeholdersInLoopOrder(snapshot, state.entries),
		images: state.entries,
		imagesListed,
		combinations: state.combinations.list,
		malformedEntries: state.malformed,
	};
}

/** Reads manifest bytes for the analyses. Every failure comes back as a reason prefixed with `manifest.json: `. */
export function readManifestImages(bytes: Uint8Array): ManifestImagesResult {
	try {
		return readOrThrow(bytes);
	} catch (error) {
		if (error instanceof JsonSyntaxError) return {ok: false, reason: `${MANIFEST_NAME}: ${error.message}`};
		const message = error instanceof Error ? error.message : String(error);
		return {ok: false, reason: `${MANIFEST_NAME}: cannot be read (${message})`};
	}
}

/** The entry's `applied_variations` as a Map (for display); the compact form is `entry.combination.pairs`. */
export function appliedVariations(entry: ManifestImageEntry): Map<string, string> {
	return new Map(entry.combination.pairs);
}

export {baseName};

/**
 * Whether an entry's image is on disk. `imagesOnDisk` null or undefined means "not checked": every entry with a
 * filename counts.
 */
export function entryOnDisk(entry: ManifestImageEntry, imagesOnDisk: ReadonlySet<string> | null | undefined): boolean {
	if (entry.filename === null) return false;
	if (!imagesOnDisk) return true;
	return imagesOnDisk.has(entry.filename) || imagesOnDisk.has(baseName(entry.filename));
}

/** The last flags computed, per manifest: the analyses of one session share them. */
const flagCache = new WeakMap<ManifestImages, {imagesOnDisk: ReadonlySet<string> | null; flags: Uint8Array}>();

/**
 * One byte per `images[]` entry: 1 when its image is on disk (see `entryOnDisk`). Cached for the last set seen
 * per manifest, so the missing and seed analyses of a session look each name up once.
 */
export function onDiskFlags(
	manifest: ManifestImages,
	imagesOnDisk: ReadonlySet<string> | null | undefined,
): Uint8Array {
	const set = imagesOnDisk ?? null;
	const cached = flagCache.get(manifest);
	if (cached && cached.imagesOnDisk === set && cached.flags.length === manifest.images.length) return cached.flags;
	const flags = new Uint8Array(manifest.images.length);
	manifest.images.forEach((entry, i) => {
		flags[i] = entryOnDisk(entry, set) ? 1 : 0;
	});
	flagCache.set(manifest, {imagesOnDisk: set, flags});
	return flags;
}
