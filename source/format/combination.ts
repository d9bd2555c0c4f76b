/** One placeholder combination as text, the same in `sdstats show` and the explorer's details. */
import type {Int64} from '../core/types.js';
import {sanitizeLine} from '../text/sanitize.js';

/** `Hair=bob, Expression=smile (seed 1001)`, sanitized. */
export function formatCombination(values: Readonly<Record<string, string>>, seed?: Int64): string {
	const text = Object.entries(values)
		.map(([name, value]) => `${sanitizeLine(name)}=${sanitizeLine(value)}`)
		.join(', ');
	if (seed === undefined) return text || '(no placeholders)';
	return text ? `${text} (seed ${seed})` : `seed ${seed}`;
}
