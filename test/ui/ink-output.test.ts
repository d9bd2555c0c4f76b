/**
 * The bundle swaps Ink's Output for source/ui/ink-output.ts (a row cache over Ink's own algorithm). Every
 * frame it builds must equal Ink's, byte for byte: checked here against Ink's class itself, on generated
 * frames with styles, wide characters, clips, transforms and writes off the edges, each drawn several times so
 * that both the building and the cached path are compared.
 */
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';
import Output from '../../source/ui/ink-output.js';
import {seededRandom} from '../helpers/random.js';

type Transformer = (line: string, index: number) => string;
type Clip = {x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined};
type OutputLike = {
	write(x: number, y: number, text: string, options: {transformers: Transformer[]}): void;
	clip(clip: Clip): void;
	unclip(): void;
	get(): {output: string; height: number};
};

// Ink exports only its entry point; its Output class is read from the installed package's own file.
const inkEntry = createRequire(import.meta.url).resolve('ink');
const InkOutput = (
	(await import(pathToFileURL(path.join(path.dirname(inkEntry), 'output.js')).href)) as {
		default: new (options: {width: number; height: number}) => OutputLike;
	}
).default;

const STYLES: Array<[string, string]> = [
	['\u001B[32m', '\u001B[39m'],
	['\u001B[1m', '\u001B[22m'],
	['\u001B[2m', '\u001B[22m'],
	['\u001B[7m', '\u001B[27m'],
	['\u001B[44m', '\u001B[49m'],
	['\u001B[38;5;208m', '\u001B[39m'],
	['\u001B[38;2;10;200;30m', '\u001B[39m'],
	['\u001B[4m', '\u001B[24m'],
];
const WORDS = [
	'session',
	'done',
	'✓',
	'…',
	'日本語',
	'ｶﾀｶﾅ',
	'👍',
	'🇯🇵',
	'e\u0301',
	'█▌',
	' ',
	'42%',
	'pony_v6',
	'—',
	'·',
];

function pick<T>(next: () => number, items: readonly T[]): T {
	return items[Math.floor(next() * items.length)]!;
}

function styledText(next: () => number): string {
	const lines = 1 + Math.floor(next() * 3);
	const out: string[] = [];
	for (let l = 0; l < lines; l++) {
		let line = '';
		const parts = 1 + Math.floor(next() * 5);
		for (let p = 0; p < parts; p++) {
			const word = pick(next, WORDS);
			if (next() < 0.5) {
				const [open, close] = pick(next, STYLES);
				// Sometimes left open, as a transform may leave it, sometimes nested.
				line += next() < 0.15 ? `${open}${word}` : `${open}${word}${close}`;
			} else {
				line += word;
			}
		}
		out.push(line);
	}
	return out.join('\n');
}

const TRANSFORMERS: Transformer[] = [
	(line) => `\u001B[31m${line}\u001B[39m`,
	(line) => line.toUpperCase(),
	(line, index) => (index % 2 === 0 ? `\u001B[1m${line}\u001B[22m` : line),
];

type Draw = (output: OutputLike) => void;

function frame(seed: number, width: number, height: number): Draw {
	const next = seededRandom(seed);
	const steps: Draw[] = [];
	let open = 0;
	const count = 5 + Math.floor(next() * 40);
	for (let i = 0; i < count; i++) {
		const roll = next();
		if (roll < 0.1) {
			const edge = (): number | undefined => (next() < 0.2 ? undefined : Math.floor(next() * (width + 4)) - 2);
			const x1 = edge();
			const y1 = next() < 0.2 ? undefined : Math.floor(next() * height);
			const clip: Clip = {
				x1,
				x2: x1 === undefined ? edge() : x1 + Math.floor(next() * width),
				y1,
				y2: y1 === undefined ? undefined : y1 + Math.floor(next() * height),
			};
			steps.push((o) => o.clip(clip));
			open++;
		} else if (roll < 0.15 && open > 0) {
			steps.push((o) => o.unclip());
			open--;
		} else {
			const x = Math.floor(next() * (width + 6)) - 3;
			const y = Math.floor(next() * (height + 4)) - 2;
			const text = next() < 0.05 ? '' : styledText(next);
			const transformers = TRANSFORMERS.filter(() => next() < 0.25);
			steps.push((o) => o.write(x, y, text, {transformers}));
		}
	}
	return (output) => {
		for (const step of steps) step(output);
	};
}

function draw(
	Kind: new (options: {width: number; height: number}) => OutputLike,
	width: number,
	height: number,
	paint: Draw,
): {output: string; height: number} {
	const output = new Kind({width, height});
	paint(output);
	return output.get();
}

describe('the bundled Output', () => {
	it('draws what Ink draws, frame after frame, built or cached', () => {
		for (let seed = 1; seed <= 400; seed++) {
			const width = 1 + (seed % 37);
			const height = 1 + (seed % 9);
			const paint = frame(seed, width, height);
			const expected = draw(InkOutput, width, height, paint);
			for (let round = 0; round < 2; round++) {
				expect(draw(Output, width, height, paint), `seed ${seed}, round ${round}`).toEqual(expected);
			}
		}
	});

	it('redraws a row when only one of its writes changed', () => {
		const first = (o: OutputLike): void => {
			o.write(0, 0, '\u001B[32mleft\u001B[39m', {transformers: []});
			o.write(6, 0, 'right', {transformers: []});
		};
		const second = (o: OutputLike): void => {
			o.write(0, 0, '\u001B[32mleft\u001B[39m', {transformers: []});
			o.write(6, 0, 'RIGHT', {transformers: []});
		};
		expect(draw(Output, 12, 1, first)).toEqual(draw(InkOutput, 12, 1, first));
		expect(draw(Output, 12, 1, second)).toEqual(draw(InkOutput, 12, 1, second));
		expect(draw(Output, 12, 1, second).output).toBe('\u001B[32mleft\u001B[39m  RIGHT');
	});

	it('keeps rows of different widths apart (the same writes on a wider screen are a different row)', () => {
		const paint = (o: OutputLike): void => o.write(2, 0, 'ab', {transformers: []});
		expect(draw(Output, 3, 1, paint)).toEqual(draw(InkOutput, 3, 1, paint));
		expect(draw(Output, 8, 1, paint)).toEqual(draw(InkOutput, 8, 1, paint));
	});
});
