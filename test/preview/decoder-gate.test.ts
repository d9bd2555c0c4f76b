/**
 * The gate in front of libvips (decoder-gate.ts): two operations at once, one encoder among them, first come
 * first served except that a decode passes an encode waiting for the encoder; and VIPS_MAX_THREADS set only
 * where the user did not set it.
 */
import {describe, expect, test} from 'vitest';
import {createDecoderGate, LIBVIPS_THREADS, limitLibvipsThreads} from '../../source/jobs/thumbnails/decoder-gate.js';

/** Work that ends when the test says so. */
function held(): {promise: Promise<string>; finish: (value: string) => void} {
	let finish: (value: string) => void = () => undefined;
	const promise = new Promise<string>((resolve) => (finish = resolve));
	return {promise, finish};
}

/** Lets every settled promise's callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the decoder gate', () => {
	test('at most two at once: the third starts when one ends', async () => {
		const gate = createDecoderGate();
		const works = [held(), held(), held()];
		const started: number[] = [];
		const results = works.map((work, i) =>
			gate.run('decode', () => {
				started.push(i);
				return work.promise;
			}),
		);
		await settle();
		expect(started).toEqual([0, 1]);
		expect(gate.running()).toEqual({decode: 2, encode: 0});
		works[1]!.finish('b');
		await settle();
		expect(started).toEqual([0, 1, 2]);
		works[0]!.finish('a');
		works[2]!.finish('c');
		expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
		expect(gate.running()).toEqual({decode: 0, encode: 0});
	});

	test('one encode at a time; a decode passes an encode that waits for the encoder', async () => {
		const gate = createDecoderGate();
		const first = held();
		const second = held();
		const decode = held();
		const started: string[] = [];
		const run = (kind: 'decode' | 'encode', name: string, work: ReturnType<typeof held>): Promise<string> =>
			gate.run(kind, () => {
				started.push(name);
				return work.promise;
			});
		const results = [
			run('encode', 'encode 1', first),
			run('encode', 'encode 2', second),
			run('decode', 'decode', decode),
		];
		await settle();
		expect(started).toEqual(['encode 1', 'decode']);
		expect(gate.running()).toEqual({decode: 1, encode: 1});
		first.finish('1');
		await settle();
		expect(started).toEqual(['encode 1', 'decode', 'encode 2']);
		second.finish('2');
		decode.finish('d');
		expect(await Promise.all(results)).toEqual(['1', '2', 'd']);
	});

	test('a failed operation frees its place', async () => {
		const gate = createDecoderGate({atOnce: 1});
		await expect(gate.run('encode', () => Promise.reject(new Error('bad image')))).rejects.toThrow('bad image');
		expect(gate.running()).toEqual({decode: 0, encode: 0});
		expect(await gate.run('encode', async () => 'next')).toBe('next');
	});
});

describe('libvips threads', () => {
	test('VIPS_MAX_THREADS is set where it is not, and a user’s own value is kept', () => {
		const unset: NodeJS.ProcessEnv = {};
		limitLibvipsThreads(unset);
		expect(unset.VIPS_MAX_THREADS).toBe(String(LIBVIPS_THREADS));
		const own: NodeJS.ProcessEnv = {VIPS_MAX_THREADS: '8'};
		limitLibvipsThreads(own);
		expect(own.VIPS_MAX_THREADS).toBe('8');
	});
});
