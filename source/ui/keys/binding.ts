/** What a row of the key table is, and the groups of modes that rows share. */
import type {Key} from 'ink';
import {screenOf} from '../state/screen.js';
import type {Action, ExplorerState, Mode} from '../state/types.js';
import type {Matcher} from './match.js';

export type Binding = {
	modes: readonly Mode[];
	/** How the keys are written in help, e.g. `↑ k`. */
	keys: string;
	help: string;
	/** A short footer hint; lower priority numbers stay longest as the terminal narrows. */
	footer?: {label: string; priority: number};
	match: Matcher;
	/** What the key does here; the key itself is passed in, so a row such as `PgUp PgDn` decides its direction. */
	action: (state: ExplorerState, input: string, key: Key) => Action | null;
};

export const LIST: readonly Mode[] = ['list'];
export const SCROLLABLE: readonly Mode[] = ['details', 'help'];
export const BROWSING: readonly Mode[] = ['list', 'details'];
export const INPUTS: readonly Mode[] = ['tag-input', 'note-input', 'command'];
/** Every one-line text input: the `/` filter and the tag, note and command lines share the editing keys. */
export const TEXT_INPUTS: readonly Mode[] = ['filter-input', ...INPUTS];
/** The inputs with a history (↑ ↓). */
export const HISTORY_INPUTS: readonly Mode[] = ['filter-input', 'command'];

/** A screenful of the scrolled body, for PgUp and PgDn. */
export const page = (state: ExplorerState): number => {
	const screen = screenOf(state);
	return screen.kind === 'normal' ? Math.max(1, screen.bodyHeight - 1) : 1;
};
