// ESLint: typescript-eslint's recommended rules and React's rules of hooks, over every TypeScript file.
// Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.{ts,tsx,js,mjs}'],
		languageOptions: {globals: globals.node},
		plugins: {'react-hooks': reactHooks},
		linterOptions: {reportUnusedDisableDirectives: 'error'},
		rules: {
			// The two classic hook rules: hooks in a fixed order, effect dependency lists that match what they read.
			// (The plugin's React Compiler rules are left out: the explorer is not compiled by it.)
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
			// `_name` marks a parameter or binding kept on purpose (a positional argument, a rest sibling).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true},
			],
			'@typescript-eslint/consistent-type-imports': [
				'error',
				{fixStyle: 'inline-type-imports', disallowTypeAnnotations: false},
			],
			eqeqeq: ['error', 'always', {null: 'ignore'}],
			// A terminal tool matches escape sequences and control characters on purpose (the sanitizer, the key
			// parser, tests of what reaches the terminal): every such regex would need a disable comment.
			'no-control-regex': 'off',
			// Source writes through the streams it is given (io.ts), never the console.
			'no-console': 'error',
		},
	},
	{
		// The benchmark prints its figures; a few tests print timings beside their assertions.
		files: ['bench/**', 'test/**', 'scripts/**'],
		rules: {'no-console': 'off'},
	},
);
