/**
 * The speed target: "missing-combination analysis of a 100,000-entry manifest finishes within 2 s".
 * Timings are printed, not asserted (machines differ); the results are checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {analyseMissing, resumeList} from '../../source/core/analysis/combinations.js';
import {readManifestImages} from '../../source/core/analysis/manifest-images.js';
import {TINY_PNG, buildManifest} from '../../source/demo/corpus.js';
import {insightFor} from '../../source/jobs/session-insight.js';
import {insightLines} from '../../source/ui/model/insight-lines.js';
import {makeWorkspace} from '../helpers/temp.js';
import {fileNameOf} from './fixtures.js';

const ENTRIES = 100_000;
const values = (prefix: string, count: number): string[] => Array.from({length: count}, (_, i) => `${prefix} ${i}`);
const VARIATIONS = {
	Hair: values('hair style', 10),
	Outfit: values('outfit', 10),
	Pose: values('pose', 10),
	Expression: values('expression', 100),
};
/** Every 97th image is missing: 1,031 of 100,000. */
const isDeleted = (i: number): boolean => i % 97 === 13;

function manifestBytes(name: string): Buffer {
	const manifest = buildManifest(name, {variations: VARIATIONS, numImages: ENTRIES, status: 'completed'}, 0);
	const names = Object.keys(VARIATIONS) as Array<keyof typeof VARIATIONS>;
	const images: unknown[] = [];
	for (let i = 0; i < ENTRIES; i++) {
		// Generator order: the first placeholder outermost, the last changing fastest.
		let rest = i;
		const applied: Record<string, string> = {};
		for (let p = names.length - 1; p >= 0; p--) {
			const list = VARIATIONS[names[p]!];
			applied[names[p]!] = list[rest % list.length]!;
			rest = Math.floor(rest / list.length);
		}
		const ordered = Object.fromEntries(names.map((n) => [n, applied[n]!]));
		images.push({
			filename: fileNameOf(i, 1000 + i),
			seed: 1000 + i,
			prompt: `masterpiece, best quality, 1girl, ${Object.values(ordered).join(', ')}, detailed background, soft lighting`,
			negative_prompt:
				'lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, cropped, worst quality',
			applied_variations: ordered,
		});
	}
	manifest.images = images;
	return Buffer.from(JSON.stringify(manifest, null, 2));
}

const ms = (start: number): string => `${(performance.now() - start).toFixed(0)} ms`;

describe(`a ${ENTRIES.toLocaleString('en')}-entry manifest`, () => {
	const name = '20251112_210411-hundred_thousand';
	const bytes = manifestBytes(name);
	const expectedMissing = Array.from({length: ENTRIES}, (_, i) => i).filter(isDeleted);

	it('missing-combination analysis (parse + match + resume list): timing printed', () => {
		const onDisk = new Set<string>();
		for (let i = 0; i < ENTRIES; i++) if (!isDeleted(i)) onDisk.add(fileNameOf(i, 1000 + i));
		const start = performance.now();
		const manifest = readManifestImages(bytes);
		if (!manifest.ok) throw new Error(manifest.reason);
		const parsed = ms(start);
		const analysis = analyseMissing(manifest, {imagesOnDisk: onDisk});
		const analysed = ms(start);
		const resume = resumeList(analysis);
		const total = performance.now() - start;
		process.stdout.write(
			`[speed] ${ENTRIES} entries, ${(bytes.length / 1e6).toFixed(1)} MB manifest: parsed in ${parsed}, analysed at ${analysed}, ` +
				`resume list of ${resume.length} at ${total.toFixed(0)} ms (target 2000 ms)\n`,
		);
		expect(analysis).toMatchObject({
			kind: 'combinatorial',
			planned: ENTRIES,
			found: ENTRIES - expectedMissing.length,
			missingCount: expectedMissing.length,
		});
		expect(resume.map((e) => e.index)).toEqual(expectedMissing);
		expect(resume[0]).toEqual({
			index: 13,
			values: {Hair: 'hair style 0', Outfit: 'outfit 0', Pose: 'pose 0', Expression: 'expression 13'},
			seed: 1013,
		});
	});

	it('the whole insight of a real folder of 100,000 images (readdir, stats, PNG ends, analyses): timing printed', () => {
		const {root} = makeWorkspace('sdstats-speed-');
		const folder = path.join(root, name);
		fs.mkdirSync(folder);
		const written = performance.now();
		for (let i = 0; i < ENTRIES; i++)
			if (!isDeleted(i)) fs.writeFileSync(path.join(folder, fileNameOf(i, 1000 + i)), TINY_PNG);
		fs.writeFileSync(path.join(folder, 'manifest.json'), bytes);
		const writing = ms(written);
		const start = performance.now();
		const insight = insightFor(folder, name);
		const read = ms(start);
		const lines = insightLines(insight, 100);
		process.stdout.write(
			`[speed] insight of a ${ENTRIES}-image folder: ${read} (lines: ${ms(start)}; writing the fixture took ${writing})\n`,
		);
		expect(insight).toMatchObject({
			imagesOnDisk: ENTRIES - expectedMissing.length,
			manifestEntries: ENTRIES,
			pngChecked: ENTRIES - expectedMissing.length,
			brokenImages: 0,
		});
		expect(insight.missing).toMatchObject({missingCount: expectedMissing.length});
		expect(insight.anomalies.map((a) => a.code)).toEqual(['missing_images']);
		expect(
			lines.some((l) =>
				l.text.includes(
					`${expectedMissing.length} of ${ENTRIES} planned images missing, ${ENTRIES - expectedMissing.length} made`,
				),
			),
		).toBe(true);
	}, 120_000);
});
