/** Runs the built `sdstats` binary (dist/) as a user would, without a terminal. */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const CLI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin/cli.js');

export type CliResult = {code: number | null; stdout: string; stderr: string};

export function runCli(
	args: readonly string[],
	options: {env?: Record<string, string | undefined>; cwd?: string; input?: string} = {},
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const env: Record<string, string> = {};
		for (const [key, value] of Object.entries({...process.env, ...options.env})) {
			if (value !== undefined) env[key] = value;
		}
		// The caller's own settings must not leak into a fixture run.
		for (const key of ['SDSTATS_ROOT', 'SDSTATS_DB', 'IMAGE_FOLDERS'])
			if (!options.env || !(key in options.env)) delete env[key];
		const child = spawn(process.execPath, [CLI_PATH, ...args], {
			cwd: options.cwd,
			env,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => resolve({code, stdout, stderr}));
		child.stdin.end(options.input ?? '');
	});
}
