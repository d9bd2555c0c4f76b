/** One terminal line made of styled segments. Text is already sanitized and fitted; this only renders it. */
import React from 'react';
import {Text} from 'ink';
import type {Role, Theme} from '../theme.js';

export type Segment = {text: string; role?: Role | undefined};

export function Line({
	segments,
	theme,
	role,
}: {
	segments: readonly Segment[];
	theme: Theme;
	role?: Role | undefined;
}): React.JSX.Element {
	return (
		<Text wrap="truncate-end" {...theme.style(role)}>
			{segments.every((s) => s.text === '')
				? ' '
				: segments.map((s, i) =>
						s.role ? (
							<Text key={i} {...theme.style(s.role)}>
								{s.text}
							</Text>
						) : (
							s.text
						),
					)}
		</Text>
	);
}

export function Lines({
	lines,
	theme,
}: {
	lines: ReadonlyArray<readonly Segment[] | string>;
	theme: Theme;
}): React.JSX.Element {
	return (
		<>
			{lines.map((line, i) => (
				<Line key={i} theme={theme} segments={typeof line === 'string' ? [{text: line}] : line} />
			))}
		</>
	);
}
