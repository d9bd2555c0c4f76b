#!/usr/bin/env node
/** Entry point: flags → validated invocation → one command. The explorer is loaded only when it is used. */
import process from 'node:process';
import {parseArgs, type Invocation} from './cli-args.js';
import {HELP} from './cli-help.js';
import {ConfigError, locate} from './config.js';
import type {CommonOptions} from './commands/context.js';
import {EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, type CommandIo} from './commands/io.js';
import {sanitizeLine} from './text/sanitize.js';

const io: CommandIo = {stdout: process.stdout, stderr: process.stderr};

function commonOptions(invocation: Extract<Invocation, {kind: 'run'}>): CommonOptions {
	const {flags} = invocation;
	const locations = locate({rootFlag: flags.root, dbFlag: flags.db, env: process.env, cwd: process.cwd()});
	const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
	return Object.freeze({
		locations,
		stallWindowMs: flags.stallMinutes * 60_000,
		color: flags.color && !noColorEnv,
		now: Date.now,
	});
}

async function main(): Promise<number> {
	const invocation = parseArgs(process.argv.slice(2), import.meta);
	switch (invocation.kind) {
		case 'version':
			io.stdout.write(`${invocation.version}\n`);
			return 0;
		case 'help':
			io.stdout.write(`${HELP[invocation.command]}\n`);
			return 0;
		case 'usage-error':
			io.stderr.write(`sdstats: ${sanitizeLine(invocation.message)}\nRun \`sdstats ${invocation.command === 'explore' ? '' : `${invocation.command} `}--help\` for usage.\n`);
			return EXIT_USAGE;
		case 'run':
			break;
	}
	let common: CommonOptions;
	try {
		common = commonOptions(invocation);
	} catch (error) {
		if (error instanceof ConfigError) {
			io.stderr.write(`sdstats: ${error.message}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	}
	const {flags} = invocation;
	switch (invocation.command) {
		case 'compute': {
			const {computeCommand} = await import('./commands/compute.js');
			const cancel = {cancelled: false};
			const onSigint = (): void => {
				if (cancel.cancelled) process.exit(EXIT_INTERRUPTED);
				cancel.cancelled = true;
				io.stderr.write('\nstopping after the current batch (Ctrl-C again to quit at once)…\n');
			};
			process.on('SIGINT', onSigint);
			try {
				return await computeCommand({...common, force: flags.force, sessions: flags.session, json: flags.json, workers: flags.workers, cancel}, io);
			} finally {
				process.off('SIGINT', onSigint);
			}
		}
		case 'list': {
			const {listCommand} = await import('./commands/list.js');
			return listCommand({...common, format: flags.json ? 'json' : flags.csv ? 'csv' : 'table'}, io);
		}
		case 'show': {
			const {showCommand} = await import('./commands/list.js');
			return showCommand({...common, name: invocation.inputs[0]!, json: flags.json}, io);
		}
		default: {
			const {listCommand} = await import('./commands/list.js');
			return listCommand({...common, format: 'table', hint: true}, io);
		}
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		io.stderr.write(`sdstats: ${sanitizeLine(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
		process.exitCode = EXIT_FAILURE;
	},
);
