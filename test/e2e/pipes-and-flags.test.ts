/**
 * The built binary at the edges a new user hits first (issue 11): a reader that goes away (item 8), flags given
 * twice, unknown flags whose text came from disk, `show -rf`, and a backslash in a folder name (item 10).
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {CLI_PATH, runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

let root = '';

beforeAll(async () => {
	if (!fs.existsSync(CLI_PATH)) throw new Error(`build first: ${CLI_PATH} is missing (npm test builds it)`);
	({root} = makeWorkspace('sdstats-pipes-'));
	// Enough rows that the JSON list (≈1.5 kB a row) is far larger than a pipe's buffer.
	for (let i = 0; i < 300; i++) {
		writeSession(root, {
			name: `20251112_${String(100000 + i)}-session_${i}`,
			manifest: {numImages: 4, variations: {Hair: ['a', 'b']}},
			images: 1,
		});
	}
	writeSession(root, {name: '20251113_090000-back\\slash', manifest: {numImages: 2}, images: 2});
	const computed = await runCli(['compute', '--root', root]);
	expect(computed.code).toBe(0);
}, 120_000);

/** Runs the binary and closes its stdout after the first chunk, as `| head -1` does. */
function runUntilFirstChunk(
	args: readonly string[],
): Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string; first: string}> {
	return new Promise((resolve, reject) => {
		const env = {...process.env};
		for (const key of ['SDSTATS_ROOT', 'SDSTATS_DB', 'IMAGE_FOLDERS']) delete env[key];
		const child = spawn(process.execPath, [CLI_PATH, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		let first = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.stdout.once('data', (chunk: Buffer) => {
			first = chunk.toString('utf8');
			child.stdout.destroy();
		});
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code, signal, stderr, first}));
	});
}

describe('a reader that goes away (issue 11 item 8)', () => {
	it.each([[['list', '--json']], [['list', '--csv']], [['list']], [['list', '--group-by', 'model', '--json']]])(
		'sdstats %j | head -1 stops quietly: no stack trace, exit 0',
		async (args) => {
			const result = await runUntilFirstChunk([...args, '--root', root]);
			expect(result.first.length).toBeGreaterThan(0);
			expect(result.stderr).toBe('');
			expect(result.signal).toBeNull();
			expect(result.code).toBe(0);
		},
	);
});

describe('flag errors (issue 11 item 10)', () => {
	const oneLine = (text: string): void => {
		expect(text.endsWith('\n')).toBe(true);
		expect(text.trimEnd()).not.toContain('\n');
		expect(text).not.toMatch(/\n\s+at /);
	};

	it('a flag given twice is a usage error: exit 2, one line, no stack trace', async () => {
		// --root is repeatable (every root, issue 15): --db is the single-valued path flag.
		const result = await runCli(['list', '--root', root, '--db', 'a.db', '--db', 'b.db']);
		expect(result.code).toBe(2);
		oneLine(result.stderr);
		expect(result.stderr).toMatch(/^sdstats: --db is given twice .*give it once/);
		const negated = await runCli(['list', '--root', root, '--color', '--no-color']);
		expect(negated.code).toBe(2);
		expect(negated.stderr).toMatch(/^sdstats: --color is given twice/);
		// --session may be repeated.
		expect(
			(
				await runCli([
					'compute',
					'--root',
					root,
					'--session',
					'20251112_100000-session_0',
					'--session',
					'20251112_100001-session_1',
				])
			).code,
		).toBe(0);
	});

	it('an unknown flag from disk is sanitized: no escape sequence reaches the terminal', async () => {
		const hostile = '--\u001b[31mred\u0007\u202e';
		const result = await runCli(['show', hostile, '--root', root]);
		expect(result.code).toBe(2);
		oneLine(result.stderr);
		expect(result.stderr).toMatch(/^sdstats: unknown flag /);
		expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
	});

	it('show -rf gets the sdstats: prefix and a hint about --; after -- it is a name', async () => {
		const result = await runCli(['show', '-rf', '--root', root]);
		expect(result.code).toBe(2);
		oneLine(result.stderr);
		expect(result.stderr).toMatch(/^sdstats: unknown flag "-rf".*`sdstats show -- -rf`/);
		const named = await runCli(['show', '--root', root, '--', '-rf']);
		expect(named.stderr).toContain('no cached session named "-rf"');
		expect(named.code).toBe(1);
	});

	it('a backslash in a folder name is not a path separator on Linux', async () => {
		const name = '20251113_090000-back\\slash';
		const shown = await runCli(['show', name, '--root', root, '--json']);
		expect(shown.stderr).toBe('');
		expect(shown.code).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({session_id: name, images_actual: 2});
		const computed = await runCli(['compute', '--root', root, '--session', name, '--force', '--json']);
		expect(computed.stderr).toBe('');
		expect(JSON.parse(computed.stdout)).toMatchObject({computed: 1});
		expect(path.basename(path.join(root, name))).toBe(name);
	});
});
