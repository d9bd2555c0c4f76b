/**
 * What an action will do and what it did, as lines: the same text for the explorer's confirmation screen,
 * `--dry-run` and the command-line confirmation, so what a user agrees to is what they were shown.
 */
import path from 'node:path';
import {formatBytes} from '../../core/bytes.js';
import type {ActionPlan} from './plan.js';
import {planTotals} from './plan.js';
import type {ActionSummary} from './run-action.js';
import {sanitizeLine} from '../../text/sanitize.js';

const VERBS: {[kind: string]: {present: string; past: string; into: string}} = {
	archive: {present: 'archive', past: 'archived', into: 'into'},
	trash: {present: 'move to the trash', past: 'moved to the trash', into: 'into'},
	restore: {present: 'put back', past: 'put back', into: 'into'},
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Bytes, or what stands for them when a rename was planned without measuring (a run confirmed in advance). */
const bytesText = (bytes: number | null): string => (bytes === null ? 'size not measured' : formatBytes(bytes));

function where(plan: ActionPlan, to: string): string {
	if (plan.kind === 'restore') return to;
	return plan.target && path.dirname(to).startsWith(plan.target) ? path.relative(path.dirname(plan.target), to) : to;
}

export function planHeadline(plan: ActionPlan): string {
	const totals = planTotals(plan);
	const verb = VERBS[plan.kind]!.present;
	const target =
		plan.kind === 'restore' ? '' : ` ${VERBS[plan.kind]!.into} ${sanitizeLine(plan.target || 'the trash')}`;
	return `${verb} ${plural(totals.sessions, 'session')} (${plural(totals.files, 'file')}, ${bytesText(totals.bytes)})${target}`;
}

/** Every session, where it goes, its files and bytes; the skipped ones with the reason; the totals and free space. */
export function planLines(plan: ActionPlan): string[] {
	const lines = [planHeadline(plan)];
	const width = Math.min(
		48,
		Math.max(8, ...plan.moves.map((m) => m.sessionId.length), ...plan.skipped.map((s) => s.sessionId.length)),
	);
	for (const move of plan.moves) {
		const how = move.already
			? 'already back; only its paths follow'
			: move.method === 'copy'
				? 'copy, verify, remove'
				: 'rename';
		lines.push(
			`  ${sanitizeLine(move.sessionId).padEnd(width)}  ${String(move.files).padStart(6)} ${move.files === 1 ? 'file ' : 'files'}  ${(move.bytes === null ? '' : formatBytes(move.bytes)).padStart(9)}  → ${sanitizeLine(where(plan, move.to))}  (${how})`,
		);
	}
	if (plan.skipped.length > 0) {
		lines.push(`skipped ${plural(plan.skipped.length, 'session')}:`);
		for (const skip of plan.skipped)
			lines.push(`  ${sanitizeLine(skip.sessionId).padEnd(width)}  ${sanitizeLine(skip.reason)}`);
	}
	const totals = planTotals(plan);
	let total = `total: ${plural(totals.sessions, 'session')}, ${plural(totals.files, 'file')}, ${bytesText(totals.bytes)}`;
	if (plan.kind !== 'restore' && totals.sessions > 0)
		total += plan.kind === 'trash' ? ' (freed when the trash is emptied)' : ' freed in the results root';
	const copies = plan.moves.some((m) => m.method === 'copy');
	const free =
		plan.freeBytes === null
			? 'free space at the target unknown'
			: `${formatBytes(plan.freeBytes)} free at the target`;
	if (copies) total += `; ${free}, copies need ${formatBytes(plan.copyBytes)}`;
	else if (totals.sessions > 0) total += `; same filesystem: renames, no space needed (${free})`;
	lines.push(total);
	return lines;
}

export function summaryLines(plan: ActionPlan, summary: ActionSummary): string[] {
	const movedIds = new Set(summary.moved.map((c) => c.sessionId));
	let bytes: number | null = 0;
	let files = 0;
	for (const m of plan.moves) {
		if (!movedIds.has(m.sessionId)) continue;
		files += m.files;
		bytes = bytes === null || m.bytes === null ? null : bytes + m.bytes;
	}
	const size = bytes === null ? plural(files, 'file') : formatBytes(bytes);
	const lines = [`${VERBS[plan.kind]!.past} ${plural(summary.moved.length, 'session')} (${size})`];
	const skipped = plan.skipped.length + summary.failed.length;
	if (skipped > 0) {
		lines[0] += `, skipped ${skipped}`;
		for (const fail of summary.failed)
			lines.push(`  ${sanitizeLine(fail.sessionId)}: ${sanitizeLine(fail.reason)}`);
	}
	if (summary.stopped.length > 0) lines.push(`stopped: ${plural(summary.stopped.length, 'session')} not moved`);
	if (summary.databaseProblem)
		lines.push(
			`the database could not be updated (${sanitizeLine(summary.databaseProblem)}); the next sdstats command tries again`,
		);
	return lines;
}
