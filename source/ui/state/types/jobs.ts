/** Recompute requests and progress, and the jobs slice's actions (state/jobs.ts). */

/** What the user asked to recompute; the app's job hook starts it and clears the request. */
export type JobRequest =
	{id: number; scope: 'sessions'; sessionIds: string[]} | {id: number; scope: 'stale'} | {id: number; scope: 'all'};

export type JobStatus = {
	requestId: number;
	label: string;
	done: number;
	total: number;
	current: string | null;
	startedAtMs: number;
	updatedAtMs: number;
	errors: number;
	lastError: string | null;
	cancelling: boolean;
};
/** Recomputes: asking, confirming, progress, the disk's stale check, quitting (state/jobs.ts). */
export type JobAction =
	| {type: 'recompute-selection'}
	| {type: 'confirm-open'}
	| {type: 'confirm-choose'; scope: 'stale' | 'all'}
	| {type: 'job-request-taken'}
	| {type: 'job-started'; requestId: number; label: string; total: number; startedAtMs: number}
	| {
			type: 'job-progress';
			done: number;
			total: number;
			current: string | null;
			errors: number;
			lastError: string | null;
			nowMs: number;
	  }
	| {type: 'job-finished'; message: string}
	| {
			type: 'stale-checked';
			stale: readonly string[];
			newOnDisk: readonly string[];
			rootProblem?: string | undefined;
			rootProblems?: Readonly<Record<string, string>> | undefined;
	  }
	| {type: 'message'; text: string | null}
	| {type: 'quit'}
	| {type: 'interrupt'};
