/** The demo's deterministic variety: a seeded PRNG and the picks made with it. */

/** mulberry32: a tiny seeded PRNG, so the same DEMO_VERSION always yields the same demo. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export type Random = () => number;

export const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
export const between = (rand: Random, low: number, high: number): number => low + Math.floor(rand() * (high - low + 1));

/** 2..n distinct values of `values`, in their original order. */
export function subset(rand: Random, values: readonly string[], min = 2): string[] {
	const count = between(rand, Math.min(min, values.length), values.length);
	const chosen = new Set<number>();
	while (chosen.size < count) chosen.add(Math.floor(rand() * values.length));
	return [...chosen].sort((a, b) => a - b).map((i) => values[i]!);
}
