/**
 * The web UI's `session_metadata`: user data about a session. sdstats reads it, and writes it only when the
 * user asks (doctor carrying it over into a rebuilt database).
 */
import type Database from 'better-sqlite3';

export type MetadataRow = Record<string, unknown>;

/** Every row and the table's own DDL, read as far as the (possibly damaged) file allows. */
export function salvageMetadata(db: Database.Database): {ddl: string | null; rows: MetadataRow[]; lost: number; problem: string | null} {
	let ddl: string | null = null;
	try {
		ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'session_metadata'").get() as {sql: string} | undefined)?.sql ?? null;
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
	const columns = (db.prepare("SELECT name FROM pragma_table_info('session_metadata')").all() as Array<{name: string}>).map((c) => c.name);
	const present = columns.filter((c) => c in rows[0]!);
	const quoted = present.map((c) => `"${c.replace(/"/g, '""')}"`);
	const insert = db.prepare(`INSERT OR REPLACE INTO session_metadata (${quoted.join(', ')}) VALUES (${present.map(() => '?').join(', ')})`);
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

/** A session's metadata row before a change (null: there was none), so the change can be undone. */
export type TriageSnapshot = {session_id: string; before: MetadataRow | null};

const FLAG_FIELDS = new Set(['is_favorite', 'is_test', 'is_complete']);

/**
 * Writes the user's triage into session_metadata, the web UI's table, with its conventions: a row is created
 * only when the user sets something (web UI defaults for the other columns, tags as a JSON array), and
 * `updated_at` moves on every change. Values can be cleared back to NULL.
 */
export class MetadataRepository {
	private readonly selectOne: Database.Statement<[string], MetadataRow>;
	private readonly insertRow: Database.Statement;
	private readonly deleteRow: Database.Statement<[string]>;
	private readonly selectTags: Database.Statement<[], {tags: string}>;
	private readonly columns: Set<string>;
	private readonly updateColumn: Map<string, Database.Statement>;
	private readonly restoreStatements = new Map<string, Database.Statement>();
	private readonly applyAll: Database.Transaction<(targets: ReadonlyArray<{session_id: string; session_path: string}>, patch: TriagePatch, nowIso: string) => TriageSnapshot[]>;
	private readonly restoreAll: Database.Transaction<(snapshots: readonly TriageSnapshot[]) => void>;

	constructor(private readonly db: Database.Database) {
		this.columns = new Set((db.prepare("SELECT name FROM pragma_table_info('session_metadata')").all() as Array<{name: string}>).map((c) => c.name));
		this.selectOne = db.prepare('SELECT * FROM session_metadata WHERE session_id = ?');
		this.insertRow = db.prepare(
			"INSERT INTO session_metadata (session_id, session_path, tags, created_at, updated_at) VALUES (@session_id, @session_path, '[]', @now, @now)",
		);
		this.deleteRow = db.prepare('DELETE FROM session_metadata WHERE session_id = ?');
		this.updateColumn = new Map(
			['is_favorite', 'is_test', 'is_complete', 'user_rating', 'user_note', 'tags'].map((c) => [
				c,
				db.prepare(`UPDATE session_metadata SET ${c} = ?, updated_at = ? WHERE session_id = ?`),
			]),
		);
		this.selectTags = db.prepare("SELECT tags FROM session_metadata WHERE tags IS NOT NULL AND tags != '[]'");
		this.applyAll = db.transaction((targets, patch, nowIso) => targets.map((target) => this.applyOne(target, patch, nowIso)));
		this.restoreAll = db.transaction((snapshots) => {
			for (const snapshot of snapshots) this.restoreOne(snapshot);
		});
	}

	get(sessionId: string): MetadataRow | null {
		return this.selectOne.get(sessionId) ?? null;
	}

	/** Applies one change to every target in one transaction; returns what each row was before. */
	apply(targets: ReadonlyArray<{session_id: string; session_path: string}>, patch: TriagePatch, nowIso: string): TriageSnapshot[] {
		return this.applyAll.immediate(targets, patch, nowIso);
	}

	/** Puts rows back as they were (undo): rows that did not exist are removed again. */
	restore(snapshots: readonly TriageSnapshot[]): void {
		this.restoreAll.immediate(snapshots);
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

	private applyOne(target: {session_id: string; session_path: string}, patch: TriagePatch, nowIso: string): TriageSnapshot {
		const before = this.get(target.session_id);
		if (!before) this.insertRow.run({session_id: target.session_id, session_path: target.session_path, now: nowIso});
		let column: string;
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
				const current = before ? parseTagList(before.tags) : [];
				const next = patch.present ? (current.includes(patch.tag) ? current : [...current, patch.tag]) : current.filter((t) => t !== patch.tag);
				value = JSON.stringify(next);
				break;
			}
		}
		this.updateColumn.get(column)!.run(value, nowIso, target.session_id);
		return {session_id: target.session_id, before};
	}

	private restoreOne({session_id, before}: TriageSnapshot): void {
		if (!before) {
			this.deleteRow.run(session_id);
			return;
		}
		// Column names come from the table's own schema (never from data); values are parameters.
		const names = Object.keys(before).filter((c) => this.columns.has(c) && c !== 'session_id');
		const key = names.join('\u0000');
		let statement = this.restoreStatements.get(key);
		if (!statement) {
			const sets = names.map((c) => `"${c.replace(/"/g, '""')}" = ?`).join(', ');
			statement = this.db.prepare(`UPDATE session_metadata SET ${sets} WHERE session_id = ?`);
			this.restoreStatements.set(key, statement);
		}
		statement.run(...names.map((c) => before[c] ?? null), session_id);
	}
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
