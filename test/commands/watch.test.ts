import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {locate} from '../../source/config.js';
import {watchCommand} from '../../source/commands/watch.js';
import {writeSession} from '../../source/demo/corpus.js';
import {runCli} from '../helpers/run-cli.js';
import {makeWorkspace} from '../helpers/temp.js';

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return {out, err, io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}}};
}

async function setup() {
	const workspace = makeWorkspace('sdstats-watch-', {oneFile: true});
	const running = writeSession(workspace.root, {
		name: '20251120_120000-running',
		manifest: {numImages: 10, status: 'ongoing'},
		images: 2,
		firstImageMs: Date.now() - 5000,
		imageIntervalMs: 1000,
	});
	writeSession(workspace.root, {
		name: '20251119_120000-done',
		manifest: {numImages: 2, status: 'completed'},
		images: 2,
	});
	expect((await runCli(['compute', '--root', workspace.root])).code).toBe(0);
	const locations = locate({rootFlag: workspace.root, env: {}, cwd: workspace.base});
	return {
		...workspace,
		running,
		options: {
			locations,
			stallWindowMs: 600_000,
			color: false,
			now: Date.now,
			intervalMs: 10,
			stop: {stopped: false},
		},
	};
}

describe('sdstats watch', () => {
	it('prints one line per change: a new session, progress of a running one, and the finish', async () => {
		const {root, running, options} = await setup();
		const c = capture();
		const manifestPath = path.join(running, 'manifest.json');
		await watchCommand(
			{
				...options,
				json: false,
				maxCycles: 3,
				afterCycle(cycle) {
					if (cycle === 1) {
						writeSession(root, {
							name: '20251121_090000-fresh',
							manifest: {numImages: 4, status: 'ongoing'},
							images: 1,
							firstImageMs: Date.now(),
						});
						fs.writeFileSync(path.join(running, 'extra_0002.png'), '');
						fs.writeFileSync(path.join(running, 'extra_0003.png'), '');
						fs.writeFileSync(manifestPath, fs.readFileSync(manifestPath, 'utf8') + ' ');
					}
					if (cycle === 2) {
						const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
						manifest.status = 'completed';
						fs.writeFileSync(manifestPath, JSON.stringify(manifest));
					}
				},
			},
			c.io,
		);
		const lines = c.out.join('').trim().split('\n');
		// The first cycle only takes stock: both cached sessions are known, nothing changed.
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(/new\s+20251121_090000-fresh {2}1\/4 running$/);
		expect(lines[1]).toMatch(/progress\s+20251120_120000-running {2}4\/10 \(\+2\) 40\.0% running/);
		expect(lines[2]).toMatch(/finished\s+20251120_120000-running {2}4\/10 partial$/);
	});

	it('prints JSON lines for scripts, and a run that stopped writing as stalled once the window passes', async () => {
		const {options} = await setup();
		let clock = Date.now();
		const c = capture();
		await watchCommand(
			{
				...options,
				now: () => clock,
				stallWindowMs: 60_000,
				json: true,
				maxCycles: 2,
				afterCycle() {
					clock += 120_000;
				},
			},
			c.io,
		);
		const events = c.out
			.join('')
			.trim()
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
		expect(events).toEqual([
			expect.objectContaining({event: 'stalled', session_id: '20251120_120000-running', actual: 2, expected: 10}),
		]);
		expect(typeof events[0].time).toBe('string');
	});
});
