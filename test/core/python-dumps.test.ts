import {describe, expect, test} from 'vitest';
import {parsePythonJson} from '../../source/core/python-json.js';
import {pythonDumps} from '../../source/core/python-dumps.js';

const dumpsOf = (text: string): string => pythonDumps(parsePythonJson(Buffer.from(text)));

// Expected strings are Python 3.11's json.dumps(json.loads(text)) (NaN/Infinity aside: those read as null here).
describe('pythonDumps', () => {
	test.each([
		['{"Hair":3,"Expression":2}', '{"Hair": 3, "Expression": 2}'],
		['{"2":1,"1":2}', '{"2": 1, "1": 2}'],
		['{}', '{}'],
		['[]', '[]'],
		['{"a":[],"b":{}}', '{"a": [], "b": {}}'],
		['["blonde","red","black"]', '["blonde", "red", "black"]'],
		['[null,true,false]', '[null, true, false]'],
		['[1,-2,0]', '[1, -2, 0]'],
		['[12345678901234567890,-9007199254740993]', '[12345678901234567890, -9007199254740993]'],
		[
			'[2.5,1e16,1e-5,0.0001,1.5e300,0.1,-2.5e-3,123456789.125]',
			'[2.5, 1e+16, 1e-05, 0.0001, 1.5e+300, 0.1, -0.0025, 123456789.125]',
		],
		['[NaN,Infinity,-Infinity]', '[null, null, null]'],
		// ensure_ascii: non-ASCII as \\u escapes, astral characters as surrogate pairs, lowercase hex
		['["café","😀","日本"]', '["caf\\u00e9", "\\ud83d\\ude00", "\\u65e5\\u672c"]'],
		['["x\\"y\\\\z\\n\\t\\r\\b\\f\\u0001\\u007f\\/"]', '["x\\"y\\\\z\\n\\t\\r\\b\\f\\u0001\\u007f/"]'],
		['["\\ud83d"]', '["\\ud83d"]'],
		[
			'{"ключ":"значение"}',
			'{"\\u043a\\u043b\\u044e\\u0447": "\\u0437\\u043d\\u0430\\u0447\\u0435\\u043d\\u0438\\u0435"}',
		],
	])('%s → %s', (text, expected) => {
		expect(dumpsOf(text)).toBe(expected);
	});

	test('floats that are whole numbers keep their ".0" as Python writes them', () => {
		// Python: json.dumps(json.loads('[1.0, 123456789.0, -0.0]')) == '[1.0, 123456789.0, -0.0]'
		expect(dumpsOf('[1.0,123456789.0,-0.0]')).toBe('[1.0, 123456789.0, -0.0]');
	});
});
