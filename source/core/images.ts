/** Which directory entries count as images, by name alone (the filesystem part lives in scan/). */

const IMAGE_EXTENSION = /\.(png|jpe?g|webp)$/i;
/** Copies an annotation tool writes beside the originals: `<stem>_annotated.<ext>`. */
const ANNOTATED_COPY = /_annotated\.(png|jpe?g|webp)$/i;

export function isImageName(name: string): boolean {
	return !name.startsWith('.') && IMAGE_EXTENSION.test(name) && !ANNOTATED_COPY.test(name);
}

export const MANIFEST_NAME = 'manifest.json';
