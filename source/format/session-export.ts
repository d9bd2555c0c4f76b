/**
 * Sessions as exported by `sdstats list --json | --csv` and by the explorer's `x`: the same rows in the same
 * order for the same filter and sort. CSV holds the explorer's columns with raw values; JSON holds every field.
 */
import type {SessionState, StoredSession} from '../core/types.js';
import {toSessionRecord} from '../core/session-model.js';
import {sanitizeLine} from '../text/sanitize.js';
import {csvLine} from './csv.js';
import {toJson} from './json.js';

export type ExportedSession = {row: StoredSession; state: SessionState};

/** The explorer's columns (created, name, model, state, images, completion, mode, sweep, size, steps, cfg, sampler, flags), raw. */
export const CSV_COLUMNS = [
	'session_created_at',
	'session_id',
	'sd_model',
	'state',
	'images_actual',
	'images_expected',
	'completion_percentage',
	'generation_mode',
	'is_seed_sweep',
	'width',
	'height',
	'steps',
	'cfg_scale',
	'sampler_name',
	'is_favorite',
	'is_test',
	'is_complete',
	'user_rating',
	'tags',
] as const;

/** CSV lines; `forTerminal` makes text cells inert when they go to a terminal rather than a file or pipe. */
export function sessionsCsv(sessions: readonly ExportedSession[], forTerminal = false): string[] {
	const lines = [CSV_COLUMNS.join(',')];
	for (const {row, state} of sessions) {
		const record = toSessionRecord(row, state) as unknown as Record<string, unknown>;
		lines.push(
			csvLine(
				CSV_COLUMNS.map((column) => {
					const value = column === 'tags' ? (record.tags as string[]).join(' ') : record[column];
					return forTerminal && typeof value === 'string' ? sanitizeLine(value) : value;
				}),
			),
		);
	}
	return lines;
}

export function sessionsJson(sessions: readonly ExportedSession[]): string {
	return toJson(sessions.map(({row, state}) => toSessionRecord(row, state)));
}
