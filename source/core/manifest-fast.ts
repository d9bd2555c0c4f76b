/**
 * The fast path for reading a manifest: V8's JSON.parse, then the few parts sdstats uses converted to the
 * Python-compatible reader's values (Maps in key order, PyFloat for whole floats). It answers only when it can
 * prove the result is the one python-json.ts would give; otherwise it returns null and that reader decides
 * (with its exact messages). A document goes to the exact reader when:
 * - JSON.parse refuses it (NaN, Infinity, a control character in a string, invalid or cut-off input…), or the
 *   bytes are not UTF-8 (JSON.parse would read replacement characters), or the top level or `snapshot` is not an
 *   object (the exact reader words those reasons);
 * - it is larger than FAST_PATH_MAX_BYTES (memory, not correctness);
 * - it nests deeper than the exact reader allows (a scan counts brackets outside strings);
 * - a number in a part we convert is not exact in a double (an integer past 2^53 keeps its digits only there)
 *   or is infinite (1e400 is read as null there);
 * - an object in a part we convert has a key that starts with a digit (JS moves integer-like keys first, the
 *   manifest order is kept there);
 * - a whole number appears where float-ness shows in the output: among a placeholder's `used` values, which
 *   are written out as JSON (`5.0` must stay `5.0`). Elsewhere a whole float counts as the same number
 *   (asInteger and asReal read `512.0` and `512` alike; SQLite's REAL affinity stores 7 as 7.0).
 * Scanning the text for these first would cost most of the gain, so the checks run on the parsed values.
 */
import {isUtf8} from 'node:buffer';
import type {ManifestDocument, ManifestReadResult} from './manifest.js';
import {MAX_JSON_DEPTH, type JsonObject, type JsonValue} from './python-json.js';

class NotVouched extends Error {}
const notVouched = new NotVouched();

type Parsed = null | boolean | number | string | Parsed[] | {[key: string]: Parsed};

const isPlainObject = (value: unknown): value is {[key: string]: Parsed} =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A parsed value as the exact reader builds it; throws NotVouched where the two could differ. */
function convert(value: Parsed, wholeNumbersMatter: boolean): JsonValue {
	if (typeof value === 'number') {
		if (
			!Number.isFinite(value) ||
			(Number.isInteger(value) && (wholeNumbersMatter || !Number.isSafeInteger(value)))
		)
			throw notVouched;
		return value;
	}
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const list: JsonValue[] = new Array(value.length);
		for (let i = 0; i < value.length; i++) list[i] = convert(value[i]!, wholeNumbersMatter);
		return list;
	}
	const object: JsonObject = new Map();
	for (const key in value) {
		const first = key.charCodeAt(0);
		if (first >= 0x30 && first <= 0x39) throw notVouched;
		object.set(key, convert(value[key]!, wholeNumbersMatter));
	}
	return object;
}

/** `snapshot` converted; the `used` lists of its placeholders keep whole numbers out (see above). */
function convertSnapshot(snapshot: {[key: string]: Parsed}): JsonObject {
	const object: JsonObject = new Map();
	for (const key in snapshot) {
		const first = key.charCodeAt(0);
		if (first >= 0x30 && first <= 0x39) throw notVouched;
		const value = snapshot[key]!;
		if (key !== 'variations' || !isPlainObject(value)) {
			object.set(key, convert(value, false));
			continue;
		}
		const variations: JsonObject = new Map();
		for (const name in value) {
			const first = name.charCodeAt(0);
			if (first >= 0x30 && first <= 0x39) throw notVouched;
			const entry = value[name]!;
			if (!isPlainObject(entry)) {
				variations.set(name, convert(entry, false));
				continue;
			}
			const converted: JsonObject = new Map();
			for (const field in entry) {
				const first = field.charCodeAt(0);
				if (first >= 0x30 && first <= 0x39) throw notVouched;
				converted.set(field, convert(entry[field]!, field === 'used'));
			}
			variations.set(name, converted);
		}
		object.set(key, variations);
	}
	return object;
}

/**
 * Whether the document may nest deeper than the exact reader accepts. Fewer opening brackets than the limit
 * (in strings or not) settle it with a few native searches; only documents with more are walked byte by byte,
 * which costs about half a JSON.parse.
 */
function tooDeep(bytes: Uint8Array): boolean {
	let opened = 0;
	for (const bracket of [0x7b, 0x5b]) {
		for (let i = bytes.indexOf(bracket); i >= 0; i = bytes.indexOf(bracket, i + 1)) {
			if (++opened >= MAX_JSON_DEPTH) return nestsTooDeep(bytes);
		}
	}
	return false;
}

/** The exact test: the deepest nesting, brackets inside strings not counted (the document is valid JSON). */
function nestsTooDeep(bytes: Uint8Array): boolean {
	let depth = 0;
	const end = bytes.length;
	for (let i = 0; i < end; i++) {
		const c = bytes[i]!;
		if (c === 0x22) {
			// Skip the string: JSON.parse has accepted the document, so it is well formed.
			for (i++; i < end; i++) {
				const d = bytes[i]!;
				if (d === 0x5c) i++;
				else if (d === 0x22) break;
			}
		} else if (c === 0x7b || c === 0x5b) {
			if (++depth >= MAX_JSON_DEPTH) return true;
		} else if (c === 0x7d || c === 0x5d) {
			depth--;
		}
	}
	return false;
}

/**
 * Above this size the exact reader goes first: JSON.parse would build the whole `images` list (a 100,000-entry
 * manifest is ~50 MB, several times that as objects), which the exact reader only counts. The common manifest
 * is 10-40 kB.
 */
export const FAST_PATH_MAX_BYTES = 1 << 20;

/** The document, or null when only the exact reader may answer. */
export function readManifestFast(bytes: Uint8Array): ManifestReadResult | null {
	if (bytes.length > FAST_PATH_MAX_BYTES || !isUtf8(bytes)) return null;
	let parsed: Parsed;
	try {
		parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as Parsed;
	} catch {
		return null;
	}
	if (!isPlainObject(parsed)) return null;
	const snapshot = parsed['snapshot'];
	if (!isPlainObject(snapshot) || tooDeep(bytes)) return null;
	try {
		for (const key in parsed) {
			const first = key.charCodeAt(0);
			// Top-level order never shows, but a digit-led key is rare enough not to reason about.
			if (first >= 0x30 && first <= 0x39) return null;
		}
		const images = parsed['images'];
		const status = parsed['status'];
		const requested = parsed['images_requested'];
		const document: ManifestDocument = {
			snapshot: convertSnapshot(snapshot),
			status: typeof status === 'string' ? status : null,
			imagesRecorded: Array.isArray(images) ? images.length : null,
			imagesRequested: requested === undefined ? undefined : convert(requested, false),
		};
		return {ok: true, document};
	} catch (error) {
		if (error instanceof NotVouched) return null;
		throw error;
	}
}
