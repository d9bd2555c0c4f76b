/**
 * Regression (issue 11, item 2): `--missing` headlines contradicted the row: `10 of 10 planned images missing, 0
 * found` beside a row showing 2/10 images (files the manifest does not list), and `planned 8, found 8, missing 0`
 * beside `missing seeds (28)` on a 12/40 sweep. The headline is one sentence that says what is counted and adds
 * up to the row's images: listed and whole, not listed, empty or cut off.
 */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {showCommand} from '../../source/commands/show.js';
import {missingHeadline} from '../../source/core/analysis/missing-summary.js';
import {TINY_PNG, buildManifest} from '../../source/demo/corpus.js';
import {insightFor} from '../../source/jobs/session-insight.js';
import {insightLines} from '../../source/ui/model/insight-lines.js';
import {makeWorkspace} from '../helpers/temp.js';
import {captureIo, commonOptions, computeRoot, generatorOrder, writeGridSession} from './fixtures.js';

const UNLISTED = '20251112_210411-unlisted';
const SWEEP = '20251112_220000-sweep';
const SHORT_GRID = '20251112_230000-short_grid';
const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);
const HAIR = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

let root = '';
let dbPath = '';

beforeAll(async () => {
	({root, dbPath} = makeWorkspace('sdstats-headline-'));
	// 10 planned, none listed, 2 image files on disk the manifest does not name.
	const folder = path.join(root, UNLISTED);
	fs.mkdirSync(folder);
	const manifest = buildManifest(
		UNLISTED,
		{variations: {Hair: HAIR.slice(0, 5), Expression: ['x', 'y']}, numImages: 10, status: 'aborted'},
		0,
	);
	fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
	for (const name of ['stray_1.png', 'stray_2.png']) fs.writeFileSync(path.join(folder, name), TINY_PNG);
	// A seed sweep: 8 combinations × 5 seeds = 40 planned, 12 made.
	const seedList = [11, 12, 13, 14, 15];
	const sweepCells = generatorOrder({Hair: HAIR}, {seedList});
	writeGridSession(
		root,
		SWEEP,
		{variations: {Hair: HAIR}, seedList, numImages: 40, seedMode: 'progressive'},
		sweepCells.slice(0, 12),
	);
	// The manifest plans 40 but its grid (no seed list) has 8 cells: 12 images, 4 repeating a combination.
	const cells = [...generatorOrder({Hair: HAIR}), ...generatorOrder({Hair: HAIR.slice(0, 4)}, {baseSeed: 1008})];
	writeGridSession(
		root,
		SHORT_GRID,
		{variations: {Hair: HAIR}, numImages: 40, seedMode: 'progressive', baseSeed: 1000},
		cells,
	);
	await computeRoot(root, dbPath);
});

function show(name: string, flags: {json?: boolean; missing?: boolean}): string {
	const io = captureIo();
	const code = showCommand(
		{...commonOptions(root, dbPath, NOW), name, json: flags.json ?? false, missing: flags.missing ?? false},
		io,
	);
	expect(io.err()).toBe('');
	expect(code).toBe(0);
	return io.out();
}

/** The row's images: actual / expected, as the list and the details show them. */
function row(name: string): {actual: number; expected: number} {
	const record = JSON.parse(show(name, {json: true})) as {images_actual: number; images_expected: number};
	return {actual: record.images_actual, expected: record.images_expected};
}

describe('--missing headline reconciles with the row (issue 11 item 2)', () => {
	it('files the manifest does not list: counted in the row, named as not listed in the headline', () => {
		expect(row(UNLISTED)).toEqual({actual: 2, expected: 10});
		const headline = show(UNLISTED, {missing: true}).split('\n')[0]!;
		expect(headline).toBe(
			`${UNLISTED}: 10 of 10 planned images missing, 0 made: the folder holds 2 image files: 0 listed in the manifest, 2 not listed; only listed, whole images count toward the plan.`,
		);
	});

	it('a 12/40 seed sweep: planned as combinations × seeds, the same 40 and 12 as the row', () => {
		expect(row(SWEEP)).toEqual({actual: 12, expected: 40});
		const headline = show(SWEEP, {missing: true}).split('\n')[0]!;
		expect(headline).toBe(
			`${SWEEP}: 28 of 40 planned images (8 combinations × 5 seeds) missing, 12 made: all 12 image files in the folder are listed in the manifest.`,
		);
	});

	it('a plan larger than its grid: the headline says so, and the repeats make up the row', () => {
		expect(row(SHORT_GRID)).toEqual({actual: 12, expected: 40});
		const insight = insightFor(path.join(root, SHORT_GRID), SHORT_GRID);
		expect(insight.missing).not.toBeNull();
		const headline = missingHeadline(insight.missing!, insight);
		expect(headline).toBe(
			'0 of 8 planned images (the manifest plans 40, but its placeholders make only 8) missing, 8 made: the folder holds 12 image files: 12 listed in the manifest (4 repeat a combination already made), 0 not listed; only listed, whole images count toward the plan.',
		);
		// The details carry the same sentence, beside the seeds section that finds 28 seeds missing.
		const text = insightLines(insight, 400).map((l) => l.text);
		expect(text).toContain(`  ${headline}`);
		expect(text.some((l) => l.includes('missing seeds (28)'))).toBe(true);
	});
});
