/**
 * Whether this process may use its terminal's input: only the terminal's foreground process group may change
 * the terminal's modes (raw mode) or read from it. A background job (`sdstats archive … --yes &`) that tries
 * gets SIGTTOU / SIGTTIN and is stopped by the kernel, so it must leave the terminal alone.
 *
 * Node has no tcgetpgrp(), so on Linux the answer is read from /proc/self/stat: field 5 is our process group,
 * field 8 the terminal's foreground process group (-1 without a controlling terminal). Where it cannot be
 * told (no /proc: macOS, the BSDs; an unreadable or odd file) the answer is "no": the safe side, since a wrong
 * "yes" stops a background job dead, while a wrong "no" only costs the Esc key (Ctrl-C still works as the
 * signal, and the cell-size question falls back to the assumed size).
 */
import fs from 'node:fs';

export type ProcessGroups = {pgrp: number; tpgid: number};

/**
 * The process group and the terminal's foreground process group from the text of /proc/<pid>/stat, or null
 * when the text does not have them. The second field (comm, the program's name) is in parentheses and may
 * itself hold spaces and parentheses, so the fields are counted from its LAST closing parenthesis.
 */
export function parseProcStat(text: string): ProcessGroups | null {
	const close = text.lastIndexOf(')');
	if (close < 0 || text.indexOf('(') < 0 || text.indexOf('(') > close) return null;
	// After comm: state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) …
	const fields = text
		.slice(close + 1)
		.trim()
		.split(/\s+/);
	if (fields.length < 6) return null;
	const number = (field: string | undefined): number | null =>
		field !== undefined && /^-?\d+$/.test(field) ? Number(field) : null;
	const pgrp = number(fields[2]);
	const tpgid = number(fields[5]);
	if (pgrp === null || tpgid === null) return null;
	return {pgrp, tpgid};
}

/** True when the groups say we are the terminal's foreground job; false when they say not, or are unknown. */
export function isForegroundGroup(groups: ProcessGroups | null): boolean {
	return groups !== null && groups.tpgid > 0 && groups.pgrp === groups.tpgid;
}

/** Reads /proc/self/stat; null where there is no such file (not Linux) or it cannot be read. */
export function readOwnProcStat(): string | null {
	try {
		return fs.readFileSync('/proc/self/stat', 'latin1');
	} catch {
		return null;
	}
}

/** Whether this process is, right now, in its terminal's foreground process group; null when it cannot be told. */
export function terminalForeground(readStat: () => string | null = readOwnProcStat): boolean | null {
	const text = readStat();
	const groups = text === null ? null : parseProcStat(text);
	return groups === null ? null : isForegroundGroup(groups);
}

/** As terminalForeground, with "cannot be told" taken as "no" (the safe side). */
export function inTerminalForeground(readStat: () => string | null = readOwnProcStat): boolean {
	return terminalForeground(readStat) === true;
}
