/** Odd database paths (regression: a FIFO hung, a folder or /dev/null gave SQLite's words): one sentence, exit 1, no hang, nothing left behind. */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {makeWorkspace} from '../helpers/temp.js';
import {cli} from '../reliability/support.js';

const STACK_TRACE = /\n\s+at \S|SqliteError/;

describe('odd --db paths', () => {
	it('a FIFO (never opened for reading), a folder, /dev/null: one sentence each, exit 1, nothing created', async () => {
		const {base, root} = makeWorkspace('sdstats-oddpath-');
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		const fifo = path.join(base, 'pipe.db');
		execFileSync('mkfifo', [fifo]);
		const folder = path.join(base, 'folder.db');
		fs.mkdirSync(folder);
		const cases: Array<[string, RegExp]> = [
			[fifo, /is a named pipe \(FIFO\), not a database file/],
			[folder, /is a folder, not a database file/],
			['/dev/null', /is a device, not a database file/],
		];
		const before = fs.readdirSync(base).sort();
		for (const [db, reason] of cases) {
			for (const command of [
				['compute'],
				['list'],
				['show', '20251112_210411-a'],
				['doctor'],
				['doctor', '--rebuild'],
				['forget', '--yes'],
				[],
			]) {
				const result = await cli([...command, '--root', root, '--db', db]);
				const what = `${command.join(' ') || 'explorer'} --db ${db}`;
				expect(result.code, `${what}: ${result.stderr}`).toBe(1);
				expect(result.stderr, what).toMatch(reason);
				expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
				expect(result.stderr, what).not.toMatch(STACK_TRACE);
			}
		}
		expect(fs.readdirSync(base).sort()).toEqual(before);
		expect(fs.readdirSync(folder)).toEqual([]);
	});
});
