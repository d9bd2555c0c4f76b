/** Every demo session, deterministically: the hand-made ones (every state, the edge cases) and everyday ones. */
import {addEdgeCaseDrafts} from './drafts-edge-cases.js';
import {addStateDrafts} from './drafts-by-state.js';
import {draftCollector, intervalFor, themedManifest, toDemoSession, type DemoSession, type Draft} from './drafts.js';
import {between, prng, type Random} from './random.js';
import {THEMES} from './vocabulary.js';
import {addDays, type When} from './when.js';

/** Bump when the demo's content changes: an older demo folder is then replaced on next use. */
export const DEMO_VERSION = 3;

/** Hand-made sessions: every state, the edge cases, the hostile text. */
function specialDrafts(rand: Random): Draft[] {
	const {drafts, add} = draftCollector(rand);
	addStateDrafts(rand, add);
	addEdgeCaseDrafts(rand, add);
	return drafts;
}

/** Everyday sessions spread over six weeks: mostly complete, some partial. */
function ordinaryDrafts(rand: Random, count: number): Draft[] {
	const drafts: Draft[] = [];
	const start: When = [2025, 10, 6, 0, 0, 0];
	for (let k = 0; k < count; k++) {
		const when = addDays(
			start,
			Math.floor((k * 41) / count),
			between(rand, 8, 23),
			between(rand, 0, 59),
			between(rand, 0, 59),
		);
		const t = THEMES[(k * 5) % THEMES.length]!;
		const manifest = themedManifest(rand, when, t, rand() < 0.75 ? 'combinatorial' : 'random');
		const expected = manifest.numImages!;
		const partial = k % 6 === 3;
		const images = partial ? Math.max(1, Math.floor(expected * (0.3 + rand() * 0.55))) : expected;
		drafts.push({
			when,
			label: t.label,
			state: partial ? 'partial' : 'complete',
			manifest,
			images,
			intervalMs: intervalFor(rand, manifest),
			startDelayMs: between(rand, 8000, 25000),
		});
	}
	return drafts;
}

/** Every demo session, in a fixed order. Deterministic: same DEMO_VERSION, same sessions. */
export function demoSessions(): DemoSession[] {
	const rand = prng(0x5d57a75 + DEMO_VERSION);
	const drafts = [...specialDrafts(rand), ...ordinaryDrafts(rand, 38)];
	const sessions = drafts.map((d) => toDemoSession(d));
	const seen = new Set<string>();
	for (const {spec} of sessions) {
		if (seen.has(spec.name)) throw new Error(`demo: duplicate session name ${spec.name}`);
		seen.add(spec.name);
	}
	return sessions;
}
