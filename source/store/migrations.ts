/**
 * Schema versions live in `PRAGMA user_version`; each step and its version bump commit together, so a crash
 * mid-migration leaves the previous version intact.
 */
import type Database from 'better-sqlite3';
import {
	SESSION_METADATA_DDL,
	SESSION_STATE_DDL,
	SESSION_STATE_V2_COLUMNS,
	SESSION_STATE_V3_COLUMNS,
	MARKS_INDEXES,
	SESSION_STATS_DDL,
	SESSION_STATS_INDEXES,
} from './schema.js';
import {SESSION_STATS_COLUMNS} from '../core/types.js';

/**
 * `withMetadata`: whether this file also holds session_metadata (the one-file layout). A companion cache must
 * not: its connection finds the web UI's session_metadata in the attached sessions.db by name.
 */
export type MigrationContext = {withMetadata: boolean};

type Migration = {version: number; apply: (db: Database.Database, context: MigrationContext) => void};

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		apply(db, {withMetadata}) {
			db.exec(SESSION_STATS_DDL);
			for (const statement of SESSION_STATS_INDEXES) db.exec(statement);
			if (withMetadata) db.exec(SESSION_METADATA_DDL);
			db.exec(SESSION_STATE_DDL);
		},
	},
	{
		// Bookkeeping for the anomaly filter: zero-byte images counted at compute time. session_stats is the
		// design's table and stays exactly as it is; only sdstats' own table grows. Existing rows get NULL.
		version: 2,
		apply(db) {
			const present = new Set(
				db
					.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('sdstats_session_state')")
					.all()
					.map((c) => c.name),
			);
			for (const {name, definition} of SESSION_STATE_V2_COLUMNS) {
				if (!present.has(name)) db.exec(`ALTER TABLE sdstats_session_state ADD COLUMN ${definition}`);
			}
		},
	},
	{
		// Sessions without manifest.json filled from older manifests and their images' parameters: the source of
		// each value. Again only sdstats' own table grows.
		version: 3,
		apply(db) {
			addMissingColumns(db, SESSION_STATE_V3_COLUMNS);
		},
	},
	{
		// The marks of a root read from two covering indexes (schema.ts MARKS_INDEXES).
		version: 4,
		apply(db) {
			for (const statement of MARKS_INDEXES) db.exec(statement);
		},
	},
];

function addMissingColumns(db: Database.Database, columns: ReadonlyArray<{name: string; definition: string}>): void {
	const present = new Set(
		db
			.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('sdstats_session_state')")
			.all()
			.map((c) => c.name),
	);
	for (const {name, definition} of columns) {
		if (!present.has(name)) db.exec(`ALTER TABLE sdstats_session_state ADD COLUMN ${definition}`);
	}
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class SchemaConflictError extends Error {
	override name = 'SchemaConflictError';
}

export class NewerSchemaError extends Error {
	override name = 'NewerSchemaError';
	constructor(
		readonly found: number,
		readonly known: number,
	) {
		super(`the database was written by a newer sdstats (schema ${found}, this one knows ${known})`);
	}
}

/**
 * An existing session_stats of another shape (an older web UI's, keyed by session_name) is left untouched:
 * writing our rows into it would fail or corrupt the other tool's data.
 */
export function checkStatsTableShape(db: Database.Database, dbPath: string): void {
	const columns = db.prepare<[], {name: string}>("SELECT name FROM pragma_table_info('session_stats')").all();
	if (columns.length === 0) return;
	const present = new Set(columns.map((c) => c.name));
	const missing = SESSION_STATS_COLUMNS.filter((c) => !present.has(c));
	if (missing.length === 0) return;
	const keyedBy = present.has('session_name')
		? ' (keyed by session_name, as older versions of the web UI make it)'
		: '';
	throw new SchemaConflictError(
		`${dbPath} already holds a session_stats table of another shape${keyedBy}: it lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}. ` +
			'sdstats will not change it. Point sdstats at its own database with --db FILE (or SDSTATS_DB).',
	);
}

export function readSchemaVersion(db: Database.Database): number {
	return db.pragma('user_version', {simple: true}) as number;
}

/** Brings the schema up to date. Returns the version found before. */
export function migrate(
	db: Database.Database,
	dbPath: string,
	context: MigrationContext = {withMetadata: true},
): number {
	const found = readSchemaVersion(db);
	if (found > SCHEMA_VERSION) throw new NewerSchemaError(found, SCHEMA_VERSION);
	checkStatsTableShape(db, dbPath);
	for (const migration of MIGRATIONS) {
		if (migration.version <= found) continue;
		db.transaction(() => {
			migration.apply(db, context);
			db.pragma(`user_version = ${migration.version}`);
		}).immediate();
	}
	return found;
}
