/**
 * The list's columns and how they give way on narrow terminals. Every width is in display columns; cells are
 * cut by display width (CJK and emoji stay aligned).
 *
 * Drop order as the terminal narrows (first to go first): sampler, cfg, steps, size, mode, sweep, the
 * completion bar, the flags, model; then the created column shortens to `MM-DD HH:MM`. The marker, name, state,
 * images and completion % columns always stay (unless hidden with `:hide`).
 */
import type {SessionState} from '../../core/types.js';
import {displayWidth, fitToWidth} from '../../text/width.js';
import type {SortKey} from '../../view/sort.js';
import type {SessionView} from '../../view/session-view.js';
import {formatRate} from '../../core/rate.js';

export type ColumnId =
	| 'created'
	| 'name'
	| 'model'
	| 'state'
	| 'images'
	| 'completion'
	| 'bar'
	| 'mode'
	| 'sweep'
	| 'size'
	| 'steps'
	| 'cfg'
	| 'sampler'
	| 'flags'
	| 'root';

export type ColumnSpec = {
	id: ColumnId;
	title: string;
	width: number;
	align: 'left' | 'right';
	/** Higher goes first when space runs out; undefined never goes. */
	dropRank?: number;
	sortKey?: SortKey;
};

export const MARKER_WIDTH = 3;
export const MIN_NAME_WIDTH = 12;

export const STATE_SYMBOL: Record<SessionState, string> = {
	complete: '✓',
	partial: '◐',
	over: '⊕',
	empty: '○',
	running: '▶',
	stalled: '⏸',
	aborted: '✗',
	no_manifest: '?',
	unreadable: '!',
};

export const STATE_WORD: Record<SessionState, string> = {
	complete: 'complete',
	partial: 'partial',
	over: 'over',
	empty: 'empty',
	running: 'running',
	stalled: 'stalled',
	aborted: 'aborted',
	no_manifest: 'no manifest',
	unreadable: 'unreadable',
};

const COLUMNS: ColumnSpec[] = [
	{id: 'created', title: 'CREATED', width: 16, align: 'left', sortKey: 'created'},
	{id: 'name', title: 'NAME', width: MIN_NAME_WIDTH, align: 'left', sortKey: 'name'},
	// Several roots only (its width is the longest label's): which root the session is in.
	{id: 'root', title: 'ROOT', width: 4, align: 'left', dropRank: 0, sortKey: 'root'},
	{id: 'flags', title: 'FLAG', width: 5, align: 'left', dropRank: 2},
	{id: 'model', title: 'MODEL', width: 15, align: 'left', dropRank: 1, sortKey: 'model'},
	{id: 'state', title: 'STATE', width: 13, align: 'left', sortKey: 'state'},
	{id: 'images', title: 'IMAGES', width: 9, align: 'right', sortKey: 'images'},
	{id: 'completion', title: 'DONE', width: 6, align: 'right', sortKey: 'completion'},
	{id: 'bar', title: '', width: 5, align: 'left', dropRank: 3},
	{id: 'mode', title: 'MODE', width: 5, align: 'left', dropRank: 5, sortKey: 'mode'},
	{id: 'sweep', title: 'SW', width: 2, align: 'left', dropRank: 4, sortKey: 'sweep'},
	{id: 'size', title: 'SIZE', width: 9, align: 'right', dropRank: 6, sortKey: 'size'},
	{id: 'steps', title: 'STP', width: 3, align: 'right', dropRank: 7, sortKey: 'steps'},
	{id: 'cfg', title: 'CFG', width: 4, align: 'right', dropRank: 8, sortKey: 'cfg'},
	{id: 'sampler', title: 'SAMPLER', width: 12, align: 'left', dropRank: 9, sortKey: 'sampler'},
];

/** The columns `:hide` and `:show` take: every column but the name, which identifies the row. */
export const HIDEABLE_COLUMNS: readonly ColumnId[] = COLUMNS.map((c) => c.id).filter((id) => id !== 'name');

export function isHideableColumn(name: string): name is ColumnId {
	return (HIDEABLE_COLUMNS as readonly string[]).includes(name);
}

/**
 * With several roots: each root's label by name (core/root-labels.ts), and the roots that cannot be read now,
 * whose rows are shown as last computed and their root cell marked `!`.
 */
export type RootColumn = {labels: ReadonlyMap<string, string>; unavailable: ReadonlySet<string>};

export type Layout = {columns: ColumnSpec[]; width: number; roots?: RootColumn};

const COMPACT_CREATED = 11;
/** The width below which a name starts to push out the least useful columns. */
const NAME_COMFORT = 20;

/** Which columns fit `width`, with the name column taking what is left; `hidden` columns are left out. */
export function layoutColumns(
	width: number,
	imagesWidth = 9,
	hidden: ReadonlySet<ColumnId> = new Set(),
	roots?: RootColumn,
): Layout {
	const rootWidth = roots ? Math.max(4, ...[...roots.labels.values()].map((l) => displayWidth(l) + 1)) : 0;
	let columns = COLUMNS.filter((c) => c.id === 'name' || !hidden.has(c.id))
		.filter((c) => c.id !== 'root' || roots !== undefined)
		.map((c) =>
			c.id === 'images'
				? {...c, width: Math.max(c.width, imagesWidth)}
				: c.id === 'root'
					? {...c, width: rootWidth}
					: {...c},
		);
	const total = (cols: ColumnSpec[]): number => MARKER_WIDTH + cols.reduce((sum, c) => sum + c.width + 1, 0);
	const droppable = columns.filter((c) => c.dropRank !== undefined).sort((a, b) => b.dropRank! - a.dropRank!);
	// The least useful columns (mode and after in the drop order) also give way while the name would be squeezed
	// below NAME_COMFORT: names tell sessions apart, and a name cut at 13 characters tells little.
	const nameRoom = (cols: ColumnSpec[]): number => MIN_NAME_WIDTH + width - total(cols);
	for (const column of droppable) {
		if (total(columns) <= width && (nameRoom(columns) >= NAME_COMFORT || column.dropRank! < 5)) break;
		columns = columns.filter((c) => c !== column);
	}
	if (total(columns) > width) {
		columns = columns.map((c) => (c.id === 'created' ? {...c, width: COMPACT_CREATED} : c));
	}
	// At the minimum width a wide IMAGES column gives its extra back (its cells are cut), so the header, and the
	// sort arrow on it, always fit.
	if (total(columns) > width) {
		columns = columns.map((c) =>
			c.id === 'images' ? {...c, width: Math.max(9, c.width - (total(columns) - width))} : c,
		);
	}
	// The model gives up to four columns to a name squeezed below 20 (names tell sessions apart; models repeat).
	const model = columns.find((c) => c.id === 'model');
	const squeezed = MIN_NAME_WIDTH + width - total(columns);
	if (model && squeezed < 20) model.width -= Math.min(4, 20 - squeezed, model.width - 12);
	const name = columns.find((c) => c.id === 'name')!;
	name.width = Math.max(MIN_NAME_WIDTH, MIN_NAME_WIDTH + width - total(columns));
	return roots ? {columns, width, roots} : {columns, width};
}

/** The narrowest terminal the list can lay out in. */
export const MIN_LIST_WIDTH = MARKER_WIDTH + COMPACT_CREATED + MIN_NAME_WIDTH + 13 + 9 + 6 + 6;

const BAR_CELLS = 5;
export function completionBar(completion: number): string {
	if (Number.isNaN(completion)) return ' '.repeat(BAR_CELLS);
	const filled = Math.max(0, Math.min(BAR_CELLS, Math.round((completion / 100) * BAR_CELLS)));
	return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

/** A completion in at most 6 columns (its column's width): `42.0%`, `1250%`, `12345%`, then `1e7%`. */
export function formatCompletion(completion: number): string {
	if (Number.isNaN(completion)) return '-';
	if (completion < 999.95) return `${completion.toFixed(1)}%`;
	if (completion < 99_999.5) return `${Math.round(completion)}%`;
	if (!Number.isFinite(completion)) return '∞%';
	return `${completion.toExponential(0).replace('+', '')}%`;
}

/** An image count in at most 6 columns: as written up to 99999, then two figures and a power of ten (9.2e18). */
export function formatCount(count: number | bigint | string): string {
	const text = String(count);
	if (text.length <= 5) return text;
	const digits = text.replace(/^-/, '');
	const mantissa = Number(`${digits[0]}.${digits.slice(1, 3)}`).toFixed(1);
	return `${mantissa === '10.0' ? '1.0' : mantissa}e${digits.length - 1 + (mantissa === '10.0' ? 1 : 0)}`;
}

/** The IMAGES cell: found / expected, each count at most 6 columns, so one huge plan does not widen every row. */
export function imagesText(actual: number, expected: number | bigint | string | null): string {
	return `${formatCount(actual)}/${expected === null ? '?' : formatCount(expected)}`;
}

const MODE_SHORT: Record<string, string> = {combinatorial: 'comb', random: 'rand', unknown: '?'};

/** The text of one cell (not yet fitted). */
export function cellText(view: SessionView, id: ColumnId, compactCreated: boolean, roots?: RootColumn): string {
	const {row} = view;
	switch (id) {
		case 'created':
			if (!view.created) return '';
			return compactCreated
				? view.created.slice(5, 16).replace('T', ' ')
				: view.created.slice(0, 16).replace('T', ' ');
		case 'name':
			return view.name;
		case 'model':
			return view.model;
		case 'state':
			return `${STATE_SYMBOL[view.state]} ${STATE_WORD[view.state]}`;
		case 'images':
			return imagesText(row.images_actual, row.images_expected);
		case 'completion':
			return formatCompletion(view.completion);
		case 'bar':
			return completionBar(view.completion);
		case 'mode':
			return MODE_SHORT[view.mode] ?? view.mode;
		case 'sweep':
			return row.is_seed_sweep ? '↻' : '';
		case 'size':
			return row.width !== null && row.height !== null ? `${row.width}×${row.height}` : '';
		case 'steps':
			return row.steps === null ? '' : String(row.steps);
		case 'cfg':
			return row.cfg_scale === null ? '' : String(Number(row.cfg_scale.toFixed(1)));
		case 'sampler':
			return view.sampler;
		case 'flags':
			return flagsText(view);
		case 'root': {
			const name = row.root_name ?? '';
			const label = roots?.labels.get(name) ?? name;
			return roots?.unavailable.has(name) ? `${label}!` : label;
		}
	}
}

/**
 * ★ favourite; T test, else I marked not complete (the web UI's complete flag, shown only where it differs
 * from its default; details show both); + like / - dislike; # tags; ✎ a note: each in its own place.
 */
export function flagsText(view: SessionView): string {
	const t = view.triage;
	return `${t.favorite ? '★' : ' '}${t.test ? 'T' : t.complete ? ' ' : 'I'}${t.rating === 'like' ? '+' : t.rating === 'dislike' ? '-' : ' '}${t.tags.length > 0 ? '#' : ' '}${t.note ? '✎' : ' '}`;
}

export type Cell = {id: ColumnId; text: string};

/** The fitted cells of one row, in column order. */
/** A running session shows its rate (images per minute) in the state column once the live poll knows it. */
export function rowCells(view: SessionView, layout: Layout, ratePerMinute?: number): Cell[] {
	const compact = layout.columns.find((c) => c.id === 'created')?.width === COMPACT_CREATED;
	return layout.columns.map((c) => {
		const text =
			c.id === 'state' && view.state === 'running' && ratePerMinute !== undefined
				? `▶ ${formatRate(ratePerMinute)}`
				: cellText(view, c.id, compact, layout.roots);
		return {id: c.id, text: fitToWidth(text, c.width, c.align)};
	});
}

export function headerCells(layout: Layout, sortKey: SortKey, arrow: string): Cell[] {
	return layout.columns.map((c) => {
		let title = c.title;
		// The arrow must survive a narrow column: it replaces the title's last letters rather than being cut.
		if (c.sortKey === sortKey)
			title =
				title.length + 1 <= c.width
					? `${title}${arrow}`
					: `${title.slice(0, Math.max(0, c.width - 1))}${arrow}`;
		return {id: c.id, text: fitToWidth(title, c.width, c.align)};
	});
}
