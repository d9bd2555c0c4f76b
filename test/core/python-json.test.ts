import {describe, expect, test} from 'vitest';
import {
	JsonSyntaxError,
	PyFloat,
	MAX_JSON_DEPTH,
	isJsonObject,
	parsePythonJson,
	type JsonObject,
	type JsonValue,
} from '../../source/core/python-json.js';

const BOM = [0xef, 0xbb, 0xbf];

function toBytes(input: string | number[] | Uint8Array): Uint8Array {
	if (typeof input === 'string') return Buffer.from(input, 'utf8');
	return Uint8Array.from(input);
}

const parse = (input: string | number[] | Uint8Array): JsonValue => parsePythonJson(toBytes(input));

function syntaxError(input: string | number[] | Uint8Array, maxDepth?: number): JsonSyntaxError {
	try {
		if (maxDepth === undefined) parsePythonJson(toBytes(input));
		else parsePythonJson(toBytes(input), maxDepth);
	} catch (error) {
		if (error instanceof JsonSyntaxError) return error;
		throw error;
	}
	throw new Error(`expected a JsonSyntaxError for ${JSON.stringify(String(input))}`);
}

function objectOf(value: JsonValue): JsonObject {
	if (!isJsonObject(value)) throw new Error('not an object');
	return value;
}

describe('parsePythonJson: values', () => {
	test('scalars at the top level', () => {
		expect(parse('true')).toBe(true);
		expect(parse('false')).toBe(false);
		expect(parse('null')).toBeNull();
		expect(parse('"x"')).toBe('x');
		expect(parse('42')).toBe(42);
		expect(parse('  \t\r\n 7 \n')).toBe(7);
	});

	test('objects are Maps, lists are arrays', () => {
		const value = parse('{"a": [1, "two", null, true, {"b": {}}], "c": []}');
		expect(value).toEqual(
			new Map<string, JsonValue>([
				['a', [1, 'two', null, true, new Map([['b', new Map()]])]],
				['c', []],
			]),
		);
		expect(parse('{}')).toEqual(new Map());
		expect(parse('[]')).toEqual([]);
	});

	test('NaN, Infinity and -Infinity become null', () => {
		expect(parse('NaN')).toBeNull();
		expect(parse('Infinity')).toBeNull();
		expect(parse('-Infinity')).toBeNull();
		expect(parse('[NaN, Infinity, -Infinity, 1]')).toEqual([null, null, null, 1]);
		expect(parse('{"a": NaN, "b": -Infinity}')).toEqual(
			new Map([
				['a', null],
				['b', null],
			]),
		);
	});

	test('floats that overflow to infinity (1e400) become null, as Infinity does', () => {
		expect(parse('[1e400, -1e400]')).toEqual([null, null]);
	});

	test('integers: exact numbers while safe, bigints beyond', () => {
		expect(parse('[0, -1, 123456789012345, 1234567890123456, 9007199254740991, -9007199254740991]')).toEqual([
			0, -1, 123456789012345, 1234567890123456, 9007199254740991, -9007199254740991,
		]);
		const big = parse(
			'[9007199254740993, -9007199254740993, 18446744073709551615, 123456789012345678901234567890]',
		);
		expect(big).toEqual([
			9007199254740993n,
			-9007199254740993n,
			18446744073709551615n,
			123456789012345678901234567890n,
		]);
		const [first] = big as JsonValue[];
		expect(typeof first).toBe('bigint');
	});

	test('a big integer keeps every digit inside objects too', () => {
		const value = objectOf(parse('{"seed": 9223372036854775807, "neg": -9223372036854775808}'));
		expect(value.get('seed')).toBe(9223372036854775807n);
		expect(value.get('neg')).toBe(-9223372036854775808n);
	});

	test('floats (whole ones stay marked as floats, so they are written back as 1.0 like Python does)', () => {
		expect(parse('[1.5, -2.5e-3, 1E2, 0.1, 1e-7, 2.5E+3, 0.0, 123456789.125, 1.7976931348623157e308]')).toEqual([
			1.5,
			-0.0025,
			new PyFloat(100),
			0.1,
			1e-7,
			new PyFloat(2500),
			new PyFloat(0),
			123456789.125,
			new PyFloat(1.7976931348623157e308),
		]);
		expect(parse('[1, 1.0]')).toEqual([1, new PyFloat(1)]);
		expect(parse('3.14159')).toBe(3.14159);
	});

	test('string escapes', () => {
		expect(parse(String.raw`"\"\\\/\b\f\n\r\t"`)).toBe('"\\/\b\f\n\r\t');
		expect(parse(String.raw`"\u0041\u00e9\u00E9\u20ac"`)).toBe('Aéé€');
		expect(parse(String.raw`"a\u0000b"`)).toBe('a\u0000b');
		expect(parse(String.raw`"pre \n post"`)).toBe('pre \n post');
	});

	test('surrogate pairs combine; lone surrogates are kept as they are', () => {
		const pair = parse(String.raw`"\ud83d\ude00"`);
		expect(pair).toBe('😀');
		expect((pair as string).codePointAt(0)).toBe(0x1f600);
		expect(parse(String.raw`"\uD83D\uDE00"`)).toBe('😀');
		expect(parse(String.raw`"\ud83d"`)).toBe('\ud83d');
		expect(parse(String.raw`"\ude00"`)).toBe('\ude00');
		expect(parse(String.raw`"\ud83dx"`)).toBe('\ud83dx');
		expect(parse(String.raw`"\ude00\ud83d"`)).toBe('\ude00\ud83d');
	});

	test('raw UTF-8 text, including astral characters', () => {
		expect(parse('"日本語 café 😀"')).toBe('日本語 café 😀');
		expect(parse('{"ключ": "значение"}')).toEqual(new Map([['ключ', 'значение']]));
	});

	test('DEL (0x7f) is not a control character', () => {
		expect(parse('"a\u007fb"')).toBe('a\u007fb');
	});

	test('a UTF-8 byte order mark is accepted', () => {
		expect(parse([...BOM, ...Buffer.from('{"a": 1}')])).toEqual(new Map([['a', 1]]));
		expect(parse([...BOM, ...Buffer.from('  [1]')])).toEqual([1]);
	});

	test("duplicate keys: the last value wins, at the first key's position", () => {
		const value = objectOf(parse('{"a": 1, "b": 2, "a": 3}'));
		expect([...value.keys()]).toEqual(['a', 'b']);
		expect(value.get('a')).toBe(3);
		expect(value.get('b')).toBe(2);
		const nested = objectOf(parse('{"x": {"k": "first"}, "x": {"k": "second", "j": 1}}'));
		expect(nested).toEqual(
			new Map([
				[
					'x',
					new Map<string, JsonValue>([
						['k', 'second'],
						['j', 1],
					]),
				],
			]),
		);
	});

	test('key order is preserved, integer-like keys included', () => {
		const value = objectOf(parse('{"2": "x", "1": "y", "b": 0, "a": 0, "10": 1, "-1": 2}'));
		expect([...value.keys()]).toEqual(['2', '1', 'b', 'a', '10', '-1']);
		expect(value.get('2')).toBe('x');
		expect(value.get('1')).toBe('y');
	});

	test('keys with escapes', () => {
		expect([...objectOf(parse(String.raw`{"a\"b": 1, "\u00e9": 2}`)).keys()]).toEqual(['a"b', 'é']);
	});

	test(`nesting up to MAX_JSON_DEPTH (${MAX_JSON_DEPTH}) levels is accepted`, () => {
		expect(MAX_JSON_DEPTH).toBe(1000);
		let value = parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH));
		let depth = 0;
		while (Array.isArray(value)) {
			depth++;
			value = value[0] as JsonValue;
		}
		expect(depth).toBe(MAX_JSON_DEPTH);
		const objects = '{"a": '.repeat(MAX_JSON_DEPTH - 1) + '{}' + '}'.repeat(MAX_JSON_DEPTH - 1);
		expect(isJsonObject(parse(objects))).toBe(true);
	});
});

describe('parsePythonJson: errors', () => {
	test('JsonSyntaxError carries reason, byte offset and message', () => {
		const error = syntaxError('{"snapshot": {');
		expect(error).toBeInstanceOf(Error);
		expect(error).toBeInstanceOf(JsonSyntaxError);
		expect(error.name).toBe('JsonSyntaxError');
		expect(error.reason).toBe('unexpected end of input');
		expect(error.byteOffset).toBe(14);
		expect(error.message).toBe('unexpected end of input at byte 14');
	});

	test.each<[string, string | number[], string, number]>([
		// Truncated input: the offset is the length
		['truncated object', '{"snapshot": {', 'unexpected end of input', 14],
		['truncated after a colon', '{"snapshot": ', 'unexpected end of input', 13],
		['truncated after a comma', '{"a": 1,', 'unexpected end of input', 8],
		['truncated list', '[1, 2', 'unexpected end of input', 5],
		['truncated literal', 'tru', 'unexpected end of input', 3],
		['truncated literal in a list', '[nul', 'unexpected end of input', 4],
		['truncated -Infinity', '-Inf', 'unexpected end of input', 4],
		['a lone minus', '-', 'unexpected end of input', 1],
		['empty input', '', 'unexpected end of input', 0],
		['whitespace only', '   \n', 'unexpected end of input', 4],
		['BOM only', BOM, 'unexpected end of input', 3],
		['BOM then a truncated object', [...BOM, 0x7b], 'unexpected end of input', 4],
		['truncated inside a \\u escape', '"\\u12', 'unexpected end of input', 5],
		// Offsets are bytes, not characters
		['truncated after multi-byte text', '{"prompt": "café", ', 'unexpected end of input', 20],
		['bad value after multi-byte text', '["é", x]', "unexpected character 'x'", 7],
		// Strings
		// A string still open at the end is a cut-off file
		['unterminated string', '"abc', 'unexpected end of input', 4],
		['unterminated key', '{"snap', 'unexpected end of input', 6],
		['unterminated string with an escape', '["a", "b\\n', 'unexpected end of input', 10],
		['unterminated string ending in a backslash', '"ab\\', 'unexpected end of input', 4],
		['raw newline in a string', '"a\nb"', 'control character in string', 2],
		['raw newline in an unterminated string', '["a\nb', 'control character in string', 3],
		['invalid escape in an unterminated string', '["a\\}', 'invalid escape in string', 3],
		['raw tab in a string', '{"k": "a\tb"}', 'control character in string', 8],
		['raw NUL in a string', '"\u0000"', 'control character in string', 1],
		['raw 0x1f in a string after an escape', '"\\n\u001f"', 'control character in string', 3],
		['control character in a key', '{"a\u0001": 1}', 'control character in string', 3],
		['invalid escape', '"\\x"', 'invalid escape in string', 1],
		['invalid escape \\a', '["ok", "\\a"]', 'invalid escape in string', 8],
		['invalid \\u escape (short, inside a list)', '["\\u12", 1]', 'invalid \\u escape in string', 2],
		// The document is complete (the closing quote is there): the escape is bad, the input is not cut off
		['invalid \\u escape (short, at the end of the document)', '"\\u12"', 'invalid \\u escape in string', 1],
		['invalid \\u escape with a non-hex digit', '"\\u00g0"', 'invalid \\u escape in string', 1],
		// Structure
		['missing colon', '{"a" 1}', "expected ':', found character '1'", 5],
		['single-quoted key', "{'a': 1}", 'expected a property name in double quotes', 1],
		['unquoted key', '{a: 1}', 'expected a property name in double quotes', 1],
		['trailing comma in an object', '{"a": 1,}', 'expected a property name in double quotes', 8],
		['trailing comma in a list', '[1,]', "unexpected character ']'", 3],
		['missing comma in a list', '[1 2]', "expected ',' or ']'", 3],
		['missing comma in an object', '{"a": 1 "b": 2}', "expected ',' or '}'", 8],
		['mismatched bracket', '[1}', "expected ',' or ']'", 2],
		['a bare dot in a list', '[1.]', "expected ',' or ']'", 2],
		['lowercase nan', 'nan', "unexpected character 'n'", 0],
		['-NaN', '-NaN', "unexpected character 'N'", 1],
		['misspelled literal', 'trux', "unexpected character 't'", 0],
		['a leading plus', '+1', "unexpected character '+'", 0],
		['a leading dot', '.5', "unexpected character '.'", 0],
		// Only space, tab, CR and LF are whitespace
		['form feed', '\f1', 'unexpected byte 0x0c', 0],
		['no-break space', '\u00a01', 'unexpected byte 0xc2', 0],
		['a second BOM', [...BOM, ...BOM, 0x31], 'unexpected byte 0xef', 3],
		// Trailing data
		['trailing data', '{"a":1} x', 'extra data after the JSON value', 8],
		['two documents', '{}{}', 'extra data after the JSON value', 2],
		['two numbers', '1 2', 'extra data after the JSON value', 2],
		['leading zero', '01', 'extra data after the JSON value', 1],
		['a bare dot after a number', '1.', 'extra data after the JSON value', 1],
		['an exponent without digits', '1e', 'extra data after the JSON value', 1],
		['text after Infinity', 'Infinityx', 'extra data after the JSON value', 8],
		// Invalid UTF-8
		['a 0xff byte', [...Buffer.from('{"a": "'), 0xff, ...Buffer.from('"}')], 'invalid UTF-8', 7],
		['an overlong NUL', [...Buffer.from('["'), 0xc0, 0x80, ...Buffer.from('"]')], 'invalid UTF-8', 2],
		[
			'an encoded surrogate',
			[...Buffer.from('["ok", "'), 0xed, 0xa0, 0x80, ...Buffer.from('"]')],
			'invalid UTF-8',
			8,
		],
		['a lone continuation byte', [0x5b, 0x22, 0x80, 0x22, 0x5d], 'invalid UTF-8', 2],
		['a multi-byte character cut short inside', [0x22, 0xe2, 0x82, 0x22], 'invalid UTF-8', 1],
		['a multi-byte character cut off at the end', [0x5b, 0x22, 0xe2, 0x82], 'unexpected end of input', 4],
		['beyond U+10FFFF', [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 'invalid UTF-8', 1],
		['invalid UTF-8 after the document', [...Buffer.from('{} '), 0xfe], 'invalid UTF-8', 3],
	])('%s', (_name, input, reason, byteOffset) => {
		const error = syntaxError(input);
		expect({reason: error.reason, byteOffset: error.byteOffset, message: error.message}).toEqual({
			reason,
			byteOffset,
			message: `${reason} at byte ${byteOffset}`,
		});
	});

	test('one level deeper than MAX_JSON_DEPTH is refused', () => {
		const error = syntaxError('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1));
		expect(error.reason).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
		expect(error.byteOffset).toBe(MAX_JSON_DEPTH);
	});

	test('deep objects are refused the same way', () => {
		const n = MAX_JSON_DEPTH + 1;
		const error = syntaxError('{"a": '.repeat(n) + '1' + '}'.repeat(n));
		expect(error.reason).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
		expect(error.byteOffset).toBe(MAX_JSON_DEPTH * 6);
	});

	test('a 100,000-deep document gives a reason, not a stack overflow', () => {
		const depth = 100_000;
		for (const text of [
			'['.repeat(depth),
			'['.repeat(depth) + ']'.repeat(depth),
			'{"a": '.repeat(depth) + '0' + '}'.repeat(depth),
		]) {
			let caught: unknown;
			try {
				parsePythonJson(Buffer.from(text));
			} catch (error) {
				caught = error;
			}
			expect(caught).toBeInstanceOf(JsonSyntaxError);
			expect(caught).not.toBeInstanceOf(RangeError);
			expect((caught as JsonSyntaxError).reason).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
		}
	});

	test('the depth limit can be lowered', () => {
		expect(parsePythonJson(Buffer.from('[[[1]]]'), 3)).toEqual([[[1]]]);
		const error = syntaxError('[[[[1]]]]', 3);
		expect(error.message).toBe('nesting deeper than 3 levels at byte 3');
	});
});
