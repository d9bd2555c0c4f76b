/** Triage keys, the : command line, remembered views and the x export, through the app. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createViewStore} from '../../source/ui/data/view-store.js';
import {KEYS, cursorRow, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';
import {makeWorkspace} from '../helpers/temp.js';

let harness: Harness | undefined;
afterEach(() => harness?.unmount());

const lines = (frame: string): string[] => frame.split('\n');
const status = (frame: string): string => lines(frame).at(-1) ?? '';
const rowOf = (frame: string, name: string): string | undefined =>
	lines(frame).find((l) => l.includes(name) && /\d+\/(\d+|\?)/.test(l));

describe('triage keys', () => {
	it('toggles favourite on the selected session, shows it in the flags column, and undoes it with U', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press('*');
		let frame = await harness.waitForFrame((f) => f.includes('set ★ favourite on 1 session'));
		expect(data.triageLog).toEqual([{kind: 'flag', field: 'is_favorite', value: 1}]);
		expect(lines(frame)[2]).toContain('FLAG');
		expect(rowOf(frame, 'running_now')).toMatch(/running_now\s+★/);
		// Again on the same session: it was set, so it clears.
		await harness.press('*');
		await harness.waitForFrame((f) => f.includes('cleared ★ favourite on 1 session'));
		expect(data.triageLog.at(-1)).toEqual({kind: 'flag', field: 'is_favorite', value: 0});
		await harness.press('U');
		frame = await harness.waitForFrame((f) => f.includes('undone: cleared ★ favourite'));
		expect(rowOf(frame, 'running_now')).toMatch(/running_now\s+★/);
		await harness.press('U');
		frame = await harness.waitForFrame((f) => f.includes('undone: set ★ favourite'));
		expect(data.rows.find((r) => r.session_id.endsWith('running_now'))?.has_metadata).toBe(0);
		await harness.press('U');
		await harness.waitForFrame((f) => f.includes('nothing to undo'));
	});

	it('acts on the marked sessions when there are marks: test, complete, ratings', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press(KEYS.space, KEYS.space);
		await harness.press('T');
		await harness.waitForFrame((f) => f.includes('set test on 2 sessions'));
		await harness.press('+');
		await harness.waitForFrame((f) => f.includes('rated 2 sessions like'));
		await harness.press('-');
		await harness.waitForFrame((f) => f.includes('rated 2 sessions dislike'));
		await harness.press('=');
		await harness.waitForFrame((f) => f.includes('cleared the rating of 2 sessions'));
		await harness.press('C');
		await harness.waitForFrame((f) => f.includes('complete on 2 sessions'));
		expect(data.triageLog).toEqual([
			{kind: 'flag', field: 'is_test', value: 1},
			{kind: 'rating', value: 'like'},
			{kind: 'rating', value: 'dislike'},
			{kind: 'rating', value: null},
			// Rows the first key created carry the web UI's default is_complete = 1, so C clears it on both.
			{kind: 'flag', field: 'is_complete', value: 0},
		]);
		const marked = data.rows.filter((r) => r.is_test === 1).map((r) => r.session_id);
		expect(marked.sort()).toEqual(['20251115_100000-complete_pony', '20251120_115500-running_now']);
	});

	it('adds a tag with Tab completion from the tags in use, and removes it when every target has it', async () => {
		const rows = sampleSessions();
		rows[1] = {...rows[1]!, has_metadata: 1, is_favorite: 0, is_test: 0, is_complete: 1, tags: '["redo-later"]'};
		const data = fakeData(rows);
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press('t');
		await harness.type('re');
		let frame = await harness.waitForFrame((f) => f.includes('tag: re▏') && f.includes('Tab: redo-later'));
		await harness.press('\t');
		frame = await harness.waitForFrame((f) => f.includes('tag: redo-later▏'));
		await harness.press(KEYS.enter);
		frame = await harness.waitForFrame((f) => f.includes('added tag redo-later to 1 session'));
		expect(data.triageLog).toEqual([{kind: 'tag', tag: 'redo-later', present: true}]);
		expect(rowOf(frame, 'running_now')).toMatch(/running_now\s+ {3}#/);
		await harness.press('t');
		await harness.type('redo-later');
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('removed tag redo-later from 1 session'));
		expect(data.triageLog.at(-1)).toEqual({kind: 'tag', tag: 'redo-later', present: false});
		// Typed letters are text in the tag input: q did not quit.
		await harness.press('t');
		await harness.type('q');
		await harness.press(KEYS.escape);
		await harness.waitForFrame((f) => !f.includes('tag: '));
		expect(harness.quitCalled()).toBe(false);
	});

	it('edits a note, starting from the current one; an empty note clears it; details show tags and note', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 100, rows: 40});
		await harness.press('e');
		await harness.type('check hands');
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('noted 1 session'));
		expect(data.triageLog).toEqual([{kind: 'note', value: 'check hands'}]);
		await harness.press(KEYS.enter);
		const details = await harness.waitForFrame((f) => f.includes('Triage'));
		expect(details).toContain('check hands');
		await harness.press(KEYS.escape);
		await harness.press('e');
		await harness.waitForFrame((f) => f.includes('note: check hands▏'));
		for (let i = 0; i < 'check hands'.length; i++) await harness.press(KEYS.backspace);
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('cleared the note of 1 session'));
		expect(data.triageLog.at(-1)).toEqual({kind: 'note', value: null});
	});

	it('refuses triage on a read-only database', async () => {
		const data = fakeData(sampleSessions(), {readonlyReason: 'read-only'});
		harness = await renderExplorer({data});
		await harness.press('*');
		await harness.waitForFrame((f) => f.includes('read-only: triage is off'));
		expect(data.triageLog).toEqual([]);
	});

	it('filters on the marks with the query language', async () => {
		const rows = sampleSessions();
		rows[2] = {
			...rows[2]!,
			has_metadata: 1,
			is_favorite: 1,
			is_test: 0,
			is_complete: 1,
			user_rating: 'like',
			tags: '["redo"]',
		};
		harness = await renderExplorer({data: fakeData(rows), columns: 140, rows: 30});
		await harness.press('/');
		await harness.type('fav:yes');
		let frame = await harness.waitForFrame((f) => f.includes('1 of 10 shown'));
		expect(rowOf(frame, 'over_run')).toBeDefined();
		await harness.press(KEYS.escape);
		await harness.type('tag:redo rating:like');
		frame = await harness.waitForFrame((f) => f.includes('1 of 10 shown (filter: tag:redo rating:like)'));
		await harness.press(KEYS.escape);
		await harness.type('state:parital');
		frame = await harness.waitForFrame((f) => f.includes('unknown state "parital"'));
		const caret = lines(frame).at(-1)!;
		expect(caret.indexOf('^')).toBe('/state:'.length);
	});
});

describe('sharing session_metadata with the web UI', () => {
	it('a held lock during triage (regression: the explorer froze for the busy timeout, keys ignored, then "database is locked"): keys stay live, the pending change shows, and it lands when the lock goes', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		const release = data.holdTriageLock();
		const first = cursorRow(harness.lastFrame());
		await harness.press('*');
		await harness.waitForFrame(
			(f) => status(f).includes('locked by another program') && status(f).includes('retrying, keys still work'),
		);
		// Keys are answered while the write waits: the cursor moves, and a second change is told to wait.
		await harness.press(KEYS.down);
		await harness.waitForFrame((f) => cursorRow(f) !== first);
		await harness.press('*');
		await harness.waitForFrame((f) =>
			status(f).includes('a change is still being saved (set ★ favourite on 1 session)'),
		);
		expect(data.triageLog).toEqual([]);
		release();
		await harness.waitForFrame((f) => status(f).includes('set ★ favourite on 1 session'));
		expect(data.triageLog).toEqual([{kind: 'flag', field: 'is_favorite', value: 1}]);
		// The change landed on the session that was selected when the key was pressed.
		expect(data.rows.find((r) => r.session_id.endsWith('running_now'))).toMatchObject({is_favorite: 1});
		expect(data.rows.filter((r) => r.is_favorite === 1)).toHaveLength(1);
	});

	it('a lock held past the limit: the change is reported failed with the reason, not dropped silently', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		const release = data.holdTriageLock();
		await harness.press('T');
		await harness.waitForFrame((f) => status(f).includes('locked by another program'));
		release('session_metadata stayed locked by another program for 60 s; the change was not saved');
		await harness.waitForFrame((f) =>
			status(f).includes('triage failed, not saved: session_metadata stayed locked by another program for 60 s'),
		);
		// Nothing pending any more: the next key works.
		await harness.press('T');
		await harness.waitForFrame((f) => status(f).includes('set test on 1 session'));
	});

	it("undo after a foreign edit (regression: undo put back the whole row over the web UI's newer values): keeps theirs and says so", async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press('*');
		await harness.waitForFrame((f) => status(f).includes('set ★ favourite on 1 session'));
		const id = data.rows.find((r) => r.session_id.endsWith('running_now'))!.session_id;
		// The web UI takes the star off meanwhile.
		data.foreignEdit(id, {is_favorite: 0});
		await harness.press('U');
		await harness.waitForFrame((f) =>
			status(f).includes('nothing undone; 1 kept: its favourite flag was changed elsewhere'),
		);
		expect(data.rows.find((r) => r.session_id === id)).toMatchObject({has_metadata: 1, is_favorite: 0});
	});

	it("complete: on sessions without a row (regression: they matched neither complete:yes nor complete:no) read as the web UI's default, complete; I shows where it is off", async () => {
		const rows = sampleSessions();
		rows[2] = {
			...rows[2]!,
			has_metadata: 1,
			is_favorite: 0,
			is_test: 0,
			is_complete: 0,
			user_rating: null,
			tags: '[]',
		};
		harness = await renderExplorer({data: fakeData(rows), columns: 140, rows: 30});
		expect(rowOf(harness.lastFrame(), 'over_run')).toMatch(/over_run\s+ I/);
		await harness.press('/');
		await harness.type('complete:yes');
		await harness.waitForFrame((f) => f.includes('9 of 10 shown'));
		await harness.press(KEYS.escape);
		await harness.type('complete:no');
		let frame = await harness.waitForFrame((f) => f.includes('1 of 10 shown'));
		expect(rowOf(frame, 'over_run')).toBeDefined();
		await harness.press(KEYS.escape);
		await harness.type('fav:no');
		frame = await harness.waitForFrame((f) => f.includes('10 of 10 shown') || f.includes('fav:no'));
		expect(frame).toContain('10 of 10 shown');
	});
});

describe('the : command line and remembered views', () => {
	it('saves and loads named views (sort, filter, hidden columns) with completion, and remembers the last view', async () => {
		const {base} = makeWorkspace();
		const file = path.join(base, 'state', 'views.json');
		const store = createViewStore(file, '/results');
		harness = await renderExplorer({data: fakeData(sampleSessions()), columns: 139, rows: 30, viewStore: store});
		await harness.press('i', ':');
		await harness.type('hide sam');
		await harness.press('\t');
		await harness.waitForFrame((f) => f.includes(':hide sampler▏'));
		await harness.press(KEYS.enter);
		let frame = await harness.waitForFrame((f) => !lines(f)[2]!.includes('SAMPLER'));
		await harness.press(':');
		await harness.type('save triage');
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('saved the view triage'));
		expect(JSON.parse(fs.readFileSync(file, 'utf8')).saved.triage).toEqual({
			sort: 'completion:asc',
			filter: 'is:incomplete',
			hidden: ['sampler'],
		});
		// Back to everything, then load it again through completion of the view name.
		await harness.press(KEYS.escape, ':');
		await harness.type('show sampler');
		await harness.press(KEYS.enter);
		frame = await harness.waitForFrame((f) => lines(f)[2]!.includes('SAMPLER') && f.includes('10 of 10 shown'));
		await harness.press(':');
		await harness.type('load tr');
		await harness.press('\t', KEYS.enter);
		frame = await harness.waitForFrame((f) => f.includes('loaded the view triage'));
		expect(status(frame)).toContain('5 of 10 shown (filter: is:incomplete)');
		expect(lines(frame)[2]).toContain('DONE▲');
		expect(lines(frame)[2]).not.toContain('SAMPLER');
		await harness.press(':');
		await harness.type('frobnicate');
		await harness.press(KEYS.enter);
		await harness.waitForFrame((f) => f.includes('unknown command frobnicate'));
		await harness.press('q');
		expect(harness.quitCalled()).toBe(true);
		// The last view was written on the way out; a new explorer starts with it.
		expect(JSON.parse(fs.readFileSync(file, 'utf8')).last).toEqual({
			sort: 'completion:asc',
			filter: 'is:incomplete',
			hidden: ['sampler'],
		});
		harness.unmount();
		harness = await renderExplorer({
			data: fakeData(sampleSessions()),
			columns: 139,
			rows: 30,
			viewStore: createViewStore(file, '/results'),
		});
		frame = await harness.waitForFrame((f) => f.includes('5 of 10 shown (filter: is:incomplete)'));
		expect(lines(frame)[2]).not.toContain('SAMPLER');
	});

	it('ignores a corrupt state file with a warning', async () => {
		const {base} = makeWorkspace();
		const file = path.join(base, 'views.json');
		fs.writeFileSync(file, '{"version": 1, "saved": {');
		harness = await renderExplorer({
			data: fakeData(sampleSessions()),
			viewStore: createViewStore(file, '/results'),
		});
		const frame = await harness.waitForFrame((f) => f.includes('ignored the remembered views'));
		// The default view: every session, newest first.
		expect(lines(frame)[1]).toContain('10 sessions');
		expect(lines(frame)[2]).toContain('CREATED▼');
		expect(cursorRow(frame)).toContain('running_now');
	});
});

describe('x export', () => {
	it('exports the shown view, or the marked rows, as CSV or JSON and says where', async () => {
		const data = fakeData(sampleSessions());
		harness = await renderExplorer({data, columns: 140, rows: 30});
		await harness.press('i', 'x');
		await harness.waitForFrame((f) => f.includes('Export the 5 shown sessions'));
		await harness.press('c');
		await harness.waitForFrame((f) => f.includes('exported 5 sessions to /tmp/sdstats-test-export.csv'));
		expect(data.exports[0]!.format).toBe('csv');
		expect(data.exports[0]!.ids).toHaveLength(5);
		await harness.press('g', KEYS.space, KEYS.space, 'x');
		await harness.waitForFrame((f) => f.includes('Export the 2 marked sessions'));
		await harness.press('j');
		await harness.waitForFrame((f) => f.includes('exported 2 sessions'));
		expect(data.exports[1]).toEqual({format: 'json', ids: data.exports[0]!.ids.slice(0, 2)});
		expect(cursorRow(harness.lastFrame())).toBeDefined();
	});
});
