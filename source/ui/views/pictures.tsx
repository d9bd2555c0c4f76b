/**
 * Pictures on screen: a thumbnail cell, the contact sheet under the details, the combination grid and one
 * image full screen. Plans come from state/previews.ts; these only draw. Half blocks are text lines in the
 * frame; graphics protocols reserve their box and mark it for the overlay (ui/image-overlay.ts).
 */
import React, {createContext, useContext} from 'react';
import {Box, Text} from 'ink';
import {CAPTION_ROWS} from '../../core/preview/layout.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {fitToWidth, truncateToWidth} from '../../text/width.js';
import type {ImageOverlay} from '../image-overlay.js';
import {gridImageAt, gridPlan, imagePlan, thumbKey, type SheetPlan} from '../state/previews.js';
import type {ExplorerState, PreviewImageInfo, PreviewThumb} from '../state/types.js';
import type {Theme} from '../theme.js';
import {Line, Lines} from './line.js';
import {Pane, StillReading, type PaneProps} from './pane.js';

/** The overlay graphics protocols draw through; null: half blocks or no pictures. */
export const OverlayContext = createContext<ImageOverlay | null>(null);

function blankLines(cols: number, rows: number): string[] {
	return Array.from({length: rows}, () => ' '.repeat(cols));
}

/** One thumbnail box of exactly cols×rows cells: the picture, or why there is none, or blank while it loads. */
export function Thumbnail({
	thumb,
	thumbId,
	cols,
	rows,
	theme,
	empty,
}: {
	thumb: PreviewThumb | undefined;
	thumbId: string;
	cols: number;
	rows: number;
	theme: Theme;
	empty?: string;
}): React.JSX.Element {
	const overlay = useContext(OverlayContext);
	let lines: string[];
	let role: 'dim' | 'error' | undefined;
	if (empty !== undefined) {
		// A hole in the grid: a dim frame with the combination's values.
		const inner = Math.max(1, cols - 2);
		const words = sanitizeLine(empty);
		lines = [
			`┌${'─'.repeat(inner)}┐`.slice(0, cols),
			...Array.from(
				{length: Math.max(0, rows - 2)},
				(_, i) => `│${fitToWidth(i === 0 ? 'missing' : words.slice((i - 1) * inner, i * inner), inner)}│`,
			),
			`└${'─'.repeat(inner)}┘`,
		].slice(0, rows);
		role = 'dim';
	} else if (!thumb) {
		lines = blankLines(cols, rows);
	} else if (thumb.status === 'failed') {
		const text = `✗ ${sanitizeLine(thumb.reason)}`;
		lines = Array.from({length: rows}, (_, i) => fitToWidth(text.slice(i * cols, (i + 1) * cols), cols));
		role = 'error';
	} else if (thumb.lines) {
		const left = Math.floor((cols - thumb.cols) / 2);
		const top = Math.floor((rows - thumb.lines.length) / 2);
		lines = Array.from({length: rows}, (_, i) => {
			const line = thumb.lines![i - top];
			return line === undefined
				? ' '.repeat(cols)
				: `${' '.repeat(left)}${line}${' '.repeat(Math.max(0, cols - left - thumb.cols))}`;
		});
	} else if (overlay?.protocol) {
		lines = blankLines(cols, rows);
		const marker = overlay.marker(thumbId, {
			text: thumb.text,
			cols: thumb.cols,
			rows: thumb.rows,
			...(thumb.kittyId === undefined ? {} : {kittyId: thumb.kittyId}),
		});
		lines[0] = marker + ' '.repeat(cols - 1);
	} else {
		lines = blankLines(cols, rows);
	}
	return (
		<Box flexDirection="column" width={cols} height={rows}>
			{lines.map((line, i) => (
				<Text key={i} wrap="truncate-end" {...theme.style(role)}>
					{line}
				</Text>
			))}
		</Box>
	);
}

function formatClock(ms: number): string {
	const date = new Date(ms);
	return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The contact sheet below the details: a title with the timeline, then rows of captioned thumbnails. */
export function SheetView({
	state,
	plan,
	theme,
}: {
	state: ExplorerState;
	plan: SheetPlan;
	theme: Theme;
}): React.JSX.Element {
	const {session, layout, images, timeline} = plan;
	const output = state.previews.output;
	let title = 'Images';
	if (!session) title += ' …';
	else if (session.images.length === 0) title += `: ${session.reason ?? 'none yet'}`;
	else title += ` · ${images.length} of ${session.images.length}${session.running ? ' (newest)' : ''}`;
	const chart = timeline
		? `  ${timeline.chart}  ${formatClock(timeline.fromMs)}–${formatClock(timeline.toMs)} · peak ${timeline.peak}`
		: '';
	const rows: React.JSX.Element[] = [];
	if (session && layout && output.protocol !== null) {
		for (let start = 0; start < images.length; start += layout.across) {
			const row = images.slice(start, start + layout.across);
			rows.push(
				<Box key={`r${start}`} flexDirection="row" height={layout.cellRows}>
					{row.map((image, i) => (
						<Box key={image.name} marginRight={i < row.length - 1 ? layout.gap : 0}>
							<Thumbnail
								thumb={state.previews.thumbs.get(
									thumbKey(image.name, layout.cellCols, layout.cellRows),
								)}
								thumbId={`${session.sessionId}/${image.name}`}
								cols={layout.cellCols}
								rows={layout.cellRows}
								theme={theme}
							/>
						</Box>
					))}
				</Box>,
			);
			rows.push(
				<Box key={`c${start}`} flexDirection="row" height={CAPTION_ROWS}>
					{row.map((image, i) => (
						<Box key={image.name} width={layout.cellCols} marginRight={i < row.length - 1 ? layout.gap : 0}>
							<Text
								wrap="truncate-end"
								{...theme.style(start + i === state.previews.sheetFocus ? 'selected' : 'dim')}
							>
								{fitToWidth(captionOf(image, layout.cellCols), layout.cellCols)}
							</Text>
						</Box>
					))}
				</Box>,
			);
		}
	} else if (session && output.protocol === null) {
		// No image bytes: the captions alone, one per line.
		for (const [i, image] of images.slice(0, plan.rows - 1).entries()) {
			rows.push(
				<Line
					key={image.name}
					theme={theme}
					segments={[
						{
							text: truncateToWidth(`${image.name}  ${image.caption}`, plan.cols),
							role: i === state.previews.sheetFocus ? 'selected' : 'dim',
						},
					]}
				/>,
			);
		}
	}
	return (
		<Pane
			width={plan.cols}
			height={plan.rows}
			theme={theme}
			lines={[
				[
					{text: truncateToWidth(title, plan.cols), role: 'header'},
					{text: truncateToWidth(chart, Math.max(0, plan.cols - title.length)), role: 'accent'},
				],
			]}
		>
			{rows}
		</Pane>
	);
}

function captionOf(image: PreviewImageInfo, width: number): string {
	return [...image.caption].length <= width ? image.caption : image.shortCaption;
}

/** The combination grid: one dimension across, one down, the rest paged; holes drawn with their values. */
export function GridView({state, width, height, theme}: PaneProps): React.JSX.Element {
	const plan = gridPlan(state);
	if (!plan) return <StillReading height={height} />;
	const {page, session, cell} = plan;
	const {x: cx, y: cy} = state.previews.grid;
	const title = page
		? `${page.across.name} across${page.down ? `, ${page.down.name} down` : ''} · ${page.present} of ${page.total} present${page.pageCount > 1 ? ` · page ${page.page + 1}/${page.pageCount}: ${page.pageLabel}` : ''}`
		: `${session.images.length} images (no placeholders in the manifest: in time order)`;
	const lines: React.JSX.Element[] = [
		<Line key="t" theme={theme} segments={[{text: truncateToWidth(sanitizeLine(title), width), role: 'title'}]} />,
	];
	if (page) {
		const header =
			' '.repeat(plan.labelWidth + 1) +
			Array.from({length: plan.across}, (_, i) =>
				fitToWidth(sanitizeLine(page.across.values[plan.x0 + i] ?? ''), cell.cols),
			).join(' ');
		lines.push(<Line key="h" theme={theme} segments={[{text: truncateToWidth(header, width), role: 'header'}]} />);
	}
	for (let y = plan.y0; y < plan.y0 + plan.down; y++) {
		lines.push(
			<Box key={`row${y}`} flexDirection="row" height={cell.rows}>
				<Box width={plan.labelWidth + 1}>
					<Text wrap="truncate-end" {...theme.style('header')}>
						{page?.down ? fitToWidth(sanitizeLine(page.down.values[y] ?? ''), plan.labelWidth) : ''}
					</Text>
				</Box>
				{Array.from({length: plan.across}, (_, i) => {
					const x = plan.x0 + i;
					const index = gridImageAt(plan, x, y);
					const image = index === null ? undefined : session.images[index];
					const values = page ? page.cell(x, y).values.join(' · ') : '';
					return (
						<Box key={x} marginRight={1} width={cell.cols}>
							{image ? (
								<Thumbnail
									thumb={state.previews.thumbs.get(thumbKey(image.name, cell.cols, cell.rows))}
									thumbId={`${session.sessionId}/${image.name}`}
									cols={cell.cols}
									rows={cell.rows}
									theme={theme}
								/>
							) : (
								<Thumbnail
									thumb={undefined}
									thumbId=""
									cols={cell.cols}
									rows={cell.rows}
									theme={theme}
									empty={values}
								/>
							)}
						</Box>
					);
				})}
			</Box>,
		);
		lines.push(
			<Box key={`cap${y}`} flexDirection="row" height={1}>
				<Box width={plan.labelWidth + 1} />
				{Array.from({length: plan.across}, (_, i) => {
					const x = plan.x0 + i;
					const index = gridImageAt(plan, x, y);
					const image = index === null ? undefined : session.images[index];
					const focused = x === cx && y === cy;
					const text = image ? (image.seed !== null ? `#${image.seed}` : image.name) : '✗ missing';
					return (
						<Box key={x} marginRight={1} width={cell.cols}>
							<Text
								wrap="truncate-end"
								{...theme.style(focused ? 'selected' : image ? 'dim' : 'warning')}
							>
								{fitToWidth(focused ? `›${text}` : text, cell.cols)}
							</Text>
						</Box>
					);
				})}
			</Box>,
		);
	}
	return (
		<Pane width={width} height={height} theme={theme}>
			{lines}
		</Pane>
	);
}

function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** One image as large as the screen allows, its file name, size and manifest entry below it. */
export function ImageView({state, width, height, theme}: PaneProps): React.JSX.Element {
	const plan = imagePlan(state);
	if (!plan) return <StillReading height={height} />;
	const {image, session, index} = plan;
	const values = Object.entries(image.values)
		.map(([k, v]) => `${k}=${v}`)
		.join(' · ');
	const thumb = state.previews.thumbs.get(thumbKey(image.name, plan.cols, plan.rows, true));
	const prompt = state.previews.prompts.get(image.name);
	const info = [
		`${index + 1}/${session.images.length}  ${image.name}  ${formatBytes(image.size)}  ${new Date(image.mtimeMs).toISOString().replace('T', ' ').slice(0, 19)}`,
		`${values ? `values: ${values}` : 'values: (the manifest does not list this image)'}  ·  ${image.seed !== null ? `seed: ${image.seed}` : 'seed: (not recorded)'}`,
		prompt === undefined
			? 'prompt: …'
			: prompt.prompt !== null
				? `prompt: ${prompt.prompt}`
				: `prompt: (${prompt.reason ?? 'none recorded'})`,
		prompt?.negative ? `negative: ${prompt.negative}` : '',
	];
	return (
		<Pane width={width} height={height} theme={theme}>
			{state.previews.output.protocol === null ? (
				<Box height={plan.rows}>
					<Text {...theme.style('dim')}>(no pictures: colour is off or images are turned off)</Text>
				</Box>
			) : (
				<Thumbnail
					thumb={thumb}
					thumbId={`${session.sessionId}/${image.name}/full`}
					cols={plan.cols}
					rows={plan.rows}
					theme={theme}
				/>
			)}
			<Lines
				theme={theme}
				lines={info.map((text, i) => [
					{text: truncateToWidth(sanitizeLine(text), width), role: i === 0 ? 'header' : undefined},
				])}
			/>
		</Pane>
	);
}
