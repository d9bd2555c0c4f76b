/** Two lines: where we are (root, database), then how many sessions are in each state. */
import React from 'react';
import {databaseText} from '../model/details.js';
import {Box} from 'ink';
import {SESSION_STATES} from '../../core/types.js';
import {STATE_SYMBOL, STATE_WORD} from '../model/columns.js';
import {stateCounts} from '../state/selectors.js';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
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
		{text: shortenPath(sanitizeLine(databaseText(info.dbPath, info.sharedPath ?? null)), dbPart - 5)},
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
		for (const s of SESSION_STATES) {
			const n = counts.get(s);
			if (!n) continue;
			const text = `  ${STATE_SYMBOL[s]} ${n} ${STATE_WORD[s]}`;
			if (used + displayWidth(text) > width) break;
			second.push({text, role: `state-${s}`});
			used += displayWidth(text);
		}
	}
	return (
		<Box flexDirection="column">
			<Line theme={theme} segments={first} />
			<Line theme={theme} segments={second} />
		</Box>
	);
}
