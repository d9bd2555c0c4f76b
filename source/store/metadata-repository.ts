/**
 * The web UI's `session_metadata`: user data about a session. sdstats reads it, and writes it only when the
 * user asks (doctor carrying it over into a rebuilt database).
 */
import type Database from 'better-sqlite3';

export type MetadataRow = Record<string, unknown>;

/** Every row and the table's own DDL, read as far as the (possibly damaged) file allows. */
export function salvageMetadata(db: Database.Database): {
	ddl: string | null;
	rows: MetadataRow[];
	lost: number;
	problem: string | null;
} {
	let ddl: string | null = null;
	try {
		ddl =
			(
				db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'session_metadata'").get() as
					{sql: string} | undefined
			)?.sql ?? null;
	} catch (error) {
		return {ddl: null, rows: [], lost: 0, problem: `the schema cannot be read: ${(error as Error).message}`};
	}
	if (ddl === null) return {ddl: null, rows: [], lost: 0, problem: null};
	try {
		return {ddl, rows: db.prepare('SELECT * FROM session_metadata').all() as MetadataRow[], lost: 0, problem: null};
	} catch (error) {
		// Read what can be read one row at a time: a damaged page costs the rows on it, not the whole table.
		const rows: MetadataRow[] = [];
		let lost = 0;
		let rowids: number[] = [];
		try {
			rowids = db.prepare('SELECT rowid FROM session_metadata').pluck().all() as number[];
		} catch {
			return {ddl, rows, lost, problem: `session_metadata cannot be read: ${(error as Error).message}`};
		}
		const one = db.prepare('SELECT * FROM session_metadata WHERE rowid = ?');
		for (const rowid of rowids) {
			try {
				const row = one.get(rowid) as MetadataRow | undefined;
				if (row) rows.push(row);
			} catch {
				lost++;
			}
		}
		return {ddl, rows, lost, problem: lost > 0 ? `${lost} session_metadata rows could not be read` : null};
	}
}

/** Writes salvaged rows into a fresh database whose session_metadata has the same shape. */
export function restoreMetadata(db: Database.Database, rows: readonly MetadataRow[]): number {
	if (rows.length === 0) return 0;
	const columns = (
		db.prepare("SELECT name FROM pragma_table_info('session_metadata')").all() as Array<{name: string}>
	).map((c) => c.name);
	const present = columns.filter((c) => c in rows[0]!);
	const quoted = present.map((c) => `"${c.replace(/"/g, '""')}"`);
	const insert = db.prepare(
		`INSERT OR REPLACE INTO session_metadata (${quoted.join(', ')}) VALUES (${present.map(() => '?').join(', ')})`,
	);
	const write = db.transaction((all: readonly MetadataRow[]) => {
		for (const row of all) insert.run(present.map((c) => row[c] ?? null));
	});
	write.immediate(rows);
	return rows.length;
}

export type Rating = 'like' | 'dislike';

/** One triage change, applied to every target session. */
export type TriagePatch =
	| {kind: 'flag'; field: 'is_favorite' | 'is_test' | 'is_complete'; value: 0 | 1}
	| {kind: 'rating'; value: Rating | null}
	| {kind: 'note'; value: string | null}
	| {kind: 'tag'; tag: string; present: boolean};

/** The session_metadata columns triage writes. */
export type TriageColumn = 'is_favorite' | 'is_test' | 'is_complete' | 'user_rating' | 'user_note' | 'tags';

/**
 * What one change did to one session, so that undo reverts exactly that: the row before (null: sdstats
 * created it), the row as sdstats left it, and the column it set.
 */
export type TriageSnapshot = {
	session_id: string;
	before: MetadataRow | null;
	after: MetadataRow;
	column: TriageColumn;
	/** For a tag change: which tag, and whether it was added or removed. */
	tag?: {name: string; present: boolean};
};

/** What an undo did: sessions reverted, and sessions left as another program set them since. */
export type UndoOutcome = {
	undone: number;
	kept: Array<{session_id: string; column: TriageColumn; why: 'changed' | 'removed'}>;
};

const FLAG_FIELDS = new Set(['is_favorite', 'is_test', 'is_complete']);

/** The web UI's values for a row it creates without being told (its upsert), per column triage writes. */
export const WEB_UI_DEFAULTS: Readonly<Record<TriageColumn, unknown>> = {
	is_test: 0,
	is_complete: 1,
	is_favorite: 0,
	user_rating: null,
	user_note: null,
	tags: '[]',
};

const COLUMN_WORDS: Readonly<Record<TriageColumn, string>> = {
	is_favorite: 'favourite flag',
	is_test: 'test flag',
	is_complete: 'complete flag',
	user_rating: 'rating',
	user_note: 'note',
	tags: 'tags',
};

/** `undone on 2 sessions; 1 kept: its note was changed elsewhere`. */
export function undoSummary(outcome: UndoOutcome): string {
	const sessions = (n: number): string => `${n} session${n === 1 ? '' : 's'}`;
	const head = outcome.undone > 0 ? `undone on ${sessions(outcome.undone)}` : 'nothing undone';
	if (outcome.kept.length === 0) return head;
	const one = outcome.kept.length === 1;
	const reasons = new Map<string, number>();
	for (const {column, why} of outcome.kept) {
		const reason =
			why === 'removed'
				? `${one ? 'its' : 'their'} row was removed elsewhere`
				: `${one ? 'its' : 'their'} ${COLUMN_WORDS[column]} ${column === 'tags' ? 'were' : 'was'} changed elsewhere`;
		reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
	}
	const parts = [...reasons].map(([reason, n]) => (reasons.size === 1 ? reason : `${n}: ${reason}`));
	return `${head}; ${outcome.kept.length} kept: ${parts.join(', ')}`;
}

function sameValue(a: unknown, b: unknown): boolean {
	// SQLite hands back numbers for INTEGER columns; a value the web UI wrote as REAL 1.0 is still 1.
	if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
	return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

function sameRow(a: MetadataRow, b: MetadataRow): boolean {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	for (const key of keys) if (!sameValue(a[key], b[key])) return false;
	return true;
}

/**
 * Writes the user's triage into session_metadata, the web UI's table, with its conventions: a row is created
 * only when the user sets something (web UI defaults for the other columns, tags as a JSON array), and
 * `updated_at` moves on every change. Values can be cleared back to NULL.
 *
 * Give it a connection with no busy timeout (openMetadataConnection): a lock the web UI holds then fails a
 * call at once with SQLITE_BUSY, and the caller retries later instead of blocking (store/busy-retry.ts).
 */
export class MetadataRepository {
	private readonly selectOne: Database.Statement<[string], MetadataRow>;
	private readonly insertRow: Database.Statement;
	private readonly deleteRow: Database.Statement<[string]>;
	private readonly selectTags: Database.Statement<[], {tags: string}>;
	private readonly updateColumn: Map<string, Database.Statement>;
	private readonly applyAll: Database.Transaction<
		(
			targets: ReadonlyArray<{session_id: string; session_path: string}>,
			patch: TriagePatch,
			nowIso: string,
		) => TriageSnapshot[]
	>;
	private readonly restoreAll: Database.Transaction<
		(snapshots: readonly TriageSnapshot[], nowIso: string) => UndoOutcome
	>;

	constructor(private readonly db: Database.Database) {
		this.selectOne = db.prepare('SELECT * FROM session_metadata WHERE session_id = ?');
		this.insertRow = db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, tags, created_at, updated_at) VALUES (@session_id, @session_path, '[]', @now, @now)",
		);
		this.deleteRow = db.prepare('DELETE FROM session_metadata WHERE session_id = ?');
		this.updateColumn = new Map(
			(Object.keys(WEB_UI_DEFAULTS) as TriageColumn[]).map((c) => [
				c,
				db.prepare(`UPDATE session_metadata SET ${c} = ?, updated_at = ? WHERE session_id = ?`),
			]),
		);
		this.selectTags = db.prepare("SELECT tags FROM session_metadata WHERE tags IS NOT NULL AND tags != '[]'");
		this.applyAll = db.transaction((targets, patch, nowIso) =>
			targets.map((target) => this.applyOne(target, patch, nowIso)),
		);
		this.restoreAll = db.transaction((snapshots, nowIso) => {
			const outcome: UndoOutcome = {undone: 0, kept: []};
			for (const snapshot of snapshots) this.restoreOne(snapshot, nowIso, outcome);
			return outcome;
		});
	}

	get(sessionId: string): MetadataRow | null {
		return this.selectOne.get(sessionId) ?? null;
	}

	/** Applies one change to every target in one transaction; returns what each change did (for undo). */
	apply(
		targets: ReadonlyArray<{session_id: string; session_path: string}>,
		patch: TriagePatch,
		nowIso: string,
	): TriageSnapshot[] {
		return this.applyAll.immediate(targets, patch, nowIso);
	}

	/**
	 * Undoes a change field by field: a field goes back only where it still holds what sdstats wrote (a tag
	 * only where it is still added or removed), and a row sdstats created goes only while nobody else wrote to
	 * it. Everything another program changed since stays as it set it, and is counted in `kept`.
	 */
	restore(snapshots: readonly TriageSnapshot[], nowIso: string): UndoOutcome {
		return this.restoreAll.immediate(snapshots, nowIso);
	}

	/** Every tag in use, most used first (for completion). */
	tagsInUse(): string[] {
		const counts = new Map<string, number>();
		for (const {tags} of this.selectTags.all()) {
			let parsed: unknown;
			try {
				parsed = JSON.parse(tags);
			} catch {
				continue;
			}
			if (!Array.isArray(parsed)) continue;
			for (const tag of parsed) if (typeof tag === 'string') counts.set(tag, (counts.get(tag) ?? 0) + 1);
		}
		return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([tag]) => tag);
	}

	private applyOne(
		target: {session_id: string; session_path: string},
		patch: TriagePatch,
		nowIso: string,
	): TriageSnapshot {
		const before = this.get(target.session_id);
		if (!before)
			this.insertRow.run({session_id: target.session_id, session_path: target.session_path, now: nowIso});
		let column: TriageColumn;
		let value: unknown;
		switch (patch.kind) {
			case 'flag':
				if (!FLAG_FIELDS.has(patch.field)) throw new Error(`not a flag: ${patch.field}`);
				column = patch.field;
				value = patch.value;
				break;
			case 'rating':
				column = 'user_rating';
				value = patch.value;
				break;
			case 'note':
				column = 'user_note';
				value = patch.value === null || patch.value.trim() === '' ? null : patch.value;
				break;
			case 'tag': {
				column = 'tags';
				value = JSON.stringify(withTag(before ? parseTagList(before.tags) : [], patch.tag, patch.present));
				break;
			}
		}
		this.updateColumn.get(column)!.run(value, nowIso, target.session_id);
		return {
			session_id: target.session_id,
			before,
			after: this.get(target.session_id)!,
			column,
			...(patch.kind === 'tag' ? {tag: {name: patch.tag, present: patch.present}} : {}),
		};
	}

	private restoreOne(
		{session_id, before, after, column, tag}: TriageSnapshot,
		nowIso: string,
		outcome: UndoOutcome,
	): void {
		const current = this.get(session_id);
		if (!current) {
			// Removed elsewhere since: nothing of ours is left to revert (unless we had created it, then all is well).
			if (before) outcome.kept.push({session_id, column, why: 'removed'});
			else outcome.undone++;
			return;
		}
		const untouched = sameRow(current, after);
		if (!before && untouched) {
			this.deleteRow.run(session_id);
			outcome.undone++;
			return;
		}
		const previous = before ? before[column] : WEB_UI_DEFAULTS[column];
		let next: unknown;
		if (sameValue(current[column], after[column])) {
			next = previous;
		} else if (column === 'tags' && tag && parseTagList(current.tags).includes(tag.name) === tag.present) {
			// The tag list changed elsewhere, but our one tag is still as we set it: revert just that tag.
			const hadIt = parseTagList(previous).includes(tag.name);
			next = JSON.stringify(withTag(parseTagList(current.tags), tag.name, hadIt));
		} else {
			outcome.kept.push({session_id, column, why: 'changed'});
			return;
		}
		// Nobody else wrote since: the row comes back exactly, its old updated_at included.
		const stamp = untouched && before ? before.updated_at : nowIso;
		this.updateColumn.get(column)!.run(next, stamp, session_id);
		outcome.undone++;
	}
}

function withTag(current: readonly string[], tag: string, present: boolean): string[] {
	return present ? (current.includes(tag) ? [...current] : [...current, tag]) : current.filter((t) => t !== tag);
}

function parseTagList(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	try {
		const parsed: unknown = JSON.parse(value);
		return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
	} catch {
		return [];
	}
}
