import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {sessionIdProblem} from '../../source/core/session-id.js';

describe('sessionIdProblem', () => {
	test.each([
		['20251014_173320-Hassaku-fantasy'],
		['2025-10-14_163854_portrait.prompt'],
		['plain'],
		['name with spaces'],
		['a.b'],
		['a'],
		['x..'],
		['日本語'],
		['trailing.'],
		['-dash-first'],
	])('%s is acceptable', (name) => {
		expect(sessionIdProblem(name)).toBeNull();
	});

	test.each([
		['', 'is empty'],
		['a\0b', 'contains a NUL byte'],
		['\0', 'contains a NUL byte'],
		['a/b', 'contains a path separator'],
		['/abs', 'contains a path separator'],
		['trailing/', 'contains a path separator'],
		['../escape', 'contains a path separator'],
		['..\\escape', 'starts with "." (hidden folders are not sessions)'],
		['.', 'is not a folder name'],
		['..', 'is not a folder name'],
		['.hidden', 'starts with "." (hidden folders are not sessions)'],
		['.a', 'starts with "." (hidden folders are not sessions)'],
		['...', 'starts with "." (hidden folders are not sessions)'],
		['.20251014_173320-x', 'starts with "." (hidden folders are not sessions)'],
	])('%j is refused: %s', (name, problem) => {
		expect(sessionIdProblem(name)).toBe(problem);
	});

	// Regression (issue 11, item 10): a backslash was refused as a path separator; on Linux it is an ordinary
	// character of a folder name (Windows folders copied over keep names like `a\b`).
	test.runIf(path.sep === '/')('a backslash in a folder name is not a path separator on Linux', () => {
		expect(sessionIdProblem('20251112_210411-a\\b')).toBeNull();
		expect(sessionIdProblem('back\\slash\\')).toBeNull();
		expect(sessionIdProblem('a/b\\c')).toBe('contains a path separator');
	});
});
