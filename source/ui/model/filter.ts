/** The structured filter the `/` input, the `i` preset and the filter pane edit, and how a row is matched. */
import type {SessionState} from '../../core/types.js';
import type {SessionView} from './session-view.js';

export type Tristate = 'any' | 'yes' | 'no';

export type Filter = {
	/** Free text over name, model and prompt (case-insensitive). */
	text: string;
	/** Empty: every state. */
	states: ReadonlySet<SessionState>;
	model: string | null;
	mode: string | null;
	sweep: Tristate;
	completionMin: number | null;
	completionMax: number | null;
	/** `YYYY-MM-DD`, inclusive. */
	createdFrom: string | null;
	createdTo: string | null;
	/** The `i` preset: only sessions that did not produce what they planned. */
	incompleteOnly: boolean;
};

export const EMPTY_FILTER: Filter = {
	text: '',
	states: new Set(),
	model: null,
	mode: null,
	sweep: 'any',
	completionMin: null,
	completionMax: null,
	createdFrom: null,
	createdTo: null,
	incompleteOnly: false,
};

export function isFilterActive(filter: Filter): boolean {
	return describeFilter(filter) !== '';
}

/** Compiles a filter into one predicate, so the per-row test does no setup work. */
export function compileFilter(filter: Filter): (view: SessionView) => boolean {
	const tests: Array<(view: SessionView) => boolean> = [];
	const text = filter.text.trim().toLowerCase();
	if (text) {
		// Every word must appear somewhere (name, model or prompt).
		const words = text.split(/\s+/);
		tests.push((v) => words.every((w) => v.haystack.includes(w)));
	}
	if (filter.incompleteOnly) tests.push((v) => v.incomplete);
	if (filter.states.size > 0) tests.push((v) => filter.states.has(v.state));
	if (filter.model !== null) tests.push((v) => v.model === filter.model);
	if (filter.mode !== null) tests.push((v) => v.mode === filter.mode);
	if (filter.sweep !== 'any') {
		const wanted = filter.sweep === 'yes' ? 1 : 0;
		tests.push((v) => v.row.is_seed_sweep === wanted);
	}
	if (filter.completionMin !== null) {
		const min = filter.completionMin;
		tests.push((v) => v.completion >= min);
	}
	if (filter.completionMax !== null) {
		const max = filter.completionMax;
		tests.push((v) => v.completion <= max);
	}
	if (filter.createdFrom !== null) {
		const from = filter.createdFrom;
		tests.push((v) => v.created !== '' && v.created.slice(0, 10) >= from);
	}
	if (filter.createdTo !== null) {
		const to = filter.createdTo;
		tests.push((v) => v.created !== '' && v.created.slice(0, 10) <= to);
	}
	if (tests.length === 0) return () => true;
	if (tests.length === 1) return tests[0]!;
	return (v) => tests.every((t) => t(v));
}

/** A short human description for the status line: `text "pony" · state partial,stalled · completion ≤ 80`. */
export function describeFilter(filter: Filter): string {
	const parts: string[] = [];
	if (filter.text.trim()) parts.push(`"${filter.text.trim()}"`);
	if (filter.incompleteOnly) parts.push('incomplete');
	if (filter.states.size > 0) parts.push(`state ${[...filter.states].join(',')}`);
	if (filter.model !== null) parts.push(`model ${filter.model}`);
	if (filter.mode !== null) parts.push(`mode ${filter.mode}`);
	if (filter.sweep !== 'any') parts.push(`sweep ${filter.sweep}`);
	if (filter.completionMin !== null && filter.completionMax !== null) parts.push(`completion ${filter.completionMin}–${filter.completionMax}`);
	else if (filter.completionMin !== null) parts.push(`completion ≥ ${filter.completionMin}`);
	else if (filter.completionMax !== null) parts.push(`completion ≤ ${filter.completionMax}`);
	if (filter.createdFrom !== null || filter.createdTo !== null) parts.push(`created ${filter.createdFrom ?? '…'}–${filter.createdTo ?? '…'}`);
	return parts.join(' · ');
}
