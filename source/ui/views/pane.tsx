/**
 * The one layout of the body's views: a column exactly `height` rows tall (and `width` wide when given), whose
 * lines of styled segments come first, then any other children (thumbnails, rows with their own keys). Every
 * pane, the list, the details and the pictures are drawn in it, so they fill and clip the body alike.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {ExplorerState} from '../state/types.js';
import type {Theme} from '../theme.js';
import {truncateToWidth} from '../../text/width.js';
import {Lines, type Segment} from './line.js';

/** What every view of the body is given: the state, the box it fills, the colours. */
export type PaneProps = {state: ExplorerState; width: number; height: number; theme: Theme};

export function Pane({
	width,
	height,
	theme,
	lines = [],
	children,
}: {
	width?: number;
	height: number;
	theme: Theme;
	lines?: ReadonlyArray<readonly Segment[]>;
	children?: React.ReactNode;
}): React.JSX.Element {
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Lines lines={lines} theme={theme} />
			{children}
		</Box>
	);
}

/** Plain text lines fitted to `width`, the first one the title (the recompute and export questions). */
export function titledText(texts: readonly string[], width: number): Segment[][] {
	return texts.map((text, i) => [{text: truncateToWidth(text, width), role: i === 0 ? 'title' : undefined}]);
}

/** Shows `height` lines of `lines` starting near `focus` so the focused line stays visible. */
export function windowAround<T>(lines: readonly T[], focus: number, height: number): {slice: T[]; offset: number} {
	const offset = Math.max(0, Math.min(focus - Math.floor(height / 2), lines.length - height));
	return {slice: lines.slice(offset, offset + height), offset};
}

/** What the pictures show until the session's images are read. */
export function StillReading({height}: {height: number}): React.JSX.Element {
	return (
		<Box height={height}>
			<Text>the images are still being read…</Text>
		</Box>
	);
}
