/**
 * What the bundle's patches cost or save, in CPU time, which the machine's load hardly moves (wall time does):
 * the process's CPU from its start to the explorer's first frame (module loading included: the start-up
 * patches show here), and the CPU of a fixed run of key frames once every row is in (the per-frame patches
 * show here). Bundled beside bench/explorer.tsx so each build variant measures through its own patched Ink
 * (scripts/measure-patches.mjs).
 */
import {renderExplorer, turn} from './explorer.js';

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** Keys that redraw without new work of the data layer (no sort, no filter): what a frame costs to draw. */
const KEYS: readonly string[] = [
	...Array<string>(20).fill('j'),
	...Array<string>(10).fill('k'),
	...Array<string>(5).fill('\u001B[6~'),
	...Array<string>(5).fill('\u001B[5~'),
	// Help opened and closed, details opened and left (q leaves details; in the list it would quit).
	...['?', '?', '\r', 'q', '?', '?', '\r', 'q'],
];

export type PatchCost = {firstFrameCpuMs: number; keysCpuMs: number; keyFrames: number};

export async function measurePatchCost(root: string, dbPath: string, count: number): Promise<PatchCost> {
	const {stdout, stdin, ready, close} = renderExplorer(root, dbPath);
	while (stdout.frames === 0) await turn();
	// Since the process started: loading the bundle (Ink, yoga, string-width), opening, the first frame.
	const firstFrameCpuMs = cpuMs(process.cpuUsage());
	const loaded = new RegExp(`${count} of ${count} shown`);
	while (!ready() || !loaded.test(stdout.last)) await turn();
	// Let the post-load work (signatures, the preset's sort) finish before the keys are counted.
	for (let i = 0; i < 200; i++) await turn();
	const before = process.cpuUsage();
	for (const key of KEYS) {
		const frames = stdout.frames;
		stdin.write(key);
		while (stdout.frames === frames) await turn();
	}
	const keysCpuMs = cpuMs(process.cpuUsage(before));
	close();
	return {firstFrameCpuMs, keysCpuMs, keyFrames: KEYS.length};
}
