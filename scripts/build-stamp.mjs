/**
 * Whether dist/ was built from the files as they are now, so `npm start` builds only when something changed.
 *
 *   node scripts/build-stamp.mjs clear   before a build: a build that fails half-way leaves no stamp behind
 *   node scripts/build-stamp.mjs write   after a build that succeeded: records what it was built from
 *   node scripts/build-stamp.mjs check   exit 0 when dist/ is current, 1 when it must be built
 *
 * "Built from" is a SHA-256 over the path and bytes of every build input (source/, bench/, scripts/, the
 * tsconfig files, package.json and package-lock.json, which pins the compiler and the bundler) plus the Node
 * major version. Contents, not modification times: a checkout, a copy or `touch` cannot fool it either way.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const OUTPUTS = ['dist/bin/cli.js', 'dist/source/cli.js'];
const FOLDERS = ['source', 'bench', 'scripts'];
const FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function filesUnder(folder) {
	const found = [];
	const walk = (relative) => {
		let entries;
		try {
			entries = fs.readdirSync(path.join(ROOT, relative), {withFileTypes: true});
		} catch {
			return;
		}
		for (const entry of entries) {
			const child = path.posix.join(relative, entry.name);
			if (entry.isDirectory()) walk(child);
			else if (entry.isFile()) found.push(child);
		}
	};
	walk(folder);
	return found;
}

function inputsDigest() {
	const hash = createHash('sha256');
	hash.update(`node ${process.versions.node.split('.')[0]}\n`);
	const files = [...FOLDERS.flatMap(filesUnder), ...FILES].sort();
	for (const file of files) {
		let bytes;
		try {
			bytes = fs.readFileSync(path.join(ROOT, file));
		} catch {
			bytes = null;
		}
		// Length-prefixed: no two different sets of files give the same stream.
		hash.update(`${file.length}:${file}:${bytes === null ? -1 : bytes.length}:`);
		if (bytes) hash.update(bytes);
	}
	return hash.digest('hex');
}

function isCurrent() {
	let stamp;
	try {
		stamp = fs.readFileSync(STAMP, 'utf8').trim();
	} catch {
		return false;
	}
	if (!OUTPUTS.every((file) => fs.existsSync(path.join(ROOT, file)))) return false;
	return stamp === inputsDigest();
}

const command = process.argv[2];
if (command === 'clear') {
	fs.rmSync(STAMP, {force: true});
} else if (command === 'write') {
	fs.mkdirSync(path.dirname(STAMP), {recursive: true});
	fs.writeFileSync(STAMP, `${inputsDigest()}\n`);
} else if (command === 'check') {
	const current = isCurrent();
	if (current) process.stderr.write('sdstats: dist/ is up to date with the sources, no build needed\n');
	process.exitCode = current ? 0 : 1;
} else {
	process.stderr.write('usage: node scripts/build-stamp.mjs clear|write|check\n');
	process.exitCode = 2;
}
