/** Editing a query term by term, as the filter pane does: each pane row owns the positive terms of one field. */
import type {FieldValue, Query, QueryField, QueryTerm} from '../core/query.js';

type FieldTerm = Extract<QueryTerm, {kind: 'field'}>;

export function fieldTerms(
	query: Query,
	field: QueryField,
	accept: (t: FieldTerm) => boolean = () => true,
): FieldTerm[] {
	return query.terms.filter((t): t is FieldTerm => t.kind === 'field' && t.field === field && !t.negate && accept(t));
}

/**
 * Replaces the positive terms of `field` that `accept` picks with `value` (or removes them when null),
 * keeping every other term where it was.
 */
export function setField(
	query: Query,
	field: QueryField,
	value: FieldValue | null,
	accept: (t: FieldTerm) => boolean = () => true,
): Query {
	const terms: QueryTerm[] = [];
	let placed = false;
	for (const term of query.terms) {
		if (term.kind === 'field' && term.field === field && !term.negate && accept(term)) {
			if (value !== null && !placed) terms.push({kind: 'field', field, value, negate: false, start: term.start});
			placed = true;
			continue;
		}
		terms.push(term);
	}
	if (value !== null && !placed) terms.push({kind: 'field', field, value, negate: false, start: 0});
	return {terms};
}

/** A lower bound term (>, >=) of a numeric or date field. */
export const isLowerBound = (t: FieldTerm): boolean =>
	(t.value.type === 'compare' || t.value.type === 'date') && (t.value.op === '>' || t.value.op === '>=');
/** An upper bound term (<, <=). */
export const isUpperBound = (t: FieldTerm): boolean =>
	(t.value.type === 'compare' || t.value.type === 'date') && (t.value.op === '<' || t.value.op === '<=');
