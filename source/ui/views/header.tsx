/** Two lines: where we are (root, database), then how many sessions are in each state. */
import React from 'react';
import {databaseText} from '../model/details.js';
import {Box} from 'ink';
import {SESSION_STATES} from '../../core/types.js';
import {STATE_SYMBOL, STATE_WORD} from '../model/columns.js';
import {rootCounts, stateCounts} from '../state/selectors.js';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
import type {SessionState} from '../../core/types.js';
import {displayWidth, truncateToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {Line, type Segment} from './line.js';

export type HeaderInfo = {root: string; dbPath: string; sharedPath?: string | null; notice: string | null};

/** Shortens a path from the left, keeping its end (the part that tells folders apart). */
export function shortenPath(text: string, width: number): string {
	if (displayWidth(text) <= width) return text;
	if (width <= 1) return '…';
	const chars = [...text];
	let out = '';
	for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i]! + out) <= width - 1; i--) out = chars[i]! + out;
	return `…${out}`;
}

export function Header({
	state,
	info,
	theme,
}: {
	state: ExplorerState;
	info: HeaderInfo;
	theme: Theme;
}): React.JSX.Element {
	const width = state.viewport.columns;
	const title = 'sdstats';
	const rest = width - title.length - 3;
	const dbPart = Math.max(10, Math.floor(rest * 0.45));
	const rootPart = Math.max(10, rest - dbPart - 2);
	const roots = state.info.roots ?? [];
	const several = roots.length > 1;
	const caches = new Set(roots.map((r) => databaseText(r.dbPath, r.sharedPath)));
	const first: Segment[] = several
		? [
				{text: title, role: 'title'},
				{text: '  '},
				{
					text: truncateToWidth(
						sanitizeLine(roots.map((r) => `${r.label} ${r.path}`).join(' · ')),
						Math.max(10, rootPart - 2),
					),
					role: 'accent',
				},
				{text: '  db '},
				{
					text:
						caches.size === 1
							? shortenPath(sanitizeLine([...caches][0]!), dbPart - 5)
							: `${caches.size} caches (details show each session's)`,
				},
			]
		: [
				{text: title, role: 'title'},
				{text: '  '},
				{text: shortenPath(sanitizeLine(info.root), rootPart - 5), role: 'accent'},
				{text: '  db '},
				{text: shortenPath(sanitizeLine(databaseText(info.dbPath, info.sharedPath ?? null)), dbPart - 5)},
			];
	const counts = stateCounts(state.all);
	const second: Segment[] = [];
	let used = 0;
	const total = state.all.length === 1 ? '1 session' : `${state.all.length} sessions`;
	second.push({text: total, role: 'header'});
	used += total.length;
	if (several) {
		// Per root: how many of the sessions are in it, and which roots cannot be read now (their rows are cached).
		const perRoot = rootCounts(state.all);
		for (const [i, root] of roots.entries()) {
			const text = `${i === 0 ? ': ' : ' · '}${sanitizeLine(root.label)} ${perRoot.get(root.name) ?? 0}`;
			second.push({text, role: 'header'});
			used += displayWidth(text);
			if (state.rootProblems[root.name] !== undefined) {
				second.push({text: ' unavailable', role: 'warning'});
				used += ' unavailable'.length;
			}
		}
	}
	const notice = state.rootProblem ?? state.triageProblem ?? info.notice;
	if (notice) {
		second.push(
			{text: '  '},
			{text: truncateToWidth(sanitizeLine(notice), Math.max(10, width - used - 2)), role: 'warning'},
		);
	} else {
		second.push(...stateCountSegments(counts, width - used));
	}
	return (
		<Box flexDirection="column">
			<Line theme={theme} segments={first} />
			<Line theme={theme} segments={second} />
		</Box>
	);
}

/** Which counts give up their word first when the line is short: the rare states first, partial last. */
const SHORTEN_ORDER: readonly SessionState[] = [
	'no_manifest',
	'unreadable',
	'over',
	'empty',
	'aborted',
	'stalled',
	'running',
	'complete',
	'partial',
];

/**
 * The count of every state present, as words (`◐ 14 partial`) while they fit; as the line shortens, counts turn
 * into their symbol (`◐14`), the rare states first and partial (the one people triage) last; when even symbols
 * do not fit, the last ones give way to `…`, so a count is never dropped without a sign.
 */
export function stateCountSegments(counts: ReadonlyMap<SessionState, number>, width: number): Segment[] {
	const present = SESSION_STATES.filter((s) => (counts.get(s) ?? 0) > 0);
	const short = new Set<SessionState>();
	const segmentsOf = (): Segment[] =>
		present.map((s) => ({
			text: short.has(s)
				? ` ${STATE_SYMBOL[s]}${counts.get(s)}`
				: `  ${STATE_SYMBOL[s]} ${counts.get(s)} ${STATE_WORD[s]}`,
			role: `state-${s}` as const,
		}));
	const widthOf = (segments: readonly Segment[]): number =>
		segments.reduce((sum, x) => sum + displayWidth(x.text), 0);
	let segments = segmentsOf();
	for (const state of SHORTEN_ORDER) {
		if (widthOf(segments) <= width) return segments;
		if (!present.includes(state)) continue;
		short.add(state);
		segments = segmentsOf();
	}
	if (widthOf(segments) <= width) return segments;
	const kept: Segment[] = [];
	let used = 2;
	for (const segment of segments) {
		if (used + displayWidth(segment.text) > width) break;
		kept.push(segment);
		used += displayWidth(segment.text);
	}
	return [...kept, {text: ' …', role: 'dim'}];
}
