/**
 * Pictures in the explorer: the contact sheet appears when the cursor rests and not while it moves, it goes with
 * every mode change, nothing is written while idle, and no image bytes without colour. The overlay that ties
 * graphics protocols to Ink's frames is tested on its own below.
 */
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createThumbnailService, type ThumbnailService} from '../../source/jobs/thumbnails/thumbnail-service.js';
import {DEFAULT_CELL_PIXELS} from '../../source/core/preview/pixels.js';
import {createImageOverlay, overlayStdout, WRITE_PIECE} from '../../source/ui/image-overlay.js';
import type {PreviewOutput} from '../../source/ui/state/types.js';
import type {StoredSession} from '../../source/core/types.js';
import {FakeClock} from '../helpers/clock.js';
import {fakeData, KEYS, renderExplorer, settle, waitFor, type Harness} from '../helpers/explorer.js';
import {imageSession} from '../helpers/images.js';
import {storedSession, TEST_NOW} from '../helpers/sessions.js';
import {makeWorkspace} from '../helpers/temp.js';

const BLOCKS: PreviewOutput = {
	protocol: 'blocks',
	tmux: false,
	cell: DEFAULT_CELL_PIXELS,
	depth: 'truecolor',
	reason: 'test',
};
const NONE: PreviewOutput = {
	protocol: null,
	tmux: false,
	cell: DEFAULT_CELL_PIXELS,
	depth: 'truecolor',
	reason: 'no images: colour is off',
};
const IMAGE_BYTES = /▀|\u001B_G|\u001B\]1337|\u001BP[0-9;]*q/;

let rows: StoredSession[] = [];
let harness: Harness | null = null;
let service: ThumbnailService | null = null;

beforeAll(async () => {
	const {root} = makeWorkspace();
	const names = ['20251003_100000-third', '20251002_100000-second', '20251001_100000-first'];
	for (const name of names) await imageSession(root, name, 6, {width: 60, height: 88});
	rows = names.map((name) => ({
		...storedSession(name, {
			numImages: 6,
			images: 6,
			status: 'completed',
			variations: {Hair: ['short', 'long', 'braids'], Mood: ['calm', 'angry']},
		}),
		session_path: path.join(root, name),
	}));
});

afterEach(() => {
	harness?.unmount();
	harness = null;
	service?.close();
	service = null;
});

async function open(output: PreviewOutput, settleMs: number, columns = 100, lines = 40): Promise<Harness> {
	service = createThumbnailService({inThread: true});
	harness = await renderExplorer({
		data: fakeData(rows),
		columns,
		rows: lines,
		insightSettleMs: settleMs,
		previews: {previewOutput: output, previewServices: {thumbnails: service, cacheDir: null}},
	});
	return harness;
}

describe('the contact sheet in the details', () => {
	it('appears once the cursor rests on a session, with captions of placeholder values and seeds', async () => {
		const h = await open(BLOCKS, 50);
		await h.press(KEYS.enter);
		const frame = await h.waitForFrame(
			(f) => (f.match(/▀/g) ?? []).length > 100 && f.includes('Images · 6 of 6'),
			'the sheet',
		);
		expect(frame).toMatch(/short·calm·#1|Hair=short · Mood=calm · seed 1000/);
	});

	it("a session's first pictures are drawn BATCH_MS after they arrive, not held for the frames of the session the cursor left (regression: up to 250 ms)", async () => {
		const real = createThumbnailService({inThread: true});
		service = real;
		// Every thumbnail is made at once but handed over only when the test releases it.
		const held: Array<{request: {path: string}; release: () => void}> = [];
		const thumbnails: ThumbnailService = {
			...real,
			get: (request) =>
				real.get(request).then(
					(thumb) =>
						new Promise((resolve) => {
							held.push({request, release: () => resolve(thumb)});
						}),
				),
		};
		const clock = new FakeClock(TEST_NOW);
		harness = await renderExplorer({
			data: fakeData(rows),
			columns: 160,
			rows: 40,
			clock,
			now: () => clock.now(),
			insightSettleMs: 20,
			previews: {previewOutput: BLOCKS, previewServices: {thumbnails, cacheDir: null}},
		});
		const h = harness;
		const releaseOne = async (session: string): Promise<void> => {
			await waitFor(
				() => held.some((x) => x.request.path.includes(session)),
				() => `a picture of ${session}`,
				10_000,
				clock,
			);
			const index = held.findIndex((x) => x.request.path.includes(session));
			held.splice(index, 1)[0]!.release();
		};
		// The first session: one picture of six arrives and is drawn BATCH_MS later (its frame starts the gap).
		await releaseOne('third');
		await settle(10);
		clock.advance(30);
		await waitFor(
			() => /▀/.test(h.lastFrame()),
			() => 'the first picture of the first session',
		);
		// The cursor moves on and rests (20 ms); the next session's first picture arrives while the rest are made.
		await h.press('j');
		clock.advance(20);
		await waitFor(
			() => held.some((x) => x.request.path.includes('second')),
			() => 'the second session asked',
		);
		await releaseOne('second');
		await settle(10);
		// BATCH_MS later it is on screen: it does not wait out the first session's gap.
		clock.advance(30);
		await waitFor(
			() => h.lastFrame().includes('second') && /▀/.test(h.lastFrame()),
			() => `the first picture of the second session; last frame:\n${h.lastFrame()}`,
		);
	});

	it('does not load while the cursor moves (side panel at 160 columns): the box stays empty until it rests', async () => {
		const h = await open(BLOCKS, 60_000, 160, 40);
		await h.waitForFrame((f) => f.includes('Images …'), 'the empty sheet box');
		for (const key of ['j', 'j', 'k', 'j']) {
			await h.press(key);
			expect(h.lastFrame()).toContain('Images …');
			expect(h.lastFrame()).not.toMatch(IMAGE_BYTES);
		}
		expect(h.frames.some((f) => /▀/.test(f))).toBe(false);
	});

	it('is gone on every mode change: back to the list, help, the grid shows its own cells', async () => {
		const h = await open(BLOCKS, 20);
		await h.press(KEYS.enter);
		await h.waitForFrame((f) => (f.match(/▀/g) ?? []).length > 100, 'the sheet');
		await h.press('?');
		expect(h.lastFrame()).not.toMatch(IMAGE_BYTES);
		await h.press(KEYS.escape);
		await h.waitForFrame((f) => /▀/.test(f), 'the sheet again');
		await h.press(KEYS.escape);
		expect(h.lastFrame()).not.toMatch(IMAGE_BYTES);
		expect(h.lastFrame()).not.toContain('Images');
	});

	it('writes nothing while idle once the sheet is drawn (regression: the idle check began before the last picture arrived)', async () => {
		// Counted at the service, not guessed from the frame: a sheet with a picture still on its way can look whole.
		const real = createThumbnailService({inThread: true});
		service = real;
		let asked = 0;
		let answered = 0;
		const thumbnails: ThumbnailService = {
			...real,
			get: (request) => {
				asked++;
				return real.get(request).finally(() => answered++);
			},
		};
		const h = (harness = await renderExplorer({
			data: fakeData(rows),
			columns: 100,
			rows: 40,
			insightSettleMs: 20,
			previews: {previewOutput: BLOCKS, previewServices: {thumbnails, cacheDir: null}},
		}));
		await h.press(KEYS.enter);
		await waitFor(
			() => answered === 6 && asked === 6,
			() => `all six pictures (${answered} of ${asked} asked answered)`,
			10_000,
			h.clock,
		);
		await h.waitForFrame((f) => (f.match(/▀/g) ?? []).length > 100, 'the sheet');
		// Whatever was still due (the last batch, the insight's settle) happens now; then ten idle minutes.
		h.clock.advance(60_000);
		await settle(30);
		const count = h.frames.length;
		for (let minute = 0; minute < 10; minute++) {
			h.clock.advance(60_000);
			await settle(10);
		}
		expect(h.frames.length).toBe(count);
		expect(asked).toBe(6);
	});

	it('with colour off (NO_COLOR, --no-color, a pipe): captions only, not one image byte', async () => {
		const h = await open(NONE, 20);
		await h.press(KEYS.enter);
		await h.waitForFrame((f) => f.includes('Hair=short · Mood=calm · seed 1000'), 'the captions');
		await h.press('v');
		await h.waitForFrame((f) => f.includes('Hair across, Mood down'), 'the grid');
		expect(h.frames.some((f) => IMAGE_BYTES.test(f))).toBe(false);
	});
});

describe('the grid and one image full screen', () => {
	it('v shows placeholders across and down with a thumbnail per present cell and a visible hole per missing one', async () => {
		const h = await open(BLOCKS, 20, 120, 40);
		await h.press(KEYS.enter);
		await h.waitForFrame((f) => f.includes('Images · 6 of 6'), 'the sheet');
		await h.press('v');
		const frame = await h.waitForFrame(
			(f) => f.includes('Hair across, Mood down') && (f.match(/▀/g) ?? []).length > 50,
			'the grid',
		);
		expect(frame).toMatch(/short\s+long\s+braids/);
		// Six images of twelve combinations: the other six are visible holes with their values.
		expect(frame).toContain('6 of 12 present');
		expect(frame.match(/│missing/g)?.length).toBeGreaterThanOrEqual(1);
		expect(frame).toContain('✗ missing');
		await h.press('a');
		await h.waitForFrame((f) => f.includes('Mood across, Hair down'), 'the axes swapped');
		await h.press('o');
		const image = await h.waitForFrame(
			(f) => f.includes('1/6') && f.includes('values: Hair=short · Mood=calm'),
			'the image full screen',
		);
		expect(image).toContain('seed: 1000');
		// The prompt, read from the manifest entry of the one image shown.
		await h.waitForFrame(
			(f) => f.includes('prompt: masterpiece, best quality, 1girl, short, calm'),
			"the first image's prompt",
		);
		expect(h.lastFrame()).toContain('negative: lowres, bad anatomy, blurry');
		await h.press(KEYS.right);
		await h.waitForFrame((f) => f.includes('2/6'), 'the next image');
		await h.waitForFrame((f) => f.includes('prompt: masterpiece, best quality, 1girl, short, angry'), 'its prompt');
		await h.press(KEYS.escape);
		await h.waitForFrame((f) => f.includes('Mood across, Hair down'), 'back to the grid');
		await h.press(KEYS.escape);
		await h.waitForFrame((f) => f.includes('Images · 6 of 6'), 'back to the details');
	});
});

describe('which small pictures are kept', () => {
	it("the sheet's pictures keep their 384 px thumbnails; the grid's cells and the full-screen image do not (only their encoded forms are cached)", async () => {
		const real = createThumbnailService({inThread: true});
		service = real;
		const asked: Array<{path: string; keepSource: boolean | undefined; full: boolean}> = [];
		const thumbnails: ThumbnailService = {
			...real,
			get: (request) => {
				asked.push({path: request.path, keepSource: request.keepSource, full: request.encode.full === true});
				return real.get(request);
			},
		};
		harness = await renderExplorer({
			data: fakeData(rows),
			columns: 120,
			rows: 40,
			insightSettleMs: 20,
			previews: {previewOutput: BLOCKS, previewServices: {thumbnails, cacheDir: null}},
		});
		const h = harness;
		await h.press(KEYS.enter);
		await h.waitForFrame((f) => (f.match(/▀/g) ?? []).length > 100 && f.includes('Images · 6 of 6'), 'the sheet');
		const sheet = asked.splice(0);
		expect(sheet.length).toBeGreaterThan(0);
		expect(sheet.every((a) => a.keepSource === true && !a.full)).toBe(true);
		await h.press('v');
		await h.waitForFrame(
			(f) => f.includes('Hair across, Mood down') && (f.match(/▀/g) ?? []).length > 50,
			'the grid',
		);
		const grid = asked.splice(0);
		expect(grid.length).toBeGreaterThan(0);
		expect(grid.every((a) => a.keepSource === false && !a.full)).toBe(true);
		await h.press('o');
		await waitFor(
			() => asked.some((a) => a.full),
			() => 'the full-screen picture asked for',
		);
		expect(asked.filter((a) => a.full).every((a) => a.keepSource === false)).toBe(true);
	});
});

describe('the overlay for graphics protocols', () => {
	it('draws each marked picture at its marker after the frame, and deletes kitty placements no longer on screen', () => {
		const overlay = createImageOverlay('kitty');
		const marker = overlay.marker('a', {text: '<T>', cols: 4, rows: 2, kittyId: 7});
		const frame = `head\n  x${marker}   \nfoot`;
		const first = overlay.transform(frame);
		expect(first).toBe(`head\n  x    \nfoot\u001B7\u001B[2;4H<T>\u001B8`);
		// Later frames only place it again.
		expect(overlay.transform(frame)).toContain('\u001B_Ga=p,q=2,C=1,i=7,p=1,c=4,r=2\u001B\\');
		// Gone from the frame: its placement is deleted, nothing else drawn.
		expect(overlay.transform('head\nbody\nfoot')).toBe(
			'head\nbody\nfoot\u001B7\u001B_Ga=d,d=i,q=2,i=7,p=1\u001B\\\u001B8',
		);
		expect(overlay.transform('head\nbody\nfoot')).toBe('head\nbody\nfoot');
		expect(overlay.cleanup()).toBe('\u001B_Ga=d,d=A,q=2\u001B\\');
	});

	it('a frame with a big picture is written in pieces of at most WRITE_PIECE, its bytes unchanged, never cutting a character in two (regression: a full-screen picture was joined into one two-byte frame string, ~5.5 MB on the screen thread)', () => {
		const overlay = createImageOverlay('kitty');
		const picture = `\u001B_Gf=100;${'A'.repeat(3 * WRITE_PIECE + 123)}\u001B\\`;
		const marker = overlay.marker('full', {text: picture, cols: 40, rows: 20, kittyId: 9});
		// A line of text with a character beyond the BMP right where a cut of the text would fall.
		const text = `${'x'.repeat(WRITE_PIECE - 1)}😀${'y'.repeat(WRITE_PIECE)}`;
		const frame = `${text}\n${marker}\nfoot`;
		const writes: string[] = [];
		let done = 0;
		const stream = {
			write: (chunk: string, callback?: () => void) => (writes.push(chunk), callback && done++, true),
		};
		const stdout = overlayStdout(stream as unknown as NodeJS.WriteStream, overlay);
		const expected = createImageOverlay('kitty');
		expected.marker('full', {text: picture, cols: 40, rows: 20, kittyId: 9});
		expect(stdout.write(frame, () => undefined)).toBe(true);
		expect(writes.join('')).toBe(expected.transform(frame));
		expect(writes.length).toBeGreaterThan(4);
		for (const piece of writes) {
			expect(piece.length).toBeLessThanOrEqual(WRITE_PIECE);
			expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
		}
		// The caller's callback rides on the last piece only.
		expect(done).toBe(1);
		// A frame without pictures is one write, as before.
		writes.length = 0;
		stdout.write('head\nbody');
		expect(writes).toEqual(['head\nbody\u001B7\u001B_Ga=d,d=i,q=2,i=9,p=1\u001B\\\u001B8']);
	});

	it('a new cell size or protocol (setProtocol) deletes the kitty pictures already on screen, once, on the next frame (regression: stale pictures stayed under the new ones after a font zoom)', () => {
		const DELETE_ALL = '\u001B_Ga=d,d=A,q=2\u001B\\';
		const overlay = createImageOverlay('kitty');
		// Nothing sent yet: nothing to delete.
		overlay.setProtocol('kitty', false);
		expect(overlay.transform('a\nb')).toBe('a\nb');
		const marker = overlay.marker('a', {text: '<T>', cols: 4, rows: 2, kittyId: 7});
		overlay.transform(`${marker}\nb`);
		// Same protocol, new cell size: the old pictures go before the new one is sent in full.
		overlay.setProtocol('kitty', false);
		const next = overlay.marker('a', {text: '<T2>', cols: 5, rows: 2, kittyId: 8});
		expect(overlay.transform(`${next}\nb`)).toBe(` \nb\u001B7${DELETE_ALL}\u001B[1;1H<T2>\u001B8`);
		expect(overlay.transform(`${next}\nb`)).not.toContain('d=A');
		// Pictures off: the next frame still deletes what kitty shows, and nothing else is drawn.
		overlay.setProtocol(null, false);
		expect(overlay.transform(`${next}\nb`)).toBe(` \nb${DELETE_ALL}`);
		expect(overlay.transform('a\nb')).toBe('a\nb');
	});

	it('inside tmux the delete is wrapped for passthrough, as the pictures were', () => {
		const overlay = createImageOverlay('kitty', {tmux: true});
		const marker = overlay.marker('a', {text: '<T>', cols: 4, rows: 2, kittyId: 7});
		overlay.transform(`${marker}\nb`);
		overlay.setProtocol(null, false);
		expect(overlay.transform('a\nb')).toBe('a\nb\u001BPtmux;\u001B\u001B_Ga=d,d=A,q=2\u001B\u001B\\\u001B\\');
	});

	it("sixel and iTerm2 pictures are drawn again after every frame that shows them (the frame's text erased them)", () => {
		const overlay = createImageOverlay('sixel');
		const marker = overlay.marker('a', {text: '<S>', cols: 2, rows: 1});
		expect(overlay.transform(`${marker} \nx`)).toBe('  \nx\u001B7\u001B[1;1H<S>\u001B8');
		expect(overlay.transform(`${marker} \nx`)).toBe('  \nx\u001B7\u001B[1;1H<S>\u001B8');
		expect(overlay.cleanup()).toBe('');
	});

	it('keeps only the bytes of the pictures in the last frame (regression: it kept every picture of the run)', () => {
		const overlay = createImageOverlay('sixel');
		const a = overlay.marker('a', {text: '<A>', cols: 2, rows: 1});
		const b = overlay.marker('b', {text: '<B>', cols: 2, rows: 1});
		overlay.transform(`${a} ${b} \nx`);
		expect(overlay.held()).toBe(2);
		// The next session's sheet: only its own picture is kept.
		const c = overlay.marker('c', {text: '<C>', cols: 2, rows: 1});
		expect(overlay.transform(`${c} \nx`)).toBe('  \nx\u001B7\u001B[1;1H<C>\u001B8');
		expect(overlay.held()).toBe(1);
		// Back to the first: its render registers it again, and it is drawn.
		expect(overlay.marker('a', {text: '<A>', cols: 2, rows: 1})).toBe(a);
		expect(overlay.transform(`${a} \nx`)).toBe('  \nx\u001B7\u001B[1;1H<A>\u001B8');
		expect(overlay.held()).toBe(1);
	});

	it('with no protocol (colour off) markers become spaces and no image byte is written', () => {
		const overlay = createImageOverlay(null);
		const marker = overlay.marker('a', {text: '<T>', cols: 2, rows: 1});
		expect(overlay.transform(`a${marker}\nb`)).toBe('a \nb');
	});
});
