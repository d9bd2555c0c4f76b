/** The archive/trash confirmation screen (the plan's lines, scrollable) and the progress text of a running action. */
import React from 'react';
import {formatBytes} from '../../core/bytes.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {truncateToWidth} from '../../text/width.js';
import type {ActionJob} from '../state/types.js';
import {Pane, type PaneProps} from './pane.js';

const QUESTION = {archive: 'Archive', trash: 'Move to the trash'} as const;

export function ActionConfirmPane({state, width, height, theme}: PaneProps): React.JSX.Element {
	const confirm = state.actionConfirm;
	const head: Array<{text: string; role?: 'title' | 'warning' | 'dim'}> = [];
	let body: string[] = [];
	if (!confirm) head.push({text: 'nothing to confirm', role: 'dim'});
	else {
		head.push({text: `${QUESTION[confirm.action]} ${confirm.scope}?`, role: 'title'});
		if (confirm.error) head.push({text: sanitizeLine(confirm.error), role: 'warning'});
		else if (confirm.planId === null) head.push({text: 'working out what would move…', role: 'dim'});
		else {
			body = [...confirm.lines];
			// Running sessions are left out unless asked: say how, with how many.
			const running =
				confirm.running > 0
					? ` · i: ${confirm.action === 'archive' ? 'archive' : 'trash'} the ${confirm.running} running one${confirm.running === 1 ? '' : 's'} too`
					: '';
			head.push({
				text:
					confirm.movable > 0
						? `y or Enter: do it · Esc or n: nothing moves · U afterwards takes it back${running}`
						: `nothing can move (see why below) · Esc${running}`,
				role: 'dim',
			});
		}
	}
	const room = Math.max(0, height - head.length - 1);
	const top = Math.max(0, Math.min(confirm?.scroll ?? 0, Math.max(0, body.length - room)));
	const visible = body.slice(top, top + room);
	const more = body.length - top - visible.length;
	return (
		<Pane
			height={height}
			theme={theme}
			lines={[
				...head.map((line) => [{text: truncateToWidth(line.text, width), role: line.role}]),
				[{text: ''}],
				...visible.map((text, i) => [
					{
						text: truncateToWidth(
							i === visible.length - 1 && more > 0 ? `… ${more} more lines (↓)` : text,
							width,
						),
						role: text.startsWith('  ') ? undefined : ('accent' as const),
					},
				]),
			]}
		/>
	);
}

/**
 * One part of the status line while folders move (sessions, bytes, speed, the one moving, how to stop) or a
 * resume plan is worked out (sessions read, the one being read, how to stop).
 */
export function actionProgressText(job: ActionJob): string {
	const parts = [`${job.cancelling ? 'stopping' : job.label}: ${job.done}/${job.total}`];
	if (job.counts === 'bytes') {
		const seconds = Math.max(0.001, (job.updatedAtMs - job.startedAtMs) / 1000);
		const rate = job.bytesDone / seconds / 1e6;
		parts.push(`${formatBytes(job.bytesDone)} of ${formatBytes(job.bytesTotal)}`, `${rate.toFixed(1)} MB/s`);
	} else parts[0] += ' sessions read';
	if (job.current) parts.push(sanitizeLine(job.current));
	if (!job.cancelling)
		parts.push(job.counts === 'bytes' ? 'Esc stops after this session' : 'Esc stops (nothing is written)');
	return parts.join(' · ');
}
