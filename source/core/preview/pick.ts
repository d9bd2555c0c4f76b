/**
 * Which images a contact sheet shows and what each caption says. Pure: names and manifest entries in, choices out.
 *
 * A finished session is summarised by its first and last image and evenly spaced ones between (the run's
 * arc); a running session by its newest ones (what the generator is making now).
 */
import type {ManifestImageEntry, ManifestImages} from '../analysis/manifest-images.js';
import {baseName} from '../analysis/manifest-images.js';

/** One image of a session folder as the sheet needs it. */
export type SheetImage = {name: string; mtimeMs: number; size: number};

/**
 * `count` positions out of `total`, first and last included, evenly spaced between (rounded), no repeats.
 * Fewer than `count` images: all of them.
 */
export function evenlySpaced(total: number, count: number): number[] {
	if (total <= 0 || count <= 0) return [];
	if (total <= count) return Array.from({length: total}, (_, i) => i);
	if (count === 1) return [0];
	const picked: number[] = [];
	for (let i = 0; i < count; i++) picked.push(Math.round((i * (total - 1)) / (count - 1)));
	return picked;
}

/**
 * The sheet's images, oldest first. `images` in any order; they are put in time order (name breaks ties, as
 * the generator numbers its files).
 */
export function pickSheetImages<T extends SheetImage>(images: readonly T[], count: number, running: boolean): T[] {
	const ordered = [...images].sort(
		(a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
	);
	if (running) return ordered.slice(Math.max(0, ordered.length - count));
	return evenlySpaced(ordered.length, count).map((i) => ordered[i]!);
}

/** The manifest's entries by file name (the last entry wins when a name is listed twice, as a rewrite would). */
export function entriesByName(manifest: ManifestImages | null): Map<string, ManifestImageEntry> {
	const map = new Map<string, ManifestImageEntry>();
	if (!manifest) return map;
	for (const entry of manifest.images) if (entry.filename !== null) map.set(baseName(entry.filename), entry);
	return map;
}

/** `Hair=short bob · Expression=smiling · seed 42`; the file name when the manifest says nothing about it. */
export function captionFor(name: string, entry: ManifestImageEntry | undefined): string {
	const parts: string[] = [];
	if (entry) {
		for (const [placeholder, value] of entry.combination.pairs) parts.push(`${placeholder}=${value}`);
		if (entry.seed !== null) parts.push(`seed ${entry.seed}`);
	}
	return parts.length > 0 ? parts.join(' · ') : name;
}

/** The caption for a narrow cell: values only and `#seed` (`short·calm·#42`), else the file name. */
export function shortCaptionFor(name: string, entry: ManifestImageEntry | undefined): string {
	const parts: string[] = [];
	if (entry) {
		for (const [, value] of entry.combination.pairs) parts.push(value);
		if (entry.seed !== null) parts.push(`#${entry.seed}`);
	}
	return parts.length > 0 ? parts.join('·') : name;
}
