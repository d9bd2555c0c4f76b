/** Triage and export requests, and the triage slice's actions (state/triage.ts). */
import type {ListedSession} from '../../../core/types.js';
import type {TriagePatch, TriageSnapshot} from '../../../store/metadata-repository.js';

/** What a triage key means, before it is resolved against the targets' current values. */
export type TriageIntent =
	| {kind: 'toggle'; flag: 'favorite' | 'test' | 'complete'}
	| {kind: 'rating'; value: 'like' | 'dislike' | null}
	| {kind: 'tag'; tag: string}
	| {kind: 'note'; value: string | null};

/** A triage write the app's effect performs (the store API's patch, or an undo). */
export type TriageRequest =
	| {
			id: number;
			kind: 'apply';
			label: string;
			targets: Array<{session_id: string; session_path: string}>;
			patch: TriagePatch;
	  }
	| {id: number; kind: 'restore'; label: string; snapshots: TriageSnapshot[]};

export type ExportRequest = {id: number; format: 'csv' | 'json'; sessionIds: string[]};
/** Triage flags, tags, notes, undo, and exports (state/triage.ts). */
export type TriageAction =
	| {type: 'triage'; intent: TriageIntent}
	| {
			type: 'triage-applied';
			requestId: number;
			label: string;
			snapshots: TriageSnapshot[] | null;
			rows: readonly ListedSession[];
			error: string | null;
			tags: readonly string[];
	  }
	/** The triage write found the file locked by another program: it is retried, and the wait is shown. */
	| {type: 'triage-locked'; requestId: number}
	/** The triage shown may be stale (its file locked by another program; see ui/data/triage-reads.ts), or is fresh again. */
	| {type: 'triage-stale'; problem: string | null}
	| {type: 'undo'}
	| {type: 'tags-loaded'; tags: readonly string[]}
	| {type: 'export-open'}
	| {type: 'export-choose'; format: 'csv' | 'json'}
	| {type: 'export-done'; message: string};
