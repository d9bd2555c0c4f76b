/** The help screen's lines, generated from the key table (also used by the reducer to bound scrolling). */
import {helpSections} from '../keys.js';
import {fitToWidth, truncateToWidth} from '../../text/width.js';
import type {Segment} from './line.js';

export function helpLines(width: number): Segment[][] {
	const lines: Segment[][] = [];
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

