/**
 * Regression (issue 11, item 9): `--root` to a missing folder said `no database at …/metadata/sessions.db`. Every
 * command that reads the root now says the root is missing and where it came from (--root, SDSTATS_ROOT, the web
 * UI's IMAGE_FOLDERS, sdgen_config.json); an IMAGE_FOLDERS that is set but malformed is named as unusable
 * instead of being skipped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

beforeAll(() => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
});

function expectOneLine(stderr: string): void {
	expect(stderr.endsWith('\n')).toBe(true);
	expect(stderr.trimEnd()).not.toContain('\n');
	expect(stderr).not.toContain('no database');
}

describe('a missing results root says so, and where it came from (issue 11 item 9)', () => {
	it.each([['list'], ['show', 'some_session'], ['watch'], ['compute'], []])(
		'sdstats %j --root MISSING',
		async (...args) => {
			const {base} = makeWorkspace('sdstats-root-');
			const missing = path.join(base, 'no-such-results');
			const result = await runCli([...args, '--root', missing]);
			expect(result.code).toBe(1);
			expectOneLine(result.stderr);
			expect(result.stderr).toBe(
				`sdstats: the results root ${missing} does not exist (given by --root): check the path, or pass --root DIR\n`,
			);
		},
	);

	it('names SDSTATS_ROOT, IMAGE_FOLDERS and sdgen_config.json as the source', async () => {
		const {base} = makeWorkspace('sdstats-root-');
		const missing = path.join(base, 'gone');
		const viaEnv = await runCli(['list'], {env: {SDSTATS_ROOT: missing}});
		expect(viaEnv.stderr).toContain(`the results root ${missing} does not exist (from the SDSTATS_ROOT variable)`);
		const viaWebUi = await runCli(['list'], {
			env: {IMAGE_FOLDERS: JSON.stringify([{name: 'main', path: missing}])},
		});
		expect(viaWebUi.stderr).toContain(
			`the results root ${missing} does not exist (the first path of IMAGE_FOLDERS, the web UI's setting)`,
		);
		fs.writeFileSync(path.join(base, 'sdgen_config.json'), JSON.stringify({output_dir: './gone'}));
		const viaConfig = await runCli(['list'], {cwd: base});
		expect(viaConfig.stderr).toContain(
			`the results root ${missing} does not exist (from output_dir in ${path.join(base, 'sdgen_config.json')})`,
		);
		for (const result of [viaEnv, viaWebUi, viaConfig]) {
			expect(result.code).toBe(1);
			expectOneLine(result.stderr);
		}
	});

	it('a malformed IMAGE_FOLDERS is named as set but unusable, unless --root or SDSTATS_ROOT comes first', async () => {
		const {base, root} = makeWorkspace('sdstats-root-');
		fs.writeFileSync(path.join(base, 'sdgen_config.json'), JSON.stringify({output_dir: './results'}));
		for (const [value, what] of [
			['[{"name": "main", "path": "/x"', 'it is not JSON'],
			['{"name": "main"}', 'it is not a list'],
			['[]', 'it is an empty list'],
			['[{"name": "main"}]', 'it is a list whose first entry has no "path"'],
		] as const) {
			const result = await runCli(['list'], {env: {IMAGE_FOLDERS: value}, cwd: base});
			expect(result.code).toBe(1);
			expectOneLine(result.stderr);
			expect(result.stderr).toContain(`sdstats: IMAGE_FOLDERS is set but unusable: ${what}`);
		}
		writeSession(root, {name: '20251112_210411-one', manifest: {numImages: 1}, images: 1});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		const overridden = await runCli(['list', '--root', root, '--json'], {env: {IMAGE_FOLDERS: 'not json'}});
		expect(overridden.code).toBe(0);
		expect(JSON.parse(overridden.stdout)).toHaveLength(1);
	});

	it('forget still serves a root that is gone for good', async () => {
		const {root} = makeWorkspace('sdstats-root-');
		writeSession(root, {name: '20251112_210411-one', manifest: {numImages: 1}, images: 1});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		fs.rmSync(root, {recursive: true});
		const forgotten = await runCli(['forget', '--root', root, '--yes']);
		expect(forgotten.stderr).not.toContain('does not exist');
		expect(forgotten.code).toBe(0);
	});
});
