/** The two small reads the live poll needs each cycle, prepared once (kept apart from the main repository). */
import path from 'node:path';
import type Database from 'better-sqlite3';
import {ACTIVE_STATUSES} from '../core/state.js';

export type ActiveSession = {session_id: string; fingerprint: string | null};

export class LiveQueries {
	private readonly selectIds: Database.Statement<[string, string], string>;
	private readonly selectId: Database.Statement<[string, string, string], number>;
	private readonly selectActive: Database.Statement<[string, string], ActiveSession>;

	constructor(db: Database.Database) {
		this.selectIds = db
			.prepare<[string, string], string>(
				'SELECT session_id FROM session_stats WHERE session_path > ? AND session_path < ?',
			)
			.pluck();
		this.selectId = db
			.prepare<[string, string, string], number>(
				'SELECT 1 FROM session_stats WHERE session_id = ? AND session_path > ? AND session_path < ?',
			)
			.pluck();
		this.selectActive = db.prepare<[string, string], ActiveSession>(
			`SELECT s.session_id, b.fingerprint FROM session_stats s JOIN sdstats_session_state b ON b.session_id = s.session_id
			 WHERE s.session_path > ? AND s.session_path < ? AND b.manifest_status IN (${ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ')})`,
		);
	}

	private range(root: string): [string, string] {
		const base = path.resolve(root);
		return [`${base}${path.sep}`, `${base}${String.fromCharCode(path.sep.charCodeAt(0) + 1)}`];
	}

	/** Every cached session id of the root. */
	ids(root: string): Set<string> {
		const [low, high] = this.range(root);
		return new Set(this.selectIds.all(low, high));
	}

	/** Whether the session is cached as one of the root's. */
	has(root: string, sessionId: string): boolean {
		const [low, high] = this.range(root);
		return this.selectId.get(sessionId, low, high) !== undefined;
	}

	/** Sessions whose manifest says a run is going on, with the fingerprint stored at their last compute. */
	active(root: string): ActiveSession[] {
		const [low, high] = this.range(root);
		return this.selectActive.all(low, high);
	}
}
