/**
 * Change hints for an open explorer: fs.watch on the results root and on each session folder (on Linux one
 * inotify watch per folder, never per file), so a change is noticed within a fraction of a second and an idle
 * explorer reads nothing. Hints only: the live poll decides what changed, and keeps running (slowly while every
 * watch is in place, at its usual pace when they are not) because watches can miss changes: the kernel's event
 * queue overflows, network filesystems report only local changes, watches run out (max_user_watches is shared
 * by every program of the user).
 *
 * Costs measured on the 2-core machines: each watch is about 1.7 kB of memory and 0.1-0.3 ms to set up, so
 * 100,000 session folders would cost ~170 MB and tens of seconds. Folders are therefore watched newest first
 * (session names start with their date) up to a budget, in slices that yield between them; running sessions
 * are always watched. Older sessions change rarely; the start-up staleness check covers them.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Filesystems whose changes by other machines inotify never sees (statfs f_type magic numbers). */
const REMOTE_FILESYSTEMS = new Set([
	0x6969, // NFS
	0x517b, // SMB
	0xff534d42, // CIFS
	0xfe534d42, // SMB2
	0x65735546, // FUSE (sshfs, rclone…)
	0x01021997, // 9p
	0x564c, // NCP
	0x73757245, // Coda
	0x5346414f, // AFS
	0x47504653, // GPFS
	0x0bd00bd0, // Lustre
	0x19830326, // FhGFS / BeeGFS
]);

export type WatchFunction = (
	target: string,
	listener: (event: string, filename: string | Buffer | null) => void,
) => WatchHandle;
export type WatchHandle = {close(): void; on(event: 'error', listener: (error: Error) => void): unknown};

export type FolderWatchOptions = {
	root: string;
	/** Called (at most once per turn of the event loop) when something may have changed. */
	onHint: () => void;
	/** Session folders watched at most, beside the root (default 10,000; see the opening comment). */
	maxFolders?: number;
	/** Folders set up per slice before yielding to keys and frames. */
	sliceSize?: number;
	/** Injected in tests; fs.watch otherwise. */
	watch?: WatchFunction;
	/** Whether the root is on a filesystem other machines may change; found with statfs by default. */
	remote?: boolean;
};

const defaultWatch: WatchFunction = (target, listener) => fs.watch(target, {persistent: false}, listener);

/** Whether the root is on a network filesystem (statfs); false when that cannot be told. */
export function isRemoteFilesystem(root: string): boolean {
	try {
		return REMOTE_FILESYSTEMS.has(Number(fs.statfsSync(root).type));
	} catch {
		return false;
	}
}

export class FolderWatcher {
	private readonly root: string;
	private readonly watch: WatchFunction;
	private readonly maxFolders: number;
	private readonly sliceSize: number;
	private rootWatch: WatchHandle | null = null;
	private readonly folders = new Map<string, WatchHandle>();
	private dirty = new Set<string>();
	private rootChanged = false;
	private hintQueued = false;
	private closed = false;
	/** Why the watches cannot be relied on (the poll must keep its pace), or null while they can. */
	private problem: string | null = null;
	/** Folders left unwatched by the budget: changes there are not hinted. */
	private unwatched = 0;

	constructor(private readonly options: FolderWatchOptions) {
		this.root = path.resolve(options.root);
		this.watch = options.watch ?? defaultWatch;
		this.maxFolders = options.maxFolders ?? 10_000;
		this.sliceSize = options.sliceSize ?? 500;
		if (options.remote ?? isRemoteFilesystem(this.root))
			this.problem = 'the results root is on a network filesystem';
	}

	/**
	 * Starts watching the root and the given session folders (newest first up to the budget; `always` first of
	 * all, e.g. running sessions). Resolves when every watch is set up.
	 */
	async start(folders: Iterable<string>, always: Iterable<string> = []): Promise<void> {
		this.rootWatch = this.open(this.root, (name) => {
			this.rootChanged = true;
			// A new folder (or one renamed into place) is a session to watch, and to look at now.
			if (name !== null && !name.startsWith('.')) {
				this.dirty.add(name);
				if (!this.folders.has(name) && this.folders.size < this.maxFolders) this.watchFolder(name);
			}
		});
		if (this.rootWatch === null) return;
		const firstSet = new Set(always);
		const first = [...firstSet];
		const rest = [...folders]
			.filter((name) => !firstSet.has(name))
			.sort()
			.reverse();
		const order = [...first, ...rest];
		const budget = Math.min(order.length, this.maxFolders);
		this.unwatched = order.length - budget;
		for (let i = 0; i < budget; i++) {
			if (this.closed || this.problem?.startsWith('watches')) return;
			this.watchFolder(order[i]!);
			if ((i + 1) % this.sliceSize === 0) await new Promise((resolve) => setImmediate(resolve));
		}
	}

	/** True while every change under the root is hinted: the poll may then slow right down. */
	get reliable(): boolean {
		return this.rootWatch !== null && this.problem === null && this.unwatched === 0 && !this.closed;
	}

	/** Why the watches are not relied on, or null. */
	get limitation(): string | null {
		if (this.problem) return this.problem;
		if (this.unwatched > 0)
			return `${this.unwatched} older session folders are not watched (budget ${this.maxFolders})`;
		return null;
	}

	get watchedFolders(): number {
		return this.folders.size;
	}

	/** The session folders hinted since the last call, and whether the root itself changed. */
	take(): {sessions: Set<string>; rootChanged: boolean} {
		const taken = {sessions: this.dirty, rootChanged: this.rootChanged};
		this.dirty = new Set();
		this.rootChanged = false;
		return taken;
	}

	/** Starts watching a session folder that appeared (or started running) after start(). */
	follow(name: string): void {
		if (!this.closed && this.rootWatch !== null && !this.folders.has(name) && this.folders.size < this.maxFolders)
			this.watchFolder(name);
	}

	close(): void {
		this.closed = true;
		this.rootWatch?.close();
		this.rootWatch = null;
		for (const handle of this.folders.values()) handle.close();
		this.folders.clear();
	}

	private watchFolder(name: string): void {
		const handle = this.open(path.join(this.root, name), () => this.dirty.add(name), name);
		if (handle) this.folders.set(name, handle);
	}

	/** One watch; null when it cannot be set up (the reason is kept when it means the watches ran out). */
	private open(target: string, onEvent: (name: string | null) => void, folder?: string): WatchHandle | null {
		let handle: WatchHandle;
		try {
			handle = this.watch(target, (_event, filename) => {
				if (this.closed) return;
				onEvent(filename === null ? null : String(filename));
				this.queueHint();
			});
		} catch (error) {
			this.noteFailure(error, folder);
			return null;
		}
		handle.on('error', (error) => {
			// The folder went away or the watch broke: drop it; the poll still sees the folder.
			handle.close();
			if (folder === undefined) {
				this.rootWatch = null;
				this.problem ??= `the watch on the results root failed (${(error as NodeJS.ErrnoException).code ?? error.message})`;
			} else if (this.folders.get(folder) === handle) {
				this.folders.delete(folder);
				this.dirty.add(folder);
				this.queueHint();
			}
		});
		return handle;
	}

	private noteFailure(error: unknown, folder: string | undefined): void {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE') {
			this.problem ??= `watches ran out (${code}): the poll covers the rest`;
		} else if (folder === undefined) {
			this.problem ??= `the results root cannot be watched (${code ?? (error as Error).message})`;
		}
		// A session folder that vanished between the listing and its watch needs no watch.
	}

	private queueHint(): void {
		if (this.hintQueued) return;
		this.hintQueued = true;
		queueMicrotask(() => {
			this.hintQueued = false;
			if (!this.closed) this.options.onHint();
		});
	}
}
