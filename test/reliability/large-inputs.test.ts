/**
 * Large and hostile inputs: a 10,000-image folder, a 100,000-entry (~50 MB) manifest read without holding
 * copies of it, JSON nested 100,000 levels deep, and 20 MB values.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {beforeAll, describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {buildManifest, writeSession} from '../../source/demo/corpus.js';
import {computeFolder} from '../../source/jobs/compute-folder.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli, PROJECT_ROOT} from './support.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing`);
});

const MB = 1024 * 1024;

function computeBytes(bytes: Uint8Array, images = 0) {
	return computeSession({
		sessionId: '20251112_210411-x',
		sessionPath: '/results/20251112_210411-x',
		manifest: {kind: 'bytes', bytes, mtimeNs: 1_762_981_451_000_000_000n},
		images: Array.from({length: images}, (_, i) => ({
			name: `i${i}.png`,
			mtimeNs: 1_762_981_451_000_000_000n + BigInt(i),
		})),
		nowMs: Date.UTC(2025, 10, 20),
	});
}

describe('big folders and manifests', () => {
	it('a 10,000-image folder is counted exactly', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-large-', {oneFile: true});
		writeSession(root, {
			name: '20251112_210411-ten_thousand',
			manifest: {numImages: 10_000, status: 'completed'},
			images: 10_000,
			imageIntervalMs: 1000,
		});
		const {db} = openDatabase(dbPath, 'create');
		try {
			const repository = new StatsRepository(db);
			const started = Date.now();
			const summary = await runCompute({root, repository, runner: inlineRunner()});
			expect(summary).toMatchObject({computed: 1, unreadable: 0});
			expect(repository.get('20251112_210411-ten_thousand')).toMatchObject({
				images_actual: 10_000,
				images_expected: 10_000,
				completion_percentage: 100,
				images_recorded: 10_000,
				first_image_created_at: '2025-11-12T21:04:11',
				last_image_created_at: '2025-11-12T23:50:50',
			});
			expect(Date.now() - started).toBeLessThan(20_000);
		} finally {
			db.close();
		}
	}, 60_000);

	it('a manifest of 100,000 image entries (~50 MB) is computed correctly, with memory growth well below several copies of the file', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-large-', {oneFile: true});
		const name = '20251112_210411-huge';
		const prompt = `masterpiece, best quality, ultra detailed, 1girl, solo, looking at viewer, cinematic lighting, ${'intricate background, '.repeat(10)}{Hair}, {Expression}`;
		const manifest = buildManifest(
			name,
			{
				numImages: 100_000,
				prompt,
				variations: {Hair: ['bob', 'braids', 'ponytail', 'twintails'], Expression: ['smile', 'frown', 'wink']},
				status: 'ongoing',
			},
			100_000,
		);
		const folder = path.join(root, name);
		fs.mkdirSync(folder);
		const manifestPath = path.join(folder, 'manifest.json');
		fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
		const size = fs.statSync(manifestPath).size;
		expect(size).toBeGreaterThan(45 * MB);
		fs.writeFileSync(path.join(folder, 'one.png'), '');

		// In a child whose JS heap is smaller than the file: holding even one decoded copy of it would fail there.
		const heapLimitMb = 32;
		const script = `
			const {computeFolder} = await import(${JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, 'dist/source/jobs/compute-folder.js')).href)});
			const before = process.memoryUsage().rss;
			const outcome = computeFolder({sessionId: ${JSON.stringify(name)}, sessionPath: ${JSON.stringify(folder)}, fingerprint: null}, Date.now());
			const after = process.memoryUsage().rss;
			const {stats, bookkeeping} = outcome.result;
			process.stdout.write(JSON.stringify({growth: after - before, images_recorded: bookkeeping.images_recorded, state: bookkeeping.manifest_state, error: bookkeeping.error, expected: stats.images_expected, actual: stats.images_actual, status: bookkeeping.manifest_status, placeholders: stats.placeholders_json}));
		`;
		const child = spawnSync(
			process.execPath,
			[`--max-old-space-size=${heapLimitMb}`, '--input-type=module', '-e', script],
			{encoding: 'utf8', timeout: 60_000},
		);
		expect(child.status, child.stderr).toBe(0);
		const measured = JSON.parse(child.stdout) as {
			growth: number;
			images_recorded: number;
			state: string;
			error: string | null;
			expected: number;
			actual: number;
			status: string;
			placeholders: string;
		};
		expect(measured).toMatchObject({
			images_recorded: 100_000,
			state: 'ok',
			error: null,
			expected: 100_000,
			actual: 1,
			status: 'ongoing',
			placeholders: '{"Hair": 4, "Expression": 3}',
		});
		expect(measured.growth).toBeLessThan(3 * size);

		// In-process as well: the RSS growth around one computeFolder call.
		const before = process.memoryUsage().rss;
		const outcome = computeFolder({sessionId: name, sessionPath: folder, fingerprint: null}, Date.now());
		const growth = process.memoryUsage().rss - before;
		expect(outcome.kind).toBe('computed');
		if (outcome.kind === 'computed') expect(outcome.result.bookkeeping.images_recorded).toBe(100_000);
		expect(growth).toBeLessThan(3 * size);

		// And end to end.
		const computed = await cli(['compute', '--root', root, '--db', dbPath]);
		expect(computed.code, computed.stderr).toBe(0);
		const shown = await cli(['show', name, '--json', '--root', root, '--db', dbPath]);
		expect(JSON.parse(shown.stdout)).toMatchObject({
			images_recorded: 100_000,
			images_expected: 100_000,
			images_actual: 1,
			manifest_status: 'ongoing',
		});
	}, 120_000);
});

describe('a manifest far bigger than any the generator writes', () => {
	it('is not read (the compute threads have a bounded heap): its session gets a reason, the others are computed, the run succeeds', async () => {
		const {root, dbPath} = makeWorkspace();
		const big = '20251112_210411-huge_manifest';
		const fine = '20251112_210412-fine';
		writeSession(root, {name: big, manifest: {numImages: 2}, images: 2});
		writeSession(root, {name: fine, manifest: {numImages: 2}, images: 2});
		// 200 MB without using the disk: a sparse file (its bytes are zeros, never read).
		fs.truncateSync(path.join(root, big, 'manifest.json'), 200 * MB);
		const computed = await cli(['compute', '--root', root, '--db', dbPath, '--json']);
		expect(computed.code).toBe(0);
		const shown = await cli(['show', big, '--json', '--root', root, '--db', dbPath]);
		expect(shown.stdout).toMatch(/manifest\.json is 200 MB, more than sdstats reads \(192 MB\)/);
		const other = await cli(['show', fine, '--json', '--root', root, '--db', dbPath]);
		expect(JSON.parse(other.stdout).images_actual).toBe(2);
	});
});

describe('deep nesting', () => {
	const DEPTH = 100_000;
	const deepList = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
	const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
	const cases: Record<string, string> = {
		'in snapshot (built)': `{"snapshot": {"version": "2.0", "deep": ${deepList}}}`,
		'as snapshot itself': `{"snapshot": ${deepObject}}`,
		'in an ignored top-level key (skipped)': `{"snapshot": {}, "other": ${deepObject}}`,
		'inside the images list (counted)': `{"snapshot": {}, "images": [${deepList}]}`,
		'as the whole document': deepList,
		'in variations (placeholder values)': `{"snapshot": {"variations": {"Hair": {"used": ${deepList}}}}}`,
		'cut off half-way': `{"snapshot": {"deep": ${'['.repeat(DEPTH)}`,
	};

	for (const [where, text] of Object.entries(cases)) {
		it(`JSON nested ${DEPTH.toLocaleString('en')} levels deep ${where}: a reason, no crash`, () => {
			const {stats, bookkeeping} = computeBytes(Buffer.from(text), 2);
			expect(bookkeeping.manifest_state).toBe('unreadable');
			expect(bookkeeping.error).toMatch(/^manifest\.json: (nesting deeper than 1000 levels|.+) at byte \d+$/);
			expect(stats.images_actual).toBe(2);
		});
	}

	it('nesting just under the limit inside placeholder values gives a row, and list --json prints it', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-large-', {oneFile: true});
		const deep = '['.repeat(990) + '"x"' + ']'.repeat(990);
		const text = `{"snapshot": {"generation_params": {"num_images": 2}, "variations": {"Hair": {"used": [${deep}, "bob"]}}}}`;
		writeSession(root, {name: '20251112_210411-deep', manifest: {raw: text}, images: 1});
		expect((await cli(['compute', '--root', root, '--db', dbPath])).code).toBe(0);
		const listed = await cli(['list', '--json', '--root', root, '--db', dbPath]);
		expect(listed.code, listed.stderr).toBe(0);
		const [row] = JSON.parse(listed.stdout) as Array<{placeholders_json: unknown; state: string}>;
		expect(row).toMatchObject({placeholders_json: {Hair: 2}});
	});

	it('100,000-level nesting through the CLI: reported as unreadable, the run succeeds', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-large-', {oneFile: true});
		let i = 0;
		for (const text of Object.values(cases))
			writeSession(root, {
				name: `20251112_2104${String(i++).padStart(2, '0')}-deep`,
				manifest: {raw: text},
				images: 1,
			});
		writeSession(root, {name: '20251112_220000-fine', manifest: {numImages: 1}, images: 1});
		const result = await cli(['compute', '--json', '--root', root, '--db', dbPath]);
		expect(result.code, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({
			computed: Object.keys(cases).length + 1,
			unreadable: Object.keys(cases).length,
		});
	});
});

describe('enormous values', () => {
	const TWENTY_MB = 20 * MB;

	it('a 20 MB prompt string is stored whole', async () => {
		const {root, dbPath} = makeWorkspace('sdstats-large-', {oneFile: true});
		const prompt = 'p'.repeat(TWENTY_MB);
		writeSession(root, {name: '20251112_210411-long_prompt', manifest: {numImages: 1, prompt}, images: 1});
		const {db} = openDatabase(dbPath, 'create');
		try {
			const repository = new StatsRepository(db);
			const summary = await runCompute({root, repository, runner: inlineRunner()});
			expect(summary).toMatchObject({computed: 1, unreadable: 0});
			const row = repository.get('20251112_210411-long_prompt')!;
			expect(row.manifest_state).toBe('ok');
			expect(row.resolved_prompt!.length).toBe(TWENTY_MB);
		} finally {
			db.close();
		}
		const listed = await cli(['list', '--root', root, '--db', dbPath]);
		expect(listed.code).toBe(0);
		expect(listed.stdout.length).toBeLessThan(10_000);
	}, 60_000);

	const big = 'x'.repeat(TWENTY_MB);
	const cases: Record<string, string> = {
		'a 20 MB string in an ignored key': `{"snapshot": {"version": "2.0"}, "notes": "${big}"}`,
		'a 20 MB key': `{"snapshot": {"${big}": 1, "version": "2.0"}}`,
		'a 20 MB string inside the images list': `{"snapshot": {"version": "2.0"}, "images": [{"prompt": "${big}"}]}`,
		'20 MB of whitespace': `{"snapshot": ${' '.repeat(TWENTY_MB)}{"version": "2.0"}}`,
		'a 20 MB model name': `{"snapshot": {"runtime_info": {"sd_model_checkpoint": "${big}"}}}`,
		'a 20 MB string that never ends': `{"snapshot": {"version": "${big}`,
	};
	for (const [what, text] of Object.entries(cases)) {
		it(`${what}: a row or a reason, no crash`, () => {
			const {bookkeeping} = computeBytes(Buffer.from(text));
			if (bookkeeping.manifest_state === 'ok') expect(bookkeeping.error).toBeNull();
			else expect(bookkeeping.error).toMatch(/^manifest\.json: .+/);
		}, 60_000);
	}

	it('a 20 MB run of digits as num_images: saturated at 2^63 - 1, in bounded time', () => {
		const text = `{"snapshot": {"generation_params": {"num_images": ${'9'.repeat(TWENTY_MB)}}}}`;
		const started = Date.now();
		const {stats, bookkeeping} = computeBytes(Buffer.from(text), 3);
		expect(bookkeeping.manifest_state).toBe('ok');
		expect(stats.images_expected).toBe(9_223_372_036_854_775_807n);
		expect(Date.now() - started).toBeLessThan(45_000);
	}, 90_000);
});
