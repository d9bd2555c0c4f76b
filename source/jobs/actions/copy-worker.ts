/** Worker thread body for copy-pool.ts: copies and verifies one file per message, with this thread's buffer. */
import {parentPort, workerData} from 'node:worker_threads';
import {COPY_BUFFER_BYTES, copyFileVerified, type FileCopyJob} from './copy-file.js';
import type {FromCopyWorker} from './copy-pool.js';

const asRoot = (workerData as {asRoot: boolean}).asRoot;
const buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
const send = (message: FromCopyWorker): void => parentPort?.postMessage(message);
parentPort?.on('message', (job: FileCopyJob) => send(copyFileVerified(job, asRoot, buffer)));
send({ready: true});
