/**
 * Renders the explorer with ink-testing-library at a chosen terminal size, types keys, and waits on frames
 * (polling the event loop, never sleeping for a fixed time). The explorer runs on a FakeClock: its timers
 * (insight settle, polls, progress flushes, stall ticks) fire only while a test waits for a frame (the next
 * one due, once the event loop has nothing else to do) or when the test advances the clock itself, so
 * frames compared between key presses never race a timer.
 */
import React from 'react';
import {render} from 'ink-testing-library';
import {App, type AppProps} from '../../source/ui/app.js';
import type {ExplorerData, JobListener} from '../../source/ui/data/explorer-data.js';
import type {ExplorerActions} from '../../source/ui/data/explorer-actions.js';
import type {JobRequest} from '../../source/ui/state/types.js';
import type {ViewStore} from '../../source/ui/data/view-store.js';
import type {StoredSession} from '../../source/core/types.js';
import type {StaleResult} from '../../source/jobs/stale-check.js';
import {
	undoSummary,
	type TriagePatch,
	type TriageSnapshot,
	type UndoOutcome,
} from '../../source/store/metadata-repository.js';
import type {LiveCycle} from '../../source/jobs/live.js';
import type {SessionInsight} from '../../source/jobs/session-insight.js';
import {TEST_NOW, TEST_ROOT} from './sessions.js';
import {FakeClock} from './clock.js';

export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	homeTilde: '\u001B[1~',
	endTilde: '\u001B[4~',
	homeSs3: '\u001BOH',
	endSs3: '\u001BOF',
	home7: '\u001B[7~',
	end8: '\u001B[8~',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlH: '\b',
	ctrlC: '\u0003',
	ctrlU: '\u0015',
	ctrlA: '\u0001',
	ctrlE: '\u0005',
	ctrlW: '\u0017',
	ctrlN: '\u000E',
	ctrlP: '\u0010',
	/** The Delete key (forward delete), which Ink 6 reports as `delete` like Backspace. */
	deleteKey: '\u001B[3~',
	ctrlD: '\u0004',
	space: ' ',
} as const;

/** Lets Ink's deferred input (a lone Esc waits one turn) and React's updates run. */
export async function settle(turns = 3): Promise<void> {
	for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Turns of the event loop a wait lets pass before it moves a fake clock to its next timer. */
const IDLE_TURNS = 10;

/**
 * Waits until `check` holds. With a clock, time passes only while waiting: once the event loop has had its
 * turns, the clock moves to its next timer. The wall-clock limit only bounds a test that would never pass.
 */
export async function waitFor(
	check: () => boolean,
	describe: () => string,
	limitMs = 10_000,
	clock?: FakeClock,
): Promise<void> {
	const started = Date.now();
	let idle = 0;
	while (!check()) {
		if (Date.now() - started > limitMs) throw new Error(`timed out waiting: ${describe()}`);
		await settle(1);
		if (clock && ++idle >= IDLE_TURNS) {
			idle = 0;
			clock.fireNext();
		}
	}
}

export type FakeJob = {
	request: JobRequest;
	listener: JobListener;
	cancelled: boolean;
	targets: {stale: readonly string[]; newOnDisk: readonly string[]};
};

export type FakeData = ExplorerData & {
	rows: StoredSession[];
	jobs: FakeJob[];
	staleChecks: number;
	/** Bump after changing `rows` to play another process committing (SQLite's data_version). */
	dataVersion: number;
	triageLog: TriagePatch[];
	/** Live poll answers, consumed one per poll (then: nothing changed). */
	liveCycles: LiveCycle[];
	/** Insight answers by session id (else an empty one), and the ids asked for. */
	insights: Map<string, SessionInsight>;
	insightRequests: string[];
	livePolls: number;
	/** The explorer's watch: `hint()` plays fs.watch seeing a change; `reliable` says whether every change is hinted. */
	watch: {hint: (() => void) | null; reliable: boolean; closed: number};
	/** Reads of another process's commits (the external-change poll). */
	externalPolls: number;
	exports: Array<{format: 'csv' | 'json'; ids: string[]}>;
	/**
	 * Plays another program holding session_metadata's lock: triage writes wait (onLocked is told) until the
	 * returned function releases it, or fail with `failWith` when given.
	 */
	holdTriageLock(): (failWith?: string) => void;
	/** Plays another program editing a session's metadata row after sdstats did. */
	foreignEdit(sessionId: string, change: Partial<StoredSession>): void;
	/** The time each export was stated and named at. */
	exportTimes: number[];
};

/** An in-memory data source: rows to show, a staleness answer, and jobs the test drives by hand. */
export function fakeData(
	rows: StoredSession[],
	options: {
		stale?: StaleResult;
		readonlyReason?: string | null;
		/** The root (default: TEST_ROOT, named `results`) and its caches: one fake per root for several roots. */
		root?: {name: string; label?: string; path: string; dbPath?: string; sharedPath?: string};
	} = {},
): FakeData {
	const root = options.root ?? {name: 'results', path: TEST_ROOT};
	const dbPath = root.dbPath ?? '/metadata/sdstats.db';
	const sharedPath = root.sharedPath ?? '/metadata/sessions.db';
	let seenVersion = 0;
	let lock: Promise<void> | null = null;
	// Versions are numbers, as the repository's hashes are: here, one number per distinct signature.
	const currentVersions = (): Map<string, number> =>
		new Map(data.rows.map((r) => [r.session_id, signatureNumber(`${r.stats_computed_at}|${r.images_actual}`)]));
	const signatures = new Map<string, number>();
	const signatureNumber = (signature: string): number => {
		if (!signatures.has(signature)) signatures.set(signature, signatures.size);
		return signatures.get(signature)!;
	};
	const lookup = (ids: readonly string[]): {rows: StoredSession[]; missing: string[]} => {
		const found = data.rows.filter((r) => ids.includes(r.session_id));
		return {rows: found, missing: ids.filter((id) => !found.some((r) => r.session_id === id))};
	};
	const data: FakeData = {
		root: root.path,
		roots: [
			{
				name: root.name,
				label: root.label ?? root.name,
				path: root.path,
				dbPath,
				sharedPath,
				readonlyReason: options.readonlyReason ?? null,
			},
		],
		dbPath,
		sharedPath,
		readonlyReason: options.readonlyReason ?? null,
		rows: [...rows],
		jobs: [],
		staleChecks: 0,
		dataVersion: 0,
		triageLog: [],
		liveCycles: [],
		insights: new Map(),
		insightRequests: [],
		livePolls: 0,
		watch: {hint: null, reliable: false, closed: 0},
		externalPolls: 0,
		exports: [],
		exportTimes: [],
		loadNewest: (limit) =>
			[...data.rows]
				.sort((a, b) => ((a.session_created_at ?? '') < (b.session_created_at ?? '') ? 1 : -1))
				.slice(0, limit),
		async *pages() {
			yield [...data.rows];
		},
		fetch: (ids) => lookup(ids),
		// Whole rows stand for lean ones here (a StoredSession has every listed field); a test can tell the two
		// calls apart.
		fetchListed: (ids) => lookup(ids),
		// The rows fetchListed gives (a test's own fetchListed too) except those the list shows as they are.
		fetchChanged(ids, shown) {
			const found = data.fetchListed(ids);
			return {rows: found.rows.filter((row) => shown(row.session_id) !== row), missing: found.missing};
		},
		versions: async () => currentVersions(),
		async externalChanges(known) {
			data.externalPolls++;
			if (data.dataVersion === seenVersion) return null;
			seenVersion = data.dataVersion;
			const versions = currentVersions();
			const changed = data.rows.filter((r) => known.get(r.session_id) !== versions.get(r.session_id));
			const removed = [...known.keys()].filter((id) => !versions.has(id));
			return {changed, removed, versions};
		},
		holdTriageLock() {
			let release!: (failWith?: string) => void;
			lock = new Promise<void>((resolve, reject) => {
				release = (failWith) => {
					lock = null;
					if (failWith) reject(new Error(failWith));
					else resolve();
				};
			});
			// A rejection nobody waits for is not an error of the test.
			lock.catch(() => {});
			return release;
		},
		foreignEdit(sessionId, change) {
			const index = data.rows.findIndex((r) => r.session_id === sessionId);
			data.rows[index] = {...data.rows[index]!, ...change};
			data.dataVersion++;
		},
		async applyTriage(targets, patch, onLocked) {
			if (lock) {
				onLocked?.();
				await lock;
			}
			const column =
				patch.kind === 'flag'
					? patch.field
					: patch.kind === 'rating'
						? 'user_rating'
						: patch.kind === 'note'
							? 'user_note'
							: 'tags';
			const befores = targets.map((t) => {
				const row = data.rows.find((r) => r.session_id === t.session_id)!;
				return row.has_metadata ? {...row} : null;
			});
			for (const t of targets) {
				const index = data.rows.findIndex((r) => r.session_id === t.session_id);
				const row = {...data.rows[index]!};
				if (!row.has_metadata)
					Object.assign(row, {
						has_metadata: 1,
						is_favorite: 0,
						is_test: 0,
						is_complete: 1,
						user_rating: null,
						user_note: null,
						tags: '[]',
					});
				if (patch.kind === 'flag') row[patch.field] = patch.value;
				else if (patch.kind === 'rating') row.user_rating = patch.value;
				else if (patch.kind === 'note') row.user_note = patch.value;
				else {
					const tags = JSON.parse(row.tags ?? '[]') as string[];
					row.tags = JSON.stringify(
						patch.present ? [...new Set([...tags, patch.tag])] : tags.filter((x) => x !== patch.tag),
					);
				}
				data.rows[index] = row;
			}
			data.triageLog.push(patch);
			const snapshots = targets.map(
				(t, i) =>
					({
						session_id: t.session_id,
						before: befores[i]!,
						after: {...data.rows.find((r) => r.session_id === t.session_id)!},
						column,
					}) as TriageSnapshot,
			);
			return {snapshots, rows: data.rows.filter((r) => targets.some((t) => t.session_id === r.session_id))};
		},
		async restoreTriage(snapshots, onLocked) {
			if (lock) {
				onLocked?.();
				await lock;
			}
			// The repository's rule in small: a field goes back only where it still holds what was written.
			const outcome: UndoOutcome = {undone: 0, kept: []};
			for (const {session_id, before, after, column} of snapshots) {
				const index = data.rows.findIndex((r) => r.session_id === session_id);
				const row = data.rows[index]!;
				if (row[column] !== after[column]) {
					outcome.kept.push({session_id, column, why: 'changed'});
					continue;
				}
				data.rows[index] = before
					? ({...row, [column]: before[column]} as StoredSession)
					: {
							...row,
							has_metadata: 0,
							is_favorite: null,
							is_test: null,
							is_complete: null,
							user_rating: null,
							user_note: null,
							tags: null,
						};
				outcome.undone++;
			}
			return {
				rows: data.rows.filter((r) => snapshots.some((s) => s.session_id === r.session_id)),
				message: outcome.kept.length > 0 ? undoSummary(outcome) : null,
			};
		},
		tagsInUse: () => [...new Set(data.rows.flatMap((r) => (r.tags ? (JSON.parse(r.tags) as string[]) : [])))],
		// The fake's triage is never locked for reads (test/ui/explorer-triage-lock.test.tsx uses a real file).
		watchTriage(listener) {
			listener(null);
			return () => undefined;
		},
		refreshTriage: async () => [],
		exportSessions(format, ids, nowMs) {
			data.exports.push({format, ids: [...ids]});
			data.exportTimes.push(nowMs);
			return `/tmp/sdstats-test-export.${format}`;
		},
		watchChanges(onHint) {
			data.watch.hint = onHint;
			return {
				reliable: () => data.watch.reliable,
				close() {
					data.watch.hint = null;
					data.watch.closed++;
				},
			};
		},
		async insight(row) {
			data.insightRequests.push(row.session_id);
			return (
				data.insights.get(row.session_id) ?? {
					sessionId: row.session_id,
					missing: null,
					seeds: null,
					anomalies: [],
					reason: 'no insight in this test',
					imagesOnDisk: 0,
					manifestEntries: null,
					pngChecked: 0,
					brokenImages: 0,
				}
			);
		},
		async pollLive() {
			data.livePolls++;
			return data.liveCycles.shift() ?? {changedIds: [], removedIds: [], events: [], skipped: null};
		},
		async checkStale() {
			data.staleChecks++;
			return options.stale ?? {stale: [], newOnDisk: []};
		},
		startJob(request, targets, listener) {
			const job: FakeJob = {request, listener, cancelled: false, targets};
			data.jobs.push(job);
			return {
				cancel() {
					job.cancelled = true;
				},
			};
		},
	};
	return data;
}

export type Harness = {
	/** The explorer's timers: tests may advance it; waiting for a frame fires its next timer when idle. */
	clock: FakeClock;
	lastFrame(): string;
	frames: string[];
	press(...keys: string[]): Promise<void>;
	type(text: string): Promise<void>;
	waitForFrame(check: (frame: string) => boolean, what?: string): Promise<string>;
	resize(columns: number, rows: number): Promise<void>;
	quitCalled(): boolean;
	unmount(): void;
};

type Options = {
	data: ExplorerData;
	columns?: number;
	rows?: number;
	color?: boolean;
	/** The explorer's current time; default: TEST_NOW, whatever the clock's timers do. */
	now?: () => number;
	/** The clock whose timers the explorer sets; default: a new FakeClock. */
	clock?: FakeClock;
	stallWindowMs?: number;
	viewStore?: ViewStore;
	insightSettleMs?: number;
	actions?: ExplorerActions;
	livePollMs?: number;
	previews?: Pick<AppProps, 'previewOutput' | 'previewServices' | 'overlay'>;
};

export async function renderExplorer(options: Options): Promise<Harness> {
	let ready = false;
	let quit = false;
	const clock = options.clock ?? new FakeClock(TEST_NOW);
	const now = options.now ?? (() => TEST_NOW);
	const explorerClock = {
		now,
		setTimeout: clock.setTimeout.bind(clock),
		clearTimeout: clock.clearTimeout.bind(clock),
		setInterval: clock.setInterval.bind(clock),
		clearInterval: clock.clearInterval.bind(clock),
	};
	const instance = render(
		<App
			data={options.data}
			viewStore={options.viewStore ?? null}
			stallWindowMs={options.stallWindowMs ?? 10 * 60_000}
			color={options.color ?? false}
			clock={explorerClock}
			{...(options.insightSettleMs === undefined ? {} : {insightSettleMs: options.insightSettleMs})}
			{...(options.livePollMs === undefined ? {} : {livePollMs: options.livePollMs})}
			{...(options.actions === undefined ? {} : {actions: options.actions})}
			{...(options.previews ?? {})}
			onReady={() => {
				ready = true;
			}}
			onQuit={() => {
				quit = true;
			}}
		/>,
	);
	const stdout = instance.stdout as unknown as NodeJS.EventEmitter & {columns: number; rows: number};
	const resize = async (columns: number, rows: number): Promise<void> => {
		Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
		stdout.emit('resize');
		await settle();
	};
	await waitFor(
		() => ready,
		() => 'the explorer to listen for keys',
	);
	await resize(options.columns ?? 100, options.rows ?? 30);
	const harness: Harness = {
		clock,
		lastFrame: () => instance.lastFrame() ?? '',
		get frames() {
			return instance.frames;
		},
		async press(...keys) {
			for (const key of keys) {
				instance.stdin.write(key);
				await settle();
			}
		},
		async type(text) {
			for (const char of text) {
				instance.stdin.write(char);
				await settle(1);
			}
			await settle();
		},
		async waitForFrame(check, what = 'a matching frame') {
			await waitFor(
				() => check(harness.lastFrame()),
				() => `${what}; last frame:\n${harness.lastFrame()}`,
				undefined,
				clock,
			);
			return harness.lastFrame();
		},
		resize,
		quitCalled: () => quit,
		unmount: () => instance.unmount(),
	};
	return harness;
}

/** The session name on the row the cursor (›) is on. */
export function cursorRow(frame: string): string | undefined {
	return frame.split('\n').find((line) => line.startsWith('›'));
}

/** The list rows of a frame: marker, then created date and time, then the name. */
export function rowLines(frame: string): string[] {
	return frame.split('\n').filter((line) => /^[› ][● ][* ](\d{4}-)?\d\d-\d\d \d\d:\d\d /.test(line));
}

/** The session names (without timestamp prefix) of a frame's list rows, top to bottom. */
export function rowNames(frame: string): string[] {
	return rowLines(frame).map((line) => line.slice(3).trim().split(/\s+/)[2]!);
}

/** The name on the row the cursor is on. */
export function cursorName(frame: string): string | undefined {
	const row = cursorRow(frame);
	return row ? rowNames(row)[0] : undefined;
}
