/**
 * The shipped thumbnail worker (dist/bin/thumbnail-worker.js) keeps its own queue: it runs `concurrency`
 * requests at once, answers every request it was sent, and `{cancel: true}` drops what has not started.
 */
import fs from 'node:fs';
import path from 'node:path';
import {Worker} from 'node:worker_threads';
import {afterEach, expect, test} from 'vitest';
import type {Thumbnail, ThumbnailRequest} from '../../source/jobs/thumbnails/thumbnail.js';
import {gradientImage, pngOf} from '../helpers/images.js';
import {CLI_PATH} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

const WORKER = path.join(path.dirname(CLI_PATH), 'thumbnail-worker.js');

let worker: Worker | null = null;
afterEach(async () => {
	await worker?.terminate();
	worker = null;
});

async function requests(count: number): Promise<ThumbnailRequest[]> {
	const {base} = makeWorkspace();
	return Promise.all(
		Array.from({length: count}, async (_, i) => {
			const file = path.join(base, `${i}.png`);
			fs.writeFileSync(file, await pngOf(gradientImage(120, 180, i + 1)));
			const stat = fs.statSync(file);
			return {
				path: file,
				size: stat.size,
				mtimeMs: stat.mtimeMs,
				cacheDir: null,
				encode: {protocol: 'kitty', cols: 8, rows: 4, cell: {width: 10, height: 20}, depth: 'truecolor'},
			};
		}),
	);
}

/** Starts the worker; `answers` collects every thumbnail it sends back, by request id. */
async function start(concurrency: number): Promise<{worker: Worker; answers: Map<number, Thumbnail>}> {
	const answers = new Map<number, Thumbnail>();
	const started = new Worker(WORKER, {workerData: {concurrency}});
	worker = started;
	await new Promise<void>((resolve, reject) => {
		started.on('error', reject);
		started.on('message', (message: {ready?: true; id?: number; thumbnail?: Thumbnail}) => {
			if (message.ready) resolve();
			else if (message.id !== undefined && message.thumbnail) answers.set(message.id, message.thumbnail);
		});
	});
	return {worker: started, answers};
}

function answered(target: Worker, answers: Map<number, Thumbnail>, count: number): Promise<void> {
	return new Promise((resolve) => {
		const look = (): void => {
			if (answers.size < count) return;
			target.off('message', look);
			resolve();
		};
		target.on('message', look);
		look();
	});
}

test.skipIf(!fs.existsSync(WORKER))(
	`cancel drops the requests not started and answers each; the ones running finish${fs.existsSync(WORKER) ? '' : ' (skipped: no build, run npm run build)'}`,
	async () => {
		const {worker: thread, answers} = await start(1);
		const sent = await requests(5);
		// All sent in one go, then cancelled: the worker reads them together, starts one, queues four.
		sent.forEach((request, i) => thread.postMessage({id: i + 1, request}));
		thread.postMessage({cancel: true});
		await answered(thread, answers, 5);
		expect(answers.get(1)).toMatchObject({ok: true, rows: 4});
		for (const id of [2, 3, 4, 5]) expect(answers.get(id)).toEqual({ok: false, reason: 'cancelled'});
		// Still working after a cancel.
		thread.postMessage({id: 6, request: sent[4]});
		await answered(thread, answers, 6);
		expect(answers.get(6)).toMatchObject({ok: true});
	},
);

test.skipIf(!fs.existsSync(WORKER))(
	`every request sent is answered, with concurrency 2${fs.existsSync(WORKER) ? '' : ' (skipped: no build)'}`,
	async () => {
		const {worker: thread, answers} = await start(2);
		const sent = await requests(6);
		sent.forEach((request, i) => thread.postMessage({id: i + 1, request}));
		await answered(thread, answers, 6);
		expect([...answers.values()].every((answer) => answer.ok)).toBe(true);
	},
);
