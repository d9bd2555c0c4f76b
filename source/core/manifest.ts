/**
 * manifest.json → the fields sdstats uses. Reads the bytes once: `snapshot` and the small top-level fields are
 * built, the (possibly enormous) `images` list is only validated and counted.
 */
import {
	JsonReader,
	JsonSyntaxError,
	isJsonObject,
	jsonTypeName,
	type JsonObject,
	type JsonValue,
} from './python-json.js';
import {MANIFEST_NAME} from './images.js';
import {readManifestFast} from './manifest-fast.js';

export type ManifestDocument = {
	snapshot: JsonObject;
	/** Top-level `status` when it is a string. */
	status: string | null;
	/** Number of entries in the top-level `images` list; null when absent or not a list. */
	imagesRecorded: number | null;
	/** Top-level `images_requested`, as written. */
	imagesRequested: JsonValue | undefined;
};

export type ManifestReadResult = {ok: true; document: ManifestDocument} | {ok: false; reason: string};

const BUILT_KEYS = new Set(['snapshot', 'status', 'images_requested']);

/** What a document whose first significant byte is `byte` is, in Python's words (for "the top level is a list"). */
export function describeTopLevel(byte: number): string {
	switch (byte) {
		case 0x5b:
			return 'a list';
		case 0x22:
			return 'a string';
		case 0x74:
		case 0x66:
			return 'a boolean';
		case 0x6e:
			return 'null';
		default:
			return 'a number';
	}
}

/**
 * Parses manifest bytes; every failure comes back as a reason prefixed with `manifest.json: `.
 * JSON.parse reads the common manifest (about 2× faster); the Python-compatible reader takes every document
 * the fast path cannot vouch for (see manifest-fast.ts), so both give the same document, field for field.
 */
export function readManifest(bytes: Uint8Array): ManifestReadResult {
	return readManifestFast(bytes) ?? readManifestExact(bytes);
}

/** The Python-compatible reader alone: the reference the fast path is tested against. */
export function readManifestExact(bytes: Uint8Array): ManifestReadResult {
	try {
		return readManifestOrThrow(bytes);
	} catch (error) {
		if (error instanceof JsonSyntaxError) return {ok: false, reason: `${MANIFEST_NAME}: ${error.message}`};
		throw error;
	}
}

function readManifestOrThrow(bytes: Uint8Array): ManifestReadResult {
	const reader = new JsonReader(bytes);
	const first = reader.peek();
	if (first === -1) reader.fail('unexpected end of input');
	if (first !== 0x7b) {
		// Python reads the whole document before looking at its type: a syntax error wins over a type error.
		reader.skipValue();
		reader.finish();
		return {ok: false, reason: `${MANIFEST_NAME}: the top level is ${describeTopLevel(first)}, not an object`};
	}

	const built = new Map<string, JsonValue>();
	let imagesRecorded: number | null = null;
	if (reader.openObject()) {
		do {
			const key = reader.readKey();
			if (BUILT_KEYS.has(key)) {
				built.set(key, reader.parseValue());
			} else if (key === 'images') {
				imagesRecorded = countListEntries(reader);
			} else {
				reader.skipValue();
			}
		} while (reader.nextMember());
	}
	reader.finish();

	const snapshot = built.get('snapshot');
	if (snapshot === undefined) return {ok: false, reason: `${MANIFEST_NAME}: "snapshot" is missing`};
	if (!isJsonObject(snapshot)) {
		return {ok: false, reason: `${MANIFEST_NAME}: "snapshot" is ${jsonTypeName(snapshot)}, not an object`};
	}
	const status = built.get('status');
	return {
		ok: true,
		document: {
			snapshot,
			status: typeof status === 'string' ? status : null,
			imagesRecorded,
			imagesRequested: built.get('images_requested'),
		},
	};
}

/** Counts the elements of a list without building them; null (after validating it) when it is not a list. */
function countListEntries(reader: JsonReader): number | null {
	if (reader.peek() !== 0x5b) {
		reader.skipValue();
		return null;
	}
	if (!reader.openArray()) return 0;
	let count = 0;
	do {
		reader.skipValue();
		count++;
	} while (reader.nextElement());
	return count;
}
