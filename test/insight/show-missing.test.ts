/** `sdstats show NAME [--json] [--missing]` from source/commands/show.ts, run in-process. */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {showCommand} from '../../source/commands/show.js';
import {imageFileName, writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';
import {captureIo, commonOptions, computeRoot, generatorOrder, writeGridSession} from './fixtures.js';

const HAIR = ['bob', 'braids', 'ponytail'];
const EXPRESSION = ['smile', 'frown', 'wink', 'cry'];
const PORTRAITS = '20251112_210411-portraits';
const RANDOM = '20251112_220000-random';
const LEGACY = '2025-10-14_163854_legacy';
const SWEEP = '20251113_080000-big_sweep';
const BIG = [9_007_199_254_740_993n, 9_007_199_254_740_995n];
const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);

let root = '';
let dbPath = '';

beforeAll(async () => {
	({root, dbPath} = makeWorkspace('sdstats-show-'));
	const folder = writeSession(root, {
		name: PORTRAITS,
		manifest: {variations: {Hair: HAIR, Expression: EXPRESSION}, numImages: 12, status: 'completed'},
		images: 12,
		realPng: true,
	});
	for (const i of [2, 7, 11]) fs.rmSync(path.join(folder, imageFileName(PORTRAITS, i, 1000 + i)));
	writeSession(root, {
		name: RANDOM,
		manifest: {mode: 'random', variations: {Hair: ['a', 'b', 'c', 'd', 'e']}, numImages: 5, status: 'completed'},
		images: 3,
		realPng: true,
	});
	writeSession(root, {name: LEGACY, images: 2, realPng: true});
	const seedList = [1, 2];
	const {folder: sweep} = writeGridSession(
		root,
		SWEEP,
		{variations: {Hair: ['bob']}, seedList, numImages: 2},
		generatorOrder({Hair: ['bob']}, {seedList: BIG}),
		{deleted: [1]},
	);
	const manifest = path.join(sweep, 'manifest.json');
	fs.writeFileSync(
		manifest,
		fs.readFileSync(manifest, 'utf8').replace(/"seed_list": \[\s*1,\s*2\s*\]/, `"seed_list": [${BIG.join(', ')}]`),
	);
	await computeRoot(root, dbPath);
});

function show(name: string, flags: {json?: boolean; missing?: boolean} = {}): {code: number; out: string; err: string} {
	const io = captureIo();
	const code = showCommand(
		{...commonOptions(root, dbPath, NOW), name, json: flags.json ?? false, missing: flags.missing ?? false},
		io,
	);
	return {code, out: io.out(), err: io.err()};
}

describe('show --missing --json', () => {
	it('a combinatorial session: the resume list is exactly the deleted combinations', () => {
		const {code, out, err} = show(PORTRAITS, {json: true, missing: true});
		expect(err).toBe('');
		expect(code).toBe(0);
		expect(JSON.parse(out)).toEqual({
			session_id: PORTRAITS,
			kind: 'combinatorial',
			placeholders: ['Hair', 'Expression'],
			planned: 12,
			found: 9,
			missing_count: 3,
			capped: false,
			resume: [
				{index: 2, values: {Hair: 'bob', Expression: 'wink'}, seed: 1002},
				{index: 7, values: {Hair: 'braids', Expression: 'cry'}, seed: 1007},
				{index: 11, values: {Hair: 'ponytail', Expression: 'cry'}, seed: 1011},
			],
		});
	});

	it('seeds beyond 2^53 are printed exactly', () => {
		const {code, out} = show(SWEEP, {json: true, missing: true});
		expect(code).toBe(0);
		expect(out).toContain(`"seed": ${BIG[1]}`);
		expect(out).toMatch(
			/"resume": \[\s*\{\s*"index": 1,\s*"values": \{\s*"Hair": "bob"\s*\},\s*"seed": 9007199254740995\s*\}\s*\]/,
		);
	});

	it('a random session: the missing count, the values never produced, an empty resume list', () => {
		const {code, out} = show(RANDOM, {json: true, missing: true});
		expect(code).toBe(0);
		expect(JSON.parse(out)).toEqual({
			session_id: RANDOM,
			kind: 'random',
			planned: 5,
			found: 3,
			missing_count: 2,
			never_produced: {Hair: ['d', 'e']},
			resume: [],
		});
	});
});

describe('show --missing (plain)', () => {
	it('a readable summary and the list', () => {
		const {code, out} = show(PORTRAITS, {missing: true});
		expect(code).toBe(0);
		expect(out).toBe(
			[
				`${PORTRAITS}: 3 of 12 planned images missing, 9 made: all 9 image files in the folder are listed in the manifest.`,
				'',
				"missing, in the generator's order:",
				'  #2  Hair=bob, Expression=wink (seed 1002)',
				'  #7  Hair=braids, Expression=cry (seed 1007)',
				'  #11  Hair=ponytail, Expression=cry (seed 1011)',
				'',
				'values short of images:',
				'  Hair: bob (1 of 4 missing), braids (1 of 4 missing), ponytail (1 of 4 missing)',
				'  Expression: wink (1 of 3 missing), cry (2 of 3 missing)',
				'',
			].join('\n'),
		);
	});

	it('a random session', () => {
		const {out} = show(RANDOM, {missing: true});
		expect(out).toBe(
			`${RANDOM}: 2 of 5 planned images missing, 3 made (random mode): all 3 image files in the folder are listed in the manifest.\n\nvalues never produced:\n  Hair: d, e\n`,
		);
	});
});

describe('show --missing failures', () => {
	it('no manifest: exit 1 with the reason', () => {
		const {code, out, err} = show(LEGACY, {missing: true, json: true});
		expect(code).toBe(1);
		expect(out).toBe('');
		expect(err).toBe(
			`sdstats show: cannot list the missing images of ${LEGACY}: no manifest.json in the folder: nothing says what was planned\n`,
		);
	});

	it('the folder is looked up under the root given now: gone, exit 1', async () => {
		const {root: other, dbPath: otherDb} = makeWorkspace('sdstats-show-');
		writeSession(other, {
			name: PORTRAITS,
			manifest: {variations: {Hair: HAIR}, numImages: 3},
			images: 3,
			realPng: true,
		});
		await computeRoot(other, otherDb);
		fs.rmSync(path.join(other, PORTRAITS), {recursive: true});
		const io = captureIo();
		const code = showCommand(
			{...commonOptions(other, otherDb, NOW), name: PORTRAITS, json: true, missing: true},
			io,
		);
		expect(code).toBe(1);
		expect(io.err()).toBe(`sdstats show: no session folder "${PORTRAITS}" under ${other}\n`);
	});

	it('unknown and invalid names', () => {
		expect(show('20990101_000000-nope', {missing: true})).toMatchObject({
			code: 1,
			err: expect.stringContaining('no cached session named "20990101_000000-nope"'),
		});
		expect(show('../etc', {missing: true})).toMatchObject({
			code: 2,
			err: expect.stringContaining('invalid session name "../etc"'),
		});
	});
});

describe('show without --missing', () => {
	it('prints the session, plain and JSON, and says when a name is unknown or invalid', () => {
		expect(JSON.parse(show(PORTRAITS, {json: true}).out)).toMatchObject({
			session_id: PORTRAITS,
			images_actual: 9,
			images_recorded: 12,
			state: 'partial',
		});
		expect(show(PORTRAITS, {}).out).toMatch(/^images_actual\s+9$/m);
		for (const json of [false, true]) {
			expect(show('20990101_000000-nope', {json})).toMatchObject({
				code: 1,
				err: expect.stringContaining('no cached session named'),
			});
			expect(show('../etc', {json})).toMatchObject({
				code: 2,
				err: expect.stringContaining('invalid session name'),
			});
		}
		void RANDOM;
		void LEGACY;
	});
});
