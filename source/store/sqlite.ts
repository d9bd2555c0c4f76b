/**
 * better-sqlite3's connections, opened with the path of its compiled addon when it is where the package builds
 * it (build/Release/better_sqlite3.node, beside its lib/). Without one, better-sqlite3 asks the `bindings`
 * package, which loads two more modules and reads the caller's file name off a stack trace before it tries a
 * dozen paths: 3-6 ms of every start of a command that opens the cache (a nothing-changed compute is ~0.4 s).
 * Anywhere else (a debug build, a packager's layout) the default lookup runs, as before.
 */
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The addon's path inside the installed package, or null for the default lookup; `resolve` finds the package. */
export function findSqliteAddon(
	resolve: (request: string) => string = createRequire(import.meta.url).resolve,
): string | null {
	try {
		// lib/index.js: the package's main, which loads lib/database.js, which loads the addon.
		const main = resolve('better-sqlite3');
		const addon = path.join(path.dirname(main), '..', 'build', 'Release', 'better_sqlite3.node');
		return fs.statSync(addon, {throwIfNoEntry: false})?.isFile() ? addon : null;
	} catch {
		return null;
	}
}

let addon: string | null | undefined;

/** `new Database(file, options)`, given the addon's path when found (once per process). */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
	// `??=` would look again on every open when nothing was found (null): undefined alone means not looked yet.
	if (addon === undefined) addon = findSqliteAddon();
	return new Database(file, addon === null ? options : {...options, nativeBinding: addon});
}
