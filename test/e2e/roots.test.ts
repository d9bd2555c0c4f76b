/** The built binary over several results roots: IMAGE_FOLDERS and repeated --root, one cache per metadata folder, one root unavailable. */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {writeLegacySession} from '../../source/demo/legacy-corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
});

function twoRoots() {
	const main = makeWorkspace('sdstats-root-a-');
	const old = makeWorkspace('sdstats-root-b-');
	writeSession(main.root, {
		name: '20251112_210411-current',
		manifest: {numImages: 4, status: 'completed'},
		images: 4,
	});
	writeSession(main.root, {name: '20251113_090000-half', manifest: {numImages: 4, status: 'completed'}, images: 2});
	writeLegacySession(old.root, {
		name: '2025-10-12_140322_portraits',
		kind: 'v1',
		stem: 'portraits',
		planned: 4,
		images: 4,
	});
	const env = {
		IMAGE_FOLDERS: JSON.stringify([
			{name: 'main', path: main.root},
			{name: 'old disk', path: old.root},
		]),
	};
	return {main, old, env};
}

type Row = {session_id: string; root: string; state: string};

describe('every root', () => {
	it("compute and list cover every folder of the web UI's IMAGE_FOLDERS, each root in its own cache", async () => {
		const {main, old, env} = twoRoots();
		const computed = await runCli(['compute', '--json'], {env});
		expect(computed.code).toBe(0);
		const summaries = JSON.parse(computed.stdout) as Array<Record<string, unknown>>;
		expect(summaries.map((s) => [s.root, s.computed])).toEqual([
			['main', 2],
			['old disk', 1],
		]);
		expect(fs.existsSync(main.dbPath)).toBe(true);
		expect(fs.existsSync(old.dbPath)).toBe(true);

		const listed = JSON.parse((await runCli(['list', '--json'], {env})).stdout) as Row[];
		expect(listed.map((r) => [r.session_id, r.root]).sort()).toEqual([
			['2025-10-12_140322_portraits', 'old disk'],
			['20251112_210411-current', 'main'],
			['20251113_090000-half', 'main'],
		]);
		const filtered = JSON.parse((await runCli(['list', '--json', '--filter', 'root:old'], {env})).stdout) as Row[];
		expect(filtered.map((r) => r.session_id)).toEqual(['2025-10-12_140322_portraits']);
		const exact = JSON.parse(
			(await runCli(['list', '--json', '--filter', 'root:="old disk"'], {env})).stdout,
		) as Row[];
		expect(exact).toHaveLength(1);

		const text = await runCli(['compute'], {env});
		expect(text.stdout).toMatch(/^main: computed 0, unchanged 2, .*\nold disk: computed 0, unchanged 1, /);
	});

	it('--root given twice does the same; a root that is unavailable keeps its rows, marked, and the others go on', async () => {
		const {main, old} = twoRoots();
		expect((await runCli(['compute', '--root', main.root, '--root', old.root])).code).toBe(0);
		// Both folders are named results: each root is named with its parent too.
		const oldName = `${path.basename(path.dirname(old.root))}/results`;
		const away = `${old.root}-unmounted`;
		fs.renameSync(old.root, away);
		try {
			const computed = await runCli(['compute', '--root', main.root, '--root', old.root, '--json']);
			expect(computed.code).toBe(0);
			expect(computed.stderr).toContain(`sdstats compute: ${oldName}: results root ${old.root} does not exist`);
			const summaries = JSON.parse(computed.stdout) as Array<Record<string, unknown>>;
			expect(summaries[0]).toMatchObject({
				root: `${path.basename(path.dirname(main.root))}/results`,
				computed: 0,
				unchanged: 2,
			});
			expect(summaries[1]).toMatchObject({root: oldName, unavailable: true});

			const listed = await runCli(['list', '--root', main.root, '--root', old.root, '--json']);
			expect(listed.code).toBe(0);
			expect((JSON.parse(listed.stdout) as Row[]).map((r) => r.session_id).sort()).toEqual([
				'2025-10-12_140322_portraits',
				'20251112_210411-current',
				'20251113_090000-half',
			]);
			expect(listed.stderr).toContain(
				`(root ${oldName} at ${old.root} is unavailable: its 1 cached sessions are listed as last computed)`,
			);
			expect(
				(JSON.parse(listed.stdout) as Row[]).find((r) => r.session_id === '2025-10-12_140322_portraits')!.root,
			).toBe(oldName);

			// Every root gone: that is a failure.
			const none = await runCli(['compute', '--root', old.root, '--root', path.join(old.root, 'nope')]);
			expect(none.code).toBe(1);
		} finally {
			fs.renameSync(away, old.root);
		}
	});
});
