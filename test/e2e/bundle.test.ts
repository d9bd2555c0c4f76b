/**
 * The shipped binary carries every swap and patch of scripts/bundle.mjs (issue 12). The build already fails when
 * a patched file is not the reviewed text; this checks the other way round: that what `npm run build` wrote to
 * dist/bin is the patched code, so a plugin that silently stopped matching cannot ship the unpatched one.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI_PATH} from '../helpers/run-cli.js';

const folder = path.dirname(CLI_PATH);
const bundle = fs
	.readdirSync(folder)
	.filter((name) => name.endsWith('.js'))
	.map((name) => fs.readFileSync(path.join(folder, name), 'utf8'))
	.join('\n');

describe('the bundled binary (scripts/bundle.mjs)', () => {
	it('draws with the row-cached Output, not Ink’s', () => {
		expect(bundle).toContain('rowToString');
		expect(bundle).not.toContain('class OutputCaches');
	});

	it('gives Ink our string-width', () => {
		expect(bundle).toContain('inkStringWidth');
	});

	it('leaves meow’s package reader and licence normalizer out', () => {
		expect(bundle).toContain('sdstats gives meow its package facts');
		expect(bundle.toLowerCase()).not.toContain('spdx');
	});

	it('lets yoga-layout decode its WebAssembly itself (no fetch)', () => {
		expect(bundle).toContain('both async and sync fetching of the wasm failed');
		expect(bundle).not.toContain('credentials:"same-origin"');
	});
});
