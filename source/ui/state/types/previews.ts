/** Pictures: the terminal's output, the session's images, thumbnails, and the previews slice's actions (state/previews.ts). */
import type {ColourDepth} from '../../../core/preview/encode.js';
import type {CellPixels} from '../../../core/preview/pixels.js';
import type {Protocol} from '../../../core/preview/protocol.js';

/** How pictures reach this terminal (decided at start from the environment, refined by the terminal's answers). */
export type PreviewOutput = {
	/** null: no image bytes at all (NO_COLOR, --no-color, TERM=dumb, --images off); captions and charts stay. */
	protocol: Protocol | null;
	tmux: boolean;
	cell: CellPixels;
	depth: ColourDepth;
	/** Why this protocol, for the details. */
	reason: string;
};

/** One image of the session under the cursor, as the previews need it. */
export type PreviewImageInfo = {
	name: string;
	path: string;
	size: number;
	mtimeMs: number;
	caption: string;
	shortCaption: string;
	/** Placeholder → value from the manifest entry; empty when the manifest does not list the image. */
	values: Readonly<Record<string, string>>;
	seed: string | null;
};

/** The images of the session whose details are shown, read once the cursor rests on it. */
export type PreviewSession = {
	sessionId: string;
	/** In time order. */
	images: readonly PreviewImageInfo[];
	running: boolean;
	/** The grid's placeholders (their used values) and seed list, from the manifest. */
	placeholders: ReadonlyArray<{name: string; values: readonly string[]}>;
	seeds: readonly string[] | null;
	/** Why there are no images or no manifest facts (a folder that is gone, no manifest). */
	reason: string | null;
};

/** A thumbnail as the views draw it: half-block lines, or a graphics protocol's bytes for the overlay. */
export type PreviewThumb =
	| {status: 'ready'; lines: readonly string[] | null; text: string; cols: number; rows: number; kittyId?: number}
	| {status: 'failed'; reason: string};

export type PreviewsState = {
	/** Pictures are part of this explorer (it has a thumbnail service); off: no sheet box at all. */
	enabled: boolean;
	output: PreviewOutput;
	session: PreviewSession | null;
	/** By `thumbKey` (image name and box); only the current session's. */
	thumbs: ReadonlyMap<string, PreviewThumb>;
	/** The sheet image ←/→ chose in details (Enter-like `o` opens it full screen). */
	sheetFocus: number;
	grid: {axes: number; page: number; x: number; y: number};
	/** The image shown full screen (an index into session.images) and the mode to return to. */
	image: {index: number; returnTo: 'details' | 'grid'} | null;
	/** Prompts of the images shown full screen, by image name (read when shown); only the current session's. */
	prompts: ReadonlyMap<string, PreviewPrompt>;
};

/** One image's prompt as the full-screen view shows it; a reason when there is none to show. */
export type PreviewPrompt = {prompt: string | null; negative: string | null; reason: string | null};
/** Pictures: the terminal's protocol, the session's images and thumbnails, the sheet, grid and full-screen image (state/previews.ts). */
export type PreviewAction =
	| {type: 'preview-output'; output: PreviewOutput}
	| {type: 'preview-session-loaded'; session: PreviewSession}
	| {type: 'preview-thumbs'; sessionId: string; thumbs: ReadonlyArray<{key: string; thumb: PreviewThumb}>}
	| {type: 'preview-prompt'; sessionId: string; name: string; prompt: PreviewPrompt}
	| {type: 'sheet-focus'; delta: number}
	| {type: 'grid-open'}
	| {type: 'grid-move'; dx: number; dy: number}
	| {type: 'grid-axes'; step: 1 | -1}
	| {type: 'grid-page'; delta: number}
	| {type: 'image-open'}
	| {type: 'image-step'; delta: number};
