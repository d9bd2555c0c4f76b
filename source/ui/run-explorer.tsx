/** Opens the explorer in the terminal: database, data source, alternate screen, Ink, and the way back out. */
import process from 'node:process';
import React from 'react';
import {render} from 'ink';
import {sanitizeBlock, sanitizeLine} from '../text/sanitize.js';
import {App} from './app.js';
import {systemClock} from './clock.js';
import {createExplorerActions} from './data/explorer-actions.js';
import {ExplorerOpenError, openExplorerData, type OpenedExplorerData} from './open-explorer-data.js';
import {BUSY_TIMEOUT_MS} from '../store/db.js';
import {enterTerminal} from './terminal.js';
import type {CommonOptions} from '../common-options.js';
import {EXIT_FAILURE, EXIT_OK, type CommandIo} from '../io.js';
import os from 'node:os';
import {createViewStore, viewStatePath} from './data/view-store.js';
import type {SortSpec} from '../view/sort.js';
import type {ImagesSetting} from '../core/preview/detect.js';
import type {Protocol} from '../core/preview/protocol.js';
import {createThumbnailService} from '../jobs/thumbnails/thumbnail-service.js';
import {thumbnailCacheDir} from '../jobs/thumbnails/cache-dir.js';
import type {PreviewServices} from './hooks/use-previews.js';
import {createImageOverlay, overlayStdout} from './image-overlay.js';
import {cacheCapBytes, evictThumbnails} from '../jobs/thumbnails/cache-eviction.js';
import type {PreviewOutput} from './state/types.js';
import {askAgainOnResize, filteringStdin, initialImages, serialQuestions, startProbe} from './terminal-images.js';

/** The overlay draws graphics protocols only; half blocks are text in the frame. */
function graphicsOf(protocol: Protocol | null): Exclude<Protocol, 'blocks'> | null {
	return protocol === null || protocol === 'blocks' ? null : protocol;
}

export type ExplorerOptions = CommonOptions & {
	/** The database may be created (first run on the default path, the demo, a new --db file in a folder that exists); else it must exist. */
	createDatabase: boolean;
	notice?: string | null;
	/** --filter (its text, as typed) / --sort, checked at the edge: the view to start with (over the remembered one). */
	filter?: string | undefined;
	sort?: SortSpec | undefined;
	/** --reset-view: forget the remembered view of this root. */
	resetView?: boolean;
	/** The user's state folder (the action journal, the remembered archive folder): A, D and U act with it. */
	stateDir?: string;
	/** --images: how pictures are drawn (remembered for the next start); undefined: the remembered setting, else auto. */
	images?: ImagesSetting | undefined;
};

export async function runExplorer(options: ExplorerOptions, io: CommandIo): Promise<number> {
	const {root} = options.locations;
	let opened: OpenedExplorerData;
	try {
		opened = openExplorerData({
			locations: options.locations,
			createDatabase: options.createDatabase,
			stallWindowMs: options.stallWindowMs,
			onLockedWait: (files) =>
				io.stderr.write(
					`sdstats: ${sanitizeLine(files.join(' and '))} ${files.length === 1 ? 'is' : 'are'} locked by another program (the web UI, a sqlite3 shell, a backup?); waiting up to ${BUSY_TIMEOUT_MS / 1000} s for it…\n`,
				),
		});
	} catch (error) {
		if (error instanceof ExplorerOpenError) {
			io.stderr.write(`sdstats: ${sanitizeLine(error.message)}\n`);
			return EXIT_FAILURE;
		}
		throw error;
	}
	const {data, notice} = opened;
	const closeAll = opened.close;
	const actions =
		options.stateDir !== undefined
			? createExplorerActions({
					root,
					dbPath: data.dbPath,
					severalRoots: data.roots.length > 1,
					stateDir: options.stateDir,
					env: process.env,
					now: options.now,
				})
			: null;
	// Several roots remember their view together, not under the first root's name.
	const viewRoots = data.roots.length > 1 ? data.roots.map((r) => r.path) : root;
	const viewStore = createViewStore(viewStatePath(process.env, os.homedir(), os.tmpdir(), viewRoots), root);
	if (options.resetView) viewStore.reset();
	const sort = options.sort;
	const initialView = {...(options.filter === undefined ? {} : {filter: options.filter}), ...(sort ? {sort} : {})};
	// Pictures: the remembered setting unless --images says otherwise (then it is remembered).
	let imagesSetting: ImagesSetting = 'auto';
	try {
		const {file} = viewStore.load();
		if (options.images !== undefined && options.images !== file.images)
			viewStore.save({...file, images: options.images});
		imagesSetting = options.images ?? file.images ?? 'auto';
	} catch {
		imagesSetting = options.images ?? 'auto';
	}
	const images = initialImages(process.env, process.stdout.isTTY === true, options.color, imagesSetting);
	const overlay = createImageOverlay(graphicsOf(images.output.protocol), {tmux: images.output.tmux});
	const thumbnails = createThumbnailService();
	const outputListeners = new Set<(output: PreviewOutput) => void>();
	// One question to the terminal at a time (see serialQuestions); `ask` below starts them.
	let currentOutput = images.output;
	const questions = serialQuestions((query, onFinished) =>
		startProbe({
			env: process.env,
			write: (text) => process.stdout.write(text),
			setting: imagesSetting,
			color: options.color,
			initial: currentOutput,
			query,
			grid: () => ({columns: process.stdout.columns, rows: process.stdout.rows}),
			onDecided: (output) => {
				currentOutput = output;
				overlay.setProtocol(graphicsOf(output.protocol), output.tmux);
				for (const listener of outputListeners) listener(output);
			},
			onFinished: (answered) => {
				onFinished(answered);
				// A reply's start held back from Ink that never became a reply is Ink's after all.
				if (!questions.waiting()) stdin.releaseHeld();
			},
		}),
	);
	const stdin = filteringStdin(
		process.stdin,
		(replies) => questions.feed(replies),
		() => questions.waiting(),
	);
	const stdout = overlayStdout(process.stdout, overlay);
	const cacheCap = cacheCapBytes(process.env);
	const cacheDir = cacheCap === null ? null : thumbnailCacheDir(process.env, os.homedir(), os.tmpdir());
	const previewServices: PreviewServices = {
		thumbnails,
		cacheDir,
		onOutput: (listener) => {
			outputListeners.add(listener);
			return () => outputListeners.delete(listener);
		},
	};
	const terminal = enterTerminal(process.stdin, process.stdout);
	let stopAskingOnResize: () => void = () => undefined;
	const cleanupPictures = (): void => {
		stopAskingOnResize();
		questions.cancel();
		thumbnails.close();
		const text = overlay.cleanup();
		if (text) {
			try {
				process.stdout.write(text);
			} catch {
				// The terminal is gone.
			}
		}
	};
	let failure: unknown = null;
	const onSignal = (signal: NodeJS.Signals): void => {
		instance.unmount();
		cleanupPictures();
		terminal.restore();
		closeAll();
		process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGTERM' ? 15 : 2));
	};
	const onFatal = (error: unknown): void => {
		failure = error;
		instance.unmount();
	};
	const instance = render(
		<App
			data={data}
			viewStore={viewStore}
			initialView={initialView}
			stallWindowMs={options.stallWindowMs}
			color={options.color}
			notice={notice ?? options.notice ?? null}
			clock={options.now ? {...systemClock, now: options.now} : systemClock}
			previewOutput={images.output}
			previewServices={previewServices}
			overlay={overlay}
			actions={actions}
		/>,
		{
			stdin,
			stdout,
			stderr: process.stderr,
			exitOnCtrlC: false,
			patchConsole: false,
			incrementalRendering: false,
			maxFps: 30,
		},
	);
	// The decoder loads while the user reads the first frame, not when the cursor first rests on a session.
	if (images.output.protocol !== null || images.query) void thumbnails.prepare();
	// The thumbnail cache is trimmed to its cap a little after start (asynchronous I/O; a few stats per file).
	if (cacheDir !== null && cacheCap !== null)
		setTimeout(() => void evictThumbnails(cacheDir, cacheCap), 2000).unref();
	// After the first frame: the answer arrives while the explorer is already usable.
	if (images.query) questions.ask(images.query);
	// A font zoom resizes the grid and the cells: the cell size is asked again once the size settles.
	stopAskingOnResize = askAgainOnResize({
		subscribe: (listener) => {
			process.stdout.on('resize', listener);
			return () => process.stdout.off('resize', listener);
		},
		ask: () => {
			if (graphicsOf(currentOutput.protocol) !== null) questions.ask('cell');
		},
	});
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	process.on('uncaughtException', onFatal);
	process.on('unhandledRejection', onFatal);
	try {
		await instance.waitUntilExit();
	} catch (error) {
		failure = error;
	} finally {
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		process.off('uncaughtException', onFatal);
		process.off('unhandledRejection', onFatal);
		cleanupPictures();
		terminal.restore();
		closeAll();
	}
	if (failure) {
		// Printed after the terminal is back to normal, so the message stays on the main screen.
		const text = failure instanceof Error ? (failure.stack ?? failure.message) : String(failure);
		io.stderr.write(`sdstats: ${sanitizeBlock(text)}\n`);
		return EXIT_FAILURE;
	}
	return EXIT_OK;
}
