import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// Frames are compared as plain text; colour is tested on purpose where it matters.
		env: {FORCE_COLOR: '0', TZ: 'UTC'},
		testTimeout: 30_000,
		hookTimeout: 60_000,
	},
});
