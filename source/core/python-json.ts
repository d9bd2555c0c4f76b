/**
 * A JSON reader that accepts exactly what Python's `json` module accepts, because the generator that writes
 * `manifest.json` is Python:
 * - UTF-8 input with an optional BOM;
 * - the literals `NaN`, `Infinity` and `-Infinity` (read here as null: the product has no use for them);
 * - integers of any size; beyond 2^53 they come back as `bigint` so no digit is lost;
 * - duplicate keys: the last value wins, at the position of the first key (as a Python dict does);
 * - control characters inside strings are refused (Python's strict mode).
 *
 * It works on bytes, so every error names a byte offset, and it can walk a value without building it
 * (`skip`), which lets the manifest reader count a 100,000-entry `images` list without holding it in memory.
 * It uses an explicit depth limit instead of unbounded recursion: Python stops near 1,000 levels too.
 *
 * Long on purpose: one byte-level reader whose methods all move one cursor over one buffer (strings, numbers,
 * escapes, skipping); split into modules they would pass that state around, and the grammar reads best whole.
 */
import {isUtf8} from 'node:buffer';

export type JsonValue = null | boolean | number | bigint | PyFloat | string | JsonValue[] | JsonObject;

/**
 * A float token whose value is whole (`7.0`, `1e2`, `-0.0`). Python keeps it a float and writes it back as
 * `7.0`; a plain number would come back as `7`. Fractional floats stay plain numbers: they cannot be mistaken
 * for integers.
 */
export class PyFloat {
	constructor(readonly value: number) {}
}
/** Objects keep key order exactly (a plain object would move integer-like keys first). */
export type JsonObject = Map<string, JsonValue>;

export const MAX_JSON_DEPTH = 1000;

export class JsonSyntaxError extends Error {
	constructor(
		readonly reason: string,
		readonly byteOffset: number,
	) {
		super(`${reason} at byte ${byteOffset}`);
		this.name = 'JsonSyntaxError';
	}
}

const enum Char {
	Tab = 0x09,
	Newline = 0x0a,
	Return = 0x0d,
	Space = 0x20,
	Quote = 0x22,
	Plus = 0x2b,
	Comma = 0x2c,
	Minus = 0x2d,
	Dot = 0x2e,
	Slash = 0x2f,
	Zero = 0x30,
	Nine = 0x39,
	Colon = 0x3a,
	UpperE = 0x45,
	UpperI = 0x49,
	UpperN = 0x4e,
	OpenBracket = 0x5b,
	Backslash = 0x5c,
	CloseBracket = 0x5d,
	LowerE = 0x65,
	LowerF = 0x66,
	LowerN = 0x6e,
	LowerT = 0x74,
	OpenBrace = 0x7b,
	CloseBrace = 0x7d,
}

const decoder = new TextDecoder('utf-8');

/** Describes the first invalid UTF-8 position, telling a cut-off final character apart from bad bytes. */
function findInvalidUtf8(bytes: Uint8Array): JsonSyntaxError {
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i]!;
		let need = 0;
		let min = 0;
		if (b < 0x80) {
			i++;
			continue;
		} else if (b >= 0xc2 && b <= 0xdf) {
			need = 1;
			min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			min = 0x10000;
		} else {
			return new JsonSyntaxError('invalid UTF-8', i);
		}
		let cp = b & (0x3f >> need);
		for (let k = 1; k <= need; k++) {
			if (i + k >= bytes.length) return new JsonSyntaxError('unexpected end of input', bytes.length);
			const c = bytes[i + k]!;
			if ((c & 0xc0) !== 0x80) return new JsonSyntaxError('invalid UTF-8', i);
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return new JsonSyntaxError('invalid UTF-8', i);
		i += need + 1;
	}
	return new JsonSyntaxError('invalid UTF-8', 0);
}

function describeByte(byte: number): string {
	if (byte >= 0x21 && byte <= 0x7e) return `unexpected character '${String.fromCharCode(byte)}'`;
	return `unexpected byte 0x${byte.toString(16).padStart(2, '0')}`;
}

const HEX: Int8Array = (() => {
	const table = new Int8Array(256).fill(-1);
	for (let c = 0; c < 10; c++) table[0x30 + c] = c;
	for (let c = 0; c < 6; c++) {
		table[0x41 + c] = 10 + c;
		table[0x61 + c] = 10 + c;
	}
	return table;
})();

/**
 * A cursor over one JSON document. `parseValue` builds a value; `skipValue` validates one without building it.
 * Both are iterative, so nesting depth costs heap, not call stack.
 */
export class JsonReader {
	private pos: number;
	readonly end: number;

	constructor(
		readonly bytes: Uint8Array,
		private readonly maxDepth = MAX_JSON_DEPTH,
	) {
		if (!isUtf8(bytes)) throw findInvalidUtf8(bytes);
		this.end = bytes.length;
		// A UTF-8 byte order mark is allowed (Python's utf-8-sig); skip it.
		this.pos = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	}

	get offset(): number {
		return this.pos;
	}

	fail(reason: string, at = this.pos): never {
		throw new JsonSyntaxError(reason, at);
	}

	private unexpected(): never {
		if (this.pos >= this.end) this.fail('unexpected end of input');
		this.fail(describeByte(this.bytes[this.pos]!));
	}

	skipWhitespace(): void {
		const bytes = this.bytes;
		let p = this.pos;
		while (p < this.end) {
			const c = bytes[p]!;
			if (c !== Char.Space && c !== Char.Newline && c !== Char.Return && c !== Char.Tab) break;
			p++;
		}
		this.pos = p;
	}

	/** The next significant byte, or -1 at the end. Skips whitespace first. */
	peek(): number {
		this.skipWhitespace();
		return this.pos < this.end ? this.bytes[this.pos]! : -1;
	}

	expect(byte: number, what: string): void {
		if (this.peek() !== byte) {
			if (this.pos >= this.end) this.fail('unexpected end of input');
			this.fail(`expected ${what}, found ${describeByte(this.bytes[this.pos]!).replace('unexpected ', '')}`);
		}
		this.pos++;
	}

	/** After the top-level value only whitespace may follow. */
	finish(): void {
		if (this.peek() !== -1) this.fail('extra data after the JSON value');
	}

	// ---- objects, walked one member at a time by callers that want to choose what to build ----

	/** Consumes `{`; returns false when the object is empty (and consumes its `}`). */
	openObject(): boolean {
		this.expect(Char.OpenBrace, "'{'");
		if (this.peek() === Char.CloseBrace) {
			this.pos++;
			return false;
		}
		return true;
	}

	/** Reads `"key":`. */
	readKey(): string {
		if (this.peek() !== Char.Quote) {
			if (this.pos >= this.end) this.fail('unexpected end of input');
			this.fail('expected a property name in double quotes');
		}
		const key = this.readString();
		this.expect(Char.Colon, "':'");
		return key;
	}

	/** After a member: consumes `,` (returns true) or `}` (returns false). */
	nextMember(): boolean {
		return this.commaOr(Char.CloseBrace, "expected ',' or '}'");
	}

	/** Consumes `,` (true: another item follows) or the closing bracket (false). */
	private commaOr(close: number, expected: string): boolean {
		const c = this.peek();
		if (c === Char.Comma || c === close) {
			this.pos++;
			return c === Char.Comma;
		}
		if (c === -1) this.fail('unexpected end of input');
		this.fail(expected);
	}

	/** Consumes `[`; returns false when the array is empty. */
	openArray(): boolean {
		this.expect(Char.OpenBracket, "'['");
		if (this.peek() === Char.CloseBracket) {
			this.pos++;
			return false;
		}
		return true;
	}

	/** After an element: consumes `,` (true) or `]` (false). */
	nextElement(): boolean {
		return this.commaOr(Char.CloseBracket, "expected ',' or ']'");
	}

	// ---- scalars ----

	readString(): string {
		const bytes = this.bytes;
		const start = this.pos + 1; // after the opening quote
		let p = start;
		// Fast path: no escapes. Bytes ≥ 0x80 are valid UTF-8 (checked up front) and decode as a slice.
		while (p < this.end) {
			const c = bytes[p]!;
			if (c === Char.Quote) {
				this.pos = p + 1;
				return decoder.decode(bytes.subarray(start, p));
			}
			if (c === Char.Backslash) break;
			if (c < 0x20) this.fail('control character in string', p);
			p++;
		}
		if (p >= this.end) this.fail('unexpected end of input', this.end);
		return this.readEscapedString(start, p);
	}

	private readEscapedString(start: number, firstEscape: number): string {
		const bytes = this.bytes;
		let out = decoder.decode(bytes.subarray(start, firstEscape));
		let p = firstEscape;
		let chunkStart = p;
		while (p < this.end) {
			const c = bytes[p]!;
			if (c === Char.Quote) {
				out += decoder.decode(bytes.subarray(chunkStart, p));
				this.pos = p + 1;
				return out;
			}
			if (c < 0x20) this.fail('control character in string', p);
			if (c !== Char.Backslash) {
				p++;
				continue;
			}
			out += decoder.decode(bytes.subarray(chunkStart, p));
			if (p + 1 >= this.end) this.fail('unexpected end of input', this.end);
			const e = bytes[p + 1]!;
			switch (e) {
				case Char.Quote:
					out += '"';
					break;
				case Char.Backslash:
					out += '\\';
					break;
				case Char.Slash:
					out += '/';
					break;
				case 0x62:
					out += '\b';
					break;
				case Char.LowerF:
					out += '\f';
					break;
				case Char.LowerN:
					out += '\n';
					break;
				case 0x72:
					out += '\r';
					break;
				case Char.LowerT:
					out += '\t';
					break;
				case 0x75: {
					// \uXXXX; Python pairs a high and a low surrogate escape and keeps lone ones as they are.
					out += String.fromCharCode(this.readHex4(p));
					p += 6;
					chunkStart = p;
					continue;
				}
				default:
					this.fail('invalid escape in string', p);
			}
			p += 2;
			chunkStart = p;
		}
		this.fail('unexpected end of input', this.end);
	}

	private readHex4(backslashAt: number): number {
		const bytes = this.bytes;
		let value = 0;
		for (let k = 2; k < 6; k++) {
			// A bad digit is reported as such even near the end; only good digits cut short mean a cut-off file.
			if (backslashAt + k >= this.end) this.fail('unexpected end of input', this.end);
			const digit = HEX[bytes[backslashAt + k]!]!;
			if (digit < 0) this.fail('invalid \\u escape in string', backslashAt);
			value = (value << 4) | digit;
		}
		return value;
	}

	private matchWord(word: string): boolean {
		const bytes = this.bytes;
		if (this.pos + word.length > this.end) {
			// A prefix of the word at the very end is a cut-off file, not a stray character.
			for (let k = 0; this.pos + k < this.end; k++) {
				if (bytes[this.pos + k] !== word.charCodeAt(k)) return false;
			}
			this.fail('unexpected end of input', this.end);
		}
		for (let k = 0; k < word.length; k++) {
			if (bytes[this.pos + k] !== word.charCodeAt(k)) return false;
		}
		this.pos += word.length;
		return true;
	}

	/** Numbers as Python's NUMBER_RE reads them: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? */
	private readNumber(build: boolean): number | bigint | PyFloat | null {
		const bytes = this.bytes;
		const start = this.pos;
		let p = start;
		if (bytes[p] === Char.Minus) {
			p++;
			if (p < this.end && bytes[p] === Char.UpperI) {
				this.pos = p;
				if (this.matchWord('Infinity')) return null;
				this.pos = start;
			}
		}
		if (p >= this.end) this.fail('unexpected end of input', p);
		const first = bytes[p]!;
		if (first < Char.Zero || first > Char.Nine) this.fail(describeByte(first), p);
		p++;
		if (first !== Char.Zero) {
			while (p < this.end && bytes[p]! >= Char.Zero && bytes[p]! <= Char.Nine) p++;
		}
		let isInteger = true;
		if (p < this.end && bytes[p] === Char.Dot) {
			const afterDot = p + 1;
			let q = afterDot;
			while (q < this.end && bytes[q]! >= Char.Zero && bytes[q]! <= Char.Nine) q++;
			// Python's regex leaves a bare '.' unconsumed, which then fails as extra data; same result here.
			if (q > afterDot) {
				p = q;
				isInteger = false;
			}
		}
		if (p < this.end && (bytes[p] === Char.LowerE || bytes[p] === Char.UpperE)) {
			let q = p + 1;
			if (q < this.end && (bytes[q] === Char.Plus || bytes[q] === Char.Minus)) q++;
			const digitsStart = q;
			while (q < this.end && bytes[q]! >= Char.Zero && bytes[q]! <= Char.Nine) q++;
			if (q > digitsStart) {
				p = q;
				isInteger = false;
			}
		}
		this.pos = p;
		if (!build) return 0;
		const text = decoder.decode(bytes.subarray(start, p));
		if (isInteger) {
			// 15 digits always fit a double exactly; longer ones go through BigInt and come back if safe.
			if (p - start <= 15) return Number(text);
			const big = BigInt(text);
			return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
		}
		const value = Number(text);
		// 1e400 is float('inf') in Python: not a usable number, like Infinity.
		if (!Number.isFinite(value)) return null;
		return Number.isInteger(value) ? new PyFloat(value) : value;
	}

	private readScalar(build: boolean): JsonValue {
		const c = this.bytes[this.pos]!;
		switch (c) {
			case Char.Quote:
				if (build) return this.readString();
				this.pos = this.skipStringAt(this.pos);
				return null;
			case Char.LowerT:
				if (this.matchWord('true')) return true;
				break;
			case Char.LowerF:
				if (this.matchWord('false')) return false;
				break;
			case Char.LowerN:
				if (this.matchWord('null')) return null;
				break;
			case Char.UpperN:
				if (this.matchWord('NaN')) return null;
				break;
			case Char.UpperI:
				if (this.matchWord('Infinity')) return null;
				break;
			default:
				if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) return this.readNumber(build);
		}
		this.unexpected();
	}

	/** Builds the next value. */
	parseValue(): JsonValue {
		return this.walk(true);
	}

	/**
	 * Validates the next value without building it. This is the hot path for a manifest's `images` list
	 * (100,000 entries in the largest sessions), so it is one loop with a byte stack and no allocation.
	 */
	skipValue(): void {
		const bytes = this.bytes;
		const end = this.end;
		const stack = new Uint8Array(this.maxDepth);
		let depth = 0;
		// What the loop expects next.
		const VALUE = 0;
		const AFTER_VALUE = 1;
		const KEY = 2;
		let state = VALUE;
		let justOpened = false;
		let p = this.pos;
		for (;;) {
			// Whitespace.
			let c = bytes[p]!;
			while (p < end && (c === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab))
				c = bytes[++p]!;
			if (state === VALUE) {
				if (p >= end) this.fail('unexpected end of input', end);
				if (c === Char.OpenBrace || c === Char.OpenBracket) {
					if (depth >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`, p);
					stack[depth++] = c;
					p++;
					justOpened = true;
					state = c === Char.OpenBrace ? KEY : VALUE;
					continue;
				}
				if (justOpened && c === Char.CloseBracket) {
					justOpened = false;
					depth--;
					p++;
					state = AFTER_VALUE;
					continue;
				}
				justOpened = false;
				if (c === Char.Quote) {
					p = this.skipStringAt(p);
				} else {
					this.pos = p;
					this.readScalar(false);
					p = this.pos;
				}
				state = AFTER_VALUE;
				continue;
			}
			if (state === KEY) {
				if (justOpened && c === Char.CloseBrace) {
					justOpened = false;
					depth--;
					p++;
					state = AFTER_VALUE;
					continue;
				}
				justOpened = false;
				if (c !== Char.Quote) {
					if (p >= end) this.fail('unexpected end of input', end);
					this.fail('expected a property name in double quotes', p);
				}
				this.pos = this.skipStringAt(p);
				this.expect(Char.Colon, "':'");
				p = this.pos;
				state = VALUE;
				continue;
			}
			// AFTER_VALUE
			if (depth === 0) {
				this.pos = p;
				return;
			}
			const open = stack[depth - 1];
			if (c === Char.Comma) {
				p++;
				state = open === Char.OpenBrace ? KEY : VALUE;
				continue;
			}
			if (
				(open === Char.OpenBrace && c === Char.CloseBrace) ||
				(open === Char.OpenBracket && c === Char.CloseBracket)
			) {
				depth--;
				p++;
				continue;
			}
			if (p >= end) this.fail('unexpected end of input', end);
			this.fail(open === Char.OpenBrace ? "expected ',' or '}'" : "expected ',' or ']'", p);
		}
	}

	/** Skips the string whose opening quote is at `open`; returns the position after its closing quote. */
	private skipStringAt(open: number): number {
		const bytes = this.bytes;
		let p = open + 1;
		for (;;) {
			// Validate the run up to the next quote (or the end): an escape may hide that quote, and a control
			// character or a bad escape before a missing quote must be reported as what it is, as Python does.
			const close = bytes.indexOf(Char.Quote, p);
			const limit = close < 0 ? this.end : close;
			while (p < limit) {
				const c = bytes[p]!;
				if (c === Char.Backslash) {
					if (p + 1 >= this.end) this.fail('unexpected end of input', this.end);
					const e = bytes[p + 1]!;
					if (e === 0x75) {
						this.readHex4(p);
						p += 6;
					} else if (
						e === Char.Quote ||
						e === Char.Backslash ||
						e === Char.Slash ||
						e === 0x62 ||
						e === Char.LowerF ||
						e === Char.LowerN ||
						e === 0x72 ||
						e === Char.LowerT
					) {
						p += 2;
					} else {
						this.fail('invalid escape in string', p);
					}
					continue;
				}
				if (c < 0x20) this.fail('control character in string', p);
				p++;
			}
			if (close < 0) this.fail('unexpected end of input', this.end);
			if (p === close) return close + 1;
			// The quote was escaped (p stepped over it); look for the next one.
		}
	}

	private walk(build: boolean): JsonValue {
		const first = this.peek();
		if (first === -1) this.fail('unexpected end of input');
		if (first !== Char.OpenBrace && first !== Char.OpenBracket) return this.readScalar(build);

		// Containers: an explicit stack of open containers instead of recursion.
		type Frame = {container: JsonValue[] | JsonObject | null; key: string | null; isObject: boolean};
		const stack: Frame[] = [];
		let result: JsonValue = null;

		const open = (isObject: boolean): void => {
			if (stack.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
			this.pos++;
			const container = build ? (isObject ? new Map<string, JsonValue>() : []) : null;
			stack.push({container, key: null, isObject});
		};
		const attach = (value: JsonValue): void => {
			const top = stack[stack.length - 1];
			if (!top) {
				result = value;
				return;
			}
			if (!build) return;
			if (top.isObject) (top.container as JsonObject).set(top.key!, value);
			else (top.container as JsonValue[]).push(value);
		};

		open(first === Char.OpenBrace);
		let expectFirst = true; // just after an opening bracket
		while (stack.length > 0) {
			const top = stack[stack.length - 1]!;
			const c = this.peek();
			if (expectFirst) {
				expectFirst = false;
				if (c === (top.isObject ? Char.CloseBrace : Char.CloseBracket)) {
					this.pos++;
					stack.pop();
					attach(top.container);
					continue;
				}
			} else if (c === Char.Comma) {
				this.pos++;
			} else if (c === (top.isObject ? Char.CloseBrace : Char.CloseBracket)) {
				this.pos++;
				stack.pop();
				attach(top.container);
				continue;
			} else if (c === -1) {
				this.fail('unexpected end of input');
			} else {
				this.fail(top.isObject ? "expected ',' or '}'" : "expected ',' or ']'");
			}

			if (top.isObject) {
				const k = this.peek();
				if (k !== Char.Quote) {
					if (k === -1) this.fail('unexpected end of input');
					this.fail('expected a property name in double quotes');
				}
				if (build) top.key = this.readString();
				else this.pos = this.skipStringAt(this.pos);
				this.expect(Char.Colon, "':'");
			}
			const v = this.peek();
			if (v === Char.OpenBrace || v === Char.OpenBracket) {
				open(v === Char.OpenBrace);
				expectFirst = true;
			} else if (v === -1) {
				this.fail('unexpected end of input');
			} else {
				attach(this.readScalar(build));
			}
		}
		return build ? result : null;
	}
}

/** Parses a whole document. Throws JsonSyntaxError. */
export function parsePythonJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): JsonValue {
	const reader = new JsonReader(bytes, maxDepth);
	const value = reader.parseValue();
	reader.finish();
	return value;
}

/** The Python type name of a value, for messages such as `"snapshot" is a list, not an object`. */
export function jsonTypeName(value: JsonValue): string {
	if (value === null) return 'null';
	if (typeof value === 'boolean') return 'a boolean';
	if (typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat) return 'a number';
	if (typeof value === 'string') return 'a string';
	if (Array.isArray(value)) return 'a list';
	return 'an object';
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
	return value instanceof Map;
}
