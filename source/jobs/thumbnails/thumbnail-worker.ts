/**
 * Worker thread body for thumbnails: decodes, scales and encodes off the explorer's thread.
 *
 * The explorer sends a few requests ahead and this thread keeps its own queue, running at most `concurrency`
 * at once (one per core; each libvips pipeline uses one thread). When one ends the next starts here at once,
 * not after a round trip through the explorer's thread, which may be busy drawing a frame: the decoders never
 * wait for the screen. `{cancel: true}` drops what has not started; each dropped request is answered, so the
 * explorer's count of requests in this thread stays true.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {readImagePrompt, type PromptRequest} from './image-prompt.js';
import {makeThumbnail, type Thumbnail, type ThumbnailRequest} from './thumbnail.js';

type Message = {id: number; request: ThumbnailRequest} | {id: number; prompt: PromptRequest} | {cancel: true};

const concurrency = Math.max(1, Number((workerData as {concurrency?: number} | null)?.concurrency ?? 2));
const queue: Array<{id: number; request: ThumbnailRequest}> = [];
let running = 0;

const answer = (id: number, thumbnail: Thumbnail): void => parentPort?.postMessage({id, thumbnail});

function pump(): void {
	while (running < concurrency && queue.length > 0) {
		const {id, request} = queue.shift()!;
		running++;
		makeThumbnail(request)
			.then(
				(thumbnail) => answer(id, thumbnail),
				(error: unknown) =>
					answer(id, {
						ok: false,
						reason: `cannot preview it (${error instanceof Error ? error.message : String(error)})`,
					}),
			)
			.finally(() => {
				running--;
				pump();
			});
	}
}

parentPort?.on('message', (message: Message) => {
	if ('cancel' in message) {
		for (const dropped of queue.splice(0)) answer(dropped.id, {ok: false, reason: 'cancelled'});
		return;
	}
	if ('prompt' in message) {
		void readImagePrompt(message.prompt).then((prompt) => parentPort?.postMessage({id: message.id, prompt}));
		return;
	}
	queue.push(message);
	pump();
});

// The decoder is loaded (this module imports it): say so, so the explorer knows the first picture will not wait.
parentPort?.postMessage({ready: true});
