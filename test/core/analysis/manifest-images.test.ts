import {describe, expect, test} from 'vitest';
import {
	appliedVariations,
	baseName,
	entryOnDisk,
	onDiskFlags,
	readManifestImages,
	toSeed,
	valueText,
	type ManifestImages,
	type ManifestImagesResult,
} from '../../../source/core/analysis/manifest-images.js';
import {readManifest} from '../../../source/core/manifest.js';
import {PyFloat, isJsonObject, parsePythonJson, type JsonValue} from '../../../source/core/python-json.js';
import {buildManifest, type ManifestSpec} from '../../../source/demo/corpus.js';
import {seededRandom} from '../../helpers/random.js';

// ---- fixtures -------------------------------------------------------------------------------------------------

const SESSION = '20251112_210411-street_portrait';

const bytesOf = (value: unknown, indent: number | string = 2): Uint8Array =>
	typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(JSON.stringify(value, null, indent));

/** A generator-like manifest (corpus builder) with its images replaced. */
function manifestWith(spec: ManifestSpec, images?: unknown[]): Record<string, unknown> {
	const manifest = buildManifest(SESSION, spec, 0);
	if (images) manifest.images = images;
	return manifest;
}

function read(value: unknown, indent: number | string = 2): ManifestImages {
	const result = readManifestImages(bytesOf(value, indent));
	if (!result.ok) throw new Error(`expected a readable manifest, got: ${result.reason}`);
	return result;
}

function reason(input: string | Uint8Array): string {
	const result = readManifestImages(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
	if (result.ok) throw new Error('expected an unreadable manifest');
	return result.reason;
}

/** The entries as plain data: filename, seed and applied_variations pairs. */
const plain = (m: ManifestImages) =>
	m.images.map((e) => ({filename: e.filename, seed: e.seed, pairs: e.combination.pairs.map((p) => [...p])}));

/** The §2.3 example of the research notes: Hair × Expression, 6 planned, 3 recorded. */
const STREET_PORTRAIT = buildManifest(
	SESSION,
	{
		variations: {Hair: ['short bob', 'long ponytail'], Expression: ['smiling', 'serious', 'surprised', 'laughing']},
		available: {
			Hair: ['short bob', 'long ponytail', 'twin braids'],
			Expression: ['smiling', 'serious', 'surprised', 'laughing'],
		},
		numImages: 6,
		status: 'ongoing',
	},
	3,
);

// ---- the snapshot ---------------------------------------------------------------------------------------------

describe('the snapshot fields', () => {
	test('the research example: placeholders in manifest order with their used values, seeds, counts', () => {
		const m = read(STREET_PORTRAIT);
		expect(m.ok).toBe(true);
		expect(m.status).toBe('ongoing');
		expect(m.mode).toBe('combinatorial');
		expect(m.seedMode).toBe('progressive');
		expect(m.baseSeed).toBe(1000);
		expect(m.numImages).toBe(6);
		expect(m.maxImages).toBeNull();
		expect(m.seedList).toBeNull();
		expect(m.placeholders).toEqual([
			{name: 'Hair', used: ['short bob', 'long ponytail']},
			{name: 'Expression', used: ['smiling', 'serious', 'surprised', 'laughing']},
		]);
		expect(m.imagesListed).toBe(true);
		expect(m.malformedEntries).toBe(0);
		expect(plain(m)).toEqual([
			{
				filename: 'street_portrait_0000_seed-1000.png',
				seed: 1000,
				pairs: [
					['Hair', 'short bob'],
					['Expression', 'smiling'],
				],
			},
			{
				filename: 'street_portrait_0001_seed-1001.png',
				seed: 1001,
				pairs: [
					['Hair', 'short bob'],
					['Expression', 'serious'],
				],
			},
			{
				filename: 'street_portrait_0002_seed-1002.png',
				seed: 1002,
				pairs: [
					['Hair', 'short bob'],
					['Expression', 'surprised'],
				],
			},
		]);
	});

	test('placeholder order is the manifest order, even for integer-like names', () => {
		const m = read(
			'{"snapshot": {"variations": {"Zeta": {"used": ["z"]}, "10": {"used": ["ten"]}, "Alpha": {"used": ["a"]}}}, "images": []}',
		);
		expect(m.placeholders.map((p) => p.name)).toEqual(['Zeta', '10', 'Alpha']);
	});

	test('variation entries without a usable used list have no values; non-string values become text', () => {
		const m = read({
			snapshot: {
				variations: {
					A: {available: ['x'], count: 1},
					B: 'not an object',
					C: {used: 'not a list'},
					D: {used: []},
					E: {used: [7, 1.5, true, null, 'seven', [1, 2]]},
				},
			},
		});
		expect(m.placeholders).toEqual([
			{name: 'A', used: []},
			{name: 'B', used: []},
			{name: 'C', used: []},
			{name: 'D', used: []},
			{name: 'E', used: ['7', '1.5', 'true', 'null', 'seven', '[1, 2]']},
		]);
	});

	test('whole floats keep their float text (7.0), as Python would write them', () => {
		const m = read('{"snapshot": {"variations": {"Cfg": {"used": [7.0, 7, 7.5]}}}}');
		expect(m.placeholders[0]!.used).toEqual(['7.0', '7', '7.5']);
	});

	test('seed_base wins over base_seed; base_seed -1 and null as written', () => {
		expect(read({snapshot: {generation_params: {seed_base: 5, base_seed: 7}}}).baseSeed).toBe(5);
		expect(read({snapshot: {generation_params: {seed_base: null, base_seed: 7}}}).baseSeed).toBe(7);
		expect(read({snapshot: {generation_params: {base_seed: -1}}}).baseSeed).toBe(-1);
		expect(read({snapshot: {generation_params: {base_seed: null}}}).baseSeed).toBeNull();
		expect(read({snapshot: {generation_params: {base_seed: '42'}}}).baseSeed).toBe(42);
		expect(read({snapshot: {generation_params: {}}}).baseSeed).toBeNull();
	});

	test('counts: num_images and max_images as non-negative integers, else null', () => {
		const m = read({snapshot: {generation_params: {num_images: '12', max_images: -1}}});
		expect(m.numImages).toBe(12);
		expect(m.maxImages).toBeNull();
		expect(read('{"snapshot": {"generation_params": {"num_images": 100000000000000000000}}}').numImages).toBe(
			9223372036854775807n,
		);
		expect(read({snapshot: {generation_params: {num_images: 2.5}}}).numImages).toBeNull();
	});

	test('seed_list entries: integers of any size, numeric strings; anything else null', () => {
		const m = read(
			'{"snapshot": {"generation_params": {"seed_list": [1, "2", 3.0, 4.5, null, "x", 18446744073709551616, -1]}}}',
		);
		expect(m.seedList).toEqual([1, 2, 3, null, null, null, 18446744073709551616n, -1]);
		expect(read({snapshot: {generation_params: {seed_list: 'nope'}}}).seedList).toBeNull();
	});

	test('mode and seed_mode only as strings', () => {
		const m = read({snapshot: {generation_params: {mode: 3, seed_mode: ['fixed']}}});
		expect(m.mode).toBeNull();
		expect(m.seedMode).toBeNull();
	});

	test('a UTF-8 BOM is accepted', () => {
		const body = Buffer.from(JSON.stringify(STREET_PORTRAIT));
		const result = readManifestImages(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]));
		expect(result.ok && result.images.length).toBe(3);
	});
});

// ---- the images list ------------------------------------------------------------------------------------------

describe('image entries', () => {
	test('combinations are interned: entries with the same variations share one', () => {
		const images = ['a', 'b', 'a', 'a', 'b'].map((v, i) => ({
			filename: `${i}.png`,
			seed: i,
			applied_variations: {P: v},
		}));
		const m = read(manifestWith({}, images));
		expect(m.images.map((e) => e.combination.id)).toEqual([1, 2, 1, 1, 2]);
		expect(m.images[0]!.combination).toBe(m.images[2]!.combination);
		// Id 0 is the empty combination (entries without applied_variations).
		expect(m.combinations.map((c) => c.pairs)).toEqual([[], [['P', 'a']], [['P', 'b']]]);
		m.combinations.forEach((c, i) => expect(c.id).toBe(i));
	});

	test('the same variations written with other spacing are the same combination', () => {
		const text =
			'{"snapshot": {}, "images": [{"filename": "a.png", "applied_variations": {"P": "x", "Q": "y"}},' +
			'{"filename":"b.png","applied_variations":{ "P" :"x" ,\n\t"Q":"y"}}]}';
		const m = read(text);
		expect(m.images[0]!.combination).toBe(m.images[1]!.combination);
	});

	test('generator extras (ControlNetImage_N) are kept as pairs, in order', () => {
		const m = read(
			manifestWith({}, [
				{
					filename: 'a.png',
					seed: 1,
					applied_variations: {Pose: 'standing', ControlNetImage_0: '/poses/standing.png'},
				},
			]),
		);
		expect(appliedVariations(m.images[0]!)).toEqual(
			new Map([
				['Pose', 'standing'],
				['ControlNetImage_0', '/poses/standing.png'],
			]),
		);
	});

	test('non-string variation values become their JSON text', () => {
		const m = read(
			'{"snapshot": {}, "images": [{"applied_variations": {"a": 7, "b": 7.0, "c": true, "d": null, "e": [1, "x"], "f": {"k": 1}, "g": 1e400}}]}',
		);
		expect(m.images[0]!.combination.pairs).toEqual([
			['a', '7'],
			['b', '7.0'],
			['c', 'true'],
			['d', 'null'],
			['e', '[1, "x"]'],
			['f', '{"k": 1}'],
			['g', 'null'],
		]);
	});

	test('escapes in names, values and filenames are decoded; a key spelled with escapes is still the key', () => {
		const text = String.raw`{"snapshot": {}, "images": [{"file\u006eame": "caf\u00e9 \"q\".png", "se\u0065d": 5, "applied_variations": {"H\u00e4ir": "l\u00f6ng\\n", "e": "😀"}}]}`;
		const m = read(text);
		expect(plain(m)).toEqual([
			{
				filename: 'café "q".png',
				seed: 5,
				pairs: [
					['Häir', 'löng\\n'],
					['e', '😀'],
				],
			},
		]);
	});

	test('repeated keys: the last value wins (at the first position, as a Python dict)', () => {
		const text =
			'{"snapshot": {}, "images": [{"filename": "a.png", "seed": 1, "filename": "b.png", "seed": 2,' +
			' "applied_variations": {"P": "x", "Q": "y", "P": "z"}}]}';
		expect(plain(read(text))).toEqual([
			{
				filename: 'b.png',
				seed: 2,
				pairs: [
					['P', 'z'],
					['Q', 'y'],
				],
			},
		]);
	});

	test('a repeated images key: the last list wins', () => {
		const text = '{"snapshot": {}, "images": [{"filename": "a.png"}, 3], "images": [{"filename": "b.png"}]}';
		const m = read(text);
		expect(plain(m)).toEqual([{filename: 'b.png', seed: null, pairs: []}]);
		expect(m.malformedEntries).toBe(0);
	});

	test('seeds: plain, big, negative, float, string, junk', () => {
		const seeds = [
			'1000',
			'-1',
			'-0',
			'0',
			'123456789012345',
			'1234567890123456',
			'18446744073709551615',
			'-9223372036854775809',
			'7.0',
			'7.5',
			'1e3',
			'"42"',
			'" 43 "',
			'"x"',
			'null',
			'true',
			'[1]',
			'{"a": 1}',
		];
		const text = `{"snapshot": {}, "images": [${seeds.map((s) => `{"seed": ${s}}`).join(', ')}]}`;
		expect(read(text).images.map((e) => e.seed)).toEqual([
			1000,
			-1,
			0,
			0,
			123456789012345,
			1234567890123456,
			18446744073709551615n,
			-9223372036854775809n,
			7,
			null,
			1000,
			42,
			43,
			null,
			null,
			null,
			null,
			null,
		]);
	});

	test('entries that are not objects, and fields of the wrong type', () => {
		const text =
			'{"snapshot": {}, "images": [null, "a.png", [1], {"filename": 5, "seed": "x", "applied_variations": ["P", "x"]}, {}, {"applied_variations": null}]}';
		const m = read(text);
		expect(m.images).toHaveLength(6);
		expect(m.malformedEntries).toBe(3);
		expect(plain(m)).toEqual(Array.from({length: 6}, () => ({filename: null, seed: null, pairs: []})));
	});

	test('nested values in other keys are skipped, whatever they hold', () => {
		const text =
			'{"snapshot": {}, "images": [{"meta": {"a": [1, {"b": "}]\\"{["}], "c": "]"}, "filename": "a.png", "x": [[[]]], "seed": 3, "y": "\\\\", "applied_variations": {"P": "v"}, "z": -1.5e-3}]}';
		expect(plain(read(text))).toEqual([{filename: 'a.png', seed: 3, pairs: [['P', 'v']]}]);
	});

	test('images absent, not a list, or empty', () => {
		const absent = read({snapshot: {}});
		expect(absent.imagesListed).toBe(false);
		expect(absent.images).toEqual([]);
		const notList = read({snapshot: {}, images: {a: 1}});
		expect(notList.imagesListed).toBe(false);
		expect(notList.images).toEqual([]);
		const empty = read({snapshot: {}, images: []});
		expect(empty.imagesListed).toBe(true);
		expect(empty.images).toEqual([]);
	});

	test('the images list may come before the snapshot', () => {
		const text =
			'{"images": [{"filename": "a.png", "seed": 1}], "status": "completed", "snapshot": {"generation_params": {"mode": "random"}}}';
		const m = read(text);
		expect(m.mode).toBe('random');
		expect(m.status).toBe('completed');
		expect(plain(m)).toEqual([{filename: 'a.png', seed: 1, pairs: []}]);
	});

	test('the same entries whatever the formatting (indent 0, 2, tabs)', () => {
		const manifest = manifestWith(
			{variations: {A: ['x', 'y'], B: ['1', '2', '3']}, seedList: [5, 6]},
			Array.from({length: 12}, (_, i) => ({
				filename: `f${i}.png`,
				seed: 5 + (i % 2),
				prompt: `p "${i}" \\ {}[]`,
				negative_prompt: '',
				applied_variations: {A: i % 2 ? 'x' : 'y', B: String(i % 3), ControlNetImage_0: 'c.png'},
			})),
		);
		const reference = plain(read(manifest, 0));
		expect(plain(read(manifest, 2))).toEqual(reference);
		expect(plain(read(manifest, '\t'))).toEqual(reference);
	});
});

// ---- differential: the same as building the whole value ------------------------------------------------------

/** What the entries should be, from a full parse. */
function expectedFromFullParse(bytes: Uint8Array) {
	const root = parsePythonJson(bytes);
	if (!isJsonObject(root)) throw new Error('not an object');
	const images = root.get('images');
	if (!Array.isArray(images)) return [];
	return images.map((entry: JsonValue) => {
		if (!isJsonObject(entry)) return {filename: null, seed: null, pairs: []};
		const filename = entry.get('filename');
		const applied = entry.get('applied_variations');
		return {
			filename: typeof filename === 'string' ? filename : null,
			seed: toSeed(entry.get('seed')),
			pairs: isJsonObject(applied) ? [...applied].map(([k, v]) => [k, valueText(v)]) : [],
		};
	});
}

describe('differential against a full parse', () => {
	const pieces = ['plain', 'é', '😀', '"', '\\', '\n', '\u0001', '}', ']', '{', ',', ':', ' ', '\u2028', '\\u0041'];

	test('200 manifests with awkward strings, values and key orders', () => {
		const rand = seededRandom(7);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
		const text = (): string => Array.from({length: 1 + Math.floor(rand() * 4)}, () => pick(pieces)).join('');
		const value = (): unknown =>
			pick([text(), text(), Math.floor(rand() * 1e6), rand(), null, true, [text()], {k: text()}]);
		for (let round = 0; round < 200; round++) {
			const images = Array.from({length: Math.floor(rand() * 6)}, () => {
				const fields: Array<[string, unknown]> = [
					['filename', rand() < 0.9 ? `${text()}.png` : value()],
					['seed', pick([Math.floor(rand() * 1e9), -1, null, '17', 'x', 2.0, 2.5])],
					['prompt', text()],
					[
						'applied_variations',
						rand() < 0.9
							? Object.fromEntries([
									[text(), value()],
									[text(), value()],
								])
							: value(),
					],
					[text(), value()],
				];
				fields.sort(() => rand() - 0.5);
				return Object.fromEntries(fields);
			});
			const bytes = bytesOf({snapshot: {}, images}, pick([0, 1, 2, '\t']));
			const m = readManifestImages(bytes);
			expect(m.ok).toBe(true);
			if (m.ok) expect(plain(m)).toEqual(expectedFromFullParse(bytes));
		}
	});
});

// ---- malformed manifests --------------------------------------------------------------------------------------

describe('malformed manifests give a reason, never a throw', () => {
	test.each([
		['empty', '', 'manifest.json: unexpected end of input at byte 0'],
		['blank', '  \n', 'manifest.json: unexpected end of input at byte 3'],
		['a list', '[1, 2]', 'manifest.json: the top level is a list, not an object'],
		['a string', '"x"', 'manifest.json: the top level is a string, not an object'],
		['null', 'null', 'manifest.json: the top level is null, not an object'],
		['no snapshot', '{"images": []}', 'manifest.json: "snapshot" is missing'],
		['snapshot null', '{"snapshot": null}', 'manifest.json: "snapshot" is null, not an object'],
		['snapshot a list', '{"snapshot": []}', 'manifest.json: "snapshot" is a list, not an object'],
		[
			'truncated in the images list',
			'{"snapshot": {}, "images": [{"filename": "a.png"}, {"filen',
			'manifest.json: unexpected end of input at byte 58',
		],
		[
			'control character in a prompt',
			'{"snapshot": {}, "images": [{"prompt": "a\u0001b"}]}',
			'manifest.json: control character in string at byte 41',
		],
		[
			'bad escape in a filename',
			'{"snapshot": {}, "images": [{"filename": "a\\qb"}]}',
			'manifest.json: invalid escape in string at byte 43',
		],
		['extra data', '{"snapshot": {}} x', 'manifest.json: extra data after the JSON value at byte 17'],
		[
			'trailing comma in an entry',
			'{"snapshot": {}, "images": [{"seed": 1,}]}',
			'manifest.json: expected a property name in double quotes at byte 39',
		],
	])('%s', (_name, input, expected) => {
		expect(reason(input)).toBe(expected);
	});

	test('invalid UTF-8', () => {
		expect(reason(Uint8Array.from([0x7b, 0xff, 0x7d]))).toBe('manifest.json: invalid UTF-8 at byte 1');
	});

	test('a manifest cut at every byte: same verdict and reason as the stats reader', () => {
		const bytes = bytesOf(
			manifestWith({variations: {A: ['x', 'é']}, seedList: [1, 2]}, [
				{
					filename: 'a.png',
					seed: 1,
					prompt: 'p "q"',
					applied_variations: {A: 'x', ControlNetImage_0: 'c\\d.png'},
				},
				{filename: 'b.png', seed: 18446744073709551616, prompt: 'é', applied_variations: {A: 'é'}},
			]),
		);
		for (let cut = 0; cut <= bytes.length; cut++) {
			const slice = bytes.subarray(0, cut);
			const ours: ManifestImagesResult = readManifestImages(slice);
			const stats = readManifest(slice);
			expect(ours.ok, `cut at ${cut}`).toBe(stats.ok);
			if (!ours.ok && !stats.ok) expect(ours.reason, `cut at ${cut}`).toBe(stats.reason);
		}
	});
});

// ---- helpers --------------------------------------------------------------------------------------------------

describe('file helpers', () => {
	test('baseName takes the last segment of either separator', () => {
		expect(baseName('a.png')).toBe('a.png');
		expect(baseName('sub/dir/a.png')).toBe('a.png');
		expect(baseName('C:\\out\\a.png')).toBe('a.png');
	});

	test('entryOnDisk: by name or by last segment; null set means not checked', () => {
		const m = read(
			manifestWith({}, [{filename: 'a.png'}, {filename: 'out/b.png'}, {filename: 'c.png'}, {seed: 1}]),
		);
		const disk = new Set(['a.png', 'b.png']);
		expect(m.images.map((e) => entryOnDisk(e, disk))).toEqual([true, true, false, false]);
		expect(m.images.map((e) => entryOnDisk(e, null))).toEqual([true, true, true, false]);
		expect([...onDiskFlags(m, disk)]).toEqual([1, 1, 0, 0]);
		expect([...onDiskFlags(m, undefined)]).toEqual([1, 1, 1, 0]);
		// Another set: recomputed, not served from the cache.
		expect([...onDiskFlags(m, new Set(['c.png']))]).toEqual([0, 0, 1, 0]);
	});

	test('valueText and toSeed', () => {
		expect(valueText('x')).toBe('x');
		expect(valueText(new PyFloat(2))).toBe('2.0');
		expect(valueText(5n)).toBe('5');
		expect(toSeed(new PyFloat(3))).toBe(3);
		expect(toSeed(undefined)).toBeNull();
	});
});

// ---- size -----------------------------------------------------------------------------------------------------

describe('a 100,000-entry manifest', () => {
	test('is read in one pass with every entry and few combinations', () => {
		const hair = Array.from({length: 10}, (_, i) => `hair ${i}`);
		const pose = Array.from({length: 100}, (_, i) => `pose ${i}`);
		const seeds = Array.from({length: 100}, (_, i) => 7000 + i);
		const images: unknown[] = [];
		for (const h of hair) {
			for (const p of pose) {
				for (const seed of seeds) {
					images.push({
						filename: `big_${String(images.length).padStart(6, '0')}_seed-${seed}.png`,
						seed,
						prompt: `masterpiece, best quality, 1girl, ${h}, ${p}, city street at night, highly detailed`,
						negative_prompt: 'lowres, bad anatomy, blurry',
						applied_variations: {Hair: h, Pose: p, ControlNetImage_0: `/poses/${p}.png`},
					});
				}
			}
		}
		const bytes = bytesOf(
			manifestWith({variations: {Hair: hair, Pose: pose}, seedList: seeds, numImages: 100_000}, images),
		);
		const started = performance.now();
		const m = readManifestImages(bytes);
		const elapsed = performance.now() - started;
		console.log(`manifest-images: read ${bytes.length} bytes, 100,000 entries in ${elapsed.toFixed(0)} ms`);
		expect(m.ok).toBe(true);
		if (!m.ok) return;
		expect(m.images).toHaveLength(100_000);
		expect(m.combinations).toHaveLength(1 + 1000);
		expect(m.images[99_999]).toEqual({
			filename: 'big_099999_seed-7099.png',
			seed: 7099,
			combination: m.combinations[1000],
		});
		expect(m.combinations[1000]!.pairs).toEqual([
			['Hair', 'hair 9'],
			['Pose', 'pose 99'],
			['ControlNetImage_0', '/poses/pose 99.png'],
		]);
	});
});
