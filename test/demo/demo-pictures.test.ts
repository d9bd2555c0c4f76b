/**
 * The demo's images are pictures (they were 1×1 placeholders): decodable PNGs in an SD render's shape, one look
 * per session, varying with the placeholder values inside it, and the demo's deliberately damaged images stay
 * damaged.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {describe, expect, test} from 'vitest';
import {demoSessions, writeDemoRoot} from '../../source/demo/demo-root.js';
import {DEMO_PICTURE, drawPicture} from '../../source/demo/pictures.js';
import {makeWorkspace} from '../helpers/temp.js';

async function meanColour(file: string): Promise<[number, number, number]> {
	const {channels} = await sharp(file).stats();
	return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean];
}

describe('the demo pictures', () => {
	const {base} = makeWorkspace('sdstats-demo-pictures-');
	const root = path.join(base, 'demo');
	writeDemoRoot(root);

	test('every image of a complete session is a real picture of the render shape, and they are not all alike', async () => {
		const session = demoSessions().find(
			({spec}) =>
				spec.manifest &&
				!('raw' in spec.manifest) &&
				Object.keys(spec.manifest.variations ?? {}).length >= 2 &&
				(spec.images ?? 0) >= 8,
		)!;
		expect(session).toBeDefined();
		const folder = path.join(root, session.spec.name);
		const images = fs
			.readdirSync(folder)
			.filter((n) => n.endsWith('.png'))
			.sort();
		expect(images.length).toBeGreaterThanOrEqual(8);
		const colours: string[] = [];
		for (const name of images) {
			const meta = await sharp(path.join(folder, name)).metadata();
			expect({width: meta.width, height: meta.height}).toEqual({
				width: DEMO_PICTURE.width,
				height: DEMO_PICTURE.height,
			});
			colours.push((await meanColour(path.join(folder, name))).map((v) => v.toFixed(0)).join(','));
		}
		// Different value combinations draw different scenes.
		expect(new Set(colours).size).toBeGreaterThanOrEqual(4);
	});

	test('two sessions have different looks (one palette per session)', async () => {
		const [a, b] = demoSessions()
			.filter(({spec}) => (spec.images ?? 0) > 0 && !spec.imageNames)
			.slice(0, 2);
		const first = (name: string): string =>
			path.join(
				root,
				name,
				fs
					.readdirSync(path.join(root, name))
					.filter((n) => n.endsWith('.png'))
					.sort()[0]!,
			);
		expect(await meanColour(first(a!.spec.name))).not.toEqual(await meanColour(first(b!.spec.name)));
	});

	test('the same inputs draw the same picture (the demo is reproducible)', () => {
		const spec = {theme: 't', variant: 'short|calm', seed: 3, width: 30, height: 40};
		expect(Buffer.from(drawPicture(spec)).equals(Buffer.from(drawPicture(spec)))).toBe(true);
		expect(Buffer.from(drawPicture(spec)).equals(Buffer.from(drawPicture({...spec, variant: 'long|calm'})))).toBe(
			false,
		);
	});
});
