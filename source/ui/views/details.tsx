/** The details of the selected session, scrolled. */
import React from 'react';
import {Box} from 'ink';
import {buildDetails, detailsInsightLines, type DetailsContext, type DetailsLine} from '../model/details.js';
import type {ExplorerState} from '../state/types.js';
import type {SessionView} from '../../view/session-view.js';
import type {StoredSession} from '../../core/types.js';
import type {Theme} from '../theme.js';
import {Line} from './line.js';

export function DetailsView({view, row, insight, scroll, width, height, context, theme}: {view: SessionView; row: StoredSession | null; insight: ExplorerState['detailsInsight']; scroll: number; width: number; height: number; context: DetailsContext; theme: Theme}): React.JSX.Element {
	// The full row arrives a moment after the cursor moves; until then the list's own fields stand in.
	const lines: DetailsLine[] =
		row && row.session_id === view.id
			? [...buildDetails(view, row, width, context), ...detailsInsightLines(insight, view.id, width)]
			: [{text: view.fullName, role: 'title' as const}, {text: 'loading details…'}];
	const top = Math.max(0, Math.min(scroll, lines.length - height));
	const more = lines.length > top + height;
	const shown = lines.slice(top, top + height - (more ? 1 : 0));
	return (
		<Box flexDirection="column" width={width} height={height}>
			{shown.map((line, i) => (
				<Line key={i} theme={theme} segments={[{text: line.text, role: line.role === 'label' ? undefined : line.role === 'section' ? 'header' : line.role}]} />
			))}
			{more ? <Line theme={theme} segments={[{text: `… ${lines.length - top - shown.length} more lines (↓ PgDn)`, role: 'dim'}]} /> : null}
		</Box>
	);
}
