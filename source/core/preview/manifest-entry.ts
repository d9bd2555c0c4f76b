/**
 * One image's prompt from a manifest's text, without parsing the whole manifest: the full-screen view shows the
 * prompt of the one image on screen, and neither the scanner nor the previews keep prompts (100,000 entries of
 * prompt text would weigh on compute and memory for a line nobody reads).
 *
 * The text is walked once, string-aware, down to the top-level `images` array; each entry object's slice is
 * checked for the file name by a plain substring search and only a matching entry is parsed. Pure.
 */

export type ImagePrompt = {prompt: string | null; negative: string | null};

/** Index just past the JSON string starting at `start` (a `"`), or -1 when it does not end. */
function skipString(text: string, start: number): number {
	for (let i = start + 1; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 92) i++;
		else if (c === 34) return i + 1;
	}
	return -1;
}

/** Index just past the object or array starting at `start`, or -1. */
function skipValue(text: string, start: number): number {
	let depth = 0;
	for (let i = start; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 34) {
			const end = skipString(text, i);
			if (end < 0) return -1;
			i = end - 1;
		} else if (c === 123 || c === 91) depth++;
		else if (c === 125 || c === 93) {
			depth--;
			if (depth === 0) return i + 1;
		}
	}
	return -1;
}

const baseName = (name: string): string => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

function textField(entry: Record<string, unknown>, ...keys: string[]): string | null {
	for (const key of keys) {
		const value = entry[key];
		if (typeof value === 'string') return value;
	}
	return null;
}

/** The prompt and negative prompt of the `images[]` entry whose filename is `name`; null when none matches. */
export function manifestEntryPrompt(text: string, name: string): ImagePrompt | null {
	const needle = JSON.stringify(name).slice(1, -1);
	if (!text.includes(needle)) return null;
	// Top level: find the "images" key and its array.
	let i = text.indexOf('{');
	if (i < 0) return null;
	i++;
	let arrayStart = -1;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c === 34) {
			const end = skipString(text, i);
			if (end < 0) return null;
			const key = text.slice(i + 1, end - 1);
			let j = end;
			while (j < text.length && /\s|:/.test(text[j]!)) j++;
			if (key === 'images' && text[j] === '[') {
				arrayStart = j;
				break;
			}
			// Skip the value.
			const v = text.charCodeAt(j);
			i = v === 123 || v === 91 ? skipValue(text, j) : v === 34 ? skipString(text, j) : j + 1;
			if (i < 0) return null;
		} else i++;
	}
	if (arrayStart < 0) return null;
	for (let k = arrayStart + 1; k < text.length; k++) {
		const c = text.charCodeAt(k);
		if (c === 93) break;
		if (c !== 123) continue;
		const end = skipValue(text, k);
		if (end < 0) return null;
		const slice = text.slice(k, end);
		if (slice.includes(needle)) {
			try {
				const entry = JSON.parse(slice) as Record<string, unknown>;
				const filename = textField(entry, 'filename', 'file', 'name');
				if (filename !== null && baseName(filename) === name)
					return {
						prompt: textField(entry, 'prompt', 'positive_prompt'),
						negative: textField(entry, 'negative_prompt', 'negative'),
					};
			} catch {
				// A damaged entry: look further.
			}
		}
		k = end - 1;
	}
	return null;
}
