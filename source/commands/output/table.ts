/** The plain-text session list: `sdstats list`, and `sdstats` without a terminal. */
import {shortModelName} from '../../core/model-name.js';
import type {SessionState, StoredSession} from '../../core/types.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {displayWidth, fitToWidth} from '../../text/width.js';

export type ListedSession = {row: StoredSession; state: SessionState};

type Column = {title: string; align: 'left' | 'right'; cell: (s: ListedSession) => string};

export function formatCount(value: number | bigint | null): string {
	return value === null ? '?' : sanitizeLine(String(value));
}

/** Rows other programs wrote may hold text where a number belongs: shown as it is (inert), never a crash. */
export function formatPercent(value: unknown): string {
	if (value === null || value === undefined) return '-';
	if (typeof value !== 'number') return sanitizeLine(String(value));
	return `${value.toFixed(value >= 1000 ? 0 : 1)}%`;
}

const COLUMNS: Column[] = [
	{
		title: 'CREATED',
		align: 'left',
		cell: ({row}) =>
			sanitizeLine(String(row.session_created_at ?? ''))
				.replace('T', ' ')
				.slice(0, 16),
	},
	{title: 'STATE', align: 'left', cell: ({state}) => state},
	{
		title: 'IMAGES',
		align: 'right',
		cell: ({row}) => `${sanitizeLine(String(row.images_actual))}/${formatCount(row.images_expected)}`,
	},
	{title: 'DONE', align: 'right', cell: ({row}) => formatPercent(row.completion_percentage)},
	{title: 'MODEL', align: 'left', cell: ({row}) => sanitizeLine(shortModelName(row.sd_model))},
	{title: 'NAME', align: 'left', cell: ({row}) => sanitizeLine(row.session_id)},
];

/**
 * One header line and one line per session. With `maxWidth` (a terminal), lines are cut to fit by display
 * width; without it (a pipe), nothing is cut so the output stays greppable.
 */
export function formatSessionTable(sessions: readonly ListedSession[], maxWidth?: number): string[] {
	const cells = sessions.map((s) => COLUMNS.map((c) => c.cell(s)));
	const widths = COLUMNS.map((c, i) => Math.max(displayWidth(c.title), ...cells.map((r) => displayWidth(r[i]!))));
	// The name column is last and takes what is left; the model column gives way first on narrow terminals.
	const lines = [COLUMNS.map((c) => c.title), ...cells].map((values) =>
		values
			.map((value, i) => {
				const column = COLUMNS[i]!;
				if (i === COLUMNS.length - 1) return value;
				return fitToWidth(value, widths[i]!, column.align);
			})
			.join('  ')
			.trimEnd(),
	);
	return maxWidth === undefined ? lines : lines.map((line) => fitToWidth(line, maxWidth).trimEnd());
}
