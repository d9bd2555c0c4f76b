import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {imageFileName, writeSession} from '../../source/demo/corpus.js';
import {insightFor, type SessionInsight} from '../../source/jobs/session-insight.js';
import {displayWidth} from '../../source/text/width.js';
import {MISSING_SHOWN, insightLines, type InsightLine} from '../../source/ui/model/insight-lines.js';
import {formatCombination} from '../../source/format/combination.js';
import {makeWorkspace} from '../helpers/temp.js';
import {generatorOrder, writeGridSession} from './fixtures.js';

const texts = (lines: readonly InsightLine[]): string[] => lines.map((l) => l.text);
const sections = (lines: readonly InsightLine[]): string[] =>
	lines.filter((l) => l.role === 'section').map((l) => l.text);

function expectFits(lines: readonly InsightLine[], width: number): void {
	for (const line of lines) expect(displayWidth(line.text), JSON.stringify(line.text)).toBeLessThanOrEqual(width);
}

const HAIR = ['bob', 'braids', 'ponytail'];
const EXPRESSION = ['smile', 'frown', 'wink', 'cry'];

function portraits(deleted: number[]): SessionInsight {
	const {root} = makeWorkspace('sdstats-lines-');
	const name = '20251112_210411-portraits';
	const folder = writeSession(root, {
		name,
		manifest: {variations: {Hair: HAIR, Expression: EXPRESSION}, numImages: 12, status: 'completed'},
		images: 12,
		realPng: true,
	});
	for (const i of deleted) fs.rmSync(path.join(folder, imageFileName(name, i, 1000 + i)));
	return insightFor(folder, name);
}

describe('insightLines', () => {
	it('missing combinations: planned, found, the first missing ones, the short values; anomalies as warnings', () => {
		const lines = insightLines(portraits([2, 7]), 120);
		expect(sections(lines)).toEqual(['Missing combinations', 'Anomalies']);
		expect(texts(lines)).toEqual([
			'Missing combinations',
			'  planned 12: the whole grid (Hair × Expression)',
			'  2 of 12 planned images missing, 10 made: all 10 image files in the folder are listed in the manifest.',
			"  missing (in the generator's order):",
			'    Hair=bob, Expression=wink (seed 1002)',
			'    Hair=braids, Expression=cry (seed 1007)',
			'  values short of images:',
			'    Hair: bob (1 of 4 missing), braids (1 of 4 missing)',
			'    Expression: wink (1 of 3 missing), cry (1 of 3 missing)',
			'',
			'Anomalies',
			'  ! 2 manifest entries name a file that is not on disk: portraits_0002_seed-1002.png, portraits_0007_seed-1007.png',
		]);
		expect(lines.at(-1)!.role).toBe('warning');
		expect(lines.find((l) => l.text.startsWith('  2 of 12 planned images missing'))!.role).toBe('warning');
	});

	it('lists the first ten missing combinations and the total', () => {
		const deleted = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		const lines = texts(insightLines(portraits(deleted), 100));
		expect(lines).toContain("  first missing (in the generator's order):");
		expect(lines.filter((l) => l.startsWith('    Hair='))).toHaveLength(MISSING_SHOWN);
		expect(lines).toContain('    … and 1 more (sdstats show NAME --missing --json lists them all)');
	});

	it('every line fits the width, down to very narrow', () => {
		const insight = portraits([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		for (const width of [12, 20, 33, 47, 80]) expectFits(insightLines(insight, width), width);
	});

	it('seeds: expected against found, and the combinations lacking a seed', () => {
		const {root} = makeWorkspace('sdstats-lines-');
		const seedList = [1001, 1002, 1003];
		const name = '20251112_210411-seed_list';
		const {folder} = writeGridSession(
			root,
			name,
			{variations: {Hair: ['bob', 'braids']}, seedList, numImages: 6},
			generatorOrder({Hair: ['bob', 'braids']}, {seedList}),
			{deleted: [4]},
		);
		const lines = texts(insightLines(insightFor(folder, name), 100));
		const seeds = lines.slice(lines.indexOf('Seeds'), lines.indexOf('Anomalies') - 1);
		expect(seeds).toEqual([
			'Seeds',
			'  expected 1001…1003 (3 seeds, from the seed list)',
			'  found 3 distinct seeds in 5 images',
			'  combinations lacking seeds (1):',
			'    Hair=braids: 1002',
		]);
	});

	it('a random session: the missing count and the values never produced', () => {
		const {root} = makeWorkspace('sdstats-lines-');
		const name = '20251112_210411-random';
		const folder = writeSession(root, {
			name,
			manifest: {mode: 'random', variations: {Hair: ['a', 'b', 'c', 'd', 'e']}, numImages: 5},
			images: 3,
			realPng: true,
		});
		const lines = texts(insightLines(insightFor(folder, name), 80));
		expect(lines.slice(0, 4)).toEqual([
			'Missing images (random mode)',
			'  2 of 5 planned images missing, 3 made (random mode): all 3 image files in',
			'    the folder are listed in the manifest.',
			'  values never produced:',
		]);
		expect(lines.slice(-2)).toEqual(['Anomalies', '  nothing unusual found']);
	});

	it('no analysis: the reason, as a warning', () => {
		const insight: SessionInsight = {
			sessionId: 'x',
			missing: null,
			seeds: null,
			anomalies: [],
			reason: 'manifest.json: unexpected end of input at byte 14',
			imagesOnDisk: 1,
			manifestEntries: null,
			pngChecked: 0,
			brokenImages: 0,
		};
		expect(insightLines(insight, 80)).toEqual([
			{text: 'Missing combinations', role: 'section'},
			{text: '  cannot tell: manifest.json: unexpected end of input at byte 14', role: 'warning'},
			{text: ''},
			{text: 'Anomalies', role: 'section'},
			{text: '  nothing unusual found'},
		]);
	});

	it('strings from disk are sanitized: no escape sequence, control or bidi character reaches the screen', () => {
		const hostile = 'red\u001b[31m\u202ehair\u0007';
		const insight: SessionInsight = {
			sessionId: 'x',
			missing: {
				kind: 'combinatorial',
				placeholders: [hostile],
				randomPerImage: [],
				manifestPlanned: null,
				seeds: null,
				gridSize: 2,
				planned: 2,
				capped: false,
				found: 1,
				missingCount: 1,
				missing: [{index: 1, values: {[hostile]: hostile}}],
				shortValues: {[hostile]: [{value: hostile, expected: 1, found: 0, missing: 1}]},
				duplicates: 0,
				duplicateCells: [],
				unmatched: 1,
				unmatchedFiles: [`${hostile}.png`],
				entriesWithoutFile: 0,
			},
			seeds: null,
			anomalies: [
				{
					code: 'unlisted_images',
					message: `1 image file is not listed in the manifest: ${hostile}.png`,
					items: [`${hostile}.png`],
				},
			],
			reason: null,
			imagesOnDisk: 2,
			manifestEntries: 1,
			pngChecked: 0,
			brokenImages: 0,
		};
		for (const line of insightLines(insight, 200)) {
			expect(line.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
		}
		expect(formatCombination({[hostile]: hostile}, 7)).toBe('redhair^G=redhair^G (seed 7)');
	});
});
