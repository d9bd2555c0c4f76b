/**
 * The help screen's lines: a section per mode, generated from the key table, then the query language (the one
 * text `sdstats --help` prints). The view draws them, the reducer bounds scrolling and jumps by their sections.
 */
import {QUERY_HELP} from '../../cli-help.js';
import {helpSections} from '../keys.js';
import type {Mode} from '../state/types.js';
import {fitToWidth, truncateToWidth} from '../../text/width.js';

/** A styled piece of a help line (the same shape the views' `Line` draws). */
export type HelpSegment = {text: string; role?: 'title' | 'key'};

export type HelpPage = {
	lines: HelpSegment[][];
	/** Where each section starts, in order; `mode` for the sections of the key table. */
	sections: Array<{title: string; mode: Mode | null; start: number}>;
};

const QUERY_TITLE = 'Filter language (/ and --filter)';

const pages = new Map<number, HelpPage>();

export function helpPage(width: number): HelpPage {
	const known = pages.get(width);
	if (known) return known;
	const lines: HelpSegment[][] = [];
	const sections: HelpPage['sections'] = [];
	for (const section of helpSections()) {
		if (lines.length > 0) lines.push([{text: ''}]);
		sections.push({title: section.title, mode: section.mode, start: lines.length});
		lines.push([{text: truncateToWidth(section.title, width), role: 'title'}]);
		for (const row of section.rows) {
			lines.push([
				{text: `  ${fitToWidth(row.keys, 16)} `, role: 'key'},
				{text: truncateToWidth(row.help, Math.max(4, width - 19))},
			]);
		}
	}
	lines.push([{text: ''}]);
	sections.push({title: QUERY_TITLE, mode: null, start: lines.length});
	lines.push([{text: truncateToWidth(QUERY_TITLE, width), role: 'title'}]);
	// The CLI's text, past its own title line: the same terms, one source.
	for (const text of QUERY_HELP.split('\n').slice(2)) {
		if (text.trim() === '') continue;
		lines.push([{text: truncateToWidth(text.replace(/^ {2}/, ''), width)}]);
	}
	pages.set(width, {lines, sections});
	return {lines, sections};
}

export function helpLines(width: number): HelpSegment[][] {
	return helpPage(width).lines;
}

/** The first line of the section of `mode` (0 when it has none). */
export function helpSectionStart(width: number, mode: Mode): number {
	return helpPage(width).sections.find((s) => s.mode === mode)?.start ?? 0;
}

/** The start of the next (`1`) or previous (`-1`) section from the line `from`; null when there is none. */
export function adjacentSection(width: number, from: number, step: 1 | -1): number | null {
	const starts = helpPage(width).sections.map((s) => s.start);
	if (step === 1) return starts.find((start) => start > from) ?? null;
	return [...starts].reverse().find((start) => start < from) ?? null;
}
