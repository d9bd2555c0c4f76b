/**
 * Short labels for the explorer's root column: several results roots are told apart in a few columns, so a
 * long name is cut to its first MAX_LABEL characters when no other root begins the same, else to its beginning
 * and its end (`photos-f…4`, `photos-f…5`), and never to a label another root already has. Names are the roots' own (the web UI's IMAGE_FOLDERS names, else the
 * folders'); the `root:` filter matches the full name, which every label begins.
 */

/** A label is never longer than this many characters (cut ones end with `…`). */
export const MAX_LABEL = 10;
const MIN_LABEL = 3;

function cut(name: string, length: number): string {
	const chars = [...name];
	return chars.length <= length ? name : `${chars.slice(0, length - 1).join('')}…`;
}

/** One label per name, in order: unambiguous, each at most `max` characters. */
export function rootLabels(names: readonly string[], max = MAX_LABEL): string[] {
	const labels = names.map((name, i) => {
		if ([...name].length <= max) return name;
		// As much of the name as fits, when that tells it from every other (a cut keeps max - 1 characters).
		const label = cut(name, max);
		const stem = label.slice(0, -1);
		if (names.every((other, j) => j === i || !other.startsWith(stem))) return label;
		// Names that begin alike (`photos-2024`, `photos-2025`) differ at the end: keep both ends.
		const chars = [...name];
		for (let tail = 1; tail <= max - 1 - MIN_LABEL; tail++) {
			const head = chars.slice(0, max - 1 - tail).join('');
			const end = chars.slice(-tail).join('');
			if (names.every((other, j) => j === i || !(other.startsWith(head) && other.endsWith(end))))
				return `${head}…${end}`;
		}
		return cut(name, max);
	});
	// Names that share their first `max` characters (or repeat) get their position to tell them apart.
	return labels.map((label, i) =>
		labels.indexOf(label) !== i || labels.lastIndexOf(label) !== i ? `${cut(label, max - 2)}#${i + 1}` : label,
	);
}
