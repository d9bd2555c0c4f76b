/** The `:` command interpreter on its own: what a line means, and what Tab offers. */
import {describe, expect, it} from 'vitest';
import {COMMANDS, commandCompletions, parseCommand} from '../../source/ui/model/command-line.js';
import {HIDEABLE_COLUMNS} from '../../source/ui/model/columns.js';

describe('the command line', () => {
	it('reads each command and its argument', () => {
		expect(parseCommand('')).toEqual({kind: 'none'});
		expect(parseCommand('   ')).toEqual({kind: 'none'});
		expect(parseCommand('save triage-2025')).toEqual({kind: 'save', name: 'triage-2025'});
		expect(parseCommand('  load  mine ')).toEqual({kind: 'load', name: 'mine'});
		expect(parseCommand('delete old')).toEqual({kind: 'delete', name: 'old'});
		expect(parseCommand('views')).toEqual({kind: 'views'});
		expect(parseCommand('columns')).toEqual({kind: 'columns'});
		expect(parseCommand('hide sampler')).toEqual({kind: 'hide', column: 'sampler'});
		expect(parseCommand('show flags')).toEqual({kind: 'show', column: 'flags'});
	});

	it('says what is wanted for a bad name, an unknown column or an unknown command', () => {
		expect(parseCommand('save')).toEqual({
			kind: 'invalid',
			message: 'save NAME: letters, digits, . _ - (up to 40)',
		});
		expect(parseCommand('save a/b')).toMatchObject({kind: 'invalid'});
		expect(parseCommand(`save ${'x'.repeat(41)}`)).toMatchObject({kind: 'invalid'});
		expect(parseCommand('hide name')).toEqual({
			kind: 'invalid',
			message: `hide COLUMN: one of ${HIDEABLE_COLUMNS.join(', ')}`,
		});
		expect(parseCommand('show nothing')).toMatchObject({kind: 'invalid'});
		expect(parseCommand('frobnicate')).toEqual({
			kind: 'invalid',
			message: `unknown command frobnicate (commands: ${COMMANDS.join(', ')})`,
		});
	});

	it('completes command names, then view names for load and delete, column names for hide and show', () => {
		expect(commandCompletions('', [])).toEqual(COMMANDS.map((c) => `${c} `));
		expect(commandCompletions('s', [])).toEqual(['save ', 'show ']);
		expect(commandCompletions('load ', ['alpha', 'beta'])).toEqual(['load alpha', 'load beta']);
		expect(commandCompletions('delete b', ['alpha', 'beta'])).toEqual(['delete beta']);
		expect(commandCompletions('hide st', [])).toEqual(['hide state', 'hide steps']);
		expect(commandCompletions('save x', ['alpha'])).toEqual([]);
	});
});

describe('the hideable columns', () => {
	it('are every column of the list but the name (one list, from the column table)', () => {
		expect(HIDEABLE_COLUMNS).not.toContain('name');
		expect([...HIDEABLE_COLUMNS].sort()).toEqual([
			'bar',
			'cfg',
			'completion',
			'created',
			'flags',
			'images',
			'mode',
			'model',
			// Shown with several roots only (issue 15); :hide root hides it there.
			'root',
			'sampler',
			'size',
			'state',
			'steps',
			'sweep',
		]);
	});
});
