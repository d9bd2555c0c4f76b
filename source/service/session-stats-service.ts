/**
 * The design's service API over the store, for programs that embed sdstats: compute and cache one session,
 * read it back, list, delete. It uses the same calculator and repository as `sdstats compute`.
 */
import path from 'node:path';
import {computeFolder} from '../jobs/compute-folder.js';
import {fingerprintSession} from '../scan/sessions.js';
import {resolveSessionFolder, SessionIdError} from '../scan/session-path.js';
import {sessionIdProblem} from '../core/session-id.js';
import type {StatsRepository} from '../store/stats-repository.js';
import {toSessionStats, type SessionStats} from '../core/session-model.js';

export class SessionStatsService {
	private readonly root: string;

	constructor(
		root: string,
		private readonly repository: StatsRepository,
		private readonly nowMs: () => number = Date.now,
	) {
		this.root = path.resolve(root);
	}

	/** Computes a session from disk, stores it, and returns what is now cached (an earlier good row survives an unreadable manifest). */
	computeAndCache(sessionId: string): SessionStats {
		const sessionPath = resolveSessionFolder(this.root, sessionId);
		const fingerprint = fingerprintSession(sessionPath);
		const outcome = computeFolder({sessionId, sessionPath, fingerprint}, this.nowMs());
		if (outcome.kind !== 'computed') {
			this.repository.delete(sessionId);
			throw new SessionIdError(
				outcome.kind === 'gone'
					? `session folder ${JSON.stringify(sessionId)} disappeared`
					: `${JSON.stringify(sessionId)} is not a session: no manifest.json and no images`,
			);
		}
		this.repository.save(outcome.result, fingerprint);
		return this.getStats(sessionId)!;
	}

	getStats(sessionId: string): SessionStats | null {
		this.check(sessionId);
		const row = this.repository.get(sessionId);
		return row ? toSessionStats(row) : null;
	}

	getOrCompute(sessionId: string): SessionStats {
		return this.getStats(sessionId) ?? this.computeAndCache(sessionId);
	}

	/** Forces a recompute whatever the cache holds. */
	refresh(sessionId: string): SessionStats {
		return this.computeAndCache(sessionId);
	}

	/** Every cached session, newest first. */
	listAll(): SessionStats[] {
		return this.repository.listAll().map(toSessionStats);
	}

	/** Deletes cached stats (never session_metadata). */
	delete(sessionId: string): boolean {
		this.check(sessionId);
		return this.repository.delete(sessionId);
	}

	private check(sessionId: string): void {
		const problem = sessionIdProblem(sessionId);
		if (problem !== null) throw new SessionIdError(`invalid session name ${JSON.stringify(sessionId)}: ${problem}`);
	}
}
