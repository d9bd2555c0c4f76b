import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {HEAD_BYTES, readImageHead} from '../../source/scan/image-head.js';
import {
	a1111Infotext,
	exifWithUserComment,
	jpegFile,
	pngChunk,
	pngFile,
	textChunk,
	webpFile,
} from '../../source/demo/image-files.js';
import {makeWorkspace} from '../helpers/temp.js';

const {base} = makeWorkspace('sdstats-head-');
let counter = 0;
function write(bytes: Buffer, name = `img_${counter++}.png`): string {
	const file = path.join(base, name);
	fs.writeFileSync(file, bytes);
	return file;
}

const INFOTEXT = a1111Infotext({prompt: 'a cat', negative: 'blurry', seed: 42, model: 'illustriousXL_v01'});

describe('readImageHead', () => {
	it('PNG tEXt parameters before IDAT, with the IHDR size', () => {
		const head = readImageHead(write(pngFile(26, 38, [{type: 'tEXt', key: 'parameters', text: INFOTEXT}])));
		expect(head).toEqual({parameters: INFOTEXT, comfyPrompt: null, pixelWidth: 26, pixelHeight: 38, problem: null});
	});

	it('tEXt is latin-1 (Pillow writes é as one byte)', () => {
		const text = 'café\nSteps: 1, Sampler: a, CFG scale: 1';
		const head = readImageHead(write(pngFile(4, 4, [{type: 'tEXt', key: 'parameters', text}])));
		expect(head.parameters).toBe(text);
	});

	it('iTXt is UTF-8, plain or deflated; zTXt is deflated', () => {
		const text = 'café — 猫 “x”\nSteps: 1, Sampler: a, CFG scale: 1';
		expect(readImageHead(write(pngFile(4, 4, [{type: 'iTXt', key: 'parameters', text}]))).parameters).toBe(text);
		expect(
			readImageHead(write(pngFile(4, 4, [{type: 'iTXt', key: 'parameters', text, compressed: true}]))).parameters,
		).toBe(text);
		expect(
			readImageHead(write(pngFile(4, 4, [{type: 'zTXt', key: 'parameters', text: 'zipped'}]))).parameters,
		).toBe('zipped');
	});

	it('non-UTF-8 iTXt is read with replacement characters and says so', () => {
		const head = readImageHead(
			write(pngFile(4, 4, [{type: 'iTXt', key: 'parameters', text: Buffer.from([0x61, 0xff, 0x62])}])),
		);
		expect(head.parameters).toBe('a\uFFFDb');
		expect(head.problem).toMatch(/not valid UTF-8/);
	});

	it('a parameters chunk past the first read costs one more read, and is read whole', () => {
		const big = 'x'.repeat(HEAD_BYTES * 3) + '\nSteps: 1, Sampler: a, CFG scale: 1';
		const head = readImageHead(
			write(
				pngFile(4, 4, [
					{type: 'tEXt', key: 'workflow', text: 'w'.repeat(HEAD_BYTES)},
					{type: 'tEXt', key: 'parameters', text: big},
				]),
			),
		);
		expect(head.parameters).toBe(big);
		expect(head.problem).toBeNull();
	});

	it('a 10 MB tEXt chunk is skipped with the reason, not loaded', () => {
		const huge = Buffer.alloc(10 * 1024 * 1024, 0x61);
		const file = write(pngFile(4, 4, [{type: 'tEXt', key: 'parameters', text: huge}]));
		const head = readImageHead(file);
		expect(head.parameters).toBeNull();
		expect(head.problem).toBe('its "parameters" chunk of 10 MB is over the 1 MB limit and was not read');
		expect(head.pixelWidth).toBe(4);
	});

	it('ComfyUI prompt chunk is returned; its workflow chunk is not read', () => {
		const prompt = JSON.stringify({'3': {class_type: 'KSampler', inputs: {seed: 1}}});
		const head = readImageHead(
			write(
				pngFile(4, 4, [
					{type: 'tEXt', key: 'prompt', text: prompt},
					{type: 'tEXt', key: 'workflow', text: '{"nodes": []}'},
				]),
			),
		);
		expect(head.comfyPrompt).toBe(prompt);
		expect(head.parameters).toBeNull();
		expect(head.problem).toBeNull();
	});

	it('text after IDAT is not looked for (only the chunks before the image data are read)', () => {
		const png = pngFile(4, 4, []);
		const iend = png.subarray(png.length - 12);
		const withLate = Buffer.concat([
			png.subarray(0, png.length - 12),
			textChunk({type: 'tEXt', key: 'parameters', text: INFOTEXT}),
			iend,
		]);
		expect(readImageHead(write(withLate)).problem).toBe('no parameters in the image');
	});

	it('truncated, empty, foreign and missing files give a reason, never a throw', () => {
		const png = pngFile(4, 4, [{type: 'tEXt', key: 'parameters', text: INFOTEXT}]);
		expect(readImageHead(write(png.subarray(0, 40))).problem).toBe('no parameters in the image');
		expect(readImageHead(write(Buffer.alloc(0))).problem).toBe('the file is empty');
		expect(readImageHead(write(Buffer.from('GIF89a....'))).problem).toBe('not a PNG, JPEG or WebP file');
		expect(readImageHead(path.join(base, 'nope.png')).problem).toMatch(/could not be opened/);
		// A chunk length pointing far past the end of the file.
		const lying = Buffer.concat([
			png.subarray(0, 33),
			pngChunk('tEXt', Buffer.from('parameters\0x')).fill(0x7f, 0, 1),
		]);
		expect(readImageHead(write(lying)).problem).not.toBeNull();
	});

	it('a PNG named .jpg is read as the PNG it is (magic bytes, not the name)', () => {
		const head = readImageHead(
			write(pngFile(4, 4, [{type: 'tEXt', key: 'parameters', text: INFOTEXT}]), 'wrong.jpg'),
		);
		expect(head.parameters).toBe(INFOTEXT);
	});

	it('JPEG EXIF UserComment: UNICODE (UTF-16BE as piexif writes it), little-endian writers, ASCII', () => {
		const text = 'café 猫\nSteps: 1, Sampler: a, CFG scale: 1';
		expect(readImageHead(write(jpegFile(640, 480, exifWithUserComment(text)), 'a.jpg'))).toEqual({
			parameters: text,
			comfyPrompt: null,
			pixelWidth: 640,
			pixelHeight: 480,
			problem: null,
		});
		expect(readImageHead(write(jpegFile(8, 8, exifWithUserComment(text, 'unicode-le')), 'b.jpg')).parameters).toBe(
			text,
		);
		expect(readImageHead(write(jpegFile(8, 8, exifWithUserComment('plain', 'ascii')), 'c.jpg')).parameters).toBe(
			'plain',
		);
	});

	it('WebP EXIF after the image data is found by skipping the image chunk', () => {
		const head = readImageHead(write(webpFile(1024, 768, exifWithUserComment(INFOTEXT)), 'd.webp'));
		expect(head).toMatchObject({parameters: INFOTEXT, pixelWidth: 1024, pixelHeight: 768, problem: null});
	});
});
