/**
 * The JSON.parse fast path for manifests against the Python-compatible reader: the same document, field for
 * field and in order, or no answer (the exact reader then decides). Each case says which way it must go, so a
 * fast path that declined everything, or vouched for what it must not, fails here.
 */
import {describe, expect, it} from 'vitest';
import {readManifest, readManifestExact} from '../../source/core/manifest.js';
import {FAST_PATH_MAX_BYTES, readManifestFast} from '../../source/core/manifest-fast.js';
import {buildManifest} from '../../source/demo/corpus.js';
import {canonicalManifest} from '../helpers/manifest-canonical.js';

const wrap = (snapshot: string, top = ''): string => `{"snapshot": ${snapshot}${top}}`;

/** Documents the fast path must vouch for (and then equal the exact reader). */
const FAST: Array<[string, string]> = [
	[
		'a generator manifest',
		JSON.stringify(
			buildManifest(
				'20251112_210411-a',
				{
					numImages: 4,
					variations: {Hair: ['bob', 'braids']},
					apiParams: {width: 512, height: 768.0, cfg_scale: 7.0, steps: 20},
				},
				4,
			),
			null,
			2,
		),
	],
	[
		'whole floats outside `used` read as the same numbers',
		wrap(
			'{"api_params": {"width": 512.0, "cfg_scale": 5.0, "steps": 3e1}, "generation_params": {"num_images": 1E2, "seed_base": -0.0}}',
		),
	],
	['fractional floats and small exponents', wrap('{"api_params": {"cfg_scale": 6.5, "x": 1e-7, "y": 4.9e-324}}')],
	[
		'escapes, lone surrogates and non-ASCII text',
		wrap('{"resolved_template": {"prompt": "a\\"b\\\\c\\/d\\n\\t\\u00e9\\ud800 \\ud83c\\udfa8 ünï 模型"}}'),
	],
	[
		'duplicate keys: the last value at the first position',
		wrap('{"version": "1", "timestamp": "t", "version": "2"}', ', "status": "ongoing", "status": "completed"'),
	],
	['a key named __proto__', wrap('{"__proto__": {"a": 1}, "variations": {"__proto__": {"used": ["x"]}}}')],
	['a BOM-free document with every whitespace', '\t\r\n {"snapshot"\t:\r\n{ }\n}\n'],
	[
		'images counted, not built; images_requested kept',
		wrap('{}', ', "images": [{"a": [1, 2]}, 3, "x"], "images_requested": 12.0'),
	],
	['images that are not a list', wrap('{}', ', "images": {"a": 1}')],
	[
		'safe integers of 16 digits',
		wrap('{"generation_params": {"seed_base": 9007199254740991, "base_seed": -9007199254740991}}'),
	],
	[
		'string values among `used`',
		wrap('{"variations": {"Hair": {"used": ["1", "2.0", "bob"], "available": [1, 2]}}}'),
	],
	['fractional numbers among `used`', wrap('{"variations": {"CFG": {"used": [4.5, 6.5]}}}')],
];

/** Documents the fast path must leave to the exact reader. */
const EXACT: Array<[string, string]> = [
	['NaN and Infinity', wrap('{"api_params": {"cfg_scale": NaN, "width": Infinity, "steps": -Infinity}}')],
	['a BOM', `\ufeff${wrap('{}')}`],
	['an integer past 2^53', wrap('{"generation_params": {"seed_base": 9007199254740993}}')],
	['an integer past 2^64', wrap('{"generation_params": {"num_images": 36893488147419103232}}')],
	['a float past the largest double', wrap('{"api_params": {"cfg_scale": 1e400}}')],
	['a whole number among `used` (5.0 must stay 5.0)', wrap('{"variations": {"CFG": {"used": [5.0, 7.5]}}}')],
	['a whole integer among `used`', wrap('{"variations": {"Seed": {"used": [1, 2]}}}')],
	['a tiny float that rounds to zero among `used`', wrap('{"variations": {"X": {"used": [1e-400]}}}')],
	[
		'integer-like keys (JS would move them first)',
		wrap('{"variations": {"b": {"used": ["x"]}, "10": {"used": ["y"]}, "2": {"used": ["z"]}}}'),
	],
	['an integer-like key deeper in the snapshot', wrap('{"generation_params": {"x": {"7": 1, "a": 2}}}')],
	['a control character in a string', wrap('{"version": "a\u0001b"}')],
	['invalid UTF-8', '{"snapshot": {"version": "\xff"}}'],
	['a top level that is a list', '[1, 2]'],
	['no snapshot', '{"status": "completed"}'],
	['a snapshot that is a list', '{"snapshot": []}'],
	['cut off', '{"snapshot": {"version": "2.0"'],
	['extra data', `${wrap('{}')} x`],
	[
		'nesting deeper than the exact reader allows, in an ignored member',
		`{"snapshot": {}, "other": ${'['.repeat(1200)}${']'.repeat(1200)}}`,
	],
];

function bytesOf(text: string): Uint8Array {
	// 'latin1' keeps a \xff byte a single invalid byte; everything else is UTF-8.
	return text.includes('\xff') ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

describe('manifest fast path', () => {
	for (const [name, text] of FAST) {
		it(`vouches for ${name}, with the exact reader's document`, () => {
			const bytes = bytesOf(text);
			const fast = readManifestFast(bytes);
			expect(fast).not.toBeNull();
			expect(canonicalManifest(fast!)).toEqual(canonicalManifest(readManifestExact(bytes)));
			expect(canonicalManifest(readManifest(bytes))).toEqual(canonicalManifest(readManifestExact(bytes)));
		});
	}
	for (const [name, text] of EXACT) {
		it(`leaves ${name} to the exact reader`, () => {
			const bytes = bytesOf(text);
			expect(readManifestFast(bytes)).toBeNull();
			expect(canonicalManifest(readManifest(bytes))).toEqual(canonicalManifest(readManifestExact(bytes)));
		});
	}

	it('leaves a manifest above FAST_PATH_MAX_BYTES to the exact reader, which counts images without building them', () => {
		const images = Array.from({length: 40_000}, (_, i) => ({filename: `${i}.png`, seed: i}));
		const bytes = Buffer.from(JSON.stringify({snapshot: {version: '2.0'}, images}));
		expect(bytes.length).toBeGreaterThan(FAST_PATH_MAX_BYTES);
		expect(readManifestFast(bytes)).toBeNull();
		expect(canonicalManifest(readManifest(bytes))).toEqual(canonicalManifest(readManifestExact(bytes)));
	});

	it('nesting within the limit but with more than 1,000 brackets in all is still read fast', () => {
		const images = Array.from({length: 600}, (_, i) => ({filename: `${i}.png`, applied_variations: {Hair: 'bob'}}));
		const bytes = Buffer.from(JSON.stringify({snapshot: {version: '2.0', note: '[[[{{{'.repeat(300)}, images}));
		const fast = readManifestFast(bytes);
		expect(fast).not.toBeNull();
		expect(canonicalManifest(fast!)).toEqual(canonicalManifest(readManifestExact(bytes)));
	});
});
