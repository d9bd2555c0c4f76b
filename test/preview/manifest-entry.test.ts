/** The full-screen view's prompt: one manifest entry found and parsed without parsing the manifest. */
import {describe, expect, test} from 'vitest';
import {manifestEntryPrompt} from '../../source/core/preview/manifest-entry.js';
import {buildManifest} from '../../source/demo/corpus.js';

describe('manifestEntryPrompt', () => {
	const manifest = buildManifest(
		'20251001_100000-faces',
		{
			prompt: 'a {Hair} girl, "quoted", {braces} \\\\ back',
			negative: 'lowres',
			variations: {Hair: ['short', 'long', 'braids']},
		},
		3,
	);
	const text = JSON.stringify(manifest, null, 2);

	test('the entry of the named image: its prompt and negative prompt, quotes, braces and backslashes intact', () => {
		expect(manifestEntryPrompt(text, 'faces_0001_seed-1001.png')).toEqual({
			prompt: 'a long girl, "quoted", {braces} \\\\ back',
			negative: 'lowres',
		});
	});

	test('an image the manifest does not list, or a name that only appears inside another text, gives null', () => {
		expect(manifestEntryPrompt(text, 'other.png')).toBeNull();
		const tricky = JSON.stringify({
			snapshot: {note: 'see faces_0009.png', images: [{filename: 'faces_0009.png', prompt: 'decoy'}]},
			images: [{filename: 'x.png', prompt: 'mentions faces_0009.png'}],
		});
		expect(manifestEntryPrompt(tricky, 'faces_0009.png')).toBeNull();
	});

	test('a filename written with a folder names the file in the session folder', () => {
		const withFolder = JSON.stringify({images: [{filename: 'outputs/s/a.png', prompt: 'p', negative_prompt: 'n'}]});
		expect(manifestEntryPrompt(withFolder, 'a.png')).toEqual({prompt: 'p', negative: 'n'});
	});

	test('damaged text never throws', () => {
		expect(manifestEntryPrompt(text.slice(0, text.length / 2), 'faces_0002_seed-1002.png')).toBeNull();
		expect(manifestEntryPrompt('{"images": [{"filename": "a.png", "prompt": "p"', 'a.png')).toBeNull();
		expect(manifestEntryPrompt('', 'a.png')).toBeNull();
	});
});
