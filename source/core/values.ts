/**
 * Reading typed fields out of a parsed manifest. The rule is the same everywhere: a value of the wrong type
 * counts as absent (undefined), and a numeric string such as "512" counts as the number.
 */
import {PyFloat, isJsonObject, type JsonObject, type JsonValue} from './python-json.js';
import type {Int64} from './types.js';

export const INT64_MAX = 9_223_372_036_854_775_807n;
export const INT64_MIN = -9_223_372_036_854_775_808n;

/** Follows object keys; undefined as soon as a step is missing or not an object. */
export function getPath(root: JsonValue | undefined, ...keys: string[]): JsonValue | undefined {
	let current: JsonValue | undefined = root;
	for (const key of keys) {
		if (!isJsonObject(current)) return undefined;
		current = current.get(key);
	}
	return current;
}

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
	return isJsonObject(value) ? value : undefined;
}

export function asList(value: JsonValue | undefined): JsonValue[] | undefined {
	return Array.isArray(value) ? value : undefined;
}

/** A placeholder of the manifest and the values the generator used for it. */
export type UsedVariation = {name: string; used: readonly JsonValue[]};

/** `snapshot.variations` in manifest order; an entry that is not an object, or whose `used` is not a list, has none. */
export function usedVariations(snapshot: JsonObject): UsedVariation[] {
	const variations = snapshot.get('variations');
	if (!isJsonObject(variations)) return [];
	const result: UsedVariation[] = [];
	for (const [name, entry] of variations) {
		const used = isJsonObject(entry) ? asList(entry.get('used')) : undefined;
		result.push({name, used: used ?? []});
	}
	return result;
}

export function asString(value: JsonValue | undefined): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

// JSON's number grammar, with surrounding blanks and a leading '+' allowed as Python's int()/float() allow.
const NUMERIC_STRING = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INTEGER_STRING = /^\s*[+-]?\d+\s*$/;

/** A real number: numbers, and numeric strings. Booleans, NaN and infinities are not numbers here. */
export function asReal(value: JsonValue | undefined): number | undefined {
	if (value instanceof PyFloat) return value.value;
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'bigint') {
		// An integer literal of 400 digits is past the largest double: not a usable real.
		const real = Number(value);
		return Number.isFinite(real) ? real : undefined;
	}
	if (typeof value === 'string' && NUMERIC_STRING.test(value)) {
		const parsed = Number(value.trim());
		return Number.isFinite(parsed) ? parsed : undefined;
	}
	return undefined;
}

const normaliseBig = (big: bigint): Int64 =>
	big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;

/**
 * An integer of any size: integers, integral floats (512.0: SQLite stores it as 512 too) and integer strings.
 * A fractional value is the wrong type.
 */
export function asInteger(value: JsonValue | undefined): Int64 | undefined {
	if (typeof value === 'bigint') return value;
	if (value instanceof PyFloat) return asInteger(value.value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value) || !Number.isInteger(value)) return undefined;
		return Number.isSafeInteger(value) ? value : BigInt(value);
	}
	if (typeof value === 'string') {
		if (INTEGER_STRING.test(value)) return normaliseBig(BigInt(value.trim()));
		const real = asReal(value);
		if (real !== undefined && Number.isInteger(real)) return Number.isSafeInteger(real) ? real : BigInt(real);
	}
	return undefined;
}

/** An integer that fits SQLite's signed 64-bit INTEGER. */
export function asInt64(value: JsonValue | undefined): Int64 | undefined {
	const integer = asInteger(value);
	if (integer === undefined) return undefined;
	if (typeof integer === 'bigint' && (integer > INT64_MAX || integer < INT64_MIN)) return undefined;
	return integer;
}

/** A small integer (widths, steps): exact in a double, else absent. */
export function asSafeInteger(value: JsonValue | undefined): number | undefined {
	const integer = asInteger(value);
	return typeof integer === 'number' ? integer : undefined;
}

/** A non-negative integer, saturated at the largest SQLite INTEGER. */
export function asCount(value: JsonValue | undefined): Int64 | undefined {
	const integer = asInteger(value);
	if (integer === undefined || integer < 0) return undefined;
	return typeof integer === 'bigint' && integer > INT64_MAX ? INT64_MAX : integer;
}

export function compareInt64(a: Int64, b: Int64): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const x = BigInt(a);
	const y = BigInt(b);
	return x < y ? -1 : x > y ? 1 : 0;
}
