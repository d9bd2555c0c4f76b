/**
 * The triage slice: favourite, test, complete, rating, tags and notes (the web UI's session_metadata), resolved
 * against the targets into a `triageRequest` the triage hook writes; undo; and exports (`exportRequest`).
 */
import type {TriagePatch} from '../../store/metadata-repository.js';
import {updateRows} from './list.js';
import {openOverlay} from './overlays.js';
import {targetsOf} from './selectors.js';
import type {ExplorerState, TriageAction, TriageIntent, TriageRequest} from './types.js';

export const READONLY_MESSAGE = 'the database is read-only: triage is off';

const FLAG_FIELD = {favorite: 'is_favorite', test: 'is_test', complete: 'is_complete'} as const;
const FLAG_LABEL = {favorite: '★ favourite', test: 'test', complete: 'complete'} as const;

/** Resolves a key's intent against the targets: a toggle sets when any target lacks it, clears when all have it. */
export function triage(state: ExplorerState, intent: TriageIntent): ExplorerState {
	if (state.info.readonly) return {...state, message: READONLY_MESSAGE};
	// One change at a time: the next waits until the pending one has landed or failed (each is undone alone).
	if (state.triageRequest)
		return {
			...state,
			message: `a change is still being saved (${state.triageRequest.label}); try again when it lands`,
		};
	const targets = targetsOf(state);
	if (targets.length === 0) return {...state, message: 'no session selected'};
	const count = targets.length === 1 ? '1 session' : `${targets.length} sessions`;
	let patch: TriagePatch;
	let label: string;
	switch (intent.kind) {
		case 'toggle': {
			const all = targets.every((v) => v.triage[intent.flag]);
			patch = {kind: 'flag', field: FLAG_FIELD[intent.flag], value: all ? 0 : 1};
			label = `${all ? 'cleared' : 'set'} ${FLAG_LABEL[intent.flag]} on ${count}`;
			break;
		}
		case 'rating':
			patch = {kind: 'rating', value: intent.value};
			label = intent.value === null ? `cleared the rating of ${count}` : `rated ${count} ${intent.value}`;
			break;
		case 'tag': {
			const tag = intent.tag.trim();
			if (tag === '') return {...state, message: 'no tag given'};
			const all = targets.every((v) => v.triage.tags.includes(tag));
			patch = {kind: 'tag', tag, present: !all};
			label = `${all ? 'removed' : 'added'} tag ${tag} ${all ? 'from' : 'to'} ${count}`;
			break;
		}
		case 'note':
			patch = {kind: 'note', value: intent.value};
			label =
				intent.value === null || intent.value.trim() === '' ? `cleared the note of ${count}` : `noted ${count}`;
			break;
	}
	const request: TriageRequest = {
		id: state.nextRequestId,
		kind: 'apply',
		label,
		targets: targets.map((v) => ({session_id: v.id, session_path: v.row.session_path})),
		patch,
	};
	return {...state, triageRequest: request, nextRequestId: state.nextRequestId + 1};
}

export function triageReducer(state: ExplorerState, action: TriageAction): ExplorerState {
	const s = state;
	switch (action.type) {
		case 'triage':
			return triage(s, action.intent);
		case 'triage-applied': {
			if (s.triageRequest?.id !== action.requestId) return s;
			const done = {...s, triageRequest: null, tagsInUse: action.tags.length > 0 ? action.tags : s.tagsInUse};
			if (action.error) return {...done, message: `triage failed, not saved: ${action.error}`};
			const undo = action.snapshots
				? [...s.undo, {label: action.label, snapshots: action.snapshots}].slice(-50)
				: s.undo;
			return {...updateRows(done, action.rows, [], s.nowMs), undo, message: action.label};
		}
		case 'triage-locked': {
			if (s.triageRequest?.id !== action.requestId) return s;
			return {
				...s,
				message: `saving (${s.triageRequest.label}): session_metadata is locked by another program (the web UI?); retrying, keys still work`,
			};
		}
		case 'undo': {
			if (s.triageRequest)
				return {...s, message: `a change is still being saved (${s.triageRequest.label}); undo when it lands`};
			const last = s.undo.at(-1);
			if (!last) return {...s, message: 'nothing to undo'};
			const request: TriageRequest = {
				id: s.nextRequestId,
				kind: 'restore',
				label: `undone: ${last.label}`,
				snapshots: last.snapshots,
			};
			return {...s, undo: s.undo.slice(0, -1), triageRequest: request, nextRequestId: s.nextRequestId + 1};
		}
		case 'triage-stale':
			return s.triageProblem === action.problem ? s : {...s, triageProblem: action.problem};
		case 'tags-loaded':
			return {...s, tagsInUse: action.tags};
		case 'export-open':
			return openOverlay(s, 'export');
		case 'export-choose': {
			const ids =
				s.marks.size > 0 ? s.shown.filter((v) => s.marks.has(v.id)).map((v) => v.id) : s.shown.map((v) => v.id);
			if (ids.length === 0) return {...s, mode: s.previousMode, message: 'nothing to export'};
			return {
				...s,
				mode: s.previousMode,
				exportRequest: {id: s.nextRequestId, format: action.format, sessionIds: ids},
				nextRequestId: s.nextRequestId + 1,
			};
		}
		case 'export-done':
			return {...s, exportRequest: null, message: action.message};
	}
}
