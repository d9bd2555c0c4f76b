/** The windowed session list: a column header and only the rows that fit the viewport. */
import React from 'react';
import {describeFilter} from '../../view/filter.js';
import {headerCells, layoutColumns, rowCells, type ColumnId, type Layout} from '../model/columns.js';
import type {SessionView} from '../../view/session-view.js';
import type {ExplorerState} from '../state/types.js';
import {rateOf, rootColumnOf} from '../state/selectors.js';
import type {Role} from '../theme.js';
import {fitToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {Line, type Segment} from './line.js';
import {Pane, type PaneProps} from './pane.js';

function marker(view: SessionView, selected: boolean, state: ExplorerState): Segment[] {
	// The cursor is a glyph, not only inverse video, so it shows without colour too.
	const segments: Segment[] = [
		{text: selected ? '›' : ' ', role: selected ? 'accent' : undefined},
		{text: state.marks.has(view.id) ? '●' : ' ', role: 'marked'},
		{text: state.stale.has(view.id) ? '*' : ' ', role: 'stale'},
	];
	return segments;
}

function rowSegments(view: SessionView, layout: Layout, selected: boolean, state: ExplorerState): Segment[] {
	const segments = marker(view, selected, state);
	for (const cell of rowCells(view, layout, rateOf(state, view))) {
		let role: Role | undefined;
		if (cell.id === 'state') role = `state-${view.state}`;
		else if (cell.id === 'created' || cell.id === 'mode' || cell.id === 'sampler') role = 'dim';
		else if (cell.id === 'flags') role = 'marked';
		else if (cell.id === 'root') role = layout.roots?.unavailable.has(view.row.root_name ?? '') ? 'warning' : 'dim';
		segments.push({text: `${cell.text} `, role: selected ? undefined : role});
	}
	return segments;
}

export function ListView({state, width, height, theme}: PaneProps): React.JSX.Element {
	// The flags column appears once some session carries the user's triage.
	const hidden = state.anyTriage ? state.hiddenColumns : new Set<ColumnId>([...state.hiddenColumns, 'flags']);
	const layout = layoutColumns(width, state.imagesWidth, hidden, rootColumnOf(state));
	const arrow = state.sort.direction === 'asc' ? '▲' : '▼';
	const header: Segment[] = [
		{text: '   '},
		...headerCells(layout, state.sort.key, arrow).map((c) => ({text: `${c.text} `, role: 'header' as Role})),
	];
	const lines: React.JSX.Element[] = [];
	const visible = state.shown.slice(state.scrollTop, state.scrollTop + height);
	visible.forEach((view, i) => {
		const selected = state.scrollTop + i === state.cursorIndex;
		lines.push(
			<Line
				key={view.id}
				theme={theme}
				role={selected ? 'selected' : undefined}
				segments={rowSegments(view, layout, selected, state)}
			/>,
		);
	});
	if (visible.length === 0) {
		const text =
			state.all.length === 0
				? state.loading || state.job
					? 'loading sessions…'
					: 'no sessions cached for this root yet: R computes them'
				: `no sessions match (${sanitizeLine(describeFilter(state.filter))}): Esc clears the text, f changes filters`;
		lines.push(
			<Line key="empty" theme={theme} segments={[{text: fitToWidth(`   ${text}`, width), role: 'dim'}]} />,
		);
	}
	// The column header and `height` rows.
	return (
		<Pane width={width} height={height + 1} theme={theme} lines={[header]}>
			{lines}
		</Pane>
	);
}
