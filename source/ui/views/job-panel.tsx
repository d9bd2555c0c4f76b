/** The recompute progress panel: done/total, rate, ETA, the current session and errors. */
import React from 'react';
import {Box} from 'ink';
import type {JobStatus} from '../state/types.js';
import type {Theme} from '../theme.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {truncateToWidth} from '../../text/width.js';
import {formatSpan} from '../model/details.js';
import {Line} from './line.js';

export function progressLine(job: JobStatus): string {
	const elapsed = Math.max(0.001, (job.updatedAtMs - job.startedAtMs) / 1000);
	const rate = job.done / elapsed;
	const eta = rate > 0 ? formatSpan(((job.total - job.done) / rate) * 1000) : '…';
	const percent = job.total > 0 ? Math.floor((job.done / job.total) * 100) : 0;
	const head = job.cancelling ? 'Cancelling' : 'Recomputing';
	return `${head} ${job.label}: ${job.done}/${job.total} (${percent}%) · ${rate.toFixed(rate < 10 ? 1 : 0)}/s · ETA ${eta}${job.cancelling ? '' : ' · Esc cancels'}`;
}

export function JobPanel({job, width, theme}: {job: JobStatus; width: number; theme: Theme}): React.JSX.Element {
	const current = job.current ? `now: ${sanitizeLine(job.current)}` : '';
	const errors =
		job.errors > 0 ? `${job.errors} unreadable${job.lastError ? `: ${sanitizeLine(job.lastError)}` : ''}` : '';
	return (
		<Box flexDirection="column">
			<Line theme={theme} segments={[{text: truncateToWidth(progressLine(job), width), role: 'accent'}]} />
			<Line
				theme={theme}
				segments={[
					{
						text: truncateToWidth([current, errors].filter(Boolean).join(' · '), width),
						role: errors ? 'warning' : 'dim',
					},
				]}
			/>
		</Box>
	);
}
