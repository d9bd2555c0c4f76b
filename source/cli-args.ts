/**
 * Command-line parsing: meow reads the flags, then this module checks which flags go with which command, parses
 * every flag value (the query of --filter, the sort of --sort, the grouping of --group-by, numbers, paths) and
 * builds one typed, validated Invocation per command: a command's `flags` hold exactly the flags it accepts
 * (FlagsOf), already parsed. Nothing past this point looks at argv, the environment or a flag's text.
 *
 * Long on purpose: one table of every command's flags beside the parsing of each value, so a flag's declaration,
 * its check and its error sentence are read together; split by command, the shared flags would be written twice.
 */
import fs from 'node:fs';
import meow from 'meow';
import {HELP} from './cli-help.js';
import {argvProblem, type FlagSpec} from './cli-argv.js';
import {IMAGES_SETTINGS, isImagesSetting, type ImagesSetting} from './core/preview/detect.js';
import {PROTOCOLS, type Protocol} from './core/preview/protocol.js';
import {parseCellOption} from './core/preview/cell-size.js';
import type {CellPixels} from './core/preview/pixels.js';
import {parseQuery, type Query} from './core/query.js';
import {GROUP_BYS, parseGroupBy, type GroupBy} from './view/rollup.js';
import {SORT_KEYS, parseSortSpec, type SortSpec} from './view/sort.js';

export type CommandName =
	| 'explore'
	| 'compute'
	| 'list'
	| 'show'
	| 'watch'
	| 'doctor'
	| 'forget'
	| 'archive'
	| 'trash'
	| 'resume'
	| 'undo'
	| 'preview'
	| 'sheet'
	| 'help';

/** A command's run: its flags are the global ones plus its own (COMMAND_FLAGS), each already parsed. */
export type RunInvocation = {
	[C in Exclude<CommandName, 'help'>]: {kind: 'run'; command: C; flags: FlagsOf<C>; inputs: string[]};
}[Exclude<CommandName, 'help'>];

export type Invocation =
	| RunInvocation
	| {kind: 'usage-error'; message: string; command: CommandName}
	| {kind: 'help'; command: CommandName; where: HelpWhere}
	| {kind: 'version'; version: string};

/** The --root and --db given with --help, so help can show the paths they resolve to. */
export type HelpWhere = {roots: string[]; db: string | undefined};

export type ParsedFlags = {
	/** The first --root. */
	root?: string;
	/** Every --root, in order (the flag may be repeated). */
	roots: string[];
	db?: string;
	json: boolean;
	csv: boolean;
	force: boolean;
	/** `compute --deep`: read every image's parameters of sessions without manifest.json, not a sample. */
	deep: boolean;
	session: string[];
	stallMinutes: number;
	color: boolean;
	demo: boolean;
	workers?: number;
	wait: boolean;
	rebuild: boolean;
	yes: boolean;
	/** --filter: the text as typed (the explorer shows it) and the query it parses to. */
	filter?: FilterFlag;
	sort?: SortSpec;
	/** `list --group-by FIELD`. */
	groupBy?: GroupBy;
	/** `watch --interval`, in seconds. */
	interval: number;
	missing: boolean;
	resetView: boolean;
	/** archive: the archive folder. */
	to?: string;
	dryRun: boolean;
	includeRunning: boolean;
	/** resume -o FILE, sheet -o FILE.png. */
	output?: string;
	/** undo --list. */
	list: boolean;
	/** `preview --protocol`: null when not given (the terminal decides). */
	protocol: Protocol | null;
	/** `preview --cols/--rows`: the sheet's box in cells; null when not given. */
	cols: number | null;
	rows: number | null;
	/** `preview --cell WxH`: a cell's size in pixels; null: ask the terminal, else assume 10×20. */
	cell: CellPixels | null;
	/** The explorer's `--images`; undefined: the remembered setting, else auto. */
	images?: ImagesSetting;
};

export type FilterFlag = {text: string; query: Query};

const COMMANDS: readonly CommandName[] = [
	'compute',
	'list',
	'show',
	'watch',
	'doctor',
	'forget',
	'archive',
	'trash',
	'resume',
	'undo',
	'preview',
	'sheet',
	'help',
];

/** Flags each command accepts beyond the global ones: the one table both the checks and the types come from. */
const COMMAND_FLAGS = {
	explore: ['demo', 'filter', 'sort', 'resetView', 'images'],
	compute: ['force', 'deep', 'session', 'json', 'workers', 'wait'],
	list: ['json', 'csv', 'filter', 'sort', 'groupBy'],
	show: ['json', 'missing'],
	watch: ['json', 'interval'],
	doctor: ['rebuild'],
	forget: ['yes'],
	archive: ['filter', 'session', 'to', 'dryRun', 'yes', 'includeRunning'],
	trash: ['filter', 'session', 'dryRun', 'yes', 'includeRunning'],
	resume: ['filter', 'session', 'output', 'includeRunning'],
	undo: ['list', 'dryRun', 'yes'],
	preview: ['protocol', 'cols', 'rows', 'cell'],
	sheet: ['output'],
	help: [],
} as const satisfies Record<CommandName, ReadonlyArray<keyof ParsedFlags>>;
/** Flags every command takes (with --help and --version, answered before any command runs). */
const GLOBAL_FLAGS = ['root', 'roots', 'db', 'stallMinutes', 'color'] as const satisfies ReadonlyArray<
	keyof ParsedFlags
>;

/** The flags command C receives: the global ones and its own, nothing else. */
export type FlagsOf<C extends CommandName> = Pick<
	ParsedFlags,
	(typeof GLOBAL_FLAGS)[number] | (typeof COMMAND_FLAGS)[C][number]
>;

/** --filter's query, or the sentence that says where it goes wrong (with a caret under the place). */
export function parseFilterFlag(text: string): FilterFlag | {error: string} {
	const parsed = parseQuery(text);
	if (parsed.ok) return {text, query: parsed.query};
	const {position, message} = parsed.error;
	return {error: `--filter: ${message} (at ${position + 1})\n  ${text}\n  ${' '.repeat(position)}^`};
}

/** --sort's column and direction, or the sentence that lists the columns. */
export function parseSortFlag(text: string): SortSpec | {error: string} {
	return (
		parseSortSpec(text) ?? {error: `--sort: expected FIELD or FIELD:desc with FIELD one of ${SORT_KEYS.join(', ')}`}
	);
}

/** --group-by's grouping, or the sentence that lists the groupings. */
export function parseGroupByFlag(text: string): GroupBy | {error: string} {
	return (
		parseGroupBy(text) ?? {
			error: `--group-by: unknown field ${JSON.stringify(text)} (fields: ${GROUP_BYS.join(', ')})`,
		}
	);
}

const isError = (value: unknown): value is {error: string} =>
	typeof value === 'object' && value !== null && 'error' in value;

/** Every flag meow reads (camelCase; meow spells them kebab-case on the command line). */
const FLAGS = {
	// Repeatable: every --root is a results root (issue 15).
	root: {type: 'string', isMultiple: true},
	db: {type: 'string'},
	json: {type: 'boolean'},
	csv: {type: 'boolean'},
	force: {type: 'boolean'},
	deep: {type: 'boolean'},
	session: {type: 'string', isMultiple: true},
	stallMinutes: {type: 'number'},
	color: {type: 'boolean'},
	demo: {type: 'boolean'},
	workers: {type: 'number'},
	wait: {type: 'boolean'},
	rebuild: {type: 'boolean'},
	filter: {type: 'string'},
	sort: {type: 'string'},
	groupBy: {type: 'string'},
	interval: {type: 'number'},
	missing: {type: 'boolean'},
	resetView: {type: 'boolean'},
	yes: {type: 'boolean'},
	to: {type: 'string'},
	dryRun: {type: 'boolean'},
	includeRunning: {type: 'boolean'},
	output: {type: 'string', shortFlag: 'o'},
	list: {type: 'boolean'},
	protocol: {type: 'string'},
	cols: {type: 'number'},
	rows: {type: 'number'},
	cell: {type: 'string'},
	images: {type: 'string'},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean', shortFlag: 'v'},
} as const;

const FLAG_SPECS: readonly FlagSpec[] = Object.entries(FLAGS).map(([name, spec]) => ({name, ...spec}));

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

type PackageFacts = {name?: unknown; version?: unknown; bin?: unknown};

/**
 * sdstats' own package.json, two folders above the entry point (dist/bin/cli.js and dist/source/cli.js alike).
 * Read here rather than through meow's `pkg`, which first normalizes the package with a licence checker whose
 * set-up alone costs ≈30 ms of every start.
 */
function ownPackage(importMeta: ImportMeta): PackageFacts {
	try {
		const parsed: unknown = JSON.parse(fs.readFileSync(new URL('../../package.json', importMeta.url), 'utf8'));
		return parsed !== null && typeof parsed === 'object' ? (parsed as PackageFacts) : {};
	} catch {
		return {};
	}
}

export function parseArgs(argv: readonly string[], importMeta: ImportMeta): Invocation {
	// Unknown and repeated flags first: meow would print the former raw and exit, and throw on the latter.
	const flagProblem = argvProblem(argv, FLAG_SPECS);
	if (flagProblem !== null) {
		const named = argv.find((token) => COMMANDS.includes(token as CommandName)) as CommandName | undefined;
		return {
			kind: 'usage-error',
			command: named === undefined || named === 'help' ? 'explore' : named,
			message: flagProblem,
		};
	}
	const pkg = ownPackage(importMeta);
	const cli = meow(HELP.explore, {
		importMeta,
		// Given, so meow neither searches for package.json nor normalizes it.
		pkg: pkg as Record<string, unknown>,
		argv: [...argv],
		autoHelp: false,
		autoVersion: false,
		// Checked above (argvProblem), with a sanitized one-line message instead of meow's raw one.
		allowUnknownFlags: true,
		booleanDefault: undefined,
		flags: FLAGS,
	});
	const raw = cli.flags as Record<string, unknown>;
	const [first, ...rest] = cli.input;
	let command: CommandName = 'explore';
	let inputs = cli.input;
	if (first !== undefined) {
		if (!COMMANDS.includes(first as CommandName)) {
			return {
				kind: 'usage-error',
				command: 'explore',
				message: `unknown command "${first}" (commands: ${COMMANDS.join(', ')})`,
			};
		}
		command = first as CommandName;
		inputs = rest;
	}
	if (raw.version === true)
		return {kind: 'version', version: typeof pkg.version === 'string' ? pkg.version : 'unknown'};
	const where: HelpWhere = {
		roots: ((raw.root as unknown[] | undefined) ?? []).filter(
			(r): r is string => typeof r === 'string' && r !== '',
		),
		db: typeof raw.db === 'string' && raw.db !== '' ? raw.db : undefined,
	};
	if (command === 'help')
		return {
			kind: 'help',
			command:
				(inputs[0] as CommandName | undefined) && COMMANDS.includes(inputs[0] as CommandName)
					? (inputs[0] as CommandName)
					: 'explore',
			where,
		};
	if (raw.help === true) return {kind: 'help', command, where};

	const allowed = new Set<string>([...GLOBAL_FLAGS, 'help', 'version', ...COMMAND_FLAGS[command]]);
	const misplaced = Object.entries(raw)
		.filter(
			([name, value]) =>
				value !== undefined && !(Array.isArray(value) && value.length === 0) && !allowed.has(name),
		)
		.map(([name]) => `--${kebab(name)}`);
	if (misplaced.length > 0) {
		const where = command === 'explore' ? 'the explorer' : `\`sdstats ${command}\``;
		return {kind: 'usage-error', command, message: `${misplaced.join(', ')} cannot be used with ${where}`};
	}
	if (raw.json === true && raw.csv === true)
		return {kind: 'usage-error', command, message: '--json and --csv cannot be used together'};
	if (raw.groupBy !== undefined && raw.sort !== undefined)
		return {
			kind: 'usage-error',
			command,
			message: '--sort cannot be used with --group-by (groups come most sessions first)',
		};

	const expectedInputs =
		command === 'show' || command === 'preview' || command === 'sheet'
			? 1
			: command === 'undo'
				? Math.min(inputs.length, 1)
				: 0;
	if (command === 'undo' && inputs[0] !== undefined && !/^[1-9]\d{0,5}$/.test(inputs[0])) {
		return {
			kind: 'usage-error',
			command,
			message: `undo takes the number of an action from \`sdstats undo --list\`, not "${inputs[0]}"`,
		};
	}
	if (inputs.length !== expectedInputs) {
		return {
			kind: 'usage-error',
			command,
			message:
				expectedInputs === 1
					? `${command} takes exactly one session name`
					: `unexpected argument "${inputs[0]}"`,
		};
	}
	if (raw.protocol !== undefined && !(PROTOCOLS as readonly unknown[]).includes(raw.protocol)) {
		return {kind: 'usage-error', command, message: `--protocol takes one of ${PROTOCOLS.join(', ')}`};
	}
	if (raw.images !== undefined && !isImagesSetting(raw.images)) {
		return {kind: 'usage-error', command, message: `--images takes one of ${IMAGES_SETTINGS.join(', ')}`};
	}
	for (const name of ['cols', 'rows'] as const) {
		const value = raw[name];
		if (value !== undefined && (!Number.isInteger(Number(value)) || Number(value) < 1 || Number(value) > 1000)) {
			return {kind: 'usage-error', command, message: `--${name} takes a whole number of cells from 1 to 1000`};
		}
	}
	const cell = raw.cell === undefined ? null : parseCellOption(String(raw.cell));
	if (cell !== null && 'error' in cell) return {kind: 'usage-error', command, message: cell.error};
	if (command === 'sheet' && (typeof raw.output !== 'string' || raw.output === '')) {
		return {kind: 'usage-error', command, message: 'sheet needs -o FILE.png (where to write the sheet)'};
	}
	const stallMinutes = raw.stallMinutes === undefined ? 10 : Number(raw.stallMinutes);
	if (!Number.isFinite(stallMinutes) || stallMinutes <= 0) {
		return {kind: 'usage-error', command, message: '--stall-minutes takes a number of minutes above 0'};
	}
	if (
		raw.interval !== undefined &&
		(!Number.isFinite(Number(raw.interval)) || Number(raw.interval) < 0.5 || Number(raw.interval) > 3600)
	) {
		return {kind: 'usage-error', command, message: '--interval takes seconds from 0.5 to 3600'};
	}
	const workers = raw.workers === undefined ? undefined : Number(raw.workers);
	if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 64)) {
		return {kind: 'usage-error', command, message: '--workers takes a whole number from 0 to 64'};
	}
	const roots = (raw.root as string[] | undefined) ?? [];
	if (roots.some((r) => typeof r !== 'string' || r === ''))
		return {kind: 'usage-error', command, message: '--root needs a path'};
	for (const name of ['db', 'to', 'output'] as const) {
		if (raw[name] !== undefined && (typeof raw[name] !== 'string' || raw[name] === '')) {
			return {kind: 'usage-error', command, message: `--${name} needs a path`};
		}
	}
	const filter = raw.filter === undefined ? undefined : parseFilterFlag(String(raw.filter));
	const sort = raw.sort === undefined ? undefined : parseSortFlag(String(raw.sort));
	const groupBy = raw.groupBy === undefined ? undefined : parseGroupByFlag(String(raw.groupBy));
	for (const value of [filter, sort, groupBy])
		if (isError(value)) return {kind: 'usage-error', command, message: value.error};
	const flags: ParsedFlags = {
		root: roots[0],
		roots,
		db: raw.db as string | undefined,
		json: raw.json === true,
		csv: raw.csv === true,
		force: raw.force === true,
		deep: raw.deep === true,
		session: (raw.session as string[] | undefined) ?? [],
		stallMinutes,
		color: raw.color !== false,
		demo: raw.demo === true,
		workers,
		wait: raw.wait !== false,
		rebuild: raw.rebuild === true,
		filter: filter as FilterFlag | undefined,
		sort: sort as SortSpec | undefined,
		groupBy: groupBy as GroupBy | undefined,
		interval: raw.interval === undefined ? 3 : Number(raw.interval),
		missing: raw.missing === true,
		resetView: raw.resetView === true,
		yes: raw.yes === true,
		to: raw.to as string | undefined,
		dryRun: raw.dryRun === true,
		includeRunning: raw.includeRunning === true,
		output: raw.output as string | undefined,
		list: raw.list === true,
		protocol: (raw.protocol as Protocol | undefined) ?? null,
		cols: raw.cols === undefined ? null : Number(raw.cols),
		rows: raw.rows === undefined ? null : Number(raw.rows),
		cell,
		images: raw.images as ImagesSetting | undefined,
	};
	// Only the flags this command takes, so its type (FlagsOf) is what it holds.
	const own = new Set<string>([...GLOBAL_FLAGS, ...COMMAND_FLAGS[command]]);
	const commandFlags = Object.fromEntries(Object.entries(flags).filter(([name]) => own.has(name)));
	// The correlation of `command` and its flags is what the loop above guarantees; TypeScript cannot follow it.
	return {kind: 'run', command, inputs, flags: commandFlags} as RunInvocation;
}
