/**
 * The action journal: one append-only JSON-lines file per action under the user's state folder, written and
 * fsynced before anything moves. While an action runs its file is `<id>.open.jsonl`; it is renamed to
 * `<id>.jsonl` when every session is settled, so "is anything left to recover?" is one readdir. A torn last
 * line (a kill mid-write) is ignored: the step it described is found again by looking at the folders.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ActionKind = 'archive' | 'trash' | 'restore';

export type ActionHeader = {
	t: 'action';
	id: string;
	kind: ActionKind;
	createdAt: string;
	pid: number;
	host: string;
	/** The database whose paths follow the folders (null: none to update). */
	dbPath: string | null;
	/** The results root the sessions came from, and where they went (archive root, trash folder, …). */
	root: string;
	target: string;
	/** For a restore: the action it takes back. */
	undoOf?: string;
};

export type MoveMethod = 'rename' | 'copy';

export type Intent = {
	t: 'intent';
	seq: number;
	sessionId: string;
	from: string;
	to: string;
	method: MoveMethod;
	/** Where a copy is built before it takes its final name (beside `to`), and where the source goes to be removed (beside `from`). */
	tmp: string;
	del: string;
	/** Trash: the .trashinfo created before the move (removed again if the move is rolled back). */
	trashInfo?: {path: string; body: string};
	/** Restore from the trash: the .trashinfo to remove once the folder is back. */
	removeInfo?: string;
	/** The database this session's rows are in, when not the header's (several roots, each with its own). */
	dbPath?: string | null;
};

export type Phase =
	/** The move switched to a copy (a rename reported another filesystem). */
	| 'method'
	/** The copy is complete and verified; `listing` is what the target must hold. */
	| 'copied'
	/** The copy has its final name. */
	| 'published'
	| 'done'
	| 'skipped'
	| 'rolledback'
	/** Both places hold the session, or neither: left alone for the user, with the reason. */
	| 'conflict';

export type Step = {
	t: 'step';
	seq: number;
	phase: Phase;
	method?: MoveMethod;
	reason?: string;
	listing?: Array<[rel: string, kind: string, size: number]>;
};

export type Record =
	| ActionHeader
	| Intent
	| Step
	| {t: 'end'; at: string; moved: number; skipped: number}
	| {t: 'undone'; by: string; at: string};

export type JournalFile = {id: string; file: string; open: boolean};

export function stateDirectory(env: Readonly<{[key: string]: string | undefined}>, home = os.homedir()): string {
	if (env.SDSTATS_STATE_DIR) return path.resolve(env.SDSTATS_STATE_DIR);
	const base =
		env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
			? env.XDG_STATE_HOME
			: path.join(home, '.local', 'state');
	return path.join(base, 'sdstats');
}

export const actionsFolder = (stateDir: string): string => path.join(stateDir, 'actions');

let lastIdMs = 0;

/** Sortable in the order actions ran (to the millisecond, never repeating in one process), then pid and a few random characters. */
export function newActionId(nowMs: number): string {
	lastIdMs = Math.max(nowMs, lastIdMs + 1);
	const stamp = new Date(lastIdMs).toISOString().replace(/[-:]/g, '').replace('.', '').replace('Z', '');
	return `${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

export function fsyncDirectory(dir: string): void {
	let fd: number | null = null;
	try {
		fd = fs.openSync(dir, 'r');
		fs.fsyncSync(fd);
	} catch {
		// Some filesystems refuse fsync on a folder; the rename is still as durable as they make it.
	} finally {
		if (fd !== null) fs.closeSync(fd);
	}
}

/** An open journal being written by this process. */
export class JournalWriter {
	private fd: number;
	private closed = false;

	private constructor(
		readonly id: string,
		private file: string,
		private readonly folder: string,
	) {
		this.fd = fs.openSync(file, 'a', 0o600);
	}

	static create(stateDir: string, header: ActionHeader): JournalWriter {
		const folder = actionsFolder(stateDir);
		fs.mkdirSync(folder, {recursive: true, mode: 0o700});
		const file = path.join(folder, `${header.id}.open.jsonl`);
		// Exclusive: two actions never share a file.
		fs.closeSync(fs.openSync(file, 'wx', 0o600));
		const writer = new JournalWriter(header.id, file, folder);
		writer.append([header], true);
		fsyncDirectory(folder);
		return writer;
	}

	/** Reopens an interrupted journal to finish it (recovery). */
	static resume(stateDir: string, id: string): JournalWriter {
		const folder = actionsFolder(stateDir);
		return new JournalWriter(id, path.join(folder, `${id}.open.jsonl`), folder);
	}

	append(records: readonly Record[], sync: boolean): void {
		if (records.length === 0) return;
		const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
		fs.writeSync(this.fd, text);
		if (sync) fs.fsyncSync(this.fd);
	}

	/**
	 * Writes the records now and settles when they are durable: the fsync runs on an I/O thread, so this
	 * thread copies on meanwhile. Nothing that depends on the records may happen before it settles.
	 */
	appendDurable(records: readonly Record[]): Promise<void> {
		this.append(records, false);
		return new Promise((resolve, reject) => fs.fsync(this.fd, (error) => (error ? reject(error) : resolve())));
	}

	/** Marks the action settled: the file loses its `.open` and no recovery looks at it again. */
	finish(end: {moved: number; skipped: number}): void {
		this.append([{t: 'end', at: new Date().toISOString(), ...end}], true);
		this.close();
		fs.renameSync(this.file, path.join(this.folder, `${this.id}.jsonl`));
		fsyncDirectory(this.folder);
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		fs.closeSync(this.fd);
	}
}

/** The journals on disk, oldest first. */
export function listJournals(stateDir: string): JournalFile[] {
	const folder = actionsFolder(stateDir);
	let names: string[];
	try {
		names = fs.readdirSync(folder);
	} catch {
		return [];
	}
	const files: JournalFile[] = [];
	for (const name of names) {
		if (name.endsWith('.open.jsonl'))
			files.push({id: name.slice(0, -'.open.jsonl'.length), file: path.join(folder, name), open: true});
		else if (name.endsWith('.jsonl'))
			files.push({id: name.slice(0, -'.jsonl'.length), file: path.join(folder, name), open: false});
	}
	return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether any action was left unfinished: cheap enough for the start of every command. */
export function hasOpenJournals(stateDir: string): boolean {
	try {
		return fs.readdirSync(actionsFolder(stateDir)).some((name) => name.endsWith('.open.jsonl'));
	} catch {
		return false;
	}
}

export type ParsedJournal = {
	header: ActionHeader;
	intents: Intent[];
	/** The last step seen per session, and everything known about it. */
	steps: Map<number, Step[]>;
	ended: boolean;
	undoneBy: string | null;
};

export function readJournal(file: string): ParsedJournal | null {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return null;
	}
	let header: ActionHeader | null = null;
	const intents: Intent[] = [];
	const steps = new Map<number, Step[]>();
	let ended = false;
	let undoneBy: string | null = null;
	for (const line of text.split('\n')) {
		if (line === '') continue;
		let record: Record;
		try {
			record = JSON.parse(line) as Record;
		} catch {
			continue; // a line torn by a kill: what it said is found again on disk
		}
		switch (record.t) {
			case 'action':
				header = record;
				break;
			case 'intent':
				intents.push(record);
				break;
			case 'step': {
				const list = steps.get(record.seq) ?? [];
				list.push(record);
				steps.set(record.seq, list);
				break;
			}
			case 'end':
				ended = true;
				break;
			case 'undone':
				undoneBy = record.by;
				break;
		}
	}
	return header ? {header, intents, steps, ended, undoneBy} : null;
}

/** The settled outcome of a session in a journal: done, skipped, rolled back, a conflict, or null (unsettled). */
export function outcomeOf(steps: readonly Step[] | undefined): Step | null {
	if (!steps) return null;
	for (let i = steps.length - 1; i >= 0; i--) {
		const phase = steps[i]!.phase;
		if (phase === 'done' || phase === 'skipped' || phase === 'rolledback' || phase === 'conflict') return steps[i]!;
	}
	return null;
}

export function hasPhase(steps: readonly Step[] | undefined, phase: Phase): Step | undefined {
	return steps?.find((s) => s.phase === phase);
}

/** The method in force for a session: its intent's, unless a later step switched it. */
export function methodOf(intent: Intent, steps: readonly Step[] | undefined): MoveMethod {
	let method = intent.method;
	for (const step of steps ?? []) if (step.phase === 'method' && step.method) method = step.method;
	return method;
}

/** Appends to a settled journal that it was taken back (by a restore action). */
export function markUndone(stateDir: string, id: string, by: string): void {
	const file = path.join(actionsFolder(stateDir), `${id}.jsonl`);
	const fd = fs.openSync(file, 'a');
	try {
		fs.writeSync(fd, `${JSON.stringify({t: 'undone', by, at: new Date().toISOString()})}\n`);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

/** One action at a time per user: a lock file holding the pid, stale once that process is gone. */
export class ActionLock {
	private constructor(private readonly file: string) {}

	static tryAcquire(stateDir: string): {ok: true; lock: ActionLock} | {ok: false; pid: number} {
		const folder = actionsFolder(stateDir);
		fs.mkdirSync(folder, {recursive: true, mode: 0o700});
		const file = path.join(folder, 'lock');
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				const fd = fs.openSync(file, 'wx', 0o600);
				fs.writeSync(fd, JSON.stringify({pid: process.pid, host: os.hostname()}));
				fs.closeSync(fd);
				return {ok: true, lock: new ActionLock(file)};
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			const holder = readLockHolder(file);
			// Another host's process (a shared home folder) cannot be checked: it is taken as alive.
			if (holder !== null && (holder.otherHost || (holder.pid !== process.pid && processAlive(holder.pid))))
				return {ok: false, pid: holder.pid};
			// Left by a process that is gone (or unreadable, half-written by one killed while writing it).
			fs.rmSync(file, {force: true});
		}
		return {ok: false, pid: readLockHolder(file)?.pid ?? 0};
	}

	release(): void {
		fs.rmSync(this.file, {force: true});
	}
}

function readLockHolder(file: string): {pid: number; otherHost: boolean} | null {
	try {
		const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as {pid?: unknown; host?: unknown};
		if (typeof parsed.pid !== 'number') return null;
		return {pid: parsed.pid, otherHost: typeof parsed.host === 'string' && parsed.host !== os.hostname()};
	} catch {
		return null;
	}
}

export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
