/** The details of the selected session (lines made by state/selectors.ts `detailsLinesOf`), scrolled. */
import React from 'react';
import type {DetailsLine} from '../model/details.js';
import {scrollLimit} from '../state/selectors.js';
import type {Segment} from './line.js';
import {Pane, type PaneProps} from './pane.js';

export function DetailsView({
	lines,
	scroll,
	width,
	height,
	theme,
}: Omit<PaneProps, 'state'> & {lines: readonly DetailsLine[]; scroll: number}): React.JSX.Element {
	const top = Math.min(scroll, scrollLimit(lines.length, height));
	const more = lines.length > top + height;
	const shown = lines.slice(top, top + height - (more ? 1 : 0));
	const segments: Segment[][] = shown.map((line) => [
		{
			text: line.text,
			role: line.role === 'label' ? undefined : line.role === 'section' ? ('header' as const) : line.role,
		},
	]);
	if (more) segments.push([{text: `… ${lines.length - top - shown.length} more lines (↓ PgDn)`, role: 'dim'}]);
	return <Pane width={width} height={height} theme={theme} lines={segments} />;
}
