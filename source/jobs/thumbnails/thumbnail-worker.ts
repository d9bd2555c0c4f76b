/** Worker thread body for thumbnails: decodes, scales and encodes off the explorer's thread; one request at a time per message. */
import {parentPort} from 'node:worker_threads';
import {readImagePrompt, type PromptRequest} from './image-prompt.js';
import {makeThumbnail, type ThumbnailRequest} from './thumbnail.js';

parentPort?.on('message', (message: {id: number; request: ThumbnailRequest} | {id: number; prompt: PromptRequest}) => {
	if ('prompt' in message) {
		void readImagePrompt(message.prompt).then((prompt) => parentPort?.postMessage({id: message.id, prompt}));
		return;
	}
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

// The decoder is loaded (this module imports it): say so, so the explorer knows the first picture will not wait.
parentPort?.postMessage({ready: true});
