/**
 * The generator's web UI (local-sd-generator, packages/sd-generator-webui) as it uses sessions.db, replayed
 * statement for statement with its connection habits: a fresh connection per call (Python's sqlite3: 5 s busy
 * timeout, rollback journal, nothing else set, commit at the end of the call), its migration runner and v001,
 * its stats repository (INSERT OR REPLACE, rows read by column name), its global-stats query, and its
 * metadata upsert. See ../shared/research/upstream.md section 3.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';

const PYTHON_TIMEOUT_MS = 5000;

/** One call's connection, as `with sqlite3.connect(db_path) as conn:` opens it. */
function call<T>(dbPath: string, body: (db: Database.Database) => T): T {
	const db = new Database(dbPath, {timeout: PYTHON_TIMEOUT_MS});
	// Python's sqlite3 leaves foreign keys off (better-sqlite3 turns them on).
	db.pragma('foreign_keys = OFF');
	try {
		return body(db);
	} finally {
		db.close();
	}
}

export const V001_DESCRIPTION = 'Initial schema (session_stats, session_metadata, indexes)';

/** migrations/v001_initial_schema.py, statement for statement. */
export const V001_STATEMENTS = [
	`CREATE TABLE IF NOT EXISTS session_stats (
                session_name TEXT PRIMARY KEY,

                -- Generation info
                sd_model TEXT,
                sampler_name TEXT,
                scheduler TEXT,
                cfg_scale REAL,
                steps INTEGER,
                width INTEGER,
                height INTEGER,

                -- Images
                images_requested INTEGER DEFAULT 0,
                images_actual INTEGER DEFAULT 0,
                completion_percent REAL DEFAULT 0.0,

                -- Placeholders & Variations
                placeholders_count INTEGER DEFAULT 0,
                placeholders TEXT,  -- JSON array
                variations_theoretical INTEGER DEFAULT 0,
                variations_summary TEXT,  -- JSON object {placeholder: count}

                -- Session type
                session_type TEXT DEFAULT 'normal',
                is_seed_sweep INTEGER DEFAULT 0,

                -- Seed info
                seed_min INTEGER,
                seed_max INTEGER,
                seed_mode TEXT,

                -- Timestamps
                session_created_at TEXT,
                stats_computed_at TEXT NOT NULL,

                -- Config
                completion_threshold REAL DEFAULT 0.95
            )`,
	`CREATE INDEX IF NOT EXISTS idx_stats_model
            ON session_stats(sd_model)`,
	`CREATE INDEX IF NOT EXISTS idx_stats_seed_sweep
            ON session_stats(is_seed_sweep)`,
	`CREATE INDEX IF NOT EXISTS idx_stats_created_at
            ON session_stats(session_created_at DESC)`,
	`CREATE INDEX IF NOT EXISTS idx_stats_completion
            ON session_stats(completion_percent)`,
	`CREATE TABLE IF NOT EXISTS session_metadata (
                session_id TEXT PRIMARY KEY,
                session_path TEXT NOT NULL,
                is_test INTEGER DEFAULT 0,
                is_complete INTEGER DEFAULT 1,
                is_favorite INTEGER DEFAULT 0,
                user_rating TEXT,
                user_note TEXT,
                tags TEXT,
                auto_metadata TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )`,
];

/** migrations/runner.py: MigrationRunner().run_migrations([v001]) at every start. Throws as the web UI refuses to start. */
export function webUiMigrate(dbPath: string, nowIso = '2025-11-20T10:00:00.000000'): 'applied' | 'skipped' {
	call(dbPath, (db) => {
		db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )`);
	});
	const applied = call(
		dbPath,
		(db) => (db.prepare('SELECT COUNT(*) FROM schema_version WHERE version = ?').pluck().get(1) as number) > 0,
	);
	if (applied) return 'skipped';
	call(dbPath, (db) => {
		// Python's sqlite3 opens a transaction before the INSERT; the DDL before it runs in autocommit, as there.
		try {
			for (const statement of V001_STATEMENTS) db.exec(statement);
			db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(
				1,
				V001_DESCRIPTION,
				nowIso,
			);
		} catch (error) {
			throw new Error(`Migration v1 failed: ${V001_DESCRIPTION}: ${(error as Error).message}`);
		}
	});
	return 'applied';
}

export type WebUiStats = {
	session_name: string;
	sd_model: string | null;
	images_requested: number;
	images_actual: number;
	completion_percent: number;
	session_created_at: string | null;
	stats_computed_at: string;
};

/** repositories/session_stats_repository.py save(): INSERT OR REPLACE of the full row. */
export function webUiSaveStats(dbPath: string, stats: WebUiStats): void {
	call(dbPath, (db) => {
		db.prepare(
			`INSERT OR REPLACE INTO session_stats (
                    session_name, sd_model, sampler_name, scheduler, cfg_scale, steps, width, height,
                    images_requested, images_actual, completion_percent,
                    placeholders_count, placeholders, variations_theoretical, variations_summary,
                    session_type, is_seed_sweep,
                    seed_min, seed_max, seed_mode,
                    session_created_at, stats_computed_at, completion_threshold
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		).run(
			stats.session_name,
			stats.sd_model,
			'Euler a',
			'Karras',
			7,
			30,
			832,
			1216,
			stats.images_requested,
			stats.images_actual,
			stats.completion_percent,
			1,
			'["Hair"]',
			3,
			'{"Hair": 3}',
			'normal',
			0,
			1,
			3,
			'progressive',
			stats.session_created_at,
			stats.stats_computed_at,
			0.95,
		);
	});
}

/** list_all(): every row by column name, newest first, turned into its model (column names it relies on). */
export function webUiListStats(dbPath: string): WebUiStats[] {
	return call(dbPath, (db) =>
		(
			db.prepare('SELECT * FROM session_stats ORDER BY session_created_at DESC').all() as Array<
				Record<string, unknown>
			>
		).map((row) => {
			// _row_to_stats reads these by name; a missing one is a KeyError (a 500) in the web UI.
			for (const name of [
				'session_name',
				'sd_model',
				'sampler_name',
				'scheduler',
				'cfg_scale',
				'steps',
				'width',
				'height',
				'images_requested',
				'images_actual',
				'completion_percent',
				'placeholders_count',
				'placeholders',
				'variations_theoretical',
				'variations_summary',
				'session_type',
				'is_seed_sweep',
				'seed_min',
				'seed_max',
				'seed_mode',
				'session_created_at',
				'stats_computed_at',
				'completion_threshold',
			]) {
				if (!(name in row)) throw new Error(`KeyError: '${name}'`);
			}
			return row as unknown as WebUiStats;
		}),
	);
}

/** get_global_stats() (GET /api/sessions/stats): one aggregate over its session_stats. */
export function webUiGlobalStats(dbPath: string): Record<string, number | null> {
	return call(
		dbPath,
		(db) =>
			db
				.prepare(
					`SELECT
                    COUNT(*) as total_sessions,
                    SUM(CASE WHEN images_actual = 0 THEN 1 ELSE 0 END) as sessions_aborted,
                    SUM(CASE WHEN completion_percent >= completion_threshold THEN 1 ELSE 0 END) as sessions_completed,
                    SUM(CASE WHEN completion_percent < completion_threshold AND images_actual > 0 THEN 1 ELSE 0 END) as sessions_ongoing,
                    SUM(images_actual) as total_images,
                    MAX(images_actual) as max_images,
                    MIN(CASE WHEN images_actual > 0 THEN images_actual END) as min_images,
                    AVG(images_actual) as avg_images
                FROM session_stats`,
				)
				.get() as Record<string, number | null>,
	);
}

export type MetadataUpdate = Partial<{
	is_test: boolean;
	is_complete: boolean;
	is_favorite: boolean;
	user_rating: 'like' | 'dislike';
	user_note: string;
	tags: string[];
}>;

/** session_metadata_repository.py upsert(): insert with its defaults, or update only the given fields plus updated_at. */
export function webUiUpsertMetadata(
	dbPath: string,
	sessionId: string,
	sessionPath: string,
	update: MetadataUpdate,
	nowIso: string,
	connection?: Database.Database,
): Record<string, unknown> {
	const body = (db: Database.Database): void => {
		const existing = db.prepare('SELECT * FROM session_metadata WHERE session_id = ?').get(sessionId);
		const write = db.transaction(() => {
			if (!existing) {
				db.prepare(
					`INSERT INTO session_metadata
                    (session_id, session_path, is_test, is_complete, is_favorite,
                     user_rating, user_note, tags, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				).run(
					sessionId,
					sessionPath,
					update.is_test === undefined ? 0 : Number(update.is_test),
					update.is_complete === undefined ? 1 : Number(update.is_complete),
					update.is_favorite === undefined ? 0 : Number(update.is_favorite),
					update.user_rating ?? null,
					update.user_note ?? null,
					update.tags && update.tags.length > 0 ? JSON.stringify(update.tags) : '[]',
					nowIso,
					nowIso,
				);
				return;
			}
			const sets: string[] = [];
			const params: unknown[] = [];
			for (const field of ['is_test', 'is_complete', 'is_favorite'] as const) {
				if (update[field] !== undefined) {
					sets.push(`${field} = ?`);
					params.push(Number(update[field]));
				}
			}
			if (update.user_rating !== undefined) {
				sets.push('user_rating = ?');
				params.push(update.user_rating);
			}
			if (update.user_note !== undefined) {
				sets.push('user_note = ?');
				params.push(update.user_note);
			}
			if (update.tags !== undefined) {
				sets.push('tags = ?');
				params.push(JSON.stringify(update.tags));
			}
			sets.push('updated_at = ?');
			params.push(nowIso);
			db.prepare(`UPDATE session_metadata SET ${sets.join(', ')} WHERE session_id = ?`).run(...params, sessionId);
		});
		write();
	};
	if (connection) body(connection);
	else call(dbPath, body);
	return call(
		dbPath,
		(db) =>
			db.prepare('SELECT * FROM session_metadata WHERE session_id = ?').get(sessionId) as Record<string, unknown>,
	);
}

/**
 * The web UI's part of the file, to compare before and after an sdstats command: the schema entries and every
 * row of its own tables (not session_metadata, which triage may change), hashed.
 */
export function webUiFingerprint(dbPath: string): {schema: string; rows: string} {
	return call(dbPath, (db) => {
		const schema = db
			.prepare(
				"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name IN ('schema_version', 'session_stats') OR name LIKE 'idx_stats_%' OR tbl_name IN ('schema_version', 'session_stats') ORDER BY name",
			)
			.all() as unknown[];
		const rows: unknown[] = [];
		for (const table of ['schema_version', 'session_stats']) {
			if (db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table))
				rows.push(db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().all());
		}
		const metadataSchema = db
			.prepare("SELECT sql FROM sqlite_master WHERE name = 'session_metadata'")
			.pluck()
			.get();
		return {
			schema: JSON.stringify([schema, metadataSchema]),
			rows: crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
		};
	});
}

/** The journal mode a file keeps across connections: the header's read/write versions (1 rollback, 2 WAL). */
export function persistentJournalMode(dbPath: string): 'rollback' | 'wal' {
	const header = Buffer.alloc(20);
	const fd = fs.openSync(dbPath, 'r');
	try {
		fs.readSync(fd, header, 0, 20, 0);
	} finally {
		fs.closeSync(fd);
	}
	return header[18] === 2 && header[19] === 2 ? 'wal' : 'rollback';
}
