/** Two lines: where we are (root, database), then how many sessions are in each state. */
import React from 'react';
import {Box} from 'ink';
import {SESSION_STATES} from '../../core/types.js';
import {STATE_SYMBOL, STATE_WORD} from '../model/columns.js';
import {stateCounts} from '../state/selectors.js';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
import type {SessionState} from '../../core/types.js';
import {displayWidth, truncateToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {Line, type Segment} from './line.js';

export type HeaderInfo = {root: string; dbPath: string; notice: string | null};

/** Shortens a path from the left, keeping its end (the part that tells folders apart). */
export function shortenPath(text: string, width: number): string {
	if (displayWidth(text) <= width) return text;
	if (width <= 1) return '…';
	const chars = [...text];
	let out = '';
	for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i]! + out) <= width - 1; i--) out = chars[i]! + out;
	return `…${out}`;
}

export function Header({state, info, theme}: {state: ExplorerState; info: HeaderInfo; theme: Theme}): React.JSX.Element {
	const width = state.viewport.columns;
	const title = 'sdstats';
	const rest = width - title.length - 3;
	const dbPart = Math.max(10, Math.floor(rest * 0.45));
	const rootPart = Math.max(10, rest - dbPart - 2);
	const first: Segment[] = [
		{text: title, role: 'title'},
		{text: '  '},
		{text: shortenPath(sanitizeLine(info.root), rootPart - 5), role: 'accent'},
		{text: '  db '},
		{text: shortenPath(sanitizeLine(info.dbPath), dbPart - 5)},
	];
	const counts = stateCounts(state.all);
	const second: Segment[] = [];
	let used = 0;
	const total = `${state.all.length} sessions`;
	second.push({text: total, role: 'header'});
	used += total.length;
	const notice = state.rootProblem ?? info.notice;
	if (notice) {
		second.push({text: '  '}, {text: truncateToWidth(sanitizeLine(notice), Math.max(10, width - used - 2)), role: 'warning'});
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

/**
 * The count of every state present, as words (`◐ 14 partial`) when they all fit, else as symbols (`◐14`); when
 * even those do not fit, the last ones give way to `…`, so a count is never dropped without a sign.
 */
export function stateCountSegments(counts: ReadonlyMap<SessionState, number>, width: number): Segment[] {
	const present = SESSION_STATES.filter((s) => (counts.get(s) ?? 0) > 0);
	const long = present.map((s) => ({text: `  ${STATE_SYMBOL[s]} ${counts.get(s)} ${STATE_WORD[s]}`, role: `state-${s}` as const}));
	const widthOf = (segments: ReadonlyArray<{text: string}>): number => segments.reduce((sum, x) => sum + displayWidth(x.text), 0);
	if (widthOf(long) <= width) return long;
	const short = present.map((s) => ({text: ` ${STATE_SYMBOL[s]}${counts.get(s)}`, role: `state-${s}` as const}));
	if (widthOf(short) <= width) return short;
	const kept: Segment[] = [];
	let used = 2;
	for (const segment of short) {
		if (used + displayWidth(segment.text) > width) break;
		kept.push(segment);
		used += displayWidth(segment.text);
	}
	return [...kept, {text: ' …', role: 'dim'}];
}
