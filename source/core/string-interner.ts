/**
 * One shared copy per distinct string. 100,000 sessions read from SQLite carry 100,000 separate copies of the
 * same few model names, samplers, compute timestamps and (in a series) prompts; keeping one of each is most of
 * what the explorer's memory budget needs. Bounded: past `limit` distinct strings the table starts over, so a
 * column of unique values costs a lookup, never unbounded memory.
 */
export class StringInterner {
	private table = new Map<string, string>();

	constructor(private readonly limit = 8192) {}

	intern<T extends string | null>(text: T): T {
		if (text === null) return text;
		const known = this.table.get(text);
		if (known !== undefined) return known as T;
		if (this.table.size >= this.limit) this.table = new Map();
		this.table.set(text, text);
		return text;
	}
}

/** `fn(input)` computed once per distinct input (bounded like StringInterner), the same result object shared. */
export function memoizeString<R>(fn: (input: string) => R, limit = 4096): (input: string) => R {
	let table = new Map<string, R>();
	return (input) => {
		const known = table.get(input);
		if (known !== undefined || table.has(input)) return known as R;
		const value = fn(input);
		if (table.size >= limit) table = new Map();
		table.set(input, value);
		return value;
	};
}

/** `text.toLowerCase()`, returning `text` itself (no copy) when it has nothing to lower. */
export function lowerCase(text: string): string {
	return /[A-Z\u0080-\uFFFF]/.test(text) ? text.toLowerCase() : text;
}
