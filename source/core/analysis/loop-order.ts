/**
 * The order in which the generator nests its loops over the placeholders, read back from a manifest.
 *
 * The generator (templating/generators/generator.py) takes the placeholders in the order they first appear in the
 * template's prompt, keeps those whose weight (`{Name[$W]}`, default 1) is above 0 and stable-sorts them by weight:
 * the first is the outermost loop. Placeholders of weight 0 (or below) are not looped over: each image gets a
 * value picked at random. Every `images[].applied_variations` is written in exactly that key order (looped
 * placeholders first, then the random ones), so the manifest says the order three ways, most reliable first:
 *
 * 1. the key order of the first `applied_variations` naming a placeholder of the snapshot;
 * 2. the order of first appearance of `{Placeholder}` in `snapshot.resolved_template.prompt`, sorted by weight;
 * 3. the key order of `snapshot.variations` (the template's imports: often NOT the loop order).
 *
 * Placeholders a source does not name keep their place from the next source. Pure.
 */

/** Python's `\w` on text: letters, numbers, underscore. */
const WORD = String.raw`[\p{L}\p{N}_]+`;
/** The generator's `_apply_selectors` pattern: `{Name}` or `{Name[selectors]}` (not `{Name:part}`). */
const PLACEHOLDER = new RegExp(String.raw`\{(${WORD})(?:\[([^\]]+)\])?\}`, 'gu');
/** The resolver's `extract_weights` pattern: also `{Name:part}`, whose weight is the default. */
const WEIGHTED = new RegExp(String.raw`\{(${WORD})(?:\[([^\]]+)\])?(?::${WORD})?\}`, 'gu');
/** What Python's `int()` accepts for a weight (blanks, a sign, underscores between digits). */
const INTEGER = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

export type LoopOrder = {
	/** Every snapshot placeholder, outermost loop first; the random-per-image ones (if known) last. */
	readonly names: readonly string[];
	/** Placeholders the prompt gives a weight of 0 or less: a random value per image, not a loop. */
	readonly randomPerImage: readonly string[];
	/** Which source fixed the order of the looped placeholders. */
	readonly source: 'applied_variations' | 'prompt' | 'variations';
};

/** A selector's weight as the resolver parses it: the last valid `$W` part wins, else 1. */
function selectorWeight(selector: string | undefined): number {
	if (selector === undefined) return 1;
	let weight = 1;
	for (const raw of selector.split(';')) {
		const part = raw.trim();
		if (!part.startsWith('$')) continue;
		const digits = part.slice(1);
		if (INTEGER.test(digits)) weight = Number(digits.replaceAll('_', ''));
	}
	return weight;
}

/** The placeholders of a prompt in the generator's variation-state order, and the weight-0 ones. */
export function promptLoopOrder(prompt: string): {looped: string[]; randomPerImage: string[]} {
	const weights = new Map<string, number>();
	// A later occurrence overwrites the weight of an earlier one, as the resolver's dict does.
	for (const match of prompt.matchAll(WEIGHTED)) weights.set(match[1]!, selectorWeight(match[2]));
	const firstSeen: string[] = [];
	const seen = new Set<string>();
	for (const match of prompt.matchAll(PLACEHOLDER)) {
		const name = match[1]!;
		if (seen.has(name)) continue;
		seen.add(name);
		firstSeen.push(name);
	}
	const looped = firstSeen.filter((name) => (weights.get(name) ?? 1) > 0);
	// Array.prototype.sort is stable: equal weights keep their order of appearance, as Python's sort does.
	looped.sort((a, b) => (weights.get(a) ?? 1) - (weights.get(b) ?? 1));
	return {looped, randomPerImage: firstSeen.filter((name) => (weights.get(name) ?? 1) <= 0)};
}

/**
 * The loop order of a session. `snapshotNames`: `snapshot.variations` keys in order; `appliedKeys`: the key
 * order of the first `applied_variations` with keys (null when no entry has one); `prompt`:
 * `snapshot.resolved_template.prompt` when it is text.
 */
export function loopOrder(
	snapshotNames: readonly string[],
	appliedKeys: readonly string[] | null,
	prompt: string | null,
): LoopOrder {
	const known = new Set(snapshotNames);
	const fromPrompt = prompt === null ? null : promptLoopOrder(prompt);
	const randomPerImage = (fromPrompt?.randomPerImage ?? []).filter((name) => known.has(name));
	const applied = (appliedKeys ?? []).filter((name) => known.has(name));
	const names: string[] = [];
	const placed = new Set<string>();
	const place = (list: readonly string[]): void => {
		for (const name of list) {
			if (placed.has(name) || !known.has(name)) continue;
			placed.add(name);
			names.push(name);
		}
	};
	place(applied);
	place(fromPrompt?.looped ?? []);
	place(randomPerImage);
	place(snapshotNames);
	const source =
		applied.length > 0
			? 'applied_variations'
			: fromPrompt && fromPrompt.looped.some((name) => known.has(name))
				? 'prompt'
				: 'variations';
	return {names, randomPerImage, source};
}
