/** Worker thread body for thumbnails: decodes, scales and encodes off the explorer's thread; one request at a time per message. */
import {parentPort} from 'node:worker_threads';
import {makeThumbnail, type ThumbnailRequest} from './thumbnail.js';

parentPort?.on('message', (message: {id: number; request: ThumbnailRequest}) => {
	makeThumbnail(message.request).then(
		(thumbnail) => parentPort?.postMessage({id: message.id, thumbnail}),
		(error: unknown) =>
			parentPort?.postMessage({
				id: message.id,
				thumbnail: {
					ok: false,
					reason: `cannot preview it (${error instanceof Error ? error.message : String(error)})`,
				},
			}),
	);
});
