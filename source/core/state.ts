/**
 * A session's state is derived when it is read, because it depends on the clock: a run that writes nothing
 * for longer than the stall window stops being `running` and becomes `stalled` without any recompute.
 */
import type {Int64, ManifestState, SessionState, StoredSession} from './types.js';

export const DEFAULT_STALL_WINDOW_MS = 10 * 60 * 1000;

/** Manifest statuses the generator writes while a run goes on: the one list (the live poll's SQL reads it too). */
export const ACTIVE_STATUSES: readonly string[] = ['ongoing', 'in_progress'];
const ACTIVE = new Set(ACTIVE_STATUSES);

/** Whether a manifest's status says the generator is still writing the session (running or, when idle, stalled). */
export function isActiveStatus(status: string | null): boolean {
	return status !== null && ACTIVE.has(status);
}

export type StateFacts = {
	manifestState: ManifestState;
	manifestStatus: string | null;
	imagesActual: number;
	imagesExpected: Int64 | null;
	lastActivityMs: number | null;
};

export function deriveState(facts: StateFacts, nowMs: number, stallWindowMs = DEFAULT_STALL_WINDOW_MS): SessionState {
	if (facts.manifestState === 'missing') return 'no_manifest';
	if (facts.manifestState === 'unreadable') return 'unreadable';
	const actual = BigInt(facts.imagesActual);
	const expected = facts.imagesExpected === null ? 0n : BigInt(facts.imagesExpected);
	const complete = expected > 0n && actual === expected;
	if (isActiveStatus(facts.manifestStatus)) {
		const idle = facts.lastActivityMs === null ? Number.POSITIVE_INFINITY : nowMs - facts.lastActivityMs;
		return idle <= stallWindowMs ? 'running' : 'stalled';
	}
	if (facts.manifestStatus === 'aborted' && !complete) return 'aborted';
	if (complete) return 'complete';
	if (expected > 0n && actual > expected) return 'over';
	if (actual === 0n) return 'empty';
	return 'partial';
}

/** States that mean "this run did not produce what it planned" — the explorer's triage set. */
export const INCOMPLETE_STATES: ReadonlySet<SessionState> = new Set([
	'partial',
	'stalled',
	'aborted',
	'empty',
	'running',
]);

/** A stored row's state as of `nowMs`. */
export function stateOf(
	row: Pick<
		StoredSession,
		'manifest_state' | 'sd_model' | 'images_expected' | 'manifest_status' | 'images_actual' | 'last_activity_ms'
	>,
	nowMs: number,
	stallWindowMs: number,
): SessionState {
	return deriveState(
		{
			// A row another tool wrote without our bookkeeping: judge it by what the row says.
			manifestState:
				row.manifest_state ?? (row.sd_model === null && row.images_expected === null ? 'missing' : 'ok'),
			manifestStatus: row.manifest_status,
			imagesActual: row.images_actual,
			imagesExpected: row.images_expected,
			lastActivityMs: row.last_activity_ms,
		},
		nowMs,
		stallWindowMs,
	);
}
