/**
 * Pictures in the explorer (issue 13): the contact sheet in the details, the combination grid (`v`), one image
 * full screen (`o`), and what each of them shows where. The reducer part moves the sheet focus, the grid's
 * cursor, axes and page, and the full-screen image; the plans below are the one place that decides boxes and
 * picks, read by the views (to draw) and by hooks/use-previews.ts (to ask for exactly those thumbnails).
 *
 * The sheet belongs to the session the cursor rests on: `session` is read only once it rests (the hook), so
 * while the cursor moves the box stays reserved and empty, and moving never waits for a picture.
 *
 * Long on purpose: the sheet, the grid and full screen share one box arithmetic (cells, captions, holes, pages);
 * kept together so the views and the thumbnail requests can never disagree on what is shown where.
 */
import {sessionTimeline, type Timeline} from '../../core/preview/charts.js';
import {axisPairs, gridModel, gridPage, type GridModel, type GridPage} from '../../core/preview/grid-view.js';
import {CAPTION_ROWS, sheetLayout, type SheetLayout} from '../../core/preview/layout.js';
import {pickSheetImages} from '../../core/preview/pick.js';
import {DEFAULT_CELL_PIXELS} from '../../core/preview/pixels.js';
import {screenOf} from './screen.js';
import {selectedView} from './selectors.js';
import type {
	ExplorerState,
	PreviewAction,
	PreviewImageInfo,
	PreviewOutput,
	PreviewSession,
	PreviewsState,
} from './types.js';

/** The most images a contact sheet shows. */
export const SHEET_IMAGES = 12;
/** The details keep at least this many lines for text above the sheet. */
const MIN_DETAILS_LINES = 8;
/** A grid cell's thumbnail, in cells (a caption line below it). */
export const GRID_CELL = {cols: 12, rows: 5};
/** Lines the full-screen image keeps for its facts. */
const IMAGE_INFO_LINES = 5;

export function initialPreviews(output: PreviewOutput | null = null, enabled = output !== null): PreviewsState {
	return {
		enabled,
		output: output ?? {
			protocol: null,
			tmux: false,
			cell: DEFAULT_CELL_PIXELS,
			depth: 'truecolor',
			reason: 'no images',
		},
		session: null,
		thumbs: new Map(),
		sheetFocus: 0,
		grid: {axes: 0, page: 0, x: 0, y: 0},
		image: null,
		prompts: new Map(),
	};
}

export function thumbKey(name: string, cols: number, rows: number, full = false): string {
	return `${name}|${cols}x${rows}${full ? '|full' : ''}`;
}

/** The session's images when they are the selected session's (else null: the cursor has not rested yet). */
export function currentPreviewSession(state: ExplorerState): PreviewSession | null {
	const session = state.previews.session;
	const selected = selectedView(state);
	return session && selected && session.sessionId === selected.id ? session : null;
}

// ---- plans ------------------------------------------------------------------------------------------------------

export type SheetPlan = {
	/** The box under the details text: its size in cells. */
	cols: number;
	rows: number;
	/** Lines left above it for the details text. */
	detailsHeight: number;
	session: PreviewSession | null;
	layout: SheetLayout | null;
	images: readonly PreviewImageInfo[];
	timeline: Timeline | null;
};

/**
 * Where the contact sheet goes in a details panel `width`×`height` (full-screen details or the side panel):
 * the lower part, when the panel is tall enough to keep MIN_DETAILS_LINES of text. Null: no room.
 */
export function sheetPlan(state: ExplorerState, width: number, height: number): SheetPlan | null {
	const rows = state.previews.enabled && height >= MIN_DETAILS_LINES + 8 ? Math.floor(height * 0.5) : 0;
	if (rows === 0) return null;
	const session = currentPreviewSession(state);
	const images = session ? pickSheetImages(session.images, SHEET_IMAGES, session.running) : [];
	// One line for the title and the timeline.
	const layout =
		images.length > 0
			? sheetLayout(images.length, width, rows - 1, 832 / 1216, state.previews.output.cell, {minCols: 8})
			: null;
	const timeline =
		session && session.images.length > 0
			? sessionTimeline(
					session.images.map((i) => i.mtimeMs),
					Math.max(10, Math.min(40, width - 40)),
					session.running ? state.nowMs : null,
				)
			: null;
	return {
		cols: width,
		rows,
		detailsHeight: height - rows,
		session,
		layout,
		images: layout ? images.slice(0, layout.count) : images,
		timeline,
	};
}

/** The details panel's size for the current mode (full screen, or the side panel at 140 columns). */
export function detailsPanel(state: ExplorerState): {width: number; height: number} | null {
	const screen = screenOf(state);
	if (screen.kind !== 'normal') return null;
	if (screen.sideWidth > 0 && (state.mode === 'list' || state.mode === 'details'))
		return {width: screen.sideWidth, height: screen.bodyHeight};
	if (state.mode === 'details') return {width: state.viewport.columns, height: screen.bodyHeight};
	return null;
}

const models = new WeakMap<PreviewSession, GridModel>();

export function gridModelOf(session: PreviewSession): GridModel {
	let model = models.get(session);
	if (!model) {
		model = gridModel({
			placeholders: session.placeholders,
			seeds: session.seeds,
			images: session.images.map((image, index) => ({index, values: image.values, seed: image.seed})),
		});
		models.set(session, model);
	}
	return model;
}

export type GridPlan = {
	session: PreviewSession;
	page: GridPage | null;
	/** Width of the row labels (the down dimension's values). */
	labelWidth: number;
	/** Visible window: first column and row, and how many of each. */
	x0: number;
	y0: number;
	across: number;
	down: number;
	cell: {cols: number; rows: number};
	/** Lines the view may use. */
	height: number;
};

export function gridPlan(state: ExplorerState): GridPlan | null {
	const session = currentPreviewSession(state);
	const screen = screenOf(state);
	if (!session || screen.kind !== 'normal') return null;
	const model = gridModelOf(session);
	const pairs = axisPairs(model.dimensions.length);
	const page =
		pairs.length > 0
			? gridPage(model, pairs[state.previews.grid.axes % pairs.length]!, state.previews.grid.page)
			: null;
	const labelWidth = page?.down ? Math.min(16, Math.max(4, ...page.down.values.map((v) => v.length))) : 0;
	const cell = GRID_CELL;
	// Two lines of titles (axes, page) and one of column labels.
	const height = screen.bodyHeight;
	const across = Math.max(1, Math.floor((state.viewport.columns - labelWidth - 1) / (cell.cols + 1)));
	const down = Math.max(1, Math.floor((height - 3) / (cell.rows + CAPTION_ROWS)));
	const columns = page ? page.across.values.length : Math.min(across, session.images.length);
	const rowsTotal = page
		? page.down
			? page.down.values.length
			: 1
		: Math.ceil(session.images.length / Math.max(1, across));
	const {x, y} = state.previews.grid;
	const x0 = Math.max(0, Math.min(x - Math.floor(across / 2), columns - across));
	const y0 = Math.max(0, Math.min(y - Math.floor(down / 2), rowsTotal - down));
	return {
		session,
		page,
		labelWidth,
		x0,
		y0,
		across: Math.min(across, columns),
		down: Math.min(down, rowsTotal),
		cell,
		height,
	};
}

/** The image a grid cell (x, y) shows: by combination, or for a session without placeholders, by position. */
export function gridImageAt(plan: GridPlan, x: number, y: number): number | null {
	if (plan.page) return plan.page.cell(x, y).image;
	const perRow = Math.max(1, Math.floor(plan.across));
	const index = y * perRow + x;
	return index < plan.session.images.length ? index : null;
}

export type ImagePlan = {session: PreviewSession; image: PreviewImageInfo; index: number; cols: number; rows: number};

export function imagePlan(state: ExplorerState): ImagePlan | null {
	const session = currentPreviewSession(state);
	const image = state.previews.image;
	const screen = screenOf(state);
	if (!session || !image || screen.kind !== 'normal') return null;
	const info = session.images[image.index];
	if (!info) return null;
	return {
		session,
		image: info,
		index: image.index,
		cols: state.viewport.columns,
		rows: Math.max(2, screen.bodyHeight - IMAGE_INFO_LINES),
	};
}

export type WantedThumb = {
	key: string;
	image: PreviewImageInfo;
	cols: number;
	rows: number;
	full: boolean;
	/** Whether the image's 384 px thumbnail is kept when it is decoded for this (thumbnail.ts `keepSource`). */
	keepSource: boolean;
};

/** Exactly the thumbnails the screen shows now (the hook asks for the missing ones). */
export function wantedThumbs(state: ExplorerState): WantedThumb[] {
	if (state.previews.output.protocol === null) return [];
	const wanted: WantedThumb[] = [];
	if (state.mode === 'image') {
		const plan = imagePlan(state);
		if (plan)
			wanted.push({
				key: thumbKey(plan.image.name, plan.cols, plan.rows, true),
				image: plan.image,
				cols: plan.cols,
				rows: plan.rows,
				full: true,
				keepSource: false,
			});
		return wanted;
	}
	if (state.mode === 'grid') {
		const plan = gridPlan(state);
		if (!plan) return wanted;
		for (let y = plan.y0; y < plan.y0 + plan.down; y++) {
			for (let x = plan.x0; x < plan.x0 + plan.across; x++) {
				const index = gridImageAt(plan, x, y);
				const image = index === null ? undefined : plan.session.images[index];
				if (image)
					wanted.push({
						key: thumbKey(image.name, plan.cell.cols, plan.cell.rows),
						image,
						cols: plan.cell.cols,
						rows: plan.cell.rows,
						full: false,
						// The grid's cells are kept in their encoded form only (thumbnail.ts `keepSource`).
						keepSource: false,
					});
			}
		}
		return wanted;
	}
	const panel = detailsPanel(state);
	const plan = panel ? sheetPlan(state, panel.width, panel.height) : null;
	if (!plan?.layout) return wanted;
	for (const image of plan.images)
		wanted.push({
			key: thumbKey(image.name, plan.layout.cellCols, plan.layout.cellRows),
			image,
			cols: plan.layout.cellCols,
			rows: plan.layout.cellRows,
			full: false,
			keepSource: true,
		});
	return wanted;
}

// ---- transitions ------------------------------------------------------------------------------------------------

function withPreviews(state: ExplorerState, patch: Partial<PreviewsState>): ExplorerState {
	return {...state, previews: {...state.previews, ...patch}};
}

function gridSize(state: ExplorerState): {columns: number; rows: number} {
	const plan = gridPlan(state);
	if (!plan) return {columns: 0, rows: 0};
	if (plan.page)
		return {columns: plan.page.across.values.length, rows: plan.page.down ? plan.page.down.values.length : 1};
	return {columns: plan.across, rows: Math.ceil(plan.session.images.length / Math.max(1, plan.across))};
}

export function previewsReducer(state: ExplorerState, action: PreviewAction): ExplorerState {
	const previews = state.previews;
	switch (action.type) {
		case 'preview-output':
			// Another protocol: every thumbnail made for the old one is useless.
			return withPreviews(state, {output: action.output, thumbs: new Map()});
		case 'preview-session-loaded': {
			const same = previews.session?.sessionId === action.session.sessionId;
			return withPreviews(state, {
				session: action.session,
				thumbs: same ? previews.thumbs : new Map(),
				prompts: same ? previews.prompts : new Map(),
				sheetFocus: same ? previews.sheetFocus : 0,
				grid: same ? previews.grid : {axes: 0, page: 0, x: 0, y: 0},
			});
		}
		case 'preview-thumbs': {
			if (previews.session?.sessionId !== action.sessionId) return state;
			const thumbs = new Map(previews.thumbs);
			for (const {key, thumb} of action.thumbs) thumbs.set(key, thumb);
			return withPreviews(state, {thumbs});
		}
		case 'preview-prompt': {
			if (previews.session?.sessionId !== action.sessionId) return state;
			const prompts = new Map(previews.prompts);
			prompts.set(action.name, action.prompt);
			return withPreviews(state, {prompts});
		}
		case 'sheet-focus': {
			const panel = detailsPanel(state);
			const plan = panel ? sheetPlan(state, panel.width, panel.height) : null;
			const count = plan?.images.length ?? 0;
			if (count === 0) return state;
			return withPreviews(state, {sheetFocus: (((previews.sheetFocus + action.delta) % count) + count) % count});
		}
		case 'grid-open':
			if (!previews.enabled) return {...state, message: 'pictures are not available here'};
			if (!currentPreviewSession(state))
				return {...state, message: 'the images are still being read; try again in a moment'};
			return {...state, mode: 'grid'};
		case 'grid-move': {
			const size = gridSize(state);
			const x = Math.max(0, Math.min(size.columns - 1, previews.grid.x + action.dx));
			const y = Math.max(0, Math.min(size.rows - 1, previews.grid.y + action.dy));
			return withPreviews(state, {grid: {...previews.grid, x, y}});
		}
		case 'grid-axes': {
			const session = currentPreviewSession(state);
			const pairs = session ? axisPairs(gridModelOf(session).dimensions.length).length : 0;
			if (pairs <= 1) return {...state, message: 'this session has no other placeholder to put on the axes'};
			return withPreviews(state, {
				grid: {axes: (((previews.grid.axes + action.step) % pairs) + pairs) % pairs, page: 0, x: 0, y: 0},
			});
		}
		case 'grid-page': {
			const plan = gridPlan(state);
			const count = plan?.page?.pageCount ?? 1;
			if (count <= 1) return {...state, message: 'one page: every combination is on screen'};
			return withPreviews(state, {
				grid: {...previews.grid, page: (((previews.grid.page + action.delta) % count) + count) % count},
			});
		}
		case 'image-open': {
			if (!previews.enabled) return {...state, message: 'pictures are not available here'};
			const session = currentPreviewSession(state);
			if (!session || session.images.length === 0)
				return {
					...state,
					message: session
						? 'this session has no images'
						: 'the images are still being read; try again in a moment',
				};
			let index: number | null;
			if (state.mode === 'grid') {
				const plan = gridPlan(state);
				index = plan ? gridImageAt(plan, previews.grid.x, previews.grid.y) : null;
				if (index === null) return {...state, message: 'no image for this combination (it is missing)'};
			} else {
				const panel = detailsPanel(state);
				const plan = panel ? sheetPlan(state, panel.width, panel.height) : null;
				const picked = plan?.images[previews.sheetFocus] ?? session.images[0]!;
				index = session.images.indexOf(picked);
			}
			return {
				...state,
				mode: 'image',
				previews: {
					...previews,
					image: {index: Math.max(0, index), returnTo: state.mode === 'grid' ? 'grid' : 'details'},
				},
			};
		}
		case 'image-step': {
			const session = currentPreviewSession(state);
			if (!session || !previews.image) return state;
			const count = session.images.length;
			return withPreviews(state, {
				image: {...previews.image, index: (((previews.image.index + action.delta) % count) + count) % count},
			});
		}
	}
}

/** Esc from the grid (to the details) or the full-screen image (to where it was opened). */
export function previewsBack(state: ExplorerState): ExplorerState {
	if (state.mode === 'image')
		return {
			...state,
			mode: state.previews.image?.returnTo ?? 'details',
			previews: {...state.previews, image: null},
		};
	return {...state, mode: 'details'};
}

/**
 * The rows the details text gets: all of the body, or what the contact sheet leaves above it. One function for
 * the view and the scroll limit, so End reaches the last line whether or not a sheet is shown (issue 11 item 4).
 */
export function detailsTextHeight(state: ExplorerState, width: number, bodyHeight: number): number {
	return sheetPlan(state, width, bodyHeight)?.detailsHeight ?? bodyHeight;
}
