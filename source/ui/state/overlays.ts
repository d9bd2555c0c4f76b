/** Overlays (help, confirm, the inputs, export) open over a mode and return to it: which one is remembered here. */
import type {ExplorerState, Mode} from './types.js';

const OVERLAYS: ReadonlySet<Mode> = new Set<Mode>([
	'help',
	'confirm',
	'tag-input',
	'note-input',
	'command',
	'export',
	'action-confirm',
]);

export function openOverlay(state: ExplorerState, mode: Mode): ExplorerState {
	return {...state, previousMode: OVERLAYS.has(state.mode) ? state.previousMode : state.mode, mode};
}
