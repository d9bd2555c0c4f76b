/** The windowed session list: a column header and only the rows that fit the viewport. */
import React, {useMemo} from 'react';
import {describeFilter} from '../../view/filter.js';
import {headerCells, layoutColumns, rowCells, type ColumnId, type Layout} from '../model/columns.js';
import type {SessionView} from '../../view/session-view.js';
import {rateOf, rootColumnOf} from '../state/selectors.js';
import type {Role, Theme} from '../theme.js';
import {fitToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {Line, type Segment} from './line.js';
import {Pane, type PaneProps} from './pane.js';

/** What one list row shows besides its session: all a row's drawing depends on (see ListRow). */
type RowMarks = {selected: boolean; marked: boolean; stale: boolean; rate: number | undefined};

function marker(marks: RowMarks): Segment[] {
	// The cursor is a glyph, not only inverse video, so it shows without colour too.
	const segments: Segment[] = [
		{text: marks.selected ? '›' : ' ', role: marks.selected ? 'accent' : undefined},
		{text: marks.marked ? '●' : ' ', role: 'marked'},
		{text: marks.stale ? '*' : ' ', role: 'stale'},
	];
	return segments;
}

function rowSegments(view: SessionView, layout: Layout, marks: RowMarks): Segment[] {
	const segments = marker(marks);
	for (const cell of rowCells(view, layout, marks.rate)) {
		let role: Role | undefined;
		if (cell.id === 'state') role = `state-${view.state}`;
		else if (cell.id === 'created' || cell.id === 'mode' || cell.id === 'sampler') role = 'dim';
		else if (cell.id === 'flags') role = 'marked';
		else if (cell.id === 'root') role = layout.roots?.unavailable.has(view.row.root_name ?? '') ? 'warning' : 'dim';
		segments.push({text: `${cell.text} `, role: marks.selected ? undefined : role});
	}
	return segments;
}

/**
 * One session's line, drawn again only when something it shows changed: a frame that changes only the job's
 * progress or the status line leaves every row as it was (at 100,000 sessions each redrawn row was garbage that
 * outlived the young generation, a recompute's progress frames most of the explorer thread's heap growth).
 */
const ListRow = React.memo(function ListRow({
	view,
	layout,
	theme,
	selected,
	marked,
	stale,
	rate,
}: {view: SessionView; layout: Layout; theme: Theme} & RowMarks): React.JSX.Element {
	return (
		<Line
			theme={theme}
			role={selected ? 'selected' : undefined}
			segments={rowSegments(view, layout, {selected, marked, stale, rate})}
		/>
	);
});

export function ListView({state, width, height, theme}: PaneProps): React.JSX.Element {
	// The layout is kept while what it is made of stays (a new one would draw every row again, see ListRow).
	const {anyTriage, hiddenColumns, imagesWidth, rootProblems} = state;
	const roots = state.info.roots;
	const layout = useMemo(() => {
		// The flags column appears once some session carries the user's triage.
		const hidden = anyTriage ? hiddenColumns : new Set<ColumnId>([...hiddenColumns, 'flags']);
		return layoutColumns(width, imagesWidth, hidden, rootColumnOf({info: {roots}, rootProblems}));
	}, [anyTriage, hiddenColumns, imagesWidth, roots, rootProblems, width]);
	const arrow = state.sort.direction === 'asc' ? '▲' : '▼';
	const header: Segment[] = [
		{text: '   '},
		...headerCells(layout, state.sort.key, arrow).map((c) => ({text: `${c.text} `, role: 'header' as Role})),
	];
	const lines: React.JSX.Element[] = [];
	const visible = state.shown.slice(state.scrollTop, state.scrollTop + height);
	visible.forEach((view, i) => {
		lines.push(
			<ListRow
				key={view.id}
				view={view}
				layout={layout}
				theme={theme}
				selected={state.scrollTop + i === state.cursorIndex}
				marked={state.marks.has(view.id)}
				stale={state.stale.has(view.id)}
				rate={rateOf(state, view)}
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
