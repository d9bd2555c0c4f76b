/**
 * Procedural pictures for the demo root and the benchmark: a landscape (sky, sun, three ridges of hills) drawn
 * from a few numbers, so a session's contact sheet and grid look like a real run: one palette per session, the
 * scene shifting with each placeholder value and seed. No image files are shipped (nothing copyrighted, nothing
 * binary in the repository) and nothing but zlib is needed: a demo picture of 104×152 takes well under a
 * millisecond to draw and encode.
 */
import {deflateSync} from 'node:zlib';
import {pngChunk, textChunk, type TextChunk} from './image-files.js';
import {prng as random} from './random.js';

export type PictureSpec = {
	/** The session's look (palette, time of day): the same for every picture of one session. */
	theme: string;
	/** What varies inside the session: placeholder values (each moves the scene) and the seed (details). */
	variant: string;
	seed: number;
	width: number;
	height: number;
	/** ± this much noise per channel (0: smooth); the benchmark adds some so PNGs weigh what real renders do. */
	noise?: number;
};

/** FNV-1a: a stable 32-bit number from text. */
function hash(text: string): number {
	let h = 2166136261;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
	return h >>> 0;
}

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
	const k = (n: number): number => (n + h / 30) % 12;
	const a = s * Math.min(l, 1 - l);
	const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
	return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** The picture's pixels, 8-bit RGB, rows top to bottom. */
export function drawPicture(spec: PictureSpec): Uint8Array {
	const {width, height} = spec;
	const themeRandom = random(hash(spec.theme));
	const variantRandom = random(hash(`${spec.theme}\0${spec.variant}`));
	const seedRandom = random(spec.seed * 2654435761);
	const hue = themeRandom() * 360;
	const dusk = themeRandom() < 0.4;
	// Each placeholder value turns the hue a little and moves the sun; the seed moves the hills.
	const shift = (variantRandom() - 0.5) * 70;
	const skyTop = hsl((hue + shift + 360) % 360, 0.55, dusk ? 0.22 : 0.45);
	const skyLow = hsl((hue + shift + 40 + 360) % 360, 0.7, dusk ? 0.55 : 0.8);
	const sunColour = hsl((hue + 20) % 360, 0.9, dusk ? 0.65 : 0.9);
	const sunX = (0.2 + variantRandom() * 0.6) * width;
	const sunY = (0.15 + variantRandom() * 0.3) * height;
	const sunR = (0.08 + variantRandom() * 0.07) * Math.min(width, height);
	const ridges = [0, 1, 2].map((layer) => ({
		base: (0.5 + layer * 0.14 + (seedRandom() - 0.5) * 0.08) * height,
		amplitude: (0.05 + seedRandom() * 0.06) * height,
		frequency: (1.5 + seedRandom() * 3) / width,
		phase: seedRandom() * Math.PI * 2,
		colour: hsl((hue + 180 + layer * 25 + shift) % 360, 0.35, (dusk ? 0.3 : 0.42) - layer * 0.1),
	}));
	const noise = spec.noise ?? 0;
	const grain = random(spec.seed ^ hash(spec.variant));
	const data = new Uint8Array(width * height * 3);
	const horizon = ridges.map((ridge) =>
		Float32Array.from(
			{length: width},
			(_, x) =>
				ridge.base +
				ridge.amplitude * Math.sin(x * ridge.frequency * Math.PI * 2 + ridge.phase) +
				ridge.amplitude * 0.4 * Math.sin(x * ridge.frequency * Math.PI * 7 + ridge.phase * 3),
		),
	);
	const glow = sunR * 2.2;
	const shadeSpan = height * 0.25;
	const [h0, h1, h2] = horizon as [Float32Array, Float32Array, Float32Array];
	const [c0, c1, c2] = ridges.map((ridge) => ridge.colour) as [Rgb, Rgb, Rgb];
	// Plain numbers in the loop (no arrays per pixel): the demo draws hundreds of these on its first start.
	for (let y = 0; y < height; y++) {
		const t = y / height;
		const skyR = skyTop[0] + (skyLow[0] - skyTop[0]) * t;
		const skyG = skyTop[1] + (skyLow[1] - skyTop[1]) * t;
		const skyB = skyTop[2] + (skyLow[2] - skyTop[2]) * t;
		const dy = y - sunY;
		for (let x = 0; x < width; x++) {
			let r = skyR;
			let g = skyG;
			let b = skyB;
			// The frontmost ridge under this pixel, else the sun and its glow, else the sky.
			const top = y >= h2[x]! ? h2[x]! : y >= h1[x]! ? h1[x]! : y >= h0[x]! ? h0[x]! : -1;
			if (top >= 0) {
				const colour = y >= h2[x]! ? c2 : y >= h1[x]! ? c1 : c0;
				const shade = 1 - Math.min(1, (y - top) / shadeSpan) * 0.35;
				r = colour[0] * shade;
				g = colour[1] * shade;
				b = colour[2] * shade;
			} else {
				const dx = x - sunX;
				const d2 = dx * dx + dy * dy;
				if (d2 < glow * glow) {
					const d = Math.sqrt(d2);
					const k = d < sunR ? 1 : 1 - (d - sunR) / (glow - sunR);
					r += (sunColour[0] - r) * k;
					g += (sunColour[1] - g) * k;
					b += (sunColour[2] - b) * k;
				}
			}
			const i = (y * width + x) * 3;
			if (noise) {
				const n = Math.round((grain() * 2 - 1) * noise);
				r += n;
				g += n;
				b += n;
			}
			// Uint8ClampedArray-like rounding and clamping, by hand (the target is a Uint8Array).
			data[i] = r < 0 ? 0 : r > 255 ? 255 : r + 0.5;
			data[i + 1] = g < 0 ? 0 : g > 255 ? 255 : g + 0.5;
			data[i + 2] = b < 0 ? 0 : b > 255 ? 255 : b + 0.5;
		}
	}
	return data;
}

/** 8-bit RGB pixels as a PNG (filter "sub" on every row: smooth pictures shrink well), with text chunks. */
export function rgbPng(width: number, height: number, rgb: Uint8Array, texts: readonly TextChunk[] = []): Buffer {
	const stride = width * 3;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (stride + 1);
		raw[row] = 1;
		for (let x = 0; x < stride; x++) {
			const left = x >= 3 ? rgb[y * stride + x - 3]! : 0;
			raw[row + 1 + x] = (rgb[y * stride + x]! - left) & 0xff;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // truecolour
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		...texts.map(textChunk),
		pngChunk('IDAT', deflateSync(raw, {level: 1})),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** The demo's picture size: an SD portrait render's shape (832×1216), small enough to draw hundreds quickly. */
export const DEMO_PICTURE = Object.freeze({width: 48, height: 70});

/** One demo picture as PNG bytes. */
export function demoPicturePng(spec: Omit<PictureSpec, 'width' | 'height' | 'noise'>, texts: TextChunk[] = []): Buffer {
	const {width, height} = DEMO_PICTURE;
	return rgbPng(width, height, drawPicture({...spec, width, height}), texts);
}
