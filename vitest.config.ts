import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// Frames are compared as plain text; colour is tested on purpose where it matters.
		env: {FORCE_COLOR: '0', TZ: 'UTC'},
		// A bound for a hung test, not a speed target: the explorer's biggest frame tests take 20 s on a loaded
		// 2-core machine and over 30 s when eight engineers share it.
		testTimeout: 120_000,
		// Hooks remove fixture folders of up to 100,000 images; at load 18 on 2 cores that took over 60 s.
		hookTimeout: 300_000,
	},
});
