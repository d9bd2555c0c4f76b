/** What the action commands (archive, trash, undo) receive beyond the common options, and their progress line. */
import path from 'node:path';
import {formatBytes} from '../core/bytes.js';
import type {ActionProgress} from '../jobs/actions/run-action.js';
import {sanitizeLine} from '../text/sanitize.js';
import {truncateToWidth} from '../text/width.js';
import type {CommonOptions} from '../common-options.js';
import type {OutputStream} from '../io.js';

export type ActionCommandOptions = CommonOptions & {
	/** The user's state folder (the action journal, the remembered archive folder). */
	stateDir: string;
	env: Readonly<{[key: string]: string | undefined}>;
	dryRun: boolean;
	yes: boolean;
	/** Asks a yes/no question on the terminal; absent without one. */
	ask?: (question: string) => Promise<boolean>;
	cancel: {cancelled: boolean};
	/**
	 * On a terminal: from the moment folders start to move, Esc (and Ctrl-C, as a key) stops after the current
	 * session. Returns what stops watching (the terminal is given back as it was).
	 */
	watchStopKeys?: () => () => void;
};

/** Where sdstats looks for the database of a root by default (as config.ts does): `<root>/../metadata/sessions.db`. */
export function defaultLocationsDbPath(root: string): string {
	return path.join(path.dirname(path.resolve(root)), 'metadata', 'sessions.db');
}

/** A live line on a terminal (sessions, bytes, MB/s, the one moving); nothing in a log. */
export function actionProgress(
	stream: OutputStream,
	now: () => number,
	/** The keys the line names for stopping. */
	stopKeys = 'Ctrl-C',
): {update(p: ActionProgress): void; finish(): void} {
	const started = now();
	let last = 0;
	let drawn = false;
	return {
		update(p) {
			if (stream.isTTY !== true) return;
			const t = now();
			if (t - last < 100 && p.sessionId !== null) return;
			last = t;
			const seconds = Math.max(0.001, (t - started) / 1000);
			const rate = p.bytesDone / seconds / 1e6;
			const line = `${p.done}/${p.total} sessions · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} · ${rate.toFixed(1)} MB/s${p.sessionId ? ` · ${sanitizeLine(p.sessionId)}` : ''} · ${stopKeys} stops after this session`;
			stream.write(`\r\u001B[2K${truncateToWidth(line, Math.max(20, (stream.columns ?? 80) - 1))}`);
			drawn = true;
		},
		finish() {
			if (drawn) stream.write('\r\u001B[2K');
		},
	};
}
