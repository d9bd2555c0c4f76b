#!/usr/bin/env node
/** Entry point: flags → validated invocation → one command. The explorer is loaded only when it is used. */
// The global `process`, not `import process from 'node:process'`: that module's ESM facade reads every property
// of process at load, which creates stdin and stdout streams and the allowed-flags set (≈5 ms of each start).
import {parseArgs, type FlagsOf, type RunInvocation} from './cli-args.js';
import {HELP} from './cli-help.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ConfigError, locate, rootProblem, type Locations} from './config.js';
import type {CommonOptions} from './common-options.js';
import {EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, type CommandIo} from './io.js';
import {sanitizeLine} from './text/sanitize.js';
import {describeUnexpected} from './text/unexpected-error.js';
import {corruptMessage, isCorruptionError} from './store/corruption.js';
import {stopQuietlyOnBrokenPipe} from './broken-pipe.js';
import {hasOpenJournals, stateDirectory} from './jobs/actions/journal.js';
import {withStopOnSigint} from './action-stop.js';

const io: CommandIo = {stdout: process.stdout, stderr: process.stderr};
stopQuietlyOnBrokenPipe([process.stdout, process.stderr], (code) => process.exit(code));

async function demoLocations(): Promise<Locations> {
	const {demoBaseDir, demoRootOf, startFreshDemo} = await import('./demo/demo-root.js');
	const {viewStatePath} = await import('./ui/data/view-store.js');
	const base = demoBaseDir(process.env, os.homedir(), os.tmpdir());
	// Every demo starts fresh: no cache, triage or remembered view of an earlier demo run.
	const {root, dbPath} = startFreshDemo(base, Date.now(), [
		viewStatePath(process.env, os.homedir(), os.tmpdir(), demoRootOf(base)),
	]);
	return Object.freeze({
		root,
		rootSource: 'demo',
		dbPath,
		dbSource: 'default',
		roots: Object.freeze([Object.freeze({name: 'demo', path: root, dbPath})]),
	});
}

async function commonOptions(invocation: RunInvocation): Promise<CommonOptions> {
	const {flags} = invocation;
	const demo = invocation.command === 'explore' && invocation.flags.demo;
	const locations = demo
		? await demoLocations()
		: locate({rootFlag: flags.roots, dbFlag: flags.db, env: process.env, cwd: process.cwd()});
	// A missing root is said as such, with where it came from (not as "no database at …/metadata/sessions.db").
	// doctor, forget and undo also serve a root that is gone (an unmounted drive, folders deleted for good).
	// Reading commands still browse the cached rows of a root that is gone, when there is a cache to read: an
	// unavailable root keeps its rows (the explorer marks them), it is only said to be missing when nothing is cached.
	const servesGoneRoot = ['doctor', 'forget', 'undo'].includes(invocation.command);
	const readsCache = ['list', 'show', 'explore', 'preview', 'sheet'].includes(invocation.command);
	const needsRoot = !demo && !servesGoneRoot && !(readsCache && fs.existsSync(locations.dbPath));
	const problem = needsRoot ? rootProblem(locations, process.cwd()) : null;
	if (problem !== null) throw new ConfigError(problem);
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
		case 'help': {
			const {whereLines} = await import('./where-text.js');
			const {layoutFor} = await import('./store/layout.js');
			const here = whereLines({
				...invocation.where,
				env: process.env,
				cwd: process.cwd(),
				layoutOf: layoutFor,
			});
			io.stdout.write(`${HELP[invocation.command].trimEnd()}\n\n${here.join('\n')}\n`);
			return 0;
		}
		case 'usage-error': {
			// The problem on one line with where the usage is; a --filter error adds the query and a caret under the place.
			const [first = '', ...more] = invocation.message.split('\n');
			const rest = more.map((line) => `${sanitizeLine(line)}\n`).join('');
			io.stderr.write(
				`sdstats: ${sanitizeLine(first)} (see \`sdstats ${invocation.command === 'explore' ? '' : `${invocation.command} `}--help\`)\n${rest}`,
			);
			return EXIT_USAGE;
		}
		case 'run':
			break;
	}
	let common: CommonOptions;
	try {
		common = await commonOptions(invocation);
	} catch (error) {
		if (error instanceof ConfigError) {
			// The root's path can come from a file (sdgen_config.json) or a variable: sanitized like any text.
			io.stderr.write(`sdstats: ${sanitizeLine(error.message)}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	}
	const stateDir = stateDirectory(process.env);
	// An action interrupted by a kill or a crash is settled before anything else looks at the folders (doctor
	// does it itself, to report it). One readdir when there is nothing to do.
	if (invocation.command !== 'doctor' && hasOpenJournals(stateDir)) await recoverInterrupted(stateDir);
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
				return await computeCommand(
					{
						...common,
						force: invocation.flags.force,
						deep: invocation.flags.deep,
						wait: invocation.flags.wait,
						sessions: invocation.flags.session,
						json: invocation.flags.json,
						workers: invocation.flags.workers,
						cancel,
					},
					io,
				);
			} finally {
				process.off('SIGINT', onSigint);
			}
		}
		case 'watch': {
			const {watchCommand} = await import('./commands/watch.js');
			const stop: {stopped: boolean; wake?: () => void} = {stopped: false};
			const onSigint = (): void => {
				stop.stopped = true;
				stop.wake?.();
			};
			process.on('SIGINT', onSigint);
			process.on('SIGTERM', onSigint);
			try {
				return await watchCommand(
					{...common, json: invocation.flags.json, intervalMs: invocation.flags.interval * 1000, stop},
					io,
				);
			} finally {
				process.off('SIGINT', onSigint);
				process.off('SIGTERM', onSigint);
			}
		}
		case 'doctor': {
			const {doctorCommand} = await import('./commands/doctor.js');
			return doctorCommand({...common, rebuild: invocation.flags.rebuild, stateDir}, io);
		}
		case 'forget': {
			const {forgetCommand} = await import('./commands/forget.js');
			return forgetCommand({...common, yes: invocation.flags.yes}, io);
		}
		case 'archive':
		case 'trash': {
			const {archiveCommand} = await import('./commands/archive.js');
			return withStopOnSigint(io.stderr, (cancel, watchStopKeys) =>
				archiveCommand(
					{
						...common,
						...actionOptions(stateDir, invocation.flags, cancel, watchStopKeys),
						kind: invocation.command as 'archive' | 'trash',
						filter: invocation.flags.filter?.query,
						sessions: invocation.flags.session,
						to: 'to' in invocation.flags ? invocation.flags.to : undefined,
						includeRunning: invocation.flags.includeRunning,
					},
					io,
				),
			);
		}
		case 'undo': {
			const {undoCommand} = await import('./commands/undo.js');
			const number = invocation.inputs[0] === undefined ? undefined : Number(invocation.inputs[0]);
			return withStopOnSigint(io.stderr, (cancel, watchStopKeys) =>
				undoCommand(
					{
						...common,
						...actionOptions(stateDir, invocation.flags, cancel, watchStopKeys),
						list: invocation.flags.list,
						number,
					},
					io,
				),
			);
		}
		case 'resume': {
			const {resumeCommand} = await import('./commands/resume.js');
			return resumeCommand(
				{
					...common,
					filter: invocation.flags.filter?.query,
					sessions: invocation.flags.session,
					output: invocation.flags.output,
					includeRunning: invocation.flags.includeRunning,
				},
				io,
			);
		}
		case 'list': {
			const {listCommand} = await import('./commands/list.js');
			return listCommand(
				{
					...common,
					format: invocation.flags.json ? 'json' : invocation.flags.csv ? 'csv' : 'table',
					filter: invocation.flags.filter?.query,
					sort: invocation.flags.sort,
					groupBy: invocation.flags.groupBy,
				},
				io,
			);
		}
		case 'show': {
			const {showCommand} = await import('./commands/show.js');
			return showCommand(
				{
					...common,
					name: invocation.inputs[0]!,
					json: invocation.flags.json,
					missing: invocation.flags.missing,
				},
				io,
			);
		}
		case 'preview': {
			const {previewCommand} = await import('./commands/preview.js');
			return previewCommand(
				{
					...common,
					name: invocation.inputs[0]!,
					protocol: invocation.flags.protocol,
					cols: invocation.flags.cols,
					rows: invocation.flags.rows,
					cell: invocation.flags.cell,
					env: process.env,
					terminalRows: process.stdout.rows,
					terminal: process.stdin,
				},
				io,
			);
		}
		case 'sheet': {
			const {sheetCommand} = await import('./commands/preview.js');
			return sheetCommand(
				{...common, name: invocation.inputs[0]!, output: invocation.flags.output!, env: process.env},
				io,
			);
		}
		default:
			return explore(common, invocation.flags, stateDir);
	}
}

async function recoverInterrupted(stateDir: string): Promise<void> {
	const {recoverActions, describeRecovery} = await import('./jobs/actions/recover.js');
	for (const report of recoverActions(stateDir))
		io.stderr.write(`sdstats: ${sanitizeLine(describeRecovery(report))}\n`);
}

function actionOptions(
	stateDir: string,
	flags: Pick<FlagsOf<'undo'>, 'dryRun' | 'yes'>,
	cancel: {cancelled: boolean},
	watchStopKeys: (() => () => void) | undefined,
) {
	const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
	return {
		stateDir,
		env: process.env,
		dryRun: flags.dryRun,
		yes: flags.yes,
		cancel,
		...(interactive ? {ask} : {}),
		...(watchStopKeys ? {watchStopKeys} : {}),
	};
}

/** A yes/no question on the terminal; anything but y or yes is no. */
async function ask(question: string): Promise<boolean> {
	const readline = await import('node:readline/promises');
	const prompt = readline.createInterface({input: process.stdin, output: process.stderr});
	try {
		return /^\s*y(es)?\s*$/i.test(await prompt.question(question));
	} finally {
		prompt.close();
	}
}

/** The explorer on a terminal; without one (a pipe, CI) the plain list, never Ink's raw-mode error. */
async function explore(common: CommonOptions, flags: FlagsOf<'explore'>, stateDir: string): Promise<number> {
	const demo = flags.demo;
	const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
	if (!interactive) {
		if (demo) {
			// The demo's cache is made on first use; without a terminal, make it quietly and print it.
			const {computeCommand} = await import('./commands/compute.js');
			const quiet = {stdout: {write: () => true}, stderr: {write: () => true}};
			await computeCommand(
				{...common, force: false, wait: true, sessions: [], json: true, cancel: {cancelled: false}},
				quiet,
			);
		}
		const {listCommand} = await import('./commands/list.js');
		return listCommand({...common, format: 'table', hint: true, filter: flags.filter?.query, sort: flags.sort}, io);
	}
	const {prepareInkEnvironment} = await import('./ui/ink-environment.js');
	prepareInkEnvironment(process.env);
	const {collectYoungOnThisThread} = await import('./ui/memory-mode.js');
	collectYoungOnThisThread();
	const {runExplorer} = await import('./ui/run-explorer.js');
	// An empty cache starts a compute by itself, at a new --db path too; but a folder given by hand is never
	// created (a mistyped one gets "no database at …" instead of a new tree).
	const {dbPath, dbSource} = common.locations;
	const createDatabase = dbSource === 'default' || fs.existsSync(path.dirname(dbPath));
	return runExplorer(
		{
			...common,
			createDatabase,
			filter: flags.filter?.text,
			sort: flags.sort,
			resetView: flags.resetView,
			stateDir,
			images: flags.images,
		},
		io,
	);
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (isCorruptionError(error)) {
			// Damage found mid-read (not at open): the same advice as at open.
			io.stderr.write(`sdstats: ${sanitizeLine(corruptMessage('the database', error))}\n`);
			process.exitCode = EXIT_FAILURE;
			return;
		}
		io.stderr.write(`sdstats: ${describeUnexpected(error, process.env.SDSTATS_DEBUG === '1')}\n`);
		process.exitCode = EXIT_FAILURE;
	},
);
