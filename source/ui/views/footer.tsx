/** Two lines: the keys that matter now (fewer as the width shrinks), then the status line. */
import React from 'react';
import {Box} from 'ink';
import {footerHints} from '../keys.js';
import {describeFilter} from '../../view/filter.js';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
import {displayWidth, truncateToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {Line, type Segment} from './line.js';
import {splitAtCursor} from '../model/line-editor.js';
import {actionProgressText} from './action-confirm.js';

/** As many hints as fit, most important first. */
export function fitHints(hints: readonly string[], width: number): string {
	let text = '';
	for (const hint of hints) {
		const next = text ? `${text}  ${hint}` : hint;
		if (displayWidth(next) > width) break;
		text = next;
	}
	return text;
}

export function statusText(state: ExplorerState): string {
	const parts: string[] = [];
	if (state.actionJob) parts.push(actionProgressText(state.actionJob));
	const filter = describeFilter(state.filter);
	parts.push(`${state.shown.length} of ${state.all.length} shown${filter ? ` (filter: ${filter})` : ''}`);
	if (state.marks.size > 0) parts.push(`${state.marks.size} marked`);
	const stale = state.stale.size;
	const fresh = state.newOnDisk.length;
	if (stale > 0 || fresh > 0) {
		const what = [stale > 0 ? `${stale} stale` : '', fresh > 0 ? `${fresh} new on disk` : '']
			.filter(Boolean)
			.join(', ');
		parts.push(`${what} (R recomputes)`);
	}
	if (state.loading) parts.push('loading…');
	return parts.join(' · ');
}

export function Footer({state, theme}: {state: ExplorerState; theme: Theme}): React.JSX.Element {
	const width = state.viewport.columns;
	let first: Segment[];
	if (state.mode === 'filter-input') {
		const {before, after} = splitAtCursor({text: state.filter.text, cursor: state.filterCursor});
		const prompt = `/${sanitizeLine(before)}▏${sanitizeLine(after)}`;
		const hints = fitHints(footerHints('filter-input'), Math.max(0, width - displayWidth(prompt) - 3));
		first = [
			{text: truncateToWidth(prompt, Math.max(4, width - displayWidth(hints) - 3)), role: 'accent'},
			{text: `   ${hints}`, role: 'dim'},
		];
	} else if (state.input && (state.mode === 'tag-input' || state.mode === 'note-input' || state.mode === 'command')) {
		const label = state.mode === 'tag-input' ? 'tag: ' : state.mode === 'note-input' ? 'note: ' : ':';
		const {before, after} = splitAtCursor(state.input);
		const prompt = `${label}${sanitizeLine(before)}▏${sanitizeLine(after)}`;
		// Every candidate that fits the line (the line is cut at its width).
		const candidates =
			state.input.completions.length > 0
				? `  Tab: ${state.input.completions.map((c) => c.trim()).join(', ')}`
				: '';
		const hints = fitHints(
			footerHints(state.mode),
			Math.max(0, width - displayWidth(prompt) - displayWidth(candidates) - 3),
		);
		first = [
			{text: truncateToWidth(prompt, Math.max(8, width - 4)), role: 'accent'},
			{
				text: truncateToWidth(
					`${sanitizeLine(candidates)}   ${hints}`,
					Math.max(0, width - displayWidth(prompt)),
				),
				role: 'dim',
			},
		];
	} else {
		first = [{text: fitHints(footerHints(state.mode), width), role: 'dim'}];
	}
	// A query that does not parse: a caret under the position where it is typed, and why.
	if (state.mode === 'filter-input' && state.filter.error) {
		const {position, message} = state.filter.error;
		const column = Math.min(width - 2, 1 + displayWidth(sanitizeLine(state.filter.text.slice(0, position))));
		const caret = `${' '.repeat(Math.max(0, column))}^ `;
		return (
			<Box flexDirection="column">
				<Line theme={theme} segments={first} />
				<Line
					theme={theme}
					segments={[
						{
							text: truncateToWidth(`${caret}${sanitizeLine(message)} (at ${position + 1})`, width),
							role: 'error',
						},
					]}
				/>
			</Box>
		);
	}
	// A message (e.g. `cancelled after 3/10`) leads the status line until the next key; the counts stay visible.
	const counts = sanitizeLine(statusText(state));
	// Messages can quote session names or error text from disk.
	const message = state.message === null ? null : sanitizeLine(state.message);
	const status: Segment[] = message
		? [
				{text: truncateToWidth(message, width), role: 'warning'},
				{text: truncateToWidth(` · ${counts}`, Math.max(0, width - displayWidth(message)))},
			]
		: [{text: truncateToWidth(counts, width)}];
	return (
		<Box flexDirection="column">
			<Line theme={theme} segments={first} />
			<Line theme={theme} segments={status} />
		</Box>
	);
}
