/**
 * The inputs slice: the tag, note and `:` command lines. Editing is the line editor's (model/line-editor.ts),
 * the meaning of a command line the interpreter's (model/command-line.ts); this applies them to the state.
 */
import {formatQuery} from '../../core/query.js';
import {sanitizeLine} from '../../text/sanitize.js';
import type {ViewSettings} from '../data/view-store.js';
import {commandCompletions, parseCommand} from '../model/command-line.js';
import {
	applyEdit,
	complete,
	deleteBackward,
	insertText,
	lineOf,
	recall,
	remember,
	type EditLine,
} from '../model/line-editor.js';
import {applyView} from './list.js';
import {panesReducer} from './panes.js';
import {openOverlay} from './overlays.js';
import {targetsOf} from './selectors.js';
import {READONLY_MESSAGE, triage} from './triage.js';
import type {ExplorerState, InputAction} from './types.js';

type Purpose = 'tag-input' | 'note-input' | 'command';

/** Candidates for Tab in the current input. */
function completionsFor(state: ExplorerState, purpose: Purpose, text: string): string[] {
	if (purpose === 'tag-input') return state.tagsInUse.filter((t) => t.toLowerCase().startsWith(text.toLowerCase()));
	if (purpose === 'command') return commandCompletions(text, Object.keys(state.savedViews));
	return [];
}

function withLine(state: ExplorerState, purpose: Purpose, line: EditLine): ExplorerState {
	return {...state, input: {...line, completions: completionsFor(state, purpose, line.text)}};
}

function currentSettings(state: ExplorerState): ViewSettings {
	return {sort: state.sort, filter: formatQuery(state.filter.query), hidden: [...state.hiddenColumns]};
}

const savedNames = (state: ExplorerState): string => Object.keys(state.savedViews).join(', ') || 'none';

/** Runs a `:` line: the input closes, and the command changes the view, the saved views or says something. */
export function runCommand(state: ExplorerState, text: string): ExplorerState {
	const command = parseCommand(text);
	const back: ExplorerState = {...state, mode: state.previousMode, input: null};
	const views = state.viewsRevision + 1;
	switch (command.kind) {
		case 'none':
			return back;
		case 'invalid':
			return {...back, message: command.message};
		case 'save':
			return {
				...back,
				savedViews: {...state.savedViews, [command.name]: currentSettings(state)},
				viewsRevision: views,
				message: `saved the view ${command.name}`,
			};
		case 'load': {
			const settings = state.savedViews[command.name];
			if (!settings)
				return {...back, message: `no saved view named ${command.name} (saved: ${savedNames(state)})`};
			return {...applyView(back, settings), viewsRevision: views, message: `loaded the view ${command.name}`};
		}
		case 'delete': {
			if (!state.savedViews[command.name]) return {...back, message: `no saved view named ${command.name}`};
			const {[command.name]: _gone, ...savedViews} = state.savedViews;
			return {...back, savedViews, viewsRevision: views, message: `deleted the view ${command.name}`};
		}
		case 'views':
			return {...back, message: `saved views: ${savedNames(state)}`};
		case 'hide':
		case 'show': {
			const hidden = new Set(state.hiddenColumns);
			if (command.kind === 'hide') hidden.add(command.column);
			else hidden.delete(command.column);
			return {...back, hiddenColumns: hidden, viewsRevision: views};
		}
		case 'columns':
			return {
				...back,
				message: `hidden columns: ${[...state.hiddenColumns].join(', ') || 'none'} (:hide COLUMN, :show COLUMN)`,
			};
		case 'help':
			return panesReducer(back, {type: 'help-open'});
		case 'quit':
			return {...back, quitting: true};
	}
}

export function inputsReducer(state: ExplorerState, action: InputAction): ExplorerState {
	if (action.type === 'input-open') {
		if ((action.purpose === 'tag-input' || action.purpose === 'note-input') && state.info.readonly)
			return {...state, message: READONLY_MESSAGE};
		if (action.purpose !== 'command' && targetsOf(state).length === 0)
			return {...state, message: 'no session selected'};
		// A note starts from the selected session's note, so it can be edited rather than retyped.
		const note =
			action.purpose === 'note-input' && state.marks.size === 0
				? (state.shown[state.cursorIndex]?.triage.note ?? '')
				: '';
		const opened =
			action.purpose === 'command' ? {...state, commandHistory: {...state.commandHistory, at: null}} : state;
		return withLine(openOverlay(opened, action.purpose), action.purpose, lineOf(sanitizeLine(note)));
	}
	const input = state.input ?? {...lineOf(''), completions: []};
	const purpose = state.mode as Purpose;
	switch (action.type) {
		case 'input-type':
			// Notes may hold any text the user types; nothing from a paste reaches the terminal raw.
			return withLine(state, purpose, insertText(input, sanitizeLine(action.text)));
		case 'input-delete':
			return withLine(state, purpose, deleteBackward(input));
		case 'input-edit':
			return withLine(state, purpose, applyEdit(input, action.edit));
		case 'input-history': {
			if (purpose !== 'command') return state;
			const recalled = recall(state.commandHistory, input.text, action.step);
			if (!recalled) return state;
			return withLine({...state, commandHistory: recalled.history}, purpose, lineOf(recalled.text));
		}
		case 'input-complete':
			if (input.completions.length === 0) return state;
			return withLine(state, purpose, complete(input, input.completions));
		case 'input-submit': {
			if (purpose === 'command')
				return runCommand(
					{...state, commandHistory: remember(state.commandHistory, input.text.trim())},
					input.text,
				);
			const closed: ExplorerState = {...state, mode: state.previousMode, input: null};
			if (purpose === 'tag-input') return triage(closed, {kind: 'tag', tag: input.text});
			return triage(closed, {kind: 'note', value: input.text.trim() === '' ? null : input.text});
		}
	}
}
