/** parseArgs on its own (issue 12): argv in, one typed invocation out, every flag value already parsed. */
import {describe, expect, it} from 'vitest';
import {parseArgs, type Invocation} from '../source/cli-args.js';

// Where the built entry point sits: parseArgs reads sdstats' package.json two folders above it.
const entry = {url: new URL('../dist/source/cli.js', import.meta.url).href} as ImportMeta;
const parse = (...argv: string[]): Invocation => parseArgs(argv, entry);

function run(...argv: string[]) {
	const invocation = parse(...argv);
	if (invocation.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(invocation)}`);
	return invocation;
}

function usage(...argv: string[]): string {
	const invocation = parse(...argv);
	if (invocation.kind !== 'usage-error') throw new Error(`expected a usage error, got ${JSON.stringify(invocation)}`);
	return invocation.message;
}

describe('parseArgs', () => {
	it('hands list its filter, sort and grouping parsed', () => {
		const list = run('list', '--filter', 'state:partial fox', '--sort', 'completion:desc');
		expect(list.command).toBe('list');
		if (list.command !== 'list') return;
		expect(list.flags.filter?.text).toBe('state:partial fox');
		expect(list.flags.filter?.query.terms).toHaveLength(2);
		expect(list.flags.sort).toEqual({key: 'completion', direction: 'desc'});
		const grouped = run('list', '--group-by', 'model');
		if (grouped.command !== 'list') return;
		expect(grouped.flags.groupBy).toBe('model');
	});

	it('gives each command exactly its own flags (and the global ones)', () => {
		expect(Object.keys(run('show', 'x', '--json').flags).sort()).toEqual([
			'color',
			'db',
			'json',
			'missing',
			'root',
			'roots',
			'stallMinutes',
		]);
		expect(Object.keys(run('--sort', 'name').flags).sort()).toEqual([
			'color',
			'db',
			'demo',
			'filter',
			'images',
			'resetView',
			'root',
			'roots',
			'sort',
			'stallMinutes',
		]);
	});

	it('says the same about a bad --sort wherever it is given (list and the explorer used to differ)', () => {
		const message = usage('list', '--sort', 'colour');
		expect(message).toMatch(/^--sort: expected FIELD or FIELD:desc with FIELD one of created, name, /);
		expect(usage('--sort', 'colour')).toBe(message);
	});

	it('points at the place a --filter goes wrong, for every command that takes one', () => {
		const message = usage('list', '--filter', 'fox state:parital');
		expect(message).toMatch(
			/^--filter: state: unknown state "parital" .*\(at 11\)\n {2}fox state:parital\n {12}\^$/,
		);
		expect(usage('archive', '--to', '/x', '--filter', 'fox state:parital')).toBe(message);
		expect(usage('--filter', 'fox state:parital')).toBe(message);
	});

	it('names the groupings when --group-by is not one', () => {
		expect(usage('list', '--group-by', 'colour')).toBe(
			'--group-by: unknown field "colour" (fields: model, sampler, size, mode, day, week)',
		);
		expect(usage('list', '--group-by=')).toContain('(fields: model, sampler, size, mode, day, week)');
	});

	it('refuses flags of another command, and values out of range', () => {
		expect(usage('show', 'x', '--group-by', 'model')).toBe('--group-by cannot be used with `sdstats show`');
		expect(usage('watch', '--interval', '0.1')).toBe('--interval takes seconds from 0.5 to 3600');
		expect(usage('compute', '--workers', '2.5')).toBe('--workers takes a whole number from 0 to 64');
		expect(usage('list', '--json', '--csv')).toBe('--json and --csv cannot be used together');
		expect(usage('frobnicate')).toMatch(/^unknown command "frobnicate"/);
	});

	it('answers --help and --version before anything else', () => {
		expect(parse('list', '--help')).toEqual({kind: 'help', command: 'list', where: {roots: [], db: undefined}});
		expect(parse('--help', '--root', 'r', '--db', 'x.db')).toMatchObject({
			kind: 'help',
			where: {roots: ['r'], db: 'x.db'},
		});
		expect(parse('--version')).toMatchObject({kind: 'version'});
		expect(run('watch').flags).toMatchObject({interval: 3, stallMinutes: 10, color: true});
	});
});
