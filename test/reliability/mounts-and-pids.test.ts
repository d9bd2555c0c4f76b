/** Two faults found beyond the first matrix: an empty mount point, and a lock naming a reused pid. */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeSession} from '../../source/demo/corpus.js';
import {lockPathFor} from '../../source/store/compute-lock.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

describe('an unmounted disk that leaves an empty mount point', () => {
	it('is not read as every session deleted: nothing is removed, the user is told, forget removes them', async () => {
		const {root, base} = makeWorkspace('sdstats-mount-', {oneFile: true});
		for (let i = 0; i < 3; i++)
			writeSession(root, {name: `20251112_21041${i}-s${i}`, manifest: {numImages: 1}, images: 1});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		// The disk goes away; its mount point stays behind, empty.
		const away = path.join(base, 'unmounted');
		fs.renameSync(root, away);
		fs.mkdirSync(root);
		const result = await runCli(['compute', '--root', root]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('looks unmounted, so nothing was removed');
		const listed = JSON.parse((await runCli(['list', '--root', root, '--json'])).stdout) as unknown[];
		expect(listed).toHaveLength(3);
		expect((await runCli(['forget', '--root', root, '--yes'])).code).toBe(0);
		expect(JSON.parse((await runCli(['list', '--root', root, '--json'])).stdout)).toEqual([]);
	});
});

describe('a compute lock naming a pid that was reused', () => {
	it('is taken over when the pid now belongs to something that is not sdstats', async () => {
		const {root, dbPath: sharedPath} = makeWorkspace('sdstats-pid-');
		// The lock sits beside sdstats' own file, the cache next to the web UI's sessions.db.
		const dbPath = path.join(path.dirname(sharedPath), 'sdstats.db');
		writeSession(root, {name: '20251112_210411-a', manifest: {numImages: 1}, images: 1});
		expect((await runCli(['compute', '--root', root])).code).toBe(0);
		const stranger = spawn('sleep', ['30'], {stdio: 'ignore'});
		try {
			fs.writeFileSync(
				lockPathFor(dbPath),
				JSON.stringify({
					pid: stranger.pid,
					host: os.hostname(),
					startedAt: '2025-11-20T10:00:00Z',
					command: 'sdstats compute',
				}),
			);
			const result = await runCli(['compute', '--root', root, '--no-wait']);
			expect(result.code, result.stderr).toBe(0);
			expect(fs.existsSync(lockPathFor(dbPath))).toBe(false);
		} finally {
			stranger.kill();
		}
	});
});
