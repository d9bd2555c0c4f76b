/** Runs the action commands in-process on a workspace, capturing their output. */
import fs from 'node:fs';
import path from 'node:path';
import {companionOf} from '../../source/store/layout.js';
import Database from 'better-sqlite3';
import {parseFilterFlag} from '../../source/cli-args.js';
import {archiveCommand, type ArchiveOptions} from '../../source/commands/archive.js';
import type {Query} from '../../source/core/query.js';
import type {CommonOptions} from '../../source/common-options.js';
import {resumeCommand} from '../../source/commands/resume.js';
import {undoCommand} from '../../source/commands/undo.js';
import {makeWorkspace} from '../helpers/temp.js';

export type Workspace = ReturnType<typeof makeWorkspace> & {stateDir: string; env: {[key: string]: string}};

export function actionWorkspace(): Workspace {
	const ws = makeWorkspace('sdstats-actions-');
	return {...ws, stateDir: path.join(ws.base, 'state'), env: {XDG_DATA_HOME: path.join(ws.base, 'data')}};
}

export type Captured = {code: number; stdout: string; stderr: string};

function io(): {
	io: {stdout: {write(s: string): boolean}; stderr: {write(s: string): boolean}};
	out: () => {stdout: string; stderr: string};
} {
	let stdout = '';
	let stderr = '';
	return {
		io: {
			stdout: {write: (s: string) => ((stdout += s), true)},
			stderr: {write: (s: string) => ((stderr += s), true)},
		},
		out: () => ({stdout, stderr}),
	};
}

export function common(ws: Workspace, root = ws.root): CommonOptions {
	return {
		locations: {root, rootSource: '--root', dbPath: ws.dbPath, dbSource: '--db'},
		stallWindowMs: 10 * 60_000,
		color: false,
		now: Date.now,
	};
}

/** The harness takes --filter as typed; the commands take it parsed, as cli-args.ts hands it over. */
type ArchiveArgs = Partial<Omit<ArchiveOptions, 'kind' | 'filter'>> & {root?: string; filter?: string};

function parsedFilter(text: string | undefined): Query | undefined {
	if (text === undefined) return undefined;
	const parsed = parseFilterFlag(text);
	if ('error' in parsed) throw new Error(parsed.error);
	return parsed.query;
}

export async function archive(
	ws: Workspace,
	args: ArchiveArgs,
	kind: 'archive' | 'trash' = 'archive',
): Promise<Captured> {
	const captured = io();
	const code = await archiveCommand(
		{
			...common(ws, args.root),
			stateDir: ws.stateDir,
			env: ws.env,
			dryRun: false,
			yes: true,
			cancel: {cancelled: false},
			sessions: [],
			includeRunning: false,
			...args,
			filter: parsedFilter(args.filter),
			kind,
		},
		captured.io,
	);
	return {code, ...captured.out()};
}

export async function undo(
	ws: Workspace,
	args: {list?: boolean; number?: number; dryRun?: boolean} = {},
): Promise<Captured> {
	const captured = io();
	const code = await undoCommand(
		{
			...common(ws),
			stateDir: ws.stateDir,
			env: ws.env,
			dryRun: args.dryRun ?? false,
			yes: true,
			cancel: {cancelled: false},
			list: args.list ?? false,
			number: args.number,
		},
		captured.io,
	);
	return {code, ...captured.out()};
}

export function resume(
	ws: Workspace,
	args: {filter?: string; sessions?: string[]; output: string; includeRunning?: boolean},
): Captured {
	const captured = io();
	const code = resumeCommand(
		{
			...common(ws),
			filter: parsedFilter(args.filter),
			sessions: args.sessions ?? [],
			output: args.output,
			includeRunning: args.includeRunning ?? false,
		},
		captured.io,
	);
	return {code, ...captured.out()};
}

/** session_id → session_path in a table. */
export function pathsIn(dbPath: string, table: 'session_stats' | 'session_metadata'): Map<string, string> {
	// sdstats' stats live in the companion file beside sessions.db (store/layout.ts); the web UI's triage in sessions.db.
	const companion = companionOf(dbPath);
	const db = new Database(table === 'session_stats' && fs.existsSync(companion) ? companion : dbPath, {
		readonly: true,
	});
	try {
		return new Map(
			(
				db.prepare(`SELECT session_id, session_path FROM ${table}`).all() as Array<{
					session_id: string;
					session_path: string;
				}>
			).map((r) => [r.session_id, r.session_path]),
		);
	} finally {
		db.close();
	}
}

/** A triage row as the web UI writes it. */
export function addTriage(dbPath: string, sessionId: string, sessionPath: string): void {
	const db = new Database(dbPath);
	try {
		db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, is_favorite, user_note, tags, created_at, updated_at) VALUES (?, ?, 1, 'keep', '[\"best\"]', '2025-11-01T00:00:00', '2025-11-02T00:00:00')",
		).run(sessionId, sessionPath);
	} finally {
		db.close();
	}
}

export function metadataRow(dbPath: string, sessionId: string): Record<string, unknown> | undefined {
	const db = new Database(dbPath, {readonly: true});
	try {
		return db.prepare('SELECT * FROM session_metadata WHERE session_id = ?').get(sessionId) as
			Record<string, unknown> | undefined;
	} finally {
		db.close();
	}
}
