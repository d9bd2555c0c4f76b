import {describe, expect, it} from 'vitest';
import {prepareInkEnvironment} from '../../source/ui/ink-environment.js';

describe('prepareInkEnvironment', () => {
	it('clears CI and CONTINUOUS_INTEGRATION so Ink draws live frames on a terminal', () => {
		const env: NodeJS.ProcessEnv = {CI: 'true', CONTINUOUS_INTEGRATION: '1', PATH: '/bin'};
		prepareInkEnvironment(env);
		expect(env).toEqual({PATH: '/bin', NODE_ENV: 'production'});
	});

	it('regression: React ran its development build (a props diff per render, gigabytes with 100,000 rows) when NODE_ENV was unset or "development"', () => {
		for (const before of [undefined, 'development', 'test']) {
			const env: NodeJS.ProcessEnv = before === undefined ? {} : {NODE_ENV: before};
			prepareInkEnvironment(env);
			expect(env.NODE_ENV, String(before)).toBe('production');
		}
	});
});
