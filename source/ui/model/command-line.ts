/**
 * The `:` command line: what a typed line means and what Tab offers. Pure: the state slice (state/inputs.ts)
 * applies a parsed command to the explorer's state.
 */
import {HIDEABLE_COLUMNS, isHideableColumn, type ColumnId} from './columns.js';

export const COMMANDS = ['save', 'load', 'delete', 'hide', 'show', 'columns', 'views', 'help', 'quit'] as const;

/** A name a view can be saved under. */
const VIEW_NAME = /^[\w.-]{1,40}$/;

export type Command =
	| {kind: 'none'}
	| {kind: 'save'; name: string}
	| {kind: 'load'; name: string}
	| {kind: 'delete'; name: string}
	| {kind: 'views'}
	| {kind: 'hide' | 'show'; column: ColumnId}
	| {kind: 'columns'}
	| {kind: 'help'}
	| {kind: 'quit'}
	/** A line that names no command, or a command with a bad argument: the message says what is wanted. */
	| {kind: 'invalid'; message: string};

export function parseCommand(line: string): Command {
	const [command = '', ...rest] = line.trim().split(/\s+/);
	const argument = rest.join(' ');
	switch (command) {
		case '':
			return {kind: 'none'};
		case 'save':
			return VIEW_NAME.test(argument)
				? {kind: 'save', name: argument}
				: {kind: 'invalid', message: 'save NAME: letters, digits, . _ - (up to 40)'};
		case 'load':
		case 'delete':
			return {kind: command, name: argument};
		case 'views':
		case 'columns':
		case 'help':
			return {kind: command};
		case 'quit':
		case 'q':
			return {kind: 'quit'};
		case 'hide':
		case 'show':
			return isHideableColumn(argument)
				? {kind: command, column: argument}
				: {kind: 'invalid', message: `${command} COLUMN: one of ${HIDEABLE_COLUMNS.join(', ')}`};
		default:
			return {kind: 'invalid', message: `unknown command ${command} (commands: ${COMMANDS.join(', ')})`};
	}
}

/** Candidates for Tab: command names first, then saved view names (load, delete) or column names (hide, show). */
export function commandCompletions(line: string, viewNames: readonly string[]): string[] {
	const [command = '', ...rest] = line.split(/\s+/);
	if (rest.length === 0) return COMMANDS.filter((c) => c.startsWith(command)).map((c) => `${c} `);
	const argument = rest.join(' ');
	const pool: readonly string[] =
		command === 'load' || command === 'delete'
			? viewNames
			: command === 'hide' || command === 'show'
				? HIDEABLE_COLUMNS
				: [];
	return pool.filter((p) => p.startsWith(argument)).map((p) => `${command} ${p}`);
}
