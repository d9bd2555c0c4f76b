/** Help (issue 11 item 17): where it opens, jumping by section, the query language, :help and :q, hints. */
import {afterEach, describe, expect, it} from 'vitest';
import {HELP} from '../../source/cli-help.js';
import {KEYS, fakeData, renderExplorer, type Harness} from '../helpers/explorer.js';
import {sampleSessions} from '../helpers/sessions.js';

let harness: Harness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

async function open(): Promise<Harness> {
	harness = await renderExplorer({data: fakeData(sampleSessions()), columns: 100, rows: 30});
	await harness.waitForFrame((f) => f.includes('10 of 10 shown') && !f.includes('loading…'));
	return harness;
}

/** The first line below the two header lines: the top of the help's body. */
const bodyTop = (frame: string): string => frame.split('\n')[2]!.trim();
const status = (frame: string): string => frame.split('\n').at(-1)!.trim();

describe('regression: help (issue 11 item 17)', () => {
	it('? opens at the section of the mode it is pressed in', async () => {
		const h = await open();
		await h.press('?');
		expect(bodyTop(h.lastFrame())).toBe('List');
		await h.press(KEYS.escape, KEYS.enter);
		await h.waitForFrame((f) => f.includes('Esc back'), 'the details');
		await h.press('?');
		expect(bodyTop(h.lastFrame())).toBe('Details (Enter)');
	});

	it('jumps by section with Tab and N, and ends with the query language', async () => {
		const h = await open();
		await h.press('?', '\t');
		expect(bodyTop(h.lastFrame())).toBe('Typing a filter (/)');
		await h.press('\t');
		expect(bodyTop(h.lastFrame())).toBe('Filter pane (f)');
		await h.press('N');
		expect(bodyTop(h.lastFrame())).toBe('Typing a filter (/)');
		await h.press('G');
		const end = h.lastFrame();
		expect(end).toContain('Filter language (/ and --filter)');
		expect(end).toContain('is:anomaly');
		expect(end).toContain('completion:<80');
	});

	it(':help opens the help and :q quits', async () => {
		const h = await open();
		await h.press(':');
		await h.type('help');
		await h.press(KEYS.enter);
		expect(bodyTop(h.lastFrame())).toBe('List');
		await h.press(KEYS.escape, ':');
		await h.type('q');
		await h.press(KEYS.enter);
		expect(h.quitCalled()).toBe(true);
	});

	it('the Tab candidates of : list every command, views among them', async () => {
		const h = await open();
		await h.press(':');
		const line = h.lastFrame().split('\n').at(-2)!;
		for (const command of ['save', 'load', 'delete', 'hide', 'show', 'columns', 'views', 'help', 'quit'])
			expect(line).toContain(command);
	});

	it('an unknown key in the list says ? for help, once', async () => {
		const h = await open();
		await h.press('z');
		expect(status(h.lastFrame()).startsWith('? for help')).toBe(true);
		await h.press('j', 'z');
		expect(h.lastFrame()).not.toContain('? for help');
	});

	it('sdstats --help lists is:anomaly, --workers and --no-wait', () => {
		for (const text of ['is:anomaly', '--workers', '--no-wait']) expect(HELP.explore).toContain(text);
	});
});
