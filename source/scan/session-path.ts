/** Turns a session id from the command line or another tool into a folder path, never outside the root. */
import fs from 'node:fs';
import path from 'node:path';
import {sessionIdProblem} from '../core/session-id.js';

export class SessionIdError extends Error {
	override name = 'SessionIdError';
}

export function resolveSessionFolder(root: string, sessionId: string): string {
	const problem = sessionIdProblem(sessionId);
	if (problem !== null) throw new SessionIdError(`invalid session name ${JSON.stringify(sessionId)}: ${problem}`);
	const folder = path.join(root, sessionId);
	// Belt and braces: the checks above already rule out anything that could leave the root.
	if (path.dirname(folder) !== path.resolve(root))
		throw new SessionIdError(`invalid session name ${JSON.stringify(sessionId)}`);
	let isFolder = false;
	try {
		isFolder = fs.statSync(folder).isDirectory();
	} catch {
		isFolder = false;
	}
	if (!isFolder) throw new SessionIdError(`no session folder ${JSON.stringify(sessionId)} under ${root}`);
	return folder;
}
