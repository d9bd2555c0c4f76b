/**
 * `json.dumps` with Python's defaults (", " and ": " separators, ASCII-only output), so the JSON columns are
 * byte for byte what the Python web UI writes and reads.
 */
import {PyFloat, isJsonObject, type JsonValue} from './python-json.js';

function quote(text: string): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		switch (code) {
			case 0x22:
				out += '\\"';
				break;
			case 0x5c:
				out += '\\\\';
				break;
			case 0x0a:
				out += '\\n';
				break;
			case 0x0d:
				out += '\\r';
				break;
			case 0x09:
				out += '\\t';
				break;
			case 0x08:
				out += '\\b';
				break;
			case 0x0c:
				out += '\\f';
				break;
			default:
				out += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : text[i];
		}
	}
	return `${out}"`;
}

/** Python's float repr: the shortest round-trip digits, fixed notation for exponents -4..15, else `1e+16`. */
export function pythonFloatRepr(value: number): string {
	if (Object.is(value, -0)) return '-0.0';
	const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
	const exponent = Number(exponentText);
	const negative = mantissa.startsWith('-');
	const digits = mantissa.replace(/[-.]/g, '');
	const sign = negative ? '-' : '';
	if (exponent < -4 || exponent >= 16) {
		const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		const expSign = exponent < 0 ? '-' : '+';
		return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
	const intLength = exponent + 1;
	if (digits.length <= intLength) return `${sign}${digits.padEnd(intLength, '0')}.0`;
	return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

/** Values in manifests are at most MAX_JSON_DEPTH deep (the parser refuses deeper), so recursion is bounded. */
export function pythonDumps(value: JsonValue): string {
	if (value === null) return 'null';
	if (value === true) return 'true';
	if (value === false) return 'false';
	if (typeof value === 'bigint') return value.toString();
	// Whole floats arrive as PyFloat; a plain number is an int, or a float with a fraction.
	if (value instanceof PyFloat) return pythonFloatRepr(value.value);
	if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
	if (typeof value === 'string') return quote(value);
	if (Array.isArray(value)) return `[${value.map(pythonDumps).join(', ')}]`;
	if (isJsonObject(value)) {
		const parts: string[] = [];
		for (const [key, item] of value) parts.push(`${quote(key)}: ${pythonDumps(item)}`);
		return `{${parts.join(', ')}}`;
	}
	return 'null';
}
