/** `sdstats show NAME`: every field of one session, one per line, for a person. */
import type {SessionRecord} from '../../core/session-model.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {toJson} from '../../format/json.js';
import {describeFieldSource} from '../../core/sources.js';

/**
 * Values that did not come from manifest.json say where they came from, after the value
 * (`sd_model  illustriousXL_v01  (from the images' parameters, 10 of 10 agree)`); what could not be read
 * follows the fields.
 */
export function formatSessionDetails(record: SessionRecord): string[] {
	const {sources, source_notes: notes, ...fields} = record;
	const entries = Object.entries(fields);
	const width = Math.max(...entries.map(([key]) => key.length));
	const lines = entries.map(([key, value]) => {
		const text = value === null ? '' : typeof value === 'string' ? value : toJson(value, '', '');
		const source = sources[key];
		const note = source && source.from !== 'manifest' ? `  (${describeFieldSource(source)})` : '';
		return `${key.padEnd(width)}  ${sanitizeLine(text)}${sanitizeLine(note)}`;
	});
	if (notes.length > 0) {
		lines.push('', 'about the sources:');
		for (const note of notes) lines.push(`  ${sanitizeLine(note)}`);
	}
	return lines;
}
