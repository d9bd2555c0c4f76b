/**
 * The explorer's reads of rows never wait for another program's lock on the file holding session_metadata
 * (the web UI's sessions.db; a `sqlite3` shell's BEGIN EXCLUSIVE; a VACUUM). Each read is tried with no busy
 * wait; when the file is locked, the same rows are read from sdstats' own file without the triage, and the
 * triage this explorer last read is put back on them. The screen then says its triage may be stale, and
 * `refresh()` (called on a timer by the UI) reads the triage of those rows again once the lock is gone,
 * handing back the rows whose triage differs from what was shown.
 */
import path from 'node:path';
import type {ListedSession, TriageColumns} from '../../core/types.js';
import {isBusy} from '../../store/busy-retry.js';
import type {StatsRepository} from '../../store/stats-repository.js';

type Triaged = TriageColumns & {session_id: string};

const TRIAGE_FIELDS = [
	'has_metadata',
	'is_favorite',
	'is_test',
	'is_complete',
	'user_rating',
	'user_note',
	'tags',
] as const satisfies ReadonlyArray<keyof TriageColumns>;

/** What a session without a session_metadata row reads as (the reads' LEFT JOIN finds nothing). */
const NO_ROW: TriageColumns = {
	has_metadata: 0,
	is_favorite: null,
	is_test: null,
	is_complete: null,
	user_rating: null,
	user_note: null,
	tags: null,
};

function triageOf(row: TriageColumns): TriageColumns {
	const out = {} as Record<keyof TriageColumns, unknown>;
	for (const field of TRIAGE_FIELDS) out[field] = row[field];
	return out as TriageColumns;
}

function sameTriage(a: TriageColumns, b: TriageColumns): boolean {
	return TRIAGE_FIELDS.every((field) => a[field] === b[field]);
}

/** Ids read again per synchronous step of refresh(); the caller's thread gets a turn between steps. */
const REFRESH_STEP = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TriageReads {
	/** The triage last read of each session that has a session_metadata row (absent: no row, as last read). */
	private readonly lastKnown = new Map<string, TriageColumns>();
	/** Sessions whose rows were handed out with the last known triage instead of a fresh read. */
	private readonly stale = new Set<string>();
	private problem: string | null = null;
	private readonly listeners = new Set<(problem: string | null) => void>();

	/** The same reads without the triage (made now: making it later could itself wait on the lock). */
	private readonly withoutTriage: StatsRepository;

	constructor(
		private readonly repository: StatsRepository,
		/** The file holding session_metadata, named in the problem. */
		private readonly triageFile: string,
	) {
		this.withoutTriage = repository.withoutTriage();
	}

	/** Why the triage shown may be stale, or null. */
	get current(): string | null {
		return this.problem;
	}

	/** Calls `listener` now and on every change of `current`; returns the unsubscribe. */
	watch(listener: (problem: string | null) => void): () => void {
		this.listeners.add(listener);
		listener(this.problem);
		return () => this.listeners.delete(listener);
	}

	/**
	 * Rows read by `read`, which receives the repository to read them with: first without waiting; when the
	 * triage's file is locked, from the stand-in without triage, with the last known put back.
	 */
	rows<R extends Triaged>(read: (repository: StatsRepository) => R[]): R[] {
		try {
			const rows = this.repository.withoutWaiting(() => read(this.repository));
			for (const row of rows) this.remember(row);
			return rows;
		} catch (error) {
			if (!isBusy(error)) throw error;
		}
		const rows = read(this.withoutTriage);
		for (const row of rows) {
			Object.assign(row, this.lastKnown.get(row.session_id) ?? NO_ROW);
			this.stale.add(row.session_id);
		}
		if (rows.length > 0) this.setProblem(this.lockedMessage());
		return rows;
	}

	/**
	 * A read that needs the triage's file and has no stand-in (the rows' signatures): without waiting, and
	 * throwing SQLITE_BUSY while it is locked (the caller tries again later).
	 */
	now<T>(read: (repository: StatsRepository) => T): T {
		return this.repository.withoutWaiting(() => read(this.repository));
	}

	/**
	 * Reads the triage of the rows handed out stale again. Returns the rows (re-read in full) whose triage
	 * differs from what was shown, or null while the file is still locked (nothing is lost: try again later).
	 */
	async refresh(): Promise<ListedSession[] | null> {
		if (this.problem === null && this.stale.size === 0) return [];
		const changed: ListedSession[] = [];
		const ids = [...this.stale];
		for (let at = 0; at < ids.length; at += REFRESH_STEP) {
			const step = ids.slice(at, at + REFRESH_STEP);
			let rows: ListedSession[];
			try {
				rows = this.repository.withoutWaiting(() => this.repository.getListed(step));
			} catch (error) {
				if (!isBusy(error)) throw error;
				this.setProblem(this.lockedMessage());
				return changed.length > 0 ? changed : null;
			}
			for (const row of rows) {
				const shown = this.lastKnown.get(row.session_id) ?? NO_ROW;
				if (!sameTriage(shown, row)) changed.push(row);
				this.remember(row);
			}
			// Rows gone meanwhile are no longer stale either.
			for (const id of step) this.stale.delete(id);
			if (at + REFRESH_STEP < ids.length) await nextTurn();
		}
		this.setProblem(null);
		return changed;
	}

	private remember(row: Triaged): void {
		if (row.has_metadata) this.lastKnown.set(row.session_id, triageOf(row));
		else this.lastKnown.delete(row.session_id);
		this.stale.delete(row.session_id);
	}

	private lockedMessage(): string {
		return `triage may be stale: ${path.basename(this.triageFile)} is locked by another program; showing what was last read, retrying`;
	}

	private setProblem(problem: string | null): void {
		if (problem === this.problem) return;
		this.problem = problem;
		for (const listener of this.listeners) listener(problem);
	}
}
