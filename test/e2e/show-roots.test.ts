/** `sdstats show` over several roots (issue 15): the session is found in its own root's cache and named with its root. */
import fs from 'node:fs';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {writeLegacySession} from '../../source/demo/legacy-corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
});

function twoRoots() {
	const main = makeWorkspace('sdstats-show-a-');
	const old = makeWorkspace('sdstats-show-b-');
	writeSession(main.root, {name: '20251113_090000-half', manifest: {numImages: 4, status: 'completed'}, images: 2});
	writeSession(old.root, {name: '20251114_100000-quarter', manifest: {numImages: 8, status: 'completed'}, images: 2});
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

describe('show over every root', () => {
	it('finds a session of the second root in its cache and names the root; --missing reads the folder there', async () => {
		const {env} = twoRoots();
		expect((await runCli(['compute'], {env})).code).toBe(0);
		const text = await runCli(['show', '2025-10-12_140322_portraits'], {env});
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/^root\s+old disk$/m);
		const json = JSON.parse((await runCli(['show', '2025-10-12_140322_portraits', '--json'], {env})).stdout) as {
			root: string;
		};
		expect(json.root).toBe('old disk');
		const main = JSON.parse((await runCli(['show', '20251113_090000-half', '--json'], {env})).stdout) as {
			root: string;
		};
		expect(main.root).toBe('main');
		const missing = await runCli(['show', '20251114_100000-quarter', '--missing'], {env});
		expect(missing.code).toBe(0);
		// Read from the folder in the old disk's root (main has no such folder).
		expect(missing.stdout).toMatch(/^20251114_100000-quarter: .*the folder holds 2 image files/);
	});

	it('a name cached in two roots is not guessed: it says which roots and how to choose', async () => {
		const {main, env} = twoRoots();
		writeSession(main.root, {
			name: '20251114_100000-quarter',
			manifest: {numImages: 8, status: 'completed'},
			images: 8,
		});
		expect((await runCli(['compute'], {env})).code).toBe(0);
		const both = await runCli(['show', '20251114_100000-quarter'], {env});
		expect(both.code).toBe(1);
		expect(both.stderr).toBe(
			'sdstats show: "20251114_100000-quarter" is in 2 roots (main, old disk): pass --root DIR to say which\n',
		);
		const chosen = await runCli(['show', '20251114_100000-quarter', '--json', '--root', main.root]);
		expect((JSON.parse(chosen.stdout) as {images_actual: number}).images_actual).toBe(8);
		const none = await runCli(['show', '20990101_000000-nothing'], {env});
		expect(none.code).toBe(1);
		expect(none.stderr).toContain('no cached session named "20990101_000000-nothing"');
	});
});
