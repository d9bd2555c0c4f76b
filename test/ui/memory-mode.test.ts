/**
 * The explorer's collector settings (ui/memory-mode.ts), with V8's flag setter replaced by a recorder.
 */
import {beforeEach, describe, expect, it, vi} from 'vitest';

const flags = vi.hoisted(() => ({set: [] as string[], fail: false}));
vi.mock('node:v8', async (importOriginal) => {
	const actual = await importOriginal<typeof import('node:v8')>();
	const setFlagsFromString = (flag: string): void => {
		if (flags.fail) throw new Error('no such flag');
		flags.set.push(flag);
	};
	return {...actual, default: {...actual, setFlagsFromString}, setFlagsFromString};
});

const {collectYoungOnThisThread} = await import('../../source/ui/memory-mode.js');

describe('collectYoungOnThisThread', () => {
	beforeEach(() => {
		flags.set = [];
		flags.fail = false;
	});

	it('turns off the young generation’s parallel collection (the explorer waited for V8’s helper threads within keys)', () => {
		collectYoungOnThisThread();
		expect(flags.set).toEqual(['--no-parallel-scavenge']);
	});

	it('leaves collections as they were, without an error, where V8 refuses the flag', () => {
		flags.fail = true;
		expect(() => collectYoungOnThisThread()).not.toThrow();
		expect(flags.set).toEqual([]);
	});
});
