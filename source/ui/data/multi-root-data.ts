/**
 * The explorer over several results roots: one ExplorerData made of one per root (each on its root's caches),
 * so the list, the header and the details see every root's sessions at once while every read, triage write,
 * recompute and watch of a session goes to its own root's data.
 *
 * Keys: a row is keyed by its session_id, as with one root. Roots side by side share one cache, where a name is
 * unique; roots with caches of their own may both hold a folder of the same name, and the second root to show
 * it keys its row `<root index>/<session_id>` (row_key; a `/` is never part of a folder name), so the two never
 * merge into one row, and a mark or a recompute of one never reaches the other.
 *
 * Long on purpose: it implements every method of ExplorerData (each a few lines routing to a session's own
 * root); splitting the methods apart would hide that the routing rule is the same everywhere.
 */
import type {ListedSession, StoredSession} from '../../core/types.js';
import type {ComputeProgress, ComputeSummary} from '../../jobs/compute-job.js';
import type {LiveCycle} from '../../jobs/live.js';
import type {StaleResult} from '../../jobs/stale-check.js';
import type {TriageSnapshot} from '../../store/metadata-repository.js';
import {rowKeyOf} from '../../view/session-view.js';
import type {JobRequest} from '../state/types.js';
import {writeExport, type ExplorerData, type ExplorerRoot, type JobHandle} from './explorer-data.js';

/** A root the explorer lists but cannot read from: its cache could not be opened (said in `problem`). */
export type ClosedRoot = {root: ExplorerRoot; problem: string};

type Part = {index: number; data: ExplorerData; root: ExplorerRoot};

/** Where a key's session lives: which root, under which name. */
type Place = {part: Part; id: string};

export function createMultiRootData(
	parts: readonly ExplorerData[],
	options: {
		/** Roots whose cache could not be opened: listed (with why), with no rows. */
		closed?: readonly ClosedRoot[];
		/** The order of the roots as the user gave them (by name); default: the parts', then the closed ones. */
		order?: readonly string[];
		now?: () => number;
		exportFolder?: string;
	} = {},
): ExplorerData {
	if (parts.length === 0) throw new Error('createMultiRootData needs at least one root that opened');
	const all: Part[] = parts.map((data, index) => ({index, data, root: data.roots[0]!}));
	const closed = options.closed ?? [];
	const byName = new Map([
		...all.map((p) => [p.root.name, p.root] as const),
		...closed.map((c) => [c.root.name, c.root] as const),
	]);
	const roots = (options.order ?? [...byName.keys()]).flatMap((name) => {
		const root = byName.get(name);
		return root ? [root] : [];
	});
	// Which root showed a name first: later roots with the same name get a qualified key (see above).
	const owner = new Map<string, number>();
	const keyIn = (part: Part, id: string): string => {
		const first = owner.get(id);
		if (first === undefined) owner.set(id, part.index);
		return first === undefined || first === part.index ? id : `${part.index}/${id}`;
	};
	/** Names the rows' root and sets their key where it is not their session_id. */
	const stamp = <T extends ListedSession>(part: Part, rows: T[]): T[] => {
		for (const row of rows) {
			row.root_name = part.root.name;
			const key = keyIn(part, row.session_id);
			if (key !== row.session_id) row.row_key = key;
			else if (row.row_key !== undefined) delete row.row_key;
		}
		return rows;
	};
	const place = (key: string): Place | null => {
		const slash = key.indexOf('/');
		if (slash > 0) {
			const part = all[Number(key.slice(0, slash))];
			return part ? {part, id: key.slice(slash + 1)} : null;
		}
		const part = all[owner.get(key) ?? -1];
		return part ? {part, id: key} : null;
	};
	/** Keys grouped by their root, in root order, each with its session ids. */
	const grouped = (keys: readonly string[]): Array<{part: Part; ids: string[]; keys: string[]}> => {
		const groups = new Map<Part, {ids: string[]; keys: string[]}>();
		for (const key of keys) {
			const found = place(key);
			if (!found) continue;
			const group = groups.get(found.part) ?? {ids: [], keys: []};
			group.ids.push(found.id);
			group.keys.push(key);
			groups.set(found.part, group);
		}
		return all.flatMap((part) => {
			const group = groups.get(part);
			return group ? [{part, ...group}] : [];
		});
	};
	const unplaced = (keys: readonly string[]): string[] => keys.filter((key) => place(key) === null);
	const writable = all.filter((p) => p.data.readonlyReason === null);
	const first = all[0]!;
	// Roots the last check could not read (an unmounted disk): a recompute leaves them, and their rows, alone.
	let unreadable = new Set<string>();

	/** Rows of the given keys, each from its own root (whole rows, or the list's lean ones). */
	const fetchFrom = <T extends ListedSession>(
		keys: readonly string[],
		read: (data: ExplorerData, ids: readonly string[], part: Part) => {rows: T[]; missing: string[]},
	): {rows: T[]; missing: string[]} => {
		const rows: T[] = [];
		const missing = unplaced(keys);
		for (const {part, ids} of grouped(keys)) {
			const found = read(part.data, ids, part);
			rows.push(...stamp(part, found.rows));
			missing.push(...found.missing.map((id) => keyIn(part, id)));
		}
		return {rows, missing};
	};
	const fetch = (keys: readonly string[]): {rows: StoredSession[]; missing: string[]} =>
		fetchFrom(keys, (data, ids) => data.fetch(ids));

	return {
		root: first.root.path,
		roots,
		dbPath: first.data.dbPath,
		sharedPath: first.data.sharedPath,
		// Browsing only when no root can be recomputed; otherwise the ones that can are.
		readonlyReason: writable.length === 0 ? first.data.readonlyReason : null,
		loadNewest(limit) {
			const rows = all.flatMap((part) => stamp(part, part.data.loadNewest(limit)));
			return rows
				.sort((a, b) => ((a.session_created_at ?? '') < (b.session_created_at ?? '') ? 1 : -1))
				.slice(0, limit);
		},
		async *pages() {
			for (const part of all) for await (const page of part.data.pages()) yield stamp(part, page);
		},
		fetch,
		fetchListed: (keys) => fetchFrom(keys, (data, ids) => data.fetchListed(ids)),
		fetchChanged: (keys, shown) =>
			fetchFrom(keys, (data, ids, part) => data.fetchChanged(ids, (id) => shown(keyIn(part, id)))),
		async versions() {
			const versions = new Map<string, number>();
			for (const part of all)
				for (const [id, version] of await part.data.versions()) versions.set(keyIn(part, id), version);
			return versions;
		},
		async externalChanges(known) {
			const perPart = new Map<Part, Map<string, number>>(all.map((part) => [part, new Map()]));
			for (const [key, version] of known) {
				const found = place(key);
				if (found) perPart.get(found.part)!.set(found.id, version);
			}
			let any = false;
			const changed: ListedSession[] = [];
			const removed: string[] = [];
			const versions = new Map<string, number>();
			for (const part of all) {
				const mine = perPart.get(part)!;
				let result: Awaited<ReturnType<ExplorerData['externalChanges']>>;
				try {
					result = await part.data.externalChanges(mine);
				} catch {
					// A root whose read failed (a lock) is read again at the next look (it took nothing as seen but the
					// rows its own job landed); the roots read before it have taken their changes as seen, so those are
					// returned now, not thrown away with the whole look (regression: they were never shown).
					result = null;
				}
				// A root where nobody else committed keeps what was known of it.
				const now = result?.versions ?? mine;
				for (const [id, version] of now) versions.set(keyIn(part, id), version);
				if (!result) continue;
				any = true;
				changed.push(...stamp(part, result.changed));
				removed.push(...result.removed.map((id) => keyIn(part, id)));
			}
			return any ? {changed, removed, versions} : null;
		},
		async checkStale(signal) {
			const result = await checkEveryRoot(all, closed, keyIn, signal);
			// A stopped check knows nothing of the roots: what was known of them stays.
			if (signal?.aborted) throw signal.reason;
			unreadable = new Set(Object.keys(result.rootProblems ?? {}));
			return result;
		},
		async applyTriage(targets, patch, onLocked) {
			const snapshots: TriageSnapshot[] = [];
			const rows: ListedSession[] = [];
			// Each root's marks go to its own session_metadata, one root after the other.
			for (const {part, ids, keys} of grouped(targets.map((t) => t.session_id))) {
				const mine = ids.map((id, i) => ({
					session_id: id,
					session_path: targets.find((t) => t.session_id === keys[i])!.session_path,
				}));
				const result = await part.data.applyTriage(mine, patch, onLocked);
				snapshots.push(...result.snapshots.map((s) => ({...s, session_id: keyIn(part, s.session_id)})));
				rows.push(...stamp(part, result.rows));
			}
			return {snapshots, rows};
		},
		async restoreTriage(snapshots, onLocked) {
			const rows: ListedSession[] = [];
			const messages: string[] = [];
			for (const {part, ids, keys} of grouped(snapshots.map((s) => s.session_id))) {
				const mine = keys.map((key, i) => ({
					...snapshots.find((s) => s.session_id === key)!,
					session_id: ids[i]!,
				}));
				const result = await part.data.restoreTriage(mine, onLocked);
				rows.push(...stamp(part, result.rows));
				if (result.message)
					messages.push(all.length > 1 ? `${part.root.name}: ${result.message}` : result.message);
			}
			return {rows, message: messages.length > 0 ? messages.join('; ') : null};
		},
		tagsInUse: () => [...new Set(all.flatMap((part) => part.data.tagsInUse()))].sort(),
		watchTriage(listener) {
			// Each root's triage file may be locked on its own: the problems of those that are, by root.
			const problems = new Map<Part, string>();
			const tell = (): void =>
				listener(
					problems.size === 0 ? null : [...problems].map(([p, why]) => `${p.root.name}: ${why}`).join('; '),
				);
			let started = false;
			const stops = all.map((part) =>
				part.data.watchTriage((problem) => {
					if (problem === null) problems.delete(part);
					else problems.set(part, problem);
					if (started) tell();
				}),
			);
			started = true;
			tell();
			return () => {
				for (const stop of stops) stop();
			};
		},
		async refreshTriage() {
			let any = false;
			const rows: ListedSession[] = [];
			for (const part of all) {
				const fresh = await part.data.refreshTriage();
				if (fresh === null) continue;
				any = true;
				rows.push(...stamp(part, fresh));
			}
			return any ? rows : null;
		},
		async pollLive() {
			const cycles: LiveCycle[] = [];
			for (const part of writable) {
				const cycle = await part.data.pollLive();
				if (!cycle) continue;
				cycles.push({
					changedIds: cycle.changedIds.map((id) => keyIn(part, id)),
					removedIds: cycle.removedIds.map((id) => keyIn(part, id)),
					events: cycle.events,
					skipped: cycle.skipped === null ? null : `${part.root.name}: ${cycle.skipped}`,
				});
			}
			if (cycles.length === 0) return null;
			const skipped = cycles.flatMap((c) => (c.skipped === null ? [] : [c.skipped]));
			return {
				changedIds: cycles.flatMap((c) => c.changedIds),
				removedIds: cycles.flatMap((c) => c.removedIds),
				events: cycles.flatMap((c) => c.events),
				skipped: skipped.length > 0 ? skipped.join('; ') : null,
			};
		},
		insight(row, running, identities, signal) {
			const found = place(rowKeyOf(row));
			return (found?.part ?? first).data.insight(row, running, identities, signal);
		},
		watchChanges(onHint) {
			const watches = writable.flatMap((part) => {
				const watch = part.data.watchChanges(onHint);
				return watch ? [watch] : [];
			});
			if (watches.length === 0) return null;
			return {
				reliable: () => watches.every((w) => w.reliable()),
				close: () => {
					for (const watch of watches) watch.close();
				},
			};
		},
		exportSessions(format, keys, nowMs, stallWindowMs) {
			const {rows} = fetch(keys);
			const byKey = new Map(rows.map((row) => [rowKeyOf(row), row]));
			const ordered = keys.flatMap((key) => {
				const row = byKey.get(key);
				return row ? [row] : [];
			});
			return writeExport(ordered, format, nowMs, stallWindowMs, options.exportFolder);
		},
		startJob(request, targets, listener) {
			const reachable = writable.filter((part) => !unreadable.has(part.root.name));
			return runAcrossRoots(request, targets, listener, {all, writable: reachable, grouped, keyIn});
		},
	};
}

/** Every root's stale check, together: ids as keys, and each root that cannot be read named with why. */
async function checkEveryRoot(
	all: readonly Part[],
	closed: readonly ClosedRoot[],
	keyIn: (part: Part, id: string) => string,
	signal?: AbortSignal,
): Promise<StaleResult> {
	const results = await Promise.all(all.map((part) => part.data.checkStale(signal).catch(() => null)));
	const stale: string[] = [];
	const newOnDisk: string[] = [];
	const rootProblems: Record<string, string> = {};
	for (const {root, problem} of closed) rootProblems[root.name] = problem;
	results.forEach((result, i) => {
		const part = all[i]!;
		if (!result) return;
		stale.push(...result.stale.map((id) => keyIn(part, id)));
		newOnDisk.push(...result.newOnDisk.map((id) => keyIn(part, id)));
		if (result.rootProblem) rootProblems[part.root.name] = result.rootProblem;
	});
	const troubled = Object.keys(rootProblems);
	return {
		stale,
		newOnDisk,
		rootProblems,
		// The header's one warning line is for when no root can be read at all.
		...(troubled.length === all.length + closed.length
			? {
					rootProblem: `no root can be read: ${troubled.map((name) => `${name}: ${rootProblems[name]}`).join('; ')}`,
				}
			: {}),
	};
}

function runAcrossRoots(
	request: JobRequest,
	targets: {stale: readonly string[]; newOnDisk: readonly string[]},
	listener: Parameters<ExplorerData['startJob']>[2],
	context: {
		all: readonly Part[];
		writable: readonly Part[];
		grouped: (keys: readonly string[]) => Array<{part: Part; ids: string[]; keys: string[]}>;
		keyIn: (part: Part, id: string) => string;
	},
): JobHandle {
	const {writable, grouped, keyIn} = context;
	const stale = new Map(grouped(targets.stale).map((g) => [g.part, g.ids]));
	const fresh = new Map(grouped(targets.newOnDisk).map((g) => [g.part, g.ids]));
	const chosen =
		request.scope === 'sessions' ? new Map(grouped(request.sessionIds).map((g) => [g.part, g.ids])) : null;
	// One root after the other, each with its own request: its stale sessions, or the chosen ones that live there.
	const steps = writable.flatMap((part) => {
		if (chosen && !chosen.has(part)) return [];
		const own: JobRequest = chosen ? {id: request.id, scope: 'sessions', sessionIds: chosen.get(part)!} : request;
		return [{part, request: own, targets: {stale: stale.get(part) ?? [], newOnDisk: fresh.get(part) ?? []}}];
	});
	let current: JobHandle | null = null;
	let cancelled = false;
	const before = {done: 0, total: 0};
	const summaries: ComputeSummary[] = [];
	const failures: string[] = [];
	const errors: Array<{sessionId: string; reason: string}> = [];
	let startedAtMs: number | null = null;
	const next = (step: number): void => {
		if (cancelled || step >= steps.length) {
			listener.onDone(
				summaries.length > 0 ? sumOf(summaries, cancelled) : null,
				failures.length > 0 ? new Error(failures.join('; ')) : undefined,
			);
			return;
		}
		const {part, request: own, targets: mine} = steps[step]!;
		let last: ComputeProgress | null = null;
		current = part.data.startJob(own, mine, {
			onProgress(p) {
				last = p;
				startedAtMs ??= p.startedAtMs;
				listener.onProgress({
					done: before.done + p.done,
					total: before.total + p.total,
					current: p.current,
					startedAtMs,
					errors: [...errors, ...p.errors.map((e) => ({...e, sessionId: keyIn(part, e.sessionId)}))],
				});
			},
			onStored: (ids) => listener.onStored(ids.map((id) => keyIn(part, id))),
			onDone(summary, error) {
				if (summary) summaries.push(summary);
				if (error) failures.push(`${part.root.name}: ${error.message}`);
				if (last) {
					before.done += last.done;
					before.total += last.total;
					errors.push(...last.errors.map((e) => ({...e, sessionId: keyIn(part, e.sessionId)})));
				}
				next(step + 1);
			},
		});
	};
	queueMicrotask(() => next(0));
	return {
		cancel() {
			cancelled = true;
			current?.cancel();
		},
	};
}

function sumOf(summaries: readonly ComputeSummary[], cancelled: boolean): ComputeSummary {
	const sum = (pick: (s: ComputeSummary) => number): number => summaries.reduce((n, s) => n + pick(s), 0);
	return {
		computed: sum((s) => s.computed),
		unchanged: sum((s) => s.unchanged),
		removed: sum((s) => s.removed),
		unreadable: sum((s) => s.unreadable),
		no_manifest: sum((s) => s.no_manifest),
		seconds: sum((s) => s.seconds),
		cancelled: cancelled || summaries.some((s) => s.cancelled),
		planned: sum((s) => s.planned),
		errors: summaries.flatMap((s) => s.errors),
	};
}
