/**
 * The explorer's text search over its base list: every row's lower-case name in one string, and each row's model
 * and prompt as a number among the distinct ones. A word typed in the filter is then one native substring search
 * through all names and one search per distinct model and prompt, instead of three substring searches a row in
 * code the JIT had to warm first: at 100,000 rows the "o" of "forest", after an "f" that every model matched
 * (the name and prompt searches never reached), took 25-42 ms on the explorer's thread in the benchmark's first
 * run; through the index a word costs 1-2 ms.
 *
 * Made when the rows are loaded (makeSearchIndex; 10-30 ms at 100,000 rows), carried over when recomputed rows
 * are swapped in place (carrySearchIndex: names never change, models and prompts are numbered again for the
 * swapped rows only), and made again at the next word typed after rows were added, removed or reordered.
 */
import {wordMatches} from './query-match.js';
import type {SessionView} from './session-view.js';

/** Between two names: a NUL is in no file name; a word holding one is searched row by row (see wordHits). */
const SEPARATOR = '\u0000';

/** The distinct texts of one field, numbered in order of first sight. Shared by the indexes carried over. */
type Numbering = {texts: string[]; ids: Map<string, number>};

type SearchIndex = {
	/** Each row's nameLower followed by SEPARATOR, in base order. */
	names: string;
	/** Where each row's name starts in `names`; one more entry: the end. */
	nameStarts: Uint32Array;
	models: Numbering;
	modelOf: Uint32Array;
	prompts: Numbering;
	promptOf: Uint32Array;
};

/** One index per base list (lists are replaced, never changed). */
const indexes = new WeakMap<readonly SessionView[], SearchIndex>();

function idOf(numbering: Numbering, text: string): number {
	let id = numbering.ids.get(text);
	if (id === undefined) {
		id = numbering.texts.length;
		numbering.ids.set(text, id);
		numbering.texts.push(text);
	}
	return id;
}

/** Makes the index of a base list (nothing when it has one). */
export function makeSearchIndex(base: readonly SessionView[]): void {
	if (indexes.has(base)) return;
	const n = base.length;
	const nameStarts = new Uint32Array(n + 1);
	const models: Numbering = {texts: [], ids: new Map()};
	const prompts: Numbering = {texts: [], ids: new Map()};
	const modelOf = new Uint32Array(n);
	const promptOf = new Uint32Array(n);
	// Appending makes one flat string faster than Array.prototype.join (7 ms against 31 at 100,000 names).
	let names = '';
	for (let k = 0; k < n; k++) {
		const view = base[k]!;
		nameStarts[k] = names.length;
		names += view.nameLower + SEPARATOR;
		modelOf[k] = idOf(models, view.modelLower);
		promptOf[k] = idOf(prompts, view.promptLower);
	}
	nameStarts[n] = names.length;
	// Appending built a tree of 100,000 pieces, which V8 flattens at its first search: now, not at the first
	// letter typed (13 ms), and before a collection of the young generation copies the tree (measured: 40-60 ms
	// on the first keys after loading).
	names.charCodeAt(0);
	indexes.set(base, {names, nameStarts, models, modelOf, prompts, promptOf});
}

/**
 * Carries the index of `before` over to `after`, the same rows in the same order with some of them replaced
 * (recomputed rows swapped in place). A row whose name changed (never, for the same session) drops the index.
 */
export function carrySearchIndex(before: readonly SessionView[], after: readonly SessionView[]): void {
	const index = indexes.get(before);
	if (index === undefined || before.length !== after.length || indexes.has(after)) return;
	// The numbering is shared and only grows: once it holds many texts no row has any more (prompts recomputed in
	// place again and again), the index is made afresh at the next word instead.
	if (index.models.texts.length + index.prompts.texts.length > 2 * after.length + 64) return;
	let modelOf: Uint32Array | null = null;
	let promptOf: Uint32Array | null = null;
	for (let k = 0; k < after.length; k++) {
		const old = before[k]!;
		const next = after[k]!;
		if (old === next) continue;
		if (old.nameLower !== next.nameLower) return;
		if (old.modelLower !== next.modelLower)
			(modelOf ??= index.modelOf.slice())[k] = idOf(index.models, next.modelLower);
		if (old.promptLower !== next.promptLower)
			(promptOf ??= index.promptOf.slice())[k] = idOf(index.prompts, next.promptLower);
	}
	indexes.set(after, {...index, modelOf: modelOf ?? index.modelOf, promptOf: promptOf ?? index.promptOf});
}

/**
 * Flags (1) each row of `base` whose name, model or prompt contains `needle` (already lower-case), as the query
 * language's plain word matches: `nameLower`, `modelLower` or `promptLower` includes it. Makes the index first
 * when the list has none.
 */
export function wordHits(base: readonly SessionView[], needle: string): Uint8Array {
	const n = base.length;
	const hits = new Uint8Array(n);
	if (needle === '' || needle.includes(SEPARATOR)) {
		for (let k = 0; k < n; k++) if (wordMatches(base[k]!, needle)) hits[k] = 1;
		return hits;
	}
	makeSearchIndex(base);
	const {names, nameStarts, models, modelOf, prompts, promptOf} = indexes.get(base)!;
	let row = 0;
	for (let at = names.indexOf(needle); at !== -1;) {
		while (nameStarts[row + 1]! <= at) row++;
		hits[row] = 1;
		// One hit a row is enough: go on from the next name.
		at = names.indexOf(needle, nameStarts[row + 1]!);
	}
	const modelHit = Uint8Array.from(models.texts, (text) => (text.includes(needle) ? 1 : 0));
	const promptHit = Uint8Array.from(prompts.texts, (text) => (text.includes(needle) ? 1 : 0));
	for (let k = 0; k < n; k++) hits[k] = hits[k]! | modelHit[modelOf[k]!]! | promptHit[promptOf[k]!]!;
	return hits;
}

/** Whether a base list has its index (tests: what a word typed over it will use). */
export function hasSearchIndex(base: readonly SessionView[]): boolean {
	return indexes.has(base);
}
