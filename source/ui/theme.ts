/**
 * Colours by role. With colour off (NO_COLOR, --no-color) every role renders plain: no colour, no bold, no
 * inverse; meaning is carried by glyphs and words (the cursor `›`, state symbols), never by colour alone.
 * The palette avoids telling states apart by red versus green only: each state also has its own symbol.
 */
import type {SessionState} from '../core/types.js';

export type Style = {color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean};

export type Role =
	| 'title'
	| 'dim'
	| 'header'
	| 'accent'
	| 'selected'
	| 'marked'
	| 'stale'
	| 'warning'
	| 'error'
	| 'key'
	| `state-${SessionState}`;

const PALETTE: Record<Role, Style> = {
	title: {bold: true},
	dim: {dimColor: true},
	header: {bold: true},
	accent: {color: 'cyan'},
	selected: {inverse: true},
	marked: {color: 'magenta', bold: true},
	stale: {color: 'yellow'},
	warning: {color: 'yellow'},
	error: {color: 'red'},
	key: {color: 'cyan', bold: true},
	'state-complete': {color: 'green'},
	'state-partial': {color: 'yellow'},
	'state-over': {color: 'cyan'},
	'state-empty': {color: 'gray'},
	'state-running': {color: 'blue', bold: true},
	'state-stalled': {color: 'magenta'},
	'state-aborted': {color: 'red'},
	'state-no_manifest': {color: 'gray'},
	'state-unreadable': {color: 'red', bold: true},
};

export type Theme = {color: boolean; style(role: Role | undefined): Style};

export function createTheme(color: boolean): Theme {
	return {
		color,
		style: (role) => (color && role ? PALETTE[role] : {}),
	};
}
