/** The help screen's lines, generated from the key table: the view draws them, the reducer bounds scrolling by them. */
import {helpSections} from '../keys.js';
import {fitToWidth, truncateToWidth} from '../../text/width.js';

/** A styled piece of a help line (the same shape the views' `Line` draws). */
export type HelpSegment = {text: string; role?: 'title' | 'key'};

export function helpLines(width: number): HelpSegment[][] {
	const lines: HelpSegment[][] = [];
	for (const section of helpSections()) {
		if (lines.length > 0) lines.push([{text: ''}]);
		lines.push([{text: truncateToWidth(section.title, width), role: 'title'}]);
		for (const row of section.rows) {
			lines.push([
				{text: `  ${fitToWidth(row.keys, 16)} `, role: 'key'},
				{text: truncateToWidth(row.help, Math.max(4, width - 19))},
			]);
		}
	}
	return lines;
}

