/**
 * Regressions (issue 11, item 12): a fresh clone's `npm install` printed ~20 lines of `npm warn ERESOLVE
 * overriding peer dependency` (vitest's bundler, vite, wants esbuild ^0.27 || ^0.28; 0.25 was pinned), and
 * `npm start` rebuilt everything every time (≈14 s). The build now records what it was built from
 * (scripts/build-stamp.mjs) and `npm start` builds only when that changed.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {makeWorkspace} from '../helpers/temp.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm install on a fresh clone', () => {
	it('every peer dependency is satisfied, so npm has none to override (no ERESOLVE warning)', () => {
		// npm ls reads node_modules as `npm ci` lays it out from the lockfile; an overridden peer shows as invalid.
		const result = spawnSync('npm', ['ls', '--all', '--json'], {
			cwd: REPO,
			encoding: 'utf8',
			env: {...process.env, npm_config_offline: 'true'},
		});
		const report = JSON.parse(result.stdout) as {problems?: string[]};
		expect(report.problems ?? []).toEqual([]);
		expect(result.status).toBe(0);
		const vitePeer = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/vite/package.json'), 'utf8'))
			.peerDependencies.esbuild as string;
		const installed = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/esbuild/package.json'), 'utf8'))
			.version as string;
		const [major, minor] = installed.split('.').map(Number);
		expect(vitePeer.split('||').map((range) => range.trim())).toContain(`^${major}.${minor}.0`);
	});
});

describe('npm start builds only when dist/ is out of date', () => {
	/** A copy of the build inputs with the stamp script, as a clone would have them. */
	function copyProject(): string {
		const {base} = makeWorkspace('sdstats-stamp-');
		for (const entry of [
			'scripts',
			'source',
			'package.json',
			'package-lock.json',
			'tsconfig.json',
			'tsconfig.build.json',
		]) {
			fs.cpSync(path.join(REPO, entry), path.join(base, entry), {recursive: true});
		}
		for (const output of ['dist/bin/cli.js', 'dist/source/cli.js']) {
			fs.mkdirSync(path.dirname(path.join(base, output)), {recursive: true});
			fs.writeFileSync(path.join(base, output), '// built\n');
		}
		return base;
	}
	const stamp = (project: string, command: string): number | null =>
		spawnSync(process.execPath, [path.join(project, 'scripts/build-stamp.mjs'), command], {
			cwd: project,
			encoding: 'utf8',
		}).status;

	it('current after a build; stale after a change to the sources or the lockfile, not after a touch', () => {
		const project = copyProject();
		expect(stamp(project, 'check')).toBe(1); // never built
		expect(stamp(project, 'write')).toBe(0);
		expect(stamp(project, 'check')).toBe(0);

		const file = path.join(project, 'source/cli.ts');
		const later = new Date(Date.now() + 60_000);
		fs.utimesSync(file, later, later);
		expect(stamp(project, 'check')).toBe(0); // same bytes: nothing to build

		fs.appendFileSync(file, '\n// changed\n');
		expect(stamp(project, 'check')).toBe(1);
		expect(stamp(project, 'write')).toBe(0);
		fs.writeFileSync(path.join(project, 'source/new-module.ts'), 'export {};\n');
		expect(stamp(project, 'check')).toBe(1);
		expect(stamp(project, 'write')).toBe(0);
		fs.appendFileSync(path.join(project, 'package-lock.json'), ' ');
		expect(stamp(project, 'check')).toBe(1);
	});

	it('stale when an output is gone or a build was started and did not finish', () => {
		const project = copyProject();
		expect(stamp(project, 'write')).toBe(0);
		fs.rmSync(path.join(project, 'dist/bin/cli.js'));
		expect(stamp(project, 'check')).toBe(1);
		fs.writeFileSync(path.join(project, 'dist/bin/cli.js'), '// built\n');
		expect(stamp(project, 'write')).toBe(0);
		expect(stamp(project, 'clear')).toBe(0); // what `npm run build` does first
		expect(stamp(project, 'check')).toBe(1);
	});

	it('package.json runs the check before start and stamps only a finished build', () => {
		const scripts = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts as Record<
			string,
			string
		>;
		expect(scripts.prestart).toBe('node scripts/build-stamp.mjs check || npm run build');
		expect(scripts.build!.startsWith('node scripts/build-stamp.mjs clear && ')).toBe(true);
		expect(scripts.build!.endsWith(' && node scripts/build-stamp.mjs write')).toBe(true);
	});
});
