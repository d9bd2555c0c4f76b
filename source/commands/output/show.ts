/** `sdstats show NAME`: every field of one session, one per line, for a person. */
import type {SessionRecord} from '../../core/session-model.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {toJson} from '../../format/json.js';

export function formatSessionDetails(record: SessionRecord): string[] {
	const entries = Object.entries(record);
	const width = Math.max(...entries.map(([key]) => key.length));
	return entries.map(([key, value]) => {
		const text = value === null ? '' : typeof value === 'string' ? value : toJson(value, '', '');
		return `${key.padEnd(width)}  ${sanitizeLine(text)}`;
	});
}
