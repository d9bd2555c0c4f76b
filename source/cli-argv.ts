/**
 * The checks on raw argv that meow does badly: a flag it does not know (meow prints it raw and exits by
 * itself; the text may come from disk, e.g. a loop passing folder names to `sdstats show`) and a flag given
 * twice (meow throws, which printed a stack trace). Both become one usage-error sentence for the caller to
 * sanitize and print with exit 2.
 */

export type FlagSpec = {
	/** camelCase name, as meow's `flags` keys. */
	readonly name: string;
	readonly type: 'string' | 'number' | 'boolean';
	readonly shortFlag?: string;
	/** May be given more than once. */
	readonly isMultiple?: boolean;
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The first problem with the flags in `argv`, or null. Everything after a bare `--` is an argument, never a
 * flag; `-` alone is an argument too.
 */
export function argvProblem(argv: readonly string[], specs: readonly FlagSpec[]): string | null {
	const byLong = new Map(specs.map((spec) => [kebab(spec.name), spec]));
	const byShort = new Map(specs.filter((spec) => spec.shortFlag).map((spec) => [spec.shortFlag!, spec]));
	const seen = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		if (token === '--') break;
		if (!token.startsWith('-') || token === '-') continue;
		const long = token.startsWith('--');
		const body = token.slice(long ? 2 : 1);
		const name = body.split('=', 1)[0]!;
		let spec: FlagSpec | undefined;
		if (long) {
			spec = byLong.get(name);
			// --no-color negates a boolean flag.
			if (!spec && name.startsWith('no-')) {
				const negated = byLong.get(name.slice(3));
				if (negated?.type === 'boolean') spec = negated;
			}
		} else if (body.length === 1) {
			spec = byShort.get(body);
		}
		if (!spec) {
			const hint = long ? '' : ' (flags take two dashes, e.g. --root)';
			return `unknown flag ${JSON.stringify(token)}${hint}; a name that starts with "-" goes after "--", e.g. \`sdstats show -- ${token}\``;
		}
		const previous = seen.get(spec.name);
		if (previous !== undefined && !spec.isMultiple) {
			return `--${kebab(spec.name)} is given twice (${JSON.stringify(previous)} and ${JSON.stringify(token)}): give it once`;
		}
		seen.set(spec.name, token);
		// A value given as the next token is not a flag even when it starts with "-".
		if (spec.type !== 'boolean' && !body.includes('=')) i++;
	}
	return null;
}
