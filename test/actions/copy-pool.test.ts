/**
 * The verified file copy (copy-file.ts) through both ways copy-pool.ts runs it: the compiled copy threads the
 * built binary uses (dist/bin/copy-worker.js, made by `npm run build`, which `npm test` runs first) and this
 * thread (tests from the TypeScript sources). Sizes around the 4 MB buffer, empty files, modes and times, and
 * a failure that stops the rest; a copy that cannot start at its target.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {COPY_BUFFER_BYTES, type FileCopyJob} from '../../source/jobs/actions/copy-file.js';
import {openCopier} from '../../source/jobs/actions/copy-pool.js';
import {copyVerified} from '../../source/jobs/actions/transfer.js';
import {inventory} from '../../source/scan/folder-inventory.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const COMPILED = path.join(path.dirname(CLI_PATH), 'copy-worker.js');
const SIZES = [0, 1, 4095, COPY_BUFFER_BYTES - 1, COPY_BUFFER_BYTES, COPY_BUFFER_BYTES + 1, 2 * COPY_BUFFER_BYTES + 7];

function filesToCopy(): {jobs: FileCopyJob[]; targetDir: string; total: number} {
	const ws = makeWorkspace('sdstats-copy-pool-');
	const targetDir = path.join(ws.base, 'copy');
	fs.mkdirSync(targetDir);
	const jobs = SIZES.map((size, i) => {
		const source = path.join(ws.root, `img_${i}.png`);
		fs.writeFileSync(source, crypto.randomBytes(size), {mode: 0o640 + (i % 2)});
		fs.utimesSync(source, new Date(2025, 0, 1 + i), new Date(2025, 1, 1 + i));
		return {source, target: path.join(targetDir, `img_${i}.png`), rel: `img_${i}.png`};
	});
	return {jobs, targetDir, total: SIZES.reduce((a, b) => a + b, 0)};
}

const ways = [
	{name: 'on the compiled copy threads', script: (): string => COMPILED},
	{name: 'on this thread', script: (): null => null},
];

describe.each(ways)('verified copies $name', ({script}) => {
	it('copies every file byte for byte with its mode and times, and counts the bytes', async () => {
		if (script() !== null)
			expect(fs.existsSync(COMPILED), 'dist/bin/copy-worker.js is missing: run npm run build').toBe(true);
		const {jobs, total} = filesToCopy();
		const copier = openCopier(script(), 2);
		let heard = 0;
		try {
			expect(await copier.copyAll(jobs, (bytes) => (heard += bytes))).toBeNull();
		} finally {
			await copier.close();
		}
		expect(heard).toBe(total);
		for (const job of jobs) {
			const [from, to] = [fs.statSync(job.source), fs.statSync(job.target)];
			expect(fs.readFileSync(job.target).equals(fs.readFileSync(job.source)), job.rel).toBe(true);
			expect(to.mode).toBe(from.mode);
			expect(to.mtimeMs).toBe(from.mtimeMs);
		}
	});

	it('a file it cannot create (the name is taken) fails with the reason; the one already there is not touched', async () => {
		const {jobs, targetDir} = filesToCopy();
		fs.writeFileSync(jobs[2]!.target, 'someone else’s');
		const copier = openCopier(script(), 2);
		try {
			const failed = await copier.copyAll(jobs, () => {});
			expect(failed).toMatchObject({
				ok: false,
				code: 'EEXIST',
				reason: `${jobs[2]!.rel} could not be copied to ${targetDir}: something of that name is already there; the session was left in place, try again`,
			});
			// The copier is still usable afterwards: the threads are free again.
			const again = await copier.copyAll([{...jobs[2]!, target: `${jobs[2]!.target}.2`}], () => {});
			expect(again).toBeNull();
		} finally {
			await copier.close();
		}
		expect(fs.readFileSync(jobs[2]!.target, 'utf8')).toBe('someone else’s');
	});
});

describe('a copy that cannot start at the target', () => {
	it('fails with one sentence naming where and what to do; the source is untouched', async () => {
		const {jobs, targetDir} = filesToCopy();
		const source = path.dirname(jobs[0]!.source);
		// The target folder is a file: the temporary copy cannot be made in it.
		const notAFolder = path.join(targetDir, 'not-a-folder');
		fs.writeFileSync(notAFolder, 'a file');
		const copier = openCopier(null);
		try {
			const result = await copyVerified(
				source,
				path.join(notAFolder, '.sdstats-tmp-x'),
				inventory(source),
				copier,
			);
			expect(result).toEqual({
				ok: false,
				code: 'ENOTDIR',
				reason: `the session could not be copied to ${notAFolder}: is not a folder; the session was left in place, try again`,
			});
		} finally {
			await copier.close();
		}
		for (const job of jobs) expect(fs.existsSync(job.source)).toBe(true);
	});
});
