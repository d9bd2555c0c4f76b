import {describe, expect, test} from 'vitest';
import {MANIFEST_NAME, isImageName} from '../../source/core/images.js';

describe('isImageName', () => {
	test.each([
		['image.png'],
		['image.jpg'],
		['image.jpeg'],
		['image.webp'],
		['IMAGE.PNG'],
		['photo.JpG'],
		['photo.JPEG'],
		['photo.WebP'],
		['portrait_0000_seed-1000.png'],
		['name with spaces.png'],
		['日本語.png'],
		['archive.tar.png'],
		['a.b.c.jpeg'],
		// Not the `<stem>_annotated.<ext>` shape: these are ordinary images.
		['annotated.png'],
		['x_annotated_2.png'],
		['x.annotated.png'],
		['x-annotated.png'],
		['x_annotatedd.png'],
		['x_annotated.jpg.png'],
	])('%s is an image', (name) => {
		expect(isImageName(name)).toBe(true);
	});

	test.each([
		// Other extensions
		['image.gif'],
		['image.bmp'],
		['image.tiff'],
		['image.jpe'],
		['image.png.txt'],
		['image.png~'],
		['image.pngx'],
		['image_png'],
		['png'],
		['manifest.json'],
		['notes.txt'],
		['image'],
		// Hidden files
		['.hidden.png'],
		['.png'],
		['._image.jpg'],
		['.DS_Store'],
		// Annotated copies, extension in any letter case
		['portrait_0000_seed-1000_annotated.png'],
		['x_annotated.jpg'],
		['x_annotated.jpeg'],
		['x_annotated.webp'],
		['x_annotated.PNG'],
		['x_annotated.Jpeg'],
	])('%s is not an image', (name) => {
		expect(isImageName(name)).toBe(false);
	});

	test('the manifest file name', () => {
		expect(MANIFEST_NAME).toBe('manifest.json');
	});
});
