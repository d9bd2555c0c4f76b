/**
 * Whether sdstats is the terminal's foreground job, read from /proc/self/stat (review19 item 2: a background
 * `sdstats archive … --yes &` put the terminal in raw mode and was stopped by SIGTTOU).
 */
import {describe, expect, it} from 'vitest';
import {
	inTerminalForeground,
	isForegroundGroup,
	parseProcStat,
	readOwnProcStat,
	terminalForeground,
} from '../../source/terminal-foreground.js';

/** A /proc/<pid>/stat line: pid (comm) state ppid pgrp session tty_nr tpgid flags … */
const stat = (comm: string, pgrp: number, tpgid: number): string =>
	`4242 (${comm}) S 4200 ${pgrp} 4200 34816 ${tpgid} 4194560 1234 0 0 0 5 2 0 0 20 0 11 0 98765 1000000 5000\n`;

describe('parseProcStat', () => {
	it('reads the process group (field 5) and the terminal foreground group (field 8)', () => {
		expect(parseProcStat(stat('node', 4242, 4242))).toEqual({pgrp: 4242, tpgid: 4242});
		expect(parseProcStat(stat('node', 4242, 777))).toEqual({pgrp: 4242, tpgid: 777});
	});

	it('counts fields from the last parenthesis: a program name with spaces and parentheses', () => {
		expect(parseProcStat(stat('a b) S 1 2 3 4 5 (c', 900, 900))).toEqual({pgrp: 900, tpgid: 900});
		expect(parseProcStat(stat(') 1 1 1 1 1', 900, 901))).toEqual({pgrp: 900, tpgid: 901});
		expect(parseProcStat(stat('', 5, 5))).toEqual({pgrp: 5, tpgid: 5});
	});

	it('no controlling terminal: tpgid -1', () => {
		expect(parseProcStat(stat('node', 4242, -1))).toEqual({pgrp: 4242, tpgid: -1});
	});

	it('text that does not hold the fields: null', () => {
		expect(parseProcStat('')).toBeNull();
		expect(parseProcStat('4242 node S 1 2 3 4 5')).toBeNull();
		expect(parseProcStat('4242 (node) S 1 2')).toBeNull();
		expect(parseProcStat('4242 (node) S 1 x 3 4 5')).toBeNull();
		expect(parseProcStat('4242 )node( S 1 2 3 4 5')).toBeNull();
	});
});

describe('the decision', () => {
	it('in front only when our group is the terminal’s foreground group', () => {
		expect(isForegroundGroup({pgrp: 10, tpgid: 10})).toBe(true);
		expect(isForegroundGroup({pgrp: 10, tpgid: 11})).toBe(false);
		expect(isForegroundGroup({pgrp: 10, tpgid: -1})).toBe(false);
		expect(isForegroundGroup(null)).toBe(false);
	});

	it('unknown (no /proc, unreadable, odd): not in front, the safe side', () => {
		expect(inTerminalForeground(() => null)).toBe(false);
		expect(inTerminalForeground(() => 'garbage')).toBe(false);
		expect(inTerminalForeground(() => stat('sdstats', 31, 31))).toBe(true);
		expect(inTerminalForeground(() => stat('sdstats', 31, 32))).toBe(false);
		expect(terminalForeground(() => null)).toBeNull();
		expect(terminalForeground(() => 'garbage')).toBeNull();
		expect(terminalForeground(() => stat('sdstats', 31, -1))).toBe(false);
	});

	it.runIf(process.platform === 'linux')('reads this process’s own line on Linux', () => {
		const groups = parseProcStat(readOwnProcStat() ?? '');
		expect(groups).not.toBeNull();
		expect(groups!.pgrp).toBeGreaterThan(0);
	});
});
