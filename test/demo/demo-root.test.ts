import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {SESSION_STATES, type SessionState} from '../../source/core/types.js';
import {
	DEMO_STAMP_FILE,
	DEMO_VERSION,
	demoBaseDir,
	demoSessions,
	prepareDemoRoot,
} from '../../source/demo/demo-root.js';
import {demoLegacySessions} from '../../source/demo/legacy-sessions.js';
import {runCompute} from '../../source/jobs/compute-job.js';
import {inlineRunner} from '../../source/jobs/folder-runner.js';
import {openDatabase} from '../../source/store/db.js';
import {stateOf} from '../../source/core/state.js';
import type {StoredSession} from '../../source/core/types.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {makeWorkspace} from '../helpers/temp.js';

const STALL_MS = 10 * 60_000;
const NOW = Date.UTC(2025, 10, 17, 12, 0, 0);

async function computeDemo(
	base: string,
	nowMs: number,
): Promise<{root: string; rows: StoredSession[]; states: Map<string, SessionState>}> {
	const {root, dbPath} = prepareDemoRoot(base, nowMs);
	const {db} = openDatabase(dbPath, 'create');
	try {
		const repository = new StatsRepository(db);
		await runCompute({root, repository, runner: inlineRunner(), nowMs: () => nowMs});
		const rows = repository.listAll();
		return {root, rows, states: new Map(rows.map((r) => [r.session_id, stateOf(r, nowMs, STALL_MS)]))};
	} finally {
		db.close();
	}
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
	const out: string[] = [];
	for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
		const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
		if (entry.isDirectory()) out.push(`${rel}/`, ...listFiles(path.join(dir, entry.name), rel));
		else out.push(rel);
	}
	return out.sort();
}

describe('demoBaseDir', () => {
	it('prefers an absolute XDG_CACHE_HOME, then the home folder, then the temp folder', () => {
		expect(demoBaseDir({XDG_CACHE_HOME: '/xdg/cache'}, '/home/ann', '/tmp')).toBe(
			path.join('/xdg/cache', 'sdstats', 'demo'),
		);
		expect(demoBaseDir({}, '/home/ann', '/tmp')).toBe(path.join('/home/ann', '.cache', 'sdstats', 'demo'));
		expect(demoBaseDir({XDG_CACHE_HOME: ''}, '/home/ann', '/tmp')).toBe(
			path.join('/home/ann', '.cache', 'sdstats', 'demo'),
		);
		expect(demoBaseDir({XDG_CACHE_HOME: 'relative/cache'}, '/home/ann', '/tmp')).toBe(
			path.join('/home/ann', '.cache', 'sdstats', 'demo'),
		);
		expect(demoBaseDir({}, '', '/tmp')).toBe(path.join('/tmp', 'sdstats-demo'));
		expect(demoBaseDir({XDG_CACHE_HOME: '/xdg'}, '', '/tmp')).toBe(path.join('/xdg', 'sdstats', 'demo'));
	});
});

describe('prepareDemoRoot', () => {
	it('generates a demo covering every state, sweeps, models, samplers, name formats and hostile text', async () => {
		const {base} = makeWorkspace('sdstats-demo-');
		const {root, dbPath} = prepareDemoRoot(base, NOW);
		expect(root).toBe(path.join(base, 'results'));
		expect(dbPath).toBe(path.join(base, 'metadata', 'sessions.db'));
		expect(fs.existsSync(dbPath)).toBe(false);
		expect(fs.readFileSync(path.join(root, DEMO_STAMP_FILE), 'utf8').trim()).toBe(String(DEMO_VERSION));

		const {rows, states} = await computeDemo(base, NOW);
		expect(rows.length).toBeGreaterThanOrEqual(60);
		// The older sessions (demo/legacy-sessions.ts) too: test/demo/demo-legacy.test.ts looks at them.
		expect(rows.length).toBe(demoSessions().length + demoLegacySessions().length);

		const seen = new Set(states.values());
		for (const state of SESSION_STATES) expect(seen, state).toContain(state);
		// Each session has the state it was built for.
		for (const session of demoSessions())
			expect([session.spec.name, states.get(session.spec.name)]).toEqual([session.spec.name, session.state]);
		const completeShare = [...states.values()].filter((s) => s === 'complete').length / rows.length;
		expect(completeShare).toBeGreaterThan(0.5);
		expect(completeShare).toBeLessThan(0.75);

		expect(rows.some((r) => r.is_seed_sweep === 1)).toBe(true);
		expect(rows.some((r) => r.is_seed_sweep === 0 && r.sd_model !== null)).toBe(true);
		expect(new Set(rows.map((r) => r.sd_model).filter((m) => m !== null)).size).toBeGreaterThanOrEqual(3);
		expect(new Set(rows.map((r) => r.sampler_name).filter((s) => s !== null)).size).toBeGreaterThanOrEqual(3);
		expect(new Set(rows.map((r) => r.generation_mode).filter((m) => m !== null))).toEqual(
			new Set(['combinatorial', 'random']),
		);
		const ids = rows.map((r) => r.session_id);
		expect(ids.some((id) => /^\d{8}_\d{6}-/.test(id))).toBe(true);
		expect(ids.some((id) => /^\d{4}-\d{2}-\d{2}_\d{6}_.*\.prompt$/.test(id))).toBe(true);
		expect(ids).toContain('20251110_101500-桜の肖像_🌸_portrait');
		expect(ids).toContain('20251020_120000');
		expect(rows.some((r) => r.resolved_prompt?.includes('\u001b'))).toBe(true);
		expect(rows.some((r) => r.sd_model?.includes('\u001b'))).toBe(true);
		expect(ids).not.toContain('dryrun');
		expect(ids.some((id) => id.startsWith('.'))).toBe(false);
		expect(ids).not.toContain('batch_log.txt');
		expect(fs.existsSync(path.join(root, 'dryrun'))).toBe(true);
		expect(fs.existsSync(path.join(root, '.thumbnails'))).toBe(true);

		// Expected counts from every source: num_images, images_requested, max_images.
		expect(rows.find((r) => r.session_id.endsWith('migrated_city.prompt'))).toMatchObject({
			images_expected: 12,
			images_actual: 7,
		});
		expect(rows.find((r) => r.session_id.endsWith('-outfits_capped'))).toMatchObject({
			images_expected: 16,
			images_actual: 16,
		});
		const aborted = rows.filter((r) => states.get(r.session_id) === 'aborted');
		expect(aborted.some((r) => r.images_actual === 0)).toBe(true);
		const total = rows.reduce((n, r) => n + r.images_actual, 0);
		expect(total).toBeLessThan(5000);
	});

	it('keeps an existing demo on later calls and moves the live sessions with the clock', async () => {
		const {base} = makeWorkspace('sdstats-demo-');
		const {root} = prepareDemoRoot(base, NOW);
		const marker = path.join(root, 'user-note.txt');
		fs.writeFileSync(marker, 'kept');
		const stampBefore = fs.statSync(path.join(root, DEMO_STAMP_FILE)).mtimeMs;

		const later = NOW + 3 * 24 * 60 * 60_000;
		const {states} = await computeDemo(base, later);
		expect(fs.readFileSync(marker, 'utf8')).toBe('kept');
		expect(fs.statSync(path.join(root, DEMO_STAMP_FILE)).mtimeMs).toBe(stampBefore);
		const running = [...states].filter(([, s]) => s === 'running').map(([id]) => id);
		expect(running.length).toBeGreaterThanOrEqual(1);
		expect([...states.values()]).toContain('stalled');
		for (const id of running) {
			const newest = Math.max(
				...fs.readdirSync(path.join(root, id)).map((f) => fs.statSync(path.join(root, id, f)).mtimeMs),
			);
			expect(newest).toBeLessThanOrEqual(later);
			expect(later - newest).toBeLessThan(STALL_MS);
		}
	});

	it('regenerates a demo of another version', () => {
		const {base} = makeWorkspace('sdstats-demo-');
		const {root} = prepareDemoRoot(base, NOW);
		fs.writeFileSync(path.join(root, DEMO_STAMP_FILE), '0\n');
		fs.writeFileSync(path.join(root, 'user-note.txt'), 'old');
		prepareDemoRoot(base, NOW);
		expect(fs.existsSync(path.join(root, 'user-note.txt'))).toBe(false);
		expect(fs.readFileSync(path.join(root, DEMO_STAMP_FILE), 'utf8').trim()).toBe(String(DEMO_VERSION));
		expect(fs.readdirSync(base).sort()).toEqual(['results']);
	});

	it('is deterministic: same files, same manifest bytes, same fixed image times', () => {
		const a = prepareDemoRoot(makeWorkspace('sdstats-demo-a-').base, NOW).root;
		const b = prepareDemoRoot(makeWorkspace('sdstats-demo-b-').base, NOW + 12_345).root;
		const files = listFiles(a);
		expect(listFiles(b)).toEqual(files);
		const live = new Set(
			demoSessions()
				.filter((s) => s.live)
				.map((s) => s.spec.name),
		);
		let manifests = 0;
		for (const file of files) {
			if (file.endsWith('/')) continue;
			if (path.basename(file) === 'manifest.json') {
				manifests++;
				expect(fs.readFileSync(path.join(b, file)), file).toEqual(fs.readFileSync(path.join(a, file)));
			}
			const session = file.split('/')[0]!;
			if (/\.(png|jpe?g|webp)$/i.test(file) && !live.has(session)) {
				expect(fs.statSync(path.join(b, file)).mtimeMs, file).toBe(fs.statSync(path.join(a, file)).mtimeMs);
			}
		}
		expect(manifests).toBeGreaterThanOrEqual(60);
	});
});
