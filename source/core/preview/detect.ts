/**
 * Which image protocol a terminal gets: the environment's guess first (instant, so the first frame never
 * waits), then the terminal's own answers to one batched query when they arrive. Pure: variables and reply
 * bytes in, a decision out; the query itself is written and read by the explorer (ui/hooks).
 *
 * Order, after yazi's field-tested matrix (shared research, previews.md): kitty for kitty and Ghostty; iTerm2
 * inline images for iTerm2, WezTerm, VS Code, mintty, Tabby, Hyper, Warp; sixel for foot, Windows Terminal,
 * mlterm, contour, xterm when DA1 says so. Konsole (22.04 on: all three) gets kitty's direct placements, the one
 * kind of its pictures that can be taken off the screen: its sixel and iTerm2 pixels stay through any text, EL,
 * ECH or coloured spaces written over them (Konsole 22.12 under Xvfb; only a whole-screen ED cleared them), so a
 * sheet stayed over the help after `?`. Older Konsole draws no pictures. Inside tmux the graphics only with
 * `allow-passthrough` on (wrapped, kitty and iTerm2 only: a sixel DCS cannot travel inside tmux's DCS);
 * otherwise, and everywhere else, half blocks.
 */
import {cellFromReplies} from './cell-size.js';
import type {Protocol} from './protocol.js';

export type ImagesSetting = 'auto' | Protocol | 'off';
export const IMAGES_SETTINGS: readonly ImagesSetting[] = ['auto', 'kitty', 'iterm', 'sixel', 'blocks', 'off'];

export function isImagesSetting(value: unknown): value is ImagesSetting {
	return typeof value === 'string' && (IMAGES_SETTINGS as readonly string[]).includes(value);
}

export type Environment = Readonly<Record<string, string | undefined>>;

export type Output = {
	/** stdout is a terminal. */
	isTTY: boolean;
	/** Colour is on (no --no-color, no NO_COLOR). */
	color: boolean;
};

/** Why no image bytes may be written at all, or null when they may. Captions and charts are text and stay. */
export function imagesForbidden(env: Environment, output: Output): string | null {
	if (!output.isTTY) return 'not a terminal';
	if (!output.color || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 'colour is off';
	if (env.TERM === 'dumb') return 'TERM=dumb';
	return null;
}

/** Whether the terminal is inside tmux (its variables, or a TERM tmux sets). */
export function insideTmux(env: Environment): boolean {
	return Boolean(env.TMUX) || (/^(tmux|screen)/.test(env.TERM ?? '') && Boolean(env.TMUX_PANE));
}

/** Whether 24-bit colour is safe to send; otherwise the 256-colour cube. */
export function trueColour(env: Environment): boolean {
	const colorterm = (env.COLORTERM ?? '').toLowerCase();
	if (colorterm === 'truecolor' || colorterm === '24bit') return true;
	if (/-direct$|kitty|ghostty|wezterm|foot|alacritty/.test(env.TERM ?? '')) return true;
	return ['iTerm.app', 'WezTerm', 'vscode', 'ghostty', 'Hyper', 'Tabby', 'mintty', 'WarpTerminal', 'rio'].includes(
		env.TERM_PROGRAM ?? '',
	);
}

/**
 * The protocol the environment names, or null when it does not tell (then the query decides). Variables
 * like TERM_PROGRAM are usually lost over SSH; TERM and LC_TERMINAL often survive.
 */
export function protocolFromEnvironment(env: Environment): Protocol | null {
	const term = env.TERM ?? '';
	const program = env.TERM_PROGRAM ?? '';
	if (
		term === 'xterm-kitty' ||
		env.KITTY_WINDOW_ID ||
		term === 'xterm-ghostty' ||
		program === 'ghostty' ||
		env.GHOSTTY_RESOURCES_DIR
	)
		return 'kitty';
	if (program === 'iTerm.app' || env.ITERM_SESSION_ID || env.LC_TERMINAL === 'iTerm2') return 'iterm';
	if (program === 'WezTerm' || env.WEZTERM_EXECUTABLE || env.WEZTERM_PANE) return 'iterm';
	if (
		program === 'vscode' ||
		program === 'mintty' ||
		program === 'Tabby' ||
		program === 'Hyper' ||
		program === 'WarpTerminal' ||
		program === 'rio'
	)
		return 'iterm';
	if (term === 'foot' || term === 'foot-extra' || term === 'mlterm' || term.startsWith('contour') || env.WT_SESSION)
		return 'sixel';
	if (env.KONSOLE_VERSION) return konsoleHasGraphics(env.KONSOLE_VERSION) ? 'kitty' : 'blocks';
	if (term === 'linux' || env.TERM_PROGRAM === 'Apple_Terminal' || env.VTE_VERSION) return 'blocks';
	return null;
}

/** Konsole draws pictures from 22.04 (KONSOLE_VERSION 220400: year, month, patch as digits). */
function konsoleHasGraphics(version: string): boolean {
	const number = Number(version);
	return Number.isInteger(number) && number >= 220400;
}

/** What the terminal said to the query (each field false/null when it did not answer that part). */
export type ProbeReplies = {
	/** The DA1 reply arrived (the sentinel: every terminal answers it, and it comes last). */
	answered: boolean;
	/** DA1 lists 4: sixel graphics. */
	sixel: boolean;
	/** The kitty `a=q` probe answered OK. */
	kitty: boolean;
	/** XTVERSION's name, e.g. `XTerm(390)`, `kitty(0.35.2)`, `tmux 3.4`. */
	version: string | null;
	/** Cell size in pixels from `CSI 16 t` (or `CSI 14 t` over the grid, when the caller knows the grid). */
	cell: {width: number; height: number} | null;
};

const ESC = '\u001B';
/** The batched query: XTVERSION, the kitty probe, cell size and text area, then DA1 last as the sentinel. */
export const PROBE_QUERY = `${ESC}[>q${ESC}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA${ESC}\\${ESC}[16t${ESC}[14t${ESC}[c`;

/** DA1's reply (`CSI ? 62 ; 4 c`): the sentinel, since every terminal answers it, in order. */
export const DA1_REPLY = /\u001B\[\?([\d;]*)c/;

/** Every reply the probes can provoke, so the explorer can take them out of the key stream. */
export const PROBE_REPLY =
	/\u001B\[\?[\d;]*c|\u001B_G[^\u001B]*\u001B\\|\u001BP>\|[^\u001B]*\u001B\\|\u001B\[[46];\d+;\d+t/g;

/** Reads the replies found in `input` (which may hold other bytes between them); `grid` turns a text-area reply into a cell. */
export function parseProbeReplies(input: string, grid: {columns?: number; rows?: number} = {}): ProbeReplies {
	const replies: ProbeReplies = {answered: false, sixel: false, kitty: false, version: null, cell: null};
	const da1 = DA1_REPLY.exec(input);
	if (da1) {
		replies.answered = true;
		replies.sixel = da1[1]!.split(';').includes('4');
	}
	const kitty = /\u001B_Gi=31;([^\u001B]*)\u001B\\/.exec(input);
	if (kitty) replies.kitty = kitty[1] === 'OK';
	const version = /\u001BP>\|([^\u001B]*)\u001B\\/.exec(input);
	if (version) replies.version = version[1]!;
	replies.cell = cellFromReplies(input, grid);
	return replies;
}

export type Decision = {
	/** null: no image bytes (setting off, colour off, not a terminal). */
	protocol: Protocol | null;
	/** Wrap graphics for tmux passthrough. */
	tmux: boolean;
	/** Send the query and call `decide` again with its replies. */
	query: boolean;
	/** One line for the details / a debug print: why this protocol. */
	reason: string;
};

export type DecideInput = {
	env: Environment;
	output: Output;
	setting: ImagesSetting;
	/** tmux's `allow-passthrough` value when inside tmux (read by the caller), else null. */
	passthrough?: string | null;
	replies?: ProbeReplies | null;
};

export function decideProtocol(input: DecideInput): Decision {
	const {env, output, setting, replies = null} = input;
	const forbidden = imagesForbidden(env, output);
	if (forbidden) return {protocol: null, tmux: false, query: false, reason: `no images: ${forbidden}`};
	if (setting === 'off') return {protocol: null, tmux: false, query: false, reason: 'no images: turned off'};
	const tmux = insideTmux(env);
	const passthrough = tmux && (input.passthrough === 'on' || input.passthrough === 'all');
	if (setting !== 'auto') {
		if (tmux && setting !== 'blocks' && !passthrough)
			return {
				protocol: 'blocks',
				tmux: false,
				query: false,
				reason: `${setting} asked for, but tmux's allow-passthrough is off: half blocks`,
			};
		if (tmux && setting === 'sixel')
			return {
				protocol: 'blocks',
				tmux: false,
				query: false,
				reason: 'sixel cannot pass through tmux: half blocks',
			};
		return {
			protocol: setting,
			tmux: passthrough && setting !== 'blocks',
			query: false,
			reason: `${setting}, as set`,
		};
	}
	if (tmux && !passthrough)
		return {
			protocol: 'blocks',
			tmux: false,
			query: false,
			reason: 'inside tmux without allow-passthrough: half blocks (tmux set -g allow-passthrough on and SDSTATS_TMUX_PASSTHROUGH=on for graphics)',
		};
	const guess = protocolFromEnvironment(env);
	if (guess !== null) {
		if (tmux && guess === 'sixel')
			return {
				protocol: 'blocks',
				tmux: false,
				query: false,
				reason: 'sixel cannot pass through tmux: half blocks',
			};
		return {
			protocol: guess,
			tmux: tmux && guess !== 'blocks',
			query: false,
			reason: `${guess}, from the environment${tmux ? ' (through tmux)' : ''}`,
		};
	}
	if (!replies)
		return {
			protocol: 'blocks',
			tmux: false,
			query: !tmux,
			reason: tmux ? 'unknown terminal inside tmux: half blocks' : 'half blocks until the terminal answers',
		};
	if (!replies.answered)
		return {protocol: 'blocks', tmux: false, query: false, reason: 'the terminal did not answer: half blocks'};
	// WezTerm answers the kitty probe but draws kitty pictures less well than iTerm2's; Konsole (see above) is kitty's.
	if (replies.kitty && !/wezterm/i.test(replies.version ?? ''))
		return {protocol: 'kitty', tmux: false, query: false, reason: 'kitty graphics, as the terminal answered'};
	if (/wezterm|iterm/i.test(replies.version ?? ''))
		return {protocol: 'iterm', tmux: false, query: false, reason: `iTerm2 images (${replies.version})`};
	if (replies.sixel) return {protocol: 'sixel', tmux: false, query: false, reason: 'sixel, as the terminal answered'};
	return {protocol: 'blocks', tmux: false, query: false, reason: "no graphics in the terminal's answer: half blocks"};
}
