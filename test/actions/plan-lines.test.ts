import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {planLines} from '../../source/jobs/actions/lines.js';
import type {ActionPlan, PlannedMove} from '../../source/jobs/actions/plan.js';

const root = path.join(path.sep, 'results');
const target = path.join(path.sep, 'archive');

function move(sessionId: string, files: number): PlannedMove {
	return {
		sessionId,
		from: path.join(root, sessionId),
		to: path.join(target, sessionId),
		method: 'rename',
		dbPath: null,
		files,
		bytes: files * 1000,
		listing: null,
	};
}

const plan = (moves: PlannedMove[]): ActionPlan => ({
	kind: 'archive',
	root,
	target,
	dbPath: null,
	moves,
	skipped: [],
	freeBytes: 10_000_000,
	copyBytes: 0,
});

describe('planLines', () => {
	it('says "1 file" for a session of one file, with the table columns still aligned (regression: "1 files")', () => {
		const lines = planLines(plan([move('one', 1), move('many', 12)]));
		const one = lines.find((line) => line.includes(' one '))!;
		const many = lines.find((line) => line.includes(' many '))!;
		expect(one).toMatch(/ 1 file {3}/);
		expect(one).not.toContain('1 files');
		expect(many).toMatch(/ 12 files {2}/);
		expect(one.indexOf('→')).toBe(many.indexOf('→'));
		expect(lines[0]).toContain('archive 2 sessions (13 files,');
	});

	it('counts one file in the headline and total without a plural', () => {
		const lines = planLines(plan([move('one', 1)]));
		expect(lines[0]).toContain('archive 1 session (1 file,');
		expect(lines.at(-1)).toMatch(/^total: 1 session, 1 file,/);
	});
});
