/**
 * The only place that speaks SQL to session_stats and sdstats_session_state. Statements are prepared once.
 * A session's stats row and its bookkeeping are always written in the same transaction.
 */
import type Database from 'better-sqlite3';
import type {Int64, ManifestState, SessionBookkeeping, SessionComputation, SessionStatsRow} from '../core/types.js';
import {SESSION_STATS_COLUMNS} from './schema.js';

/** A cached session as read back: every stats column plus the bookkeeping (absent when another tool wrote it). */
export type StoredSession = SessionStatsRow & {
	manifest_state: ManifestState | null;
	manifest_status: string | null;
	images_recorded: number | null;
	error: string | null;
	fingerprint: string | null;
	last_activity_ms: number | null;
};

export type SavedComputation = {result: SessionComputation; fingerprint: string | null};

/** What a compute needs to decide whether a session changed. */
export type StoredFingerprint = {
	session_id: string;
	session_path: string;
	fingerprint: string | null;
	stats_version: number | null;
	has_stats: boolean;
};

const INSERT_COLUMNS = SESSION_STATS_COLUMNS.join(', ');
const INSERT_VALUES = SESSION_STATS_COLUMNS.map((c) => `@${c}`).join(', ');
const UPDATE_SET = SESSION_STATS_COLUMNS.filter((c) => c !== 'session_id')
	.map((c) => `${c} = excluded.${c}`)
	.join(', ');

// Wide integers come back as text so no digit is lost, without turning every integer into a BigInt.
const SELECT_SESSION = `SELECT
	s.session_id, s.session_path, s.sd_model, s.template_version, s.generation_mode, s.seed_mode,
	CAST(s.seed_base AS TEXT) AS seed_base,
	s.resolved_prompt, s.negative_prompt, s.width, s.height, s.steps, s.cfg_scale, s.sampler_name,
	CAST(s.images_expected AS TEXT) AS images_expected,
	s.images_actual, s.completion_percentage, s.is_seed_sweep, s.placeholders_json, s.variations_summary_json,
	s.session_created_at, s.manifest_generated_at, s.first_image_created_at, s.last_image_created_at,
	s.stats_computed_at, s.stats_version,
	b.manifest_state, b.manifest_status, b.images_recorded, b.error, b.fingerprint, b.last_activity_ms
FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id`;

type RawSession = Omit<StoredSession, 'seed_base' | 'images_expected' | 'is_seed_sweep'> & {
	seed_base: string | null;
	images_expected: string | null;
	is_seed_sweep: number | null;
};

function parseInt64(text: string | null): Int64 | null {
	if (text === null) return null;
	if (!/^-?\d+$/.test(text)) {
		// A REAL or text someone else stored in an INTEGER column: keep what a number can say.
		const value = Number(text);
		return Number.isFinite(value) ? Math.trunc(value) : null;
	}
	return text.length <= 15 ? Number(text) : toInt64(BigInt(text));
}

function toInt64(big: bigint): Int64 {
	return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function fromRaw(raw: RawSession): StoredSession {
	return {
		...raw,
		seed_base: parseInt64(raw.seed_base),
		images_expected: parseInt64(raw.images_expected),
		is_seed_sweep: raw.is_seed_sweep ? 1 : 0,
		images_actual: raw.images_actual ?? 0,
	};
}

export class StatsRepository {
	private readonly upsertStats: Database.Statement;
	private readonly upsertState: Database.Statement;
	private readonly recordUnreadable: Database.Statement;
	private readonly deleteStats: Database.Statement;
	private readonly deleteState: Database.Statement;
	private readonly selectOne: Database.Statement<[string], RawSession>;
	private readonly selectAll: Database.Statement<[], RawSession>;
	private readonly selectFingerprints: Database.Statement<[], {session_id: string; session_path: string; fingerprint: string | null; stats_version: number | null}>;
	private readonly hasStats: Database.Statement<[string], {one: number}>;
	private readonly countAll: Database.Statement<[], {n: number}>;
	private readonly writeBatch: Database.Transaction<(items: readonly SavedComputation[]) => void>;
	private readonly deleteBatch: Database.Transaction<(ids: readonly string[]) => number>;

	constructor(private readonly db: Database.Database) {
		this.upsertStats = db.prepare(
			`INSERT INTO session_stats (${INSERT_COLUMNS}) VALUES (${INSERT_VALUES}) ON CONFLICT(session_id) DO UPDATE SET ${UPDATE_SET}`,
		);
		this.upsertState = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, manifest_status, images_recorded, error, fingerprint, last_activity_ms)
			 VALUES (@session_id, @manifest_state, @manifest_status, @images_recorded, @error, @fingerprint, @last_activity_ms)
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = excluded.manifest_state, manifest_status = excluded.manifest_status,
			   images_recorded = excluded.images_recorded, error = excluded.error, fingerprint = excluded.fingerprint,
			   last_activity_ms = excluded.last_activity_ms`,
		);
		// An unreadable manifest keeps the previous good row and its status; only the reason and the retry flag change.
		this.recordUnreadable = db.prepare(
			`INSERT INTO sdstats_session_state (session_id, manifest_state, error, fingerprint, last_activity_ms)
			 VALUES (@session_id, 'unreadable', @error, NULL, @last_activity_ms)
			 ON CONFLICT(session_id) DO UPDATE SET manifest_state = 'unreadable', error = excluded.error, fingerprint = NULL,
			   last_activity_ms = excluded.last_activity_ms`,
		);
		this.deleteStats = db.prepare('DELETE FROM session_stats WHERE session_id = ?');
		this.deleteState = db.prepare('DELETE FROM sdstats_session_state WHERE session_id = ?');
		this.selectOne = db.prepare(`${SELECT_SESSION} WHERE s.session_id = ?`);
		this.selectAll = db.prepare(`${SELECT_SESSION} ORDER BY s.session_created_at DESC, s.session_id DESC`);
		this.selectFingerprints = db.prepare(
			`SELECT s.session_id, s.session_path, b.fingerprint, s.stats_version
			 FROM session_stats s LEFT JOIN sdstats_session_state b ON b.session_id = s.session_id`,
		);
		this.hasStats = db.prepare('SELECT 1 AS one FROM session_stats WHERE session_id = ?');
		this.countAll = db.prepare('SELECT COUNT(*) AS n FROM session_stats');
		this.writeBatch = db.transaction((items: readonly SavedComputation[]) => {
			for (const {result, fingerprint} of items) this.writeOne(result, fingerprint);
		});
		this.deleteBatch = db.transaction((ids: readonly string[]) => {
			let removed = 0;
			for (const id of ids) {
				removed += this.deleteStats.run(id).changes;
				this.deleteState.run(id);
			}
			return removed;
		});
	}

	/** Stores one computed session: stats and bookkeeping together. */
	save(result: SessionComputation, fingerprint: string | null): void {
		this.saveMany([{result, fingerprint}]);
	}

	/**
	 * Stores a batch in one transaction. An unreadable manifest never replaces an existing stats row: the row
	 * stays, the reason is recorded, and the fingerprint is cleared so the next compute reads it again.
	 */
	saveMany(items: readonly SavedComputation[]): void {
		this.writeBatch.immediate(items);
	}

	private writeOne({stats, bookkeeping}: SessionComputation, fingerprint: string | null): void {
		if (bookkeeping.manifest_state === 'unreadable' && this.hasStats.get(stats.session_id)) {
			this.recordUnreadable.run({
				session_id: bookkeeping.session_id,
				error: bookkeeping.error,
				last_activity_ms: bookkeeping.last_activity_ms,
			});
			return;
		}
		this.upsertStats.run(stats);
		const stored: SessionBookkeeping = {
			...bookkeeping,
			// A session that could not be read is tried again next time whatever its fingerprint says.
			fingerprint: bookkeeping.manifest_state === 'unreadable' ? null : fingerprint,
		};
		this.upsertState.run(stored);
	}

	/** Removes a session's stats and bookkeeping; never its session_metadata. Returns whether a row existed. */
	delete(sessionId: string): boolean {
		return this.deleteMany([sessionId]) > 0;
	}

	deleteMany(sessionIds: readonly string[]): number {
		return this.deleteBatch.immediate(sessionIds);
	}

	get(sessionId: string): StoredSession | undefined {
		const raw = this.selectOne.get(sessionId);
		return raw ? fromRaw(raw) : undefined;
	}

	/** Every cached session, newest `session_created_at` first. */
	listAll(): StoredSession[] {
		return this.selectAll.all().map(fromRaw);
	}

	fingerprints(): StoredFingerprint[] {
		return this.selectFingerprints.all().map((r) => ({...r, has_stats: true}));
	}

	count(): number {
		return this.countAll.get()!.n;
	}
}
