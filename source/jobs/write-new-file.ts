/**
 * Writes a file that did not exist before, never over another: `name.ext`, else `name-2.ext`, `name-3.ext`…
 * Each attempt is an exclusive create (O_EXCL), so two writers racing for a name never share one and nothing
 * is overwritten; only a clash on the name moves on to the next suffix, any other error is thrown.
 */
import fs from 'node:fs';
import path from 'node:path';

/** How many suffixes are tried before giving up (a folder holding that many exports of one second). */
const MAX_ATTEMPTS = 1000;

export function writeNewFile(folder: string, stem: string, extension: string, body: string): string {
	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		const file = path.join(folder, `${stem}${attempt === 1 ? '' : `-${attempt}`}${extension}`);
		try {
			fs.writeFileSync(file, body, {flag: 'wx'});
			return file;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	throw new Error(`${path.join(folder, `${stem}${extension}`)} and ${MAX_ATTEMPTS - 1} suffixed names are all taken`);
}
