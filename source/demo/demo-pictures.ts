/**
 * Real pictures for the demo's sessions (their images were 1×1 placeholders, so the contact sheet and the grid
 * showed grey boxes): each image is a small procedural landscape (pictures.ts), one palette per session, the
 * scene moving with the image's placeholder values and its seed, so a sheet and a grid look like a real run.
 *
 * Kept apart from the demo's drafting and writing: demo-root.ts hands `demoPictures(spec)` to writeSession.
 */
import {buildManifest, type SessionSpec} from './corpus.js';
import {demoPicturePng} from './pictures.js';

/**
 * At most this many pictures are drawn per session; later value combinations reuse them in
 * turn. The demo has ~1,400 images of ~950 distinct combinations: drawing each cost ~1 s of CPU on first start.
 */
const PICTURES_PER_SESSION = 8;

/** A session's look: its name without the date and the `.prompt` of migrated folders (one look per theme). */
function themeOf(name: string): string {
	return name.replace(/^\d{8}_\d{6}-|^\d{4}-\d{2}-\d{2}_\d{6}_?/, '').replace(/\.prompt$/, '') || name;
}

/**
 * The bytes of each image of `spec` (by file name; images the manifest does not list vary by name). Sessions
 * of one theme share pictures through `shared` (same template, same look; the demo has ~20 themes over ~70
 * sessions), which halves what the demo draws on its first start.
 */
export function demoPictures(
	spec: SessionSpec,
	shared: Map<string, Uint8Array> = new Map(),
): (name: string, index: number) => Uint8Array {
	const theme = themeOf(spec.name);
	const variants = new Map<string, {variant: string; seed: number}>();
	const manifest = spec.manifest && !('raw' in spec.manifest) ? spec.manifest : null;
	if (manifest) {
		const built = buildManifest(spec.name, manifest, manifest.recordImages ?? spec.images ?? 0) as {
			images: Array<{filename: string; seed: number; applied_variations: Record<string, string>}>;
		};
		for (const image of built.images)
			variants.set(image.filename, {
				variant: Object.values(image.applied_variations).join('|'),
				seed: image.seed,
			});
	}
	const slots = new Map<string, number>();
	const drawn: Uint8Array[] = [];
	return (name, index) => {
		const entry = variants.get(name) ?? {variant: name, seed: index};
		let slot = slots.get(entry.variant);
		if (slot === undefined) slots.set(entry.variant, (slot = slots.size % PICTURES_PER_SESSION));
		let bytes = drawn[slot];
		if (!bytes) {
			const key = `${theme}\0${entry.variant}\0${entry.seed}`;
			bytes = shared.get(key) ?? demoPicturePng({theme, variant: entry.variant, seed: entry.seed});
			shared.set(key, bytes);
			drawn[slot] = bytes;
		}
		return bytes;
	};
}
