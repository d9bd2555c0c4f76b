/**
 * Differential test of the compute: the built binary (workers, JSON.parse fast path, compact plan, one root
 * listing) against the plainest path through the same rules (each folder read in turn, the manifest read by
 * the Python-compatible reader alone, one save each) on the same generated roots. Every stored field must match.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeSession} from '../../source/core/calculator.js';
import {readManifestExact} from '../../source/core/manifest.js';
import {writeSession} from '../../source/demo/corpus.js';
import {readSessionFacts} from '../../source/scan/session-facts.js';
import {fingerprintSession} from '../../source/scan/sessions.js';
import {openDatabase} from '../../source/store/db.js';
import type {StoredSession} from '../../source/core/types.js';
import {StatsRepository} from '../../source/store/stats-repository.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';
import {prng, writeVariedRoot} from './support.js';

/** Manifests where the fast path must step aside or take care: each must still give the exact reader's row. */
const ODD_MANIFESTS: Record<string, string> = {
	'20251120_100000-float_used':
		'{"snapshot": {"variations": {"CFG": {"used": [5.0, 7.5, 7]}}, "generation_params": {"mode": "combinatorial"}}}',
	'20251120_100001-big_seed':
		'{"snapshot": {"generation_params": {"seed_base": 123456789012345678901, "num_images": 9007199254740993}}}',
	'20251120_100002-digit_keys':
		'{"snapshot": {"variations": {"b": {"used": ["x"]}, "10": {"used": ["y", "z"]}, "2": {"used": ["w"]}}}}',
	'20251120_100003-nan':
		'{"snapshot": {"api_params": {"cfg_scale": NaN, "width": 512.0, "steps": Infinity}}, "status": "ongoing"}',
	'20251120_100004-bom':
		'\ufeff{"snapshot": {"version": "2.0", "timestamp": "2025-11-20T10:00:04.5"}, "images": [1, 2]}',
	'20251120_100005-whole_floats':
		'{"snapshot": {"api_params": {"width": 832.0, "height": 1.216e3, "cfg_scale": 5.0}, "generation_params": {"num_images": 4.0}}, "images_requested": 6.0}',
	'20251120_100006-dupes':
		'{"snapshot": {"version": "1", "version": "3"}, "status": "ongoing", "status": "completed"}',
	'20251120_100007-deep': `{"snapshot": {}, "x": ${'['.repeat(1100)}${']'.repeat(1100)}}`,
	'20251120_100008-cut': '{"snapshot": {"version": "2.0", "variations": {"A": {"used": ["a"',
	'20251120_100009-list': '[1, 2, 3]',
};

function referenceDatabase(root: string, dbPath: string, nowMs: number): StatsRepository {
	const repository = new StatsRepository(openDatabase(dbPath, 'create').db);
	for (const name of fs.readdirSync(root).sort()) {
		if (name.startsWith('.')) continue;
		const sessionPath = path.join(root, name);
		if (!fs.statSync(sessionPath).isDirectory()) continue;
		const fingerprint = fingerprintSession(sessionPath);
		const facts = readSessionFacts(name, sessionPath, nowMs);
		if (facts.kind !== 'session') continue;
		repository.save(computeSession(facts.input, readManifestExact), fingerprint);
	}
	return repository;
}

/** Every stored field but the compute's own clock. */
const comparable = ({stats_computed_at: _, ...rest}: StoredSession): Omit<StoredSession, 'stats_computed_at'> => rest;

describe('compute: new path against the reference path', () => {
	for (const seed of [0x16a, 0x16b]) {
		it(`every stored field matches on a generated root of 240 sessions plus odd manifests (seed ${seed})`, async () => {
			const {base, root, dbPath} = makeWorkspace();
			writeVariedRoot(root, 240, seed);
			const rng = prng(seed);
			for (const [name, raw] of Object.entries(ODD_MANIFESTS))
				writeSession(root, {name, manifest: {raw}, images: rng.int(0, 5)});
			// A folder that is not a session, and a file beside the sessions.
			fs.mkdirSync(path.join(root, 'dryrun'));
			fs.writeFileSync(path.join(root, 'notes.txt'), 'x');

			const computed = await runCli(['compute', '--root', root, '--db', dbPath]);
			expect(computed.code, computed.stderr).toBe(0);
			const actual = new StatsRepository(openDatabase(dbPath, 'read').db);
			const reference = referenceDatabase(root, path.join(base, 'reference.db'), Date.now());

			const expectedRows = reference.listAll();
			expect(expectedRows.length).toBeGreaterThan(200);
			expect(actual.listAll().map((r) => r.session_id)).toEqual(expectedRows.map((r) => r.session_id));
			for (const row of expectedRows)
				expect(comparable(actual.get(row.session_id)!), row.session_id).toEqual(comparable(row));
			// The fingerprints stored are the ones the reference took: a second compute finds nothing changed.
			const sorted = (marks: Map<string, unknown>): Array<[string, unknown]> =>
				[...marks].sort(([a], [b]) => (a < b ? -1 : 1));
			expect(sorted(actual.marks(root))).toEqual(sorted(reference.marks(root)));
			// (Sessions whose manifest could not be read keep no fingerprint: they are read again every time.)
			const unreadable = expectedRows.filter((r) => r.manifest_state === 'unreadable').length;
			expect(unreadable).toBeGreaterThan(0);
			const again = await runCli(['compute', '--root', root, '--db', dbPath]);
			expect(again.stdout + again.stderr).toContain(
				`computed ${unreadable}, unchanged ${expectedRows.length - unreadable}, removed 0`,
			);
		}, 120_000);
	}
});
