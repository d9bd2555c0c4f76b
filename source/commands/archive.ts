/**
 * `sdstats archive` and `sdstats trash`: the selected sessions' folders moved out of the results root (into
 * the archive folder, or the user's trash), after showing exactly what will happen. `--dry-run` stops there;
 * without `--yes` a terminal is asked, and a script is told to add `--yes`.
 */
import path from 'node:path';
import {defaultLocationsDbPath} from './action-context.js';
import {planArchive, planTrash, type ActionPlan} from '../jobs/actions/plan.js';
import {archiveFolderFor, archiveFolderProblem, rememberArchiveFolder} from '../jobs/actions/remembered.js';
import {ActionBusyError, runAction} from '../jobs/actions/run-action.js';
import {sanitizeLine} from '../text/sanitize.js';
import {planLines, summaryLines} from '../jobs/actions/lines.js';
import {selectCandidates} from './action-selection.js';
import type {ActionCommandOptions} from './action-context.js';
import {actionProgress} from './action-context.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLines, type CommandIo} from '../io.js';
import type {Query} from '../core/query.js';

export type ArchiveOptions = ActionCommandOptions & {
	kind: 'archive' | 'trash';
	filter?: Query | undefined;
	sessions: readonly string[];
	to?: string | undefined;
	includeRunning: boolean;
};

export async function archiveCommand(options: ArchiveOptions, io: CommandIo): Promise<number> {
	const name = options.kind;
	const {root, dbPath} = options.locations;
	let target = '';
	if (options.kind === 'archive') {
		target = options.to !== undefined ? path.resolve(options.to) : archiveFolderFor(options.stateDir, root).folder;
		const problem = archiveFolderProblem(root, target);
		if (problem) {
			io.stderr.write(`sdstats archive: ${sanitizeLine(problem)} (--to ${sanitizeLine(target)})\n`);
			return EXIT_USAGE;
		}
	}
	const selection = selectCandidates(options, {filter: options.filter, sessions: options.sessions});
	if (!selection.ok) {
		io.stderr.write(`sdstats ${name}: ${sanitizeLine(selection.message)}\n`);
		return selection.usage ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (options.kind === 'archive') {
		for (const candidate of selection.candidates) {
			const own = candidate.root?.path;
			if (own === undefined || path.resolve(own) === path.resolve(root)) continue;
			// A session of another root goes to that root's archive folder, unless --to names one for all.
			if (options.to === undefined) candidate.target = archiveFolderFor(options.stateDir, own).folder;
			const problem = archiveFolderProblem(own, candidate.target ?? target);
			if (problem) {
				io.stderr.write(`sdstats archive: ${sanitizeLine(problem)} (--to ${sanitizeLine(target)})\n`);
				return EXIT_USAGE;
			}
		}
	}
	// Confirmed in advance (--yes): nothing is shown before the run, so renamed folders are not measured.
	const planOptions = {root, dbPath, includeRunning: options.includeRunning, sizes: options.dryRun || !options.yes};
	const plan: ActionPlan =
		options.kind === 'archive'
			? planArchive(selection.candidates, target, planOptions)
			: planTrash(selection.candidates, {...planOptions, env: options.env, nowMs: options.now()});
	writeLines(io.stdout, planLines(plan));
	if (options.dryRun) {
		io.stdout.write('dry run: nothing was moved\n');
		return EXIT_OK;
	}
	if (plan.moves.length === 0) {
		io.stdout.write(`nothing to ${name === 'archive' ? 'archive' : 'move to the trash'}\n`);
		return plan.skipped.length > 0 ? EXIT_FAILURE : EXIT_OK;
	}
	if (!options.yes) {
		if (!options.ask) {
			io.stderr.write(`sdstats ${name}: not done: add --yes to go ahead (or --dry-run to only look)\n`);
			return EXIT_FAILURE;
		}
		const question =
			name === 'archive'
				? `Archive ${plan.moves.length} session${plan.moves.length === 1 ? '' : 's'}? [y/N] `
				: `Move ${plan.moves.length} session${plan.moves.length === 1 ? '' : 's'} to the trash? [y/N] `;
		if (!(await options.ask(question))) {
			io.stdout.write('not done\n');
			return EXIT_OK;
		}
	}
	if (options.kind === 'archive' && options.to !== undefined) rememberArchiveFolder(options.stateDir, root, target);
	const progress = actionProgress(io.stderr, options.now, options.watchStopKeys ? 'Esc or Ctrl-C' : 'Ctrl-C');
	const unwatch = options.watchStopKeys?.();
	let summary;
	try {
		summary = await runAction(plan, {
			stateDir: options.stateDir,
			nowMs: options.now(),
			cancel: options.cancel,
			onProgress: progress.update,
		});
	} catch (error) {
		progress.finish();
		if (error instanceof ActionBusyError) {
			io.stderr.write(`sdstats ${name}: ${sanitizeLine(error.message)}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	} finally {
		unwatch?.();
	}
	progress.finish();
	writeLines(io.stdout, summaryLines(plan, summary));
	if (summary.moved.length > 0) {
		io.stdout.write('take it back with `sdstats undo`\n');
		if (options.kind === 'archive') {
			const archiveDb = defaultLocationsDbPath(target);
			const db = archiveDb === dbPath ? '' : ` --db ${dbPath}`;
			io.stdout.write(`browse the archive with \`sdstats --root ${target}${db}\`\n`);
		}
	}
	return summary.failed.length > 0 || summary.databaseProblem ? EXIT_FAILURE : EXIT_OK;
}
