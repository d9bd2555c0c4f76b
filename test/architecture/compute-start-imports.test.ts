/**
 * A nothing-changed compute is mostly start-up (issue 16: at most 0.12× find, Node's own start-up being about
 * a quarter of that), so the code `sdstats compute` loads before it knows that anything changed must not
 * include what only a changed session needs: the manifest readers, the calculator, the image headers. The
 * bundle follows static imports, so this reads them from the sources: everything reachable from the entry and
 * the compute command without a dynamic import().
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const SOURCE = path.resolve(import.meta.dirname, '../../source');

/** `{type A, type B}`: brings no value either. */
function typeOnly(clause: string): boolean {
	const braces = /^\{(.*)\}$/s.exec(clause.trim());
	if (!braces) return false;
	const names = braces[1]!
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	return names.length > 0 && names.every((name) => name.startsWith('type '));
}

/** Static imports and re-exports of values (not `import type`), as source/ paths. */
function staticImports(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	const found: string[] = [];
	for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'(\.[^']+)'/gms)) {
		const [, clause, specifier] = match;
		if (typeOnly(clause!)) continue;
		found.push(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')));
	}
	for (const match of text.matchAll(/^import\s+'(\.[^']+)'/gm))
		found.push(path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')));
	return found.map((target) => (fs.existsSync(target) ? target : target.replace(/\.ts$/, '.tsx')));
}

function closure(entries: readonly string[]): Set<string> {
	const seen = new Set<string>();
	const queue = entries.map((entry) => path.join(SOURCE, entry));
	while (queue.length > 0) {
		const file = queue.pop()!;
		if (seen.has(file)) continue;
		seen.add(file);
		queue.push(...staticImports(file));
	}
	return new Set([...seen].map((file) => path.relative(SOURCE, file).split(path.sep).join('/')));
}

describe('what `sdstats compute` loads before it knows what changed (issue 16)', () => {
	const loaded = closure(['cli.ts', 'commands/compute.ts']);

	it('reads the graph it checks', () => {
		// Guards the reader: without these the assertions below would pass vacuously.
		for (const module of [
			'cli.ts',
			'commands/compute.ts',
			'jobs/compute-job.ts',
			'scan/sessions.ts',
			'store/db.ts',
		])
			expect(loaded, module).toContain(module);
	});

	it('a nothing-changed compute never loads the manifest readers or the calculator (they came in through anomalies.ts and the JSON writer)', () => {
		for (const module of [
			'jobs/compute-folder.ts',
			'core/calculator.ts',
			'core/manifest.ts',
			'core/manifest-fast.ts',
			'core/python-json.ts',
			'core/analysis/manifest-images.ts',
			'core/legacy-manifest.ts',
			'scan/image-head.ts',
			'format/json.ts',
		])
			expect(loaded, module).not.toContain(module);
	});

	it('a nothing-changed compute never loads node:worker_threads (it starts no worker; folder-runner loads it for the first)', () => {
		const importers = [...loaded].filter((module) =>
			/^import\s+(?!type\b)[^;]*?\s+from\s+'(node:)?worker_threads'/ms.test(
				fs.readFileSync(path.join(SOURCE, module), 'utf8'),
			),
		);
		expect(importers).toEqual([]);
	});
});
