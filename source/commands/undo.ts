/**
 * `sdstats undo [N] [--list] [--dry-run]`: takes an archive or a trash back, moving each folder to where it
 * came from and its paths in the database with it. Without N, the last action not yet taken back; `--list`
 * numbers them, newest first.
 */
import {formatBytes} from '../core/bytes.js';
import {listJournals, readJournal, outcomeOf, type ParsedJournal} from '../jobs/actions/journal.js';
import {planRestore} from '../jobs/actions/plan.js';
import {ActionBusyError, runAction} from '../jobs/actions/run-action.js';
import {sanitizeLine} from '../text/sanitize.js';
import {planLines, summaryLines} from '../jobs/actions/lines.js';
import {actionProgress, type ActionCommandOptions} from './action-context.js';
import {EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLines, type CommandIo} from '../io.js';

export type UndoOptions = ActionCommandOptions & {
	list: boolean;
	number?: number | undefined;
	actionId?: string | undefined;
};

export type ActionEntry = {number: number; journal: ParsedJournal; moved: number};

/** Settled actions, newest first, numbered from 1. */
export function actionHistory(stateDir: string): ActionEntry[] {
	const entries: ActionEntry[] = [];
	const journals = listJournals(stateDir)
		.filter((j) => !j.open)
		.reverse();
	for (const file of journals) {
		const journal = readJournal(file.file);
		if (!journal) continue;
		const moved = journal.intents.filter((i) => outcomeOf(journal.steps.get(i.seq))?.phase === 'done').length;
		entries.push({number: entries.length + 1, journal, moved});
	}
	return entries;
}

function describeEntry(entry: ActionEntry): string {
	const {header} = entry.journal;
	const when = header.createdAt.replace('T', ' ').slice(0, 16);
	const what =
		header.kind === 'restore'
			? `undo of ${header.undoOf ?? '?'}`
			: header.kind === 'archive'
				? `archive → ${header.target}`
				: 'trash';
	const state = entry.journal.undoneBy
		? '  (undone)'
		: header.kind === 'restore'
			? ''
			: entry.moved === 0
				? '  (nothing moved)'
				: '';
	return `${String(entry.number).padStart(3)}  ${when} UTC  ${sanitizeLine(what)}: ${entry.moved} session${entry.moved === 1 ? '' : 's'}${state}`;
}

export function undoable(entry: ActionEntry): string | null {
	if (entry.journal.header.kind === 'restore') return 'it is an undo itself';
	if (entry.journal.undoneBy) return 'it was already taken back';
	if (entry.moved === 0) return 'it moved nothing';
	return null;
}

export async function undoCommand(options: UndoOptions, io: CommandIo): Promise<number> {
	const history = actionHistory(options.stateDir);
	if (options.list) {
		if (history.length === 0) io.stdout.write('no actions yet\n');
		else writeLines(io.stdout, history.map(describeEntry));
		return EXIT_OK;
	}
	let entry: ActionEntry | undefined;
	if (options.actionId !== undefined) entry = history.find((e) => e.journal.header.id === options.actionId);
	else if (options.number !== undefined) {
		entry = history[options.number - 1];
		if (!entry) {
			io.stderr.write(
				`sdstats undo: there is no action ${options.number} (\`sdstats undo --list\` shows ${history.length})\n`,
			);
			return EXIT_USAGE;
		}
	} else entry = history.find((e) => undoable(e) === null);
	if (!entry) {
		io.stderr.write('sdstats undo: nothing to undo\n');
		return EXIT_FAILURE;
	}
	const refusal = undoable(entry);
	if (refusal) {
		io.stderr.write(`sdstats undo: action ${entry.number} cannot be undone: ${refusal}\n`);
		return EXIT_FAILURE;
	}
	const plan = planRestore(entry.journal, options.locations.dbPath);
	io.stdout.write(`${describeEntry(entry)}\n`);
	writeLines(io.stdout, planLines(plan));
	if (options.dryRun) {
		io.stdout.write('dry run: nothing was moved\n');
		return EXIT_OK;
	}
	if (plan.moves.length === 0) return EXIT_FAILURE;
	const progress = actionProgress(io.stderr, options.now, options.watchStopKeys ? 'Esc or Ctrl-C' : 'Ctrl-C');
	const unwatch = options.watchStopKeys?.();
	try {
		const summary = await runAction(plan, {
			stateDir: options.stateDir,
			nowMs: options.now(),
			cancel: options.cancel,
			onProgress: progress.update,
		});
		progress.finish();
		writeLines(io.stdout, summaryLines(plan, summary));
		const bytes = plan.moves.reduce((sum, m) => sum + (m.bytes ?? 0), 0);
		if (summary.moved.length > 0 && bytes > 0)
			io.stdout.write(`${formatBytes(bytes)} back in ${sanitizeLine(plan.root)}\n`);
		return summary.failed.length > 0 || summary.databaseProblem ? EXIT_FAILURE : EXIT_OK;
	} catch (error) {
		progress.finish();
		if (error instanceof ActionBusyError) {
			io.stderr.write(`sdstats undo: ${sanitizeLine(error.message)}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	} finally {
		unwatch?.();
	}
}
