/** `sdstats list --group-by FIELD`: the groups of view/rollup.ts as a table, JSON or CSV. */
import {sanitizeLine} from '../text/sanitize.js';
import {displayWidth, fitToWidth} from '../text/width.js';
import type {GroupRow} from '../view/rollup.js';
import {csvLine} from '../format/csv.js';
import {toJson} from '../format/json.js';
import {formatCount, formatPercent} from './output/table.js';

type Column = {title: string; align: 'left' | 'right'; cell: (g: GroupRow) => string};

/** Images per hour for a person: whole numbers from 100 up, one decimal below; `-` when unknown. */
export function formatRate(value: number | null): string {
	return value === null ? '-' : value.toFixed(value >= 100 ? 0 : 1);
}

const COLUMNS: Column[] = [
	{title: 'GROUP', align: 'left', cell: (g) => g.label},
	{title: 'SESSIONS', align: 'right', cell: (g) => String(g.sessions)},
	{title: 'IMAGES', align: 'right', cell: (g) => `${g.imagesFound}/${formatCount(g.imagesExpected)}`},
	{title: 'DONE', align: 'right', cell: (g) => formatPercent(g.meanCompletion)},
	{title: 'INCOMPLETE', align: 'right', cell: (g) => String(g.incomplete)},
	{title: 'STALLED', align: 'right', cell: (g) => String(g.stalled)},
	{title: 'ABORTED', align: 'right', cell: (g) => String(g.aborted)},
	{title: 'IMG/H', align: 'right', cell: (g) => formatRate(g.imagesPerHour)},
	{
		title: 'LAST USED',
		align: 'left',
		cell: (g) => (g.lastUsed === null ? '-' : sanitizeLine(g.lastUsed).replace('T', ' ').slice(0, 16)),
	},
];

/** The narrowest the group column gets on a narrow terminal before lines are cut instead. */
const MIN_GROUP_WIDTH = 12;

/**
 * One header line and one line per group. With `maxWidth` (a terminal) the group column gives way first (its
 * labels cut with …), then lines are cut to fit; without it (a pipe) nothing is cut.
 */
export function formatGroupTable(groups: readonly GroupRow[], maxWidth?: number): string[] {
	const cells = groups.map((g) => COLUMNS.map((c) => c.cell(g)));
	const widths = COLUMNS.map((c, i) => Math.max(displayWidth(c.title), ...cells.map((r) => displayWidth(r[i]!))));
	if (maxWidth !== undefined) {
		const rest = widths.slice(1).reduce((sum, w) => sum + w + 2, 0);
		widths[0] = Math.min(widths[0]!, Math.max(MIN_GROUP_WIDTH, maxWidth - rest));
	}
	const lines = [COLUMNS.map((c) => c.title), ...cells].map((values) =>
		values
			.map((value, i) => fitToWidth(value, widths[i]!, COLUMNS[i]!.align))
			.join('  ')
			.trimEnd(),
	);
	return maxWidth === undefined ? lines : lines.map((line) => fitToWidth(line, maxWidth).trimEnd());
}

/** The CSV header: the raw group value, its label, the table's figures raw, and the group's query. */
export const GROUP_CSV_COLUMNS = [
	'group',
	'label',
	'sessions',
	'images_found',
	'images_expected',
	'mean_completion',
	'incomplete',
	'stalled',
	'aborted',
	'images_per_hour',
	'last_used',
	'query',
] as const;

/**
 * CSV lines with raw values (the unknown group's `group` cell is empty); text cells a spreadsheet would run as
 * a formula get a leading '. `forTerminal` also makes text cells inert when they go to a terminal.
 */
export function groupsCsv(groups: readonly GroupRow[], forTerminal = false): string[] {
	const text = (value: string | null): string | null => (forTerminal && value !== null ? sanitizeLine(value) : value);
	return [
		GROUP_CSV_COLUMNS.join(','),
		...groups.map((g) =>
			csvLine([
				text(g.key),
				g.label,
				g.sessions,
				g.imagesFound,
				g.imagesExpected,
				g.meanCompletion,
				g.incomplete,
				g.stalled,
				g.aborted,
				g.imagesPerHour,
				text(g.lastUsed),
				text(g.query),
			]),
		),
	];
}

/** One JSON array of the groups, every field as it is (numbers raw, imagesExpected exact). */
export function groupsJson(groups: readonly GroupRow[]): string {
	return toJson(groups);
}
