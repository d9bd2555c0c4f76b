/**
 * Pictures drawn by a graphics protocol (kitty, iTerm2, sixel) live outside Ink's text frame, so they are tied
 * to it here: a view reserves a box of blank cells whose first cell holds a marker character (one private-use
 * character per picture, one column wide to Ink). Every frame Ink writes passes through `write` below: each
 * marker is found (row: newlines before it, the frame starts at the top; column: the display width before it),
 * replaced by a space, and after the frame, inside the same write, the picture is drawn at that spot with the
 * cursor saved and restored.
 *
 * So pictures move with their box, vanish with it (kitty placements no longer in the frame are deleted; sixel
 * and iTerm2 pixels are overwritten by the frame's text), and nothing is written while Ink writes nothing.
 * Half blocks need none of this: they are text in the frame.
 */
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import {KITTY_DELETE_ALL, kittyDeletePlacement, kittyPlace, tmuxPassthrough} from '../core/preview/encode.js';
import type {Protocol} from '../core/preview/protocol.js';

/** The first marker; a picture's slot n is marked by MARKER_BASE + n. */
const MARKER_BASE = 0xe000;
const MARKER_COUNT = 0x1800;
const MARKERS = /[\uE000-\uF7FF]/g;

export type OverlayPicture = {
	/** The protocol's bytes that draw it at the cursor (for kitty: the transmit, with `kittyId`). */
	text: string;
	cols: number;
	rows: number;
	kittyId?: number;
};

export type ImageOverlay = {
	readonly protocol: Exclude<Protocol, 'blocks'> | null;
	/** The terminal answered late: draw with another protocol from now on (forgets every picture). */
	setProtocol(protocol: Exclude<Protocol, 'blocks'> | null, tmux: boolean): void;
	/** The marker character for a picture (stable per key while it is registered). */
	marker(key: string, picture: OverlayPicture): string;
	/** Ink's frame in, the frame plus the pictures out. */
	transform(frame: string): string;
	/**
	 * The same bytes as `transform`, in the pieces to write them in: the frame's text, then the pictures, a big
	 * picture as slices of its own string (see `WRITE_PIECE`).
	 */
	transformParts(frame: string): string[];
	/** What to write on the way out (kitty: delete every picture). */
	cleanup(): string;
	/** Forget every picture (the protocol changed, the terminal was resized). */
	reset(): void;
	/** How many pictures' bytes are kept: those of the last frame and any registered since. */
	held(): number;
};

/**
 * The most written at once. A frame with pictures was one string: the frame's text (two bytes a character, for
 * its box-drawing characters) joined with every picture's bytes, made flat by the write as a two-byte copy of
 * the whole and then encoded into a buffer as big (a full-screen kitty picture: ~2.7 MB of base64 became
 * ~5.5 MB of string and 2.7 MB of buffer on the screen thread). Written in pieces, each picture's string is
 * written from itself (slices share it), and no buffer is big enough for the allocator to map on its own (such
 * a buffer, freed, raises glibc's threshold for what every thread's arena keeps).
 */
export const WRITE_PIECE = 64 * 1024;

/** `pieces` joined into runs of about WRITE_PIECE, a longer one cut into slices of WRITE_PIECE. */
function inPieces(pieces: string[]): string[] {
	const out: string[] = [];
	let run = '';
	for (const piece of pieces) {
		if (run.length + piece.length <= WRITE_PIECE) {
			run += piece;
			continue;
		}
		if (run) out.push(run);
		run = '';
		let at = 0;
		while (piece.length - at > WRITE_PIECE) {
			let end = at + WRITE_PIECE;
			// Never between the two halves of a character beyond the BMP (each half alone would be written as U+FFFD).
			const last = piece.charCodeAt(end - 1);
			if (last >= 0xd800 && last <= 0xdbff) end--;
			out.push(piece.slice(at, end));
			at = end;
		}
		run = piece.slice(at);
	}
	if (run) out.push(run);
	return out;
}

export function createImageOverlay(
	initialProtocol: Exclude<Protocol, 'blocks'> | null,
	options: {tmux?: boolean} = {},
): ImageOverlay {
	let protocol = initialProtocol;
	let tmux = options.tmux === true;
	const wrap = (sequence: string): string => (tmux ? tmuxPassthrough(sequence) : sequence);
	let slots = new Map<string, number>();
	let pictures = new Map<number, OverlayPicture>();
	let nextSlot = 0;
	/** kitty images sent (by id) and placements on screen after the last frame. */
	const transmitted = new Set<number>();
	let placed = new Set<number>();
	/**
	 * kitty pictures stay on screen until deleted (text does not cover them): after a reset (the cell size or
	 * the protocol changed) the next frame first deletes every one sent before, or they would stay as stale
	 * pixels beside, or under, the new ones.
	 */
	let pendingDelete = '';

	const overlay: ImageOverlay = {
		get protocol() {
			return protocol;
		},
		setProtocol(next, nextTmux) {
			// Reset first, while the old protocol (and its tmux wrapping) still says how to delete.
			overlay.reset();
			protocol = next;
			tmux = nextTmux;
		},
		marker(key, picture) {
			let slot = slots.get(key);
			if (slot === undefined) {
				slot = nextSlot++ % MARKER_COUNT;
				slots.set(key, slot);
			}
			pictures.set(slot, picture);
			return String.fromCharCode(MARKER_BASE + slot);
		},
		transform(frame) {
			return overlay.transformParts(frame).join('');
		},
		transformParts(frame) {
			// Only frames (many lines) are looked at: Ink also writes the synchronized-update brackets alone.
			if (!frame.includes('\n')) return [frame.replace(MARKERS, ' ')];
			const deleted = pendingDelete;
			pendingDelete = '';
			if (protocol === null) return [frame.replace(MARKERS, ' ') + deleted];
			const found: Array<{slot: number; row: number; col: number}> = [];
			let row = 0;
			let lineStart = 0;
			for (let i = 0; i < frame.length; i++) {
				const code = frame.charCodeAt(i);
				if (code === 10) {
					row++;
					lineStart = i + 1;
				} else if (code >= MARKER_BASE && code < MARKER_BASE + MARKER_COUNT) {
					found.push({slot: code - MARKER_BASE, row, col: stringWidth(stripAnsi(frame.slice(lineStart, i)))});
				}
			}
			const nowPlaced = new Set<number>();
			const drawn: string[] = [];
			for (const {slot, row: y, col: x} of found) {
				const picture = pictures.get(slot);
				if (!picture) continue;
				let draw = picture.text;
				if (protocol === 'kitty' && picture.kittyId !== undefined) {
					// Sent once; later frames only place it again (the same ids replace the placement, no flicker).
					draw = transmitted.has(picture.kittyId)
						? kittyPlace(picture.kittyId, 1, picture.cols, picture.rows)
						: picture.text;
					transmitted.add(picture.kittyId);
					nowPlaced.add(picture.kittyId);
				}
				drawn.push(`\u001B[${y + 1};${x + 1}H`, wrap(draw));
			}
			let removed = '';
			for (const id of placed) if (!nowPlaced.has(id)) removed = wrap(kittyDeletePlacement(id, 1)) + removed;
			// Pictures not in this frame are forgotten: their bytes (tens of KB each, MBs full screen) were kept for
			// the whole run, every session's sheets and grids. A view registers its pictures again on every render
			// (`marker`), and a frame is written after the render that made it, so none in a frame is lost.
			if (pictures.size > found.length) {
				const inFrame = new Set(found.map((f) => f.slot));
				for (const slot of [...pictures.keys()]) if (!inFrame.has(slot)) pictures.delete(slot);
			}
			placed = nowPlaced;
			const text = found.length > 0 ? frame.replace(MARKERS, ' ') : frame;
			if (!deleted && !removed && drawn.length === 0) return [text];
			return inPieces([text, '\u001B7', deleted, removed, ...drawn, '\u001B8']);
		},
		cleanup() {
			return protocol === 'kitty' && transmitted.size > 0 ? wrap(KITTY_DELETE_ALL) : pendingDelete;
		},
		held() {
			return pictures.size;
		},
		reset() {
			if (protocol === 'kitty' && transmitted.size > 0) pendingDelete = wrap(KITTY_DELETE_ALL);
			slots = new Map();
			pictures = new Map();
			transmitted.clear();
			placed = new Set();
			nextSlot = 0;
		},
	};
	return overlay;
}

/** A stdout for Ink whose writes pass through the overlay; everything else is the real stream's. */
export function overlayStdout<T extends NodeJS.WriteStream>(stdout: T, overlay: ImageOverlay): T {
	return new Proxy(stdout, {
		get(target, property, receiver) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) => {
					const write = target.write as (...args: unknown[]) => boolean;
					if (typeof chunk !== 'string') return write.call(target, chunk, ...rest);
					// The pieces back to back, in this one call: nothing else is written between them.
					const parts = overlay.transformParts(chunk);
					for (let i = 0; i < parts.length - 1; i++) write.call(target, parts[i]);
					return write.call(target, parts[parts.length - 1] ?? '', ...rest);
				};
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
