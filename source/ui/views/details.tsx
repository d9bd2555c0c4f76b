/** The details of the selected session (lines made by state/selectors.ts `detailsLinesOf`), scrolled. */
import React from 'react';
import {Box} from 'ink';
import type {DetailsLine} from '../model/details.js';
import {scrollLimit} from '../state/selectors.js';
import type {Theme} from '../theme.js';
import {Line} from './line.js';

export function DetailsView({
	lines,
	scroll,
	width,
	height,
	theme,
}: {
	lines: readonly DetailsLine[];
	scroll: number;
	width: number;
	height: number;
	theme: Theme;
}): React.JSX.Element {
	const top = Math.min(scroll, scrollLimit(lines.length, height));
	const more = lines.length > top + height;
	const shown = lines.slice(top, top + height - (more ? 1 : 0));
	return (
		<Box flexDirection="column" width={width} height={height}>
			{shown.map((line, i) => (
				<Line
					key={i}
					theme={theme}
					segments={[
						{
							text: line.text,
							role: line.role === 'label' ? undefined : line.role === 'section' ? 'header' : line.role,
						},
					]}
				/>
			))}
			{more ? (
				<Line
					theme={theme}
					segments={[{text: `… ${lines.length - top - shown.length} more lines (↓ PgDn)`, role: 'dim'}]}
				/>
			) : null}
		</Box>
	);
}
