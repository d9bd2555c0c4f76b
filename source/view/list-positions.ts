/**
 * Where each row of a list made from a base list (a sort of it, a filter of that) sits in the base list. The
 * explorer's base list holds its 100,000 rows in about the order they were made in memory; a sort scatters them,
 * and a filter that reads each row in sorted order missed the processor's cache on most rows (a filter keystroke
 * over a list sorted by completion took twice as long as over the base list). With the positions a filter reads
 * the rows in base order and keeps them in the list's own order (see filterList in filter.ts).
 *
 * Lists are never changed in place, so a list's positions hold for as long as the list lives.
 */
type Positions = {readonly base: readonly unknown[]; readonly at: Uint32Array};

const positionsByList = new WeakMap<readonly unknown[], Positions>();

/** Records that `list[i]` is `base[at[i]]` for every i. */
export function notePositions(list: readonly unknown[], base: readonly unknown[], at: Uint32Array): void {
	positionsByList.set(list, {base, at});
}

/** The positions of `list`'s rows in `base`, when recorded against that very base list; else null. */
export function positionsIn(list: readonly unknown[], base: readonly unknown[]): Uint32Array | null {
	const found = positionsByList.get(list);
	return found !== undefined && found.base === base ? found.at : null;
}

/** 0, 1, 2, …: the positions of a list in the base's own order. */
export function inOrder(length: number): Uint32Array {
	const at = new Uint32Array(length);
	for (let i = 0; i < length; i++) at[i] = i;
	return at;
}
