/** The filter pane, the sort pane, the recompute question and the help: each a list of lines in the body. */
import React from 'react';
import {sparkline} from '../../core/preview/charts.js';
import {helpLines} from '../model/help-lines.js';
import {FILTER_PANE_ITEMS, itemValue} from '../model/filter-pane.js';
import {SORT_LABELS} from '../../view/sort.js';
import {sortKeysOf} from '../state/selectors.js';
import {fitToWidth, truncateToWidth} from '../../text/width.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {GROUP_BYS} from '../../view/rollup.js';
import type {Segment} from './line.js';
import {Pane, titledText, windowAround, type PaneProps} from './pane.js';

export function FilterPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const pane = state.filterPane;
	const focus = pane?.focus ?? 0;
	const rows: Segment[][] = [
		[{text: truncateToWidth(`Filters: ${state.shown.length} of ${state.all.length} match`, width), role: 'title'}],
	];
	const items = FILTER_PANE_ITEMS.map((item, i) => {
		const selected = i === focus;
		const value = itemValue(state.filter.query, item, selected ? (pane?.editing ?? null) : null);
		const text = fitToWidth(`${selected ? '›' : ' '} ${fitToWidth(item.label, 20)} ${value}`, width);
		return [{text, role: selected ? ('selected' as const) : undefined}];
	});
	const {slice} = windowAround(items, focus, Math.max(1, height - 1));
	rows.push(...slice);
	return <Pane height={height} theme={theme} lines={rows} />;
}

export function SortPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const pane = state.sortPane;
	const focus = pane?.focus ?? 0;
	const direction = pane?.direction ?? state.sort.direction;
	const title = `Sort by (${direction === 'asc' ? '▲ ascending' : '▼ descending'}; ties: newest first, then name)`;
	const items = sortKeysOf(state).map((key, i) => {
		const current = key === state.sort.key ? ` ${state.sort.direction === 'asc' ? '▲' : '▼'} current` : '';
		const selected = i === focus;
		return [
			{
				text: fitToWidth(`${selected ? '›' : ' '} ${SORT_LABELS[key]}${current}`, width),
				role: selected ? ('selected' as const) : undefined,
			},
		];
	});
	const {slice} = windowAround(items, focus, Math.max(1, height - 1));
	return (
		<Pane
			height={height}
			theme={theme}
			lines={[[{text: truncateToWidth(title, width), role: 'title'}], ...slice]}
		/>
	);
}

export function ConfirmPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const stale = state.stale.size + state.newOnDisk.length;
	const lines = [
		'Recompute which sessions?',
		'',
		`  s   the stale and new ones (${stale}${state.staleChecked ? '' : ', still checking the disk'})`,
		`  a   all of them (${state.all.length} cached, plus any new folder; gone folders are removed)`,
		'',
		'  Esc nothing',
	];
	return <Pane height={height} theme={theme} lines={titledText(lines.slice(0, height), width)} />;
}

export function HelpView({
	scroll,
	width,
	height,
	theme,
}: Omit<PaneProps, 'state'> & {scroll: number}): React.JSX.Element {
	const lines = helpLines(width);
	const top = Math.max(0, Math.min(scroll, lines.length - height));
	return <Pane height={height} theme={theme} lines={lines.slice(top, top + height)} />;
}

export function ExportPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const marked = state.marks.size;
	const what =
		marked > 0
			? `the ${marked} marked session${marked === 1 ? '' : 's'}`
			: `the ${state.shown.length} shown session${state.shown.length === 1 ? '' : 's'}`;
	const lines = [
		`Export ${what} to a file in the working folder`,
		'',
		'  c   CSV (the columns of the list, raw values)',
		'  j   JSON (every field)',
		'',
		'  Esc nothing',
	];
	return <Pane height={height} theme={theme} lines={titledText(lines.slice(0, height), width)} />;
}

function formatRate(value: number | null): string {
	return value === null ? '' : value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

export function GroupsPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const groups = state.groups;
	if (!groups) return <Pane height={height} theme={theme} />;
	const others = GROUP_BYS.filter((g) => g !== groups.by).join(', ');
	const title = truncateToWidth(
		`Sessions shown, grouped by ${groups.by} (m: ${others}): ${groups.rows.length} group${groups.rows.length === 1 ? '' : 's'}`,
		width,
	);
	const columns = [
		{title: 'SESS', width: 5},
		{title: 'FOUND/EXP', width: 13},
		{title: 'MEAN%', width: 6},
		{title: 'INCOMPL', width: 7},
		{title: 'STALL', width: 5},
		{title: 'ABORT', width: 5},
		{title: 'IMG/H', width: 6},
		{title: 'LAST USED', width: 16},
	];
	// Images per day over the last 30 days, when the terminal has room for it beside a readable group label.
	if (width - columns.reduce((sum, c) => sum + c.width + 1, 0) - 2 >= 30 + 1 + 20)
		columns.push({title: 'LAST 30 DAYS', width: 30});
	const fixed = columns.reduce((sum, c) => sum + c.width + 1, 0);
	const labelWidth = Math.max(10, width - fixed - 2);
	const header = `  ${fitToWidth('GROUP', labelWidth)} ${columns.map((c, k) => fitToWidth(c.title, c.width, k === 8 ? 'left' : 'right')).join(' ')}`;
	const lines = groups.rows.map((row, i) => {
		const cells = [
			String(row.sessions),
			`${row.imagesFound}/${row.imagesExpected === null ? '?' : String(row.imagesExpected)}`,
			row.meanCompletion === null ? '' : row.meanCompletion.toFixed(1),
			String(row.incomplete),
			String(row.stalled),
			String(row.aborted),
			formatRate(row.imagesPerHour),
			(row.lastUsed ?? '').replace('T', ' ').slice(0, 16),
			sparkline(row.daily),
		].slice(0, columns.length);
		const selected = i === groups.focus;
		const text = `${selected ? '›' : ' '} ${fitToWidth(sanitizeLine(row.label), labelWidth)} ${cells.map((c, k) => fitToWidth(c, columns[k]!.width, k === 8 ? 'left' : 'right')).join(' ')}`;
		return [{text: truncateToWidth(text, width), role: selected ? ('selected' as const) : undefined}];
	});
	const {slice} = windowAround(lines, groups.focus, Math.max(1, height - 2));
	return (
		<Pane
			height={height}
			theme={theme}
			lines={[[{text: title, role: 'title'}], [{text: truncateToWidth(header, width), role: 'header'}], ...slice]}
		/>
	);
}
