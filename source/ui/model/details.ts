/**
 * The details of one session as lines of text fitted to a width: every field of the row, the state and why,
 * placeholders, prompts (wrapped), timestamps with relative ages, duration and rate, and the paths.
 */
import path from 'node:path';
import {epochMsFromIso} from '../../core/iso-time.js';
import {parseJsonColumn} from '../../core/session-model.js';
import {describeFieldSource, SOURCE_NAMES, sourceLabel, sourcesOfRow, type SourceName} from '../../core/sources.js';
import {PyFloat, type JsonValue} from '../../core/python-json.js';
import {pythonDumps} from '../../core/python-dumps.js';
import {sanitizeBlock, sanitizeLine} from '../../text/sanitize.js';
import {fitToWidth, truncateToWidth, wrapToWidth} from '../../text/width.js';
import {STATE_SYMBOL, STATE_WORD, formatCompletion} from './columns.js';
import type {SessionView} from '../../view/session-view.js';
import type {StoredSession} from '../../core/types.js';
import type {SessionInsight} from '../../jobs/session-insight.js';
import {insightLines} from './insight-lines.js';
import {imagesPerMinute} from '../../core/rate.js';

export type DetailsLine = {text: string; role?: 'title' | 'section' | 'label' | 'warning'};

export function relativeAge(thenMs: number, nowMs: number): string {
	if (!Number.isFinite(thenMs)) return '';
	const seconds = Math.round((nowMs - thenMs) / 1000);
	const future = seconds < 0;
	const s = Math.abs(seconds);
	let text: string;
	if (s < 60) text = `${s} s`;
	else if (s < 3600) text = `${Math.round(s / 60)} min`;
	else if (s < 86_400 * 2) text = `${Math.round(s / 360) / 10} h`;
	else text = `${Math.round(s / 86_400)} days`;
	return future ? `in ${text}` : `${text} ago`;
}

export function formatSpan(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) return '';
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m} min ${s % 60} s`;
	return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function whyOfState(view: SessionView, nowMs: number, stallWindowMs: number): string {
	const {row} = view;
	const status = row.manifest_status
		? `manifest status "${sanitizeLine(row.manifest_status)}"`
		: 'no status in the manifest';
	const idle = row.last_activity_ms === null ? null : nowMs - row.last_activity_ms;
	const idleText = idle === null ? '' : `last write ${relativeAge(row.last_activity_ms!, nowMs)}`;
	const expected = row.images_expected === null ? '?' : String(row.images_expected);
	switch (view.state) {
		case 'no_manifest': {
			// An older manifest or the images' parameters may have filled the row: say which, not "only the files".
			const read = (row.origins ?? '')
				.split(' ')
				.filter(
					(o): o is SourceName =>
						(SOURCE_NAMES as readonly string[]).includes(o) && o !== 'manifest' && o !== 'header',
				);
			return read.length === 0
				? 'no manifest.json in the folder: only the files are known'
				: `no manifest.json in the folder: values read from ${read.map((o) => sourceLabel(o)).join(' and ')}`;
		}
		case 'unreadable':
			return `manifest.json could not be read${row.error ? `: ${sanitizeLine(row.error)}` : ''}`;
		case 'running':
			return `${status}, ${idleText} (within the ${Math.round(stallWindowMs / 60_000)} min stall window)`;
		case 'stalled':
			return `${status}, but ${idleText || 'no write known'}: beyond the ${Math.round(stallWindowMs / 60_000)} min stall window`;
		case 'aborted':
			return `${status}, ${row.images_actual} of ${expected} images`;
		case 'complete':
			return `all ${expected} planned images are there`;
		case 'over':
			return `${row.images_actual} images for ${expected} planned`;
		case 'empty':
			return `no image in the folder (${expected} planned)`;
		case 'partial':
			return `${row.images_actual} of ${expected} planned images (${status})`;
	}
}

function valueText(value: JsonValue): string {
	if (typeof value === 'string') return value;
	if (value instanceof PyFloat) return String(value.value);
	return pythonDumps(value);
}

/**
 * Both files when sdstats shares the web UI's sessions.db: `/x/metadata/sessions.db + sdstats.db` (the cache
 * always sits in the same folder), so a path shortened from the left keeps both names.
 */
export function databaseText(dbPath: string, sharedPath: string | null): string {
	return sharedPath === null ? dbPath : `${sharedPath} + ${path.basename(dbPath)}`;
}

export type DetailsContext = {
	nowMs: number;
	stallWindowMs: number;
	dbPath: string;
	stale: boolean;
	ratePerMinute?: number | undefined;
	/** With several roots: the session's root, and why it cannot be read now (null: it can). */
	root?: {name: string; path: string; problem: string | null};
};

export function buildDetails(
	view: SessionView,
	row: StoredSession,
	width: number,
	context: DetailsContext,
): DetailsLine[] {
	const {nowMs} = context;
	const lines: DetailsLine[] = [];
	const labelWidth = 15;
	const field = (rawLabel: string, value: string): void => {
		const label = sanitizeLine(rawLabel);
		const text = sanitizeLine(value);
		const wrapped = wrapToWidth(text, Math.max(10, width - labelWidth - 1));
		wrapped.forEach((part, i) => lines.push({text: `${fitToWidth(i === 0 ? label : '', labelWidth)} ${part}`}));
	};
	const section = (title: string): void => {
		lines.push({text: ''});
		lines.push({text: truncateToWidth(title, width), role: 'section'});
	};
	const block = (text: string): void => {
		const safe = sanitizeBlock(text);
		for (const part of safe === '' ? ['(empty)'] : wrapToWidth(safe, Math.max(10, width - 2)))
			lines.push({text: `  ${part}`});
	};
	const dateWithAge = (iso: string | null): string => {
		if (!iso) return '';
		const ms = epochMsFromIso(iso);
		return Number.isNaN(ms) ? iso : `${iso}  (${relativeAge(ms, nowMs)})`;
	};

	lines.push({text: truncateToWidth(view.fullName, width), role: 'title'});
	const stateRole =
		view.state === 'unreadable' || view.state === 'aborted' || view.state === 'stalled' ? 'warning' : undefined;
	for (const part of wrapToWidth(
		`${STATE_SYMBOL[view.state]} ${STATE_WORD[view.state]}: ${whyOfState(view, nowMs, context.stallWindowMs)}`,
		width,
	)) {
		lines.push({text: part, role: stateRole});
	}
	if (context.stale)
		lines.push({
			text: truncateToWidth('* changed on disk since it was computed: r recomputes it', width),
			role: 'warning',
		});

	// Values not from manifest.json say where they came from (an older manifest, the images' parameters).
	const sources = sourcesOfRow(row);
	const sourced = (column: string, text: string): string => {
		const source = sources.fields[column];
		return text !== '' && source && source.from !== 'manifest' ? `${text}  (${describeFieldSource(source)})` : text;
	};

	section('Images');
	const expected = row.images_expected === null ? '?' : String(row.images_expected);
	field(
		'found',
		sourced(
			'images_expected',
			`${row.images_actual} of ${expected} expected (${formatCompletion(view.completion)})`,
		),
	);
	field('in manifest', row.images_recorded === null ? '' : `${row.images_recorded} entries`);
	const first = row.first_image_created_at ? epochMsFromIso(row.first_image_created_at) : Number.NaN;
	const last = row.last_image_created_at ? epochMsFromIso(row.last_image_created_at) : Number.NaN;
	if (view.state === 'running' && context.ratePerMinute !== undefined) {
		const remaining = row.images_expected === null ? null : Number(row.images_expected) - row.images_actual;
		const eta =
			remaining !== null && remaining > 0 && context.ratePerMinute > 0
				? `, ETA ${formatSpan((remaining / context.ratePerMinute) * 60_000)} to ${expected}`
				: '';
		field('live', `${context.ratePerMinute.toFixed(1)} images per minute, first image to last${eta}`);
	}
	if (Number.isFinite(first) && Number.isFinite(last)) {
		const span = last - first;
		field('duration', `${formatSpan(span)} from first to last image`);
		const rate = imagesPerMinute(row);
		if (rate !== null) field('rate', `${rate.toFixed(1)} images per minute`);
	}

	section('Generation');
	field('model', sourced('sd_model', row.sd_model ?? ''));
	field('mode', sourced('generation_mode', row.generation_mode ?? ''));
	field('seed mode', sourced('seed_mode', row.seed_mode ?? ''));
	field('seed base', sourced('seed_base', row.seed_base === null ? '' : String(row.seed_base)));
	field('seed sweep', row.is_seed_sweep ? 'yes' : 'no');
	field('size', sourced('width', row.width !== null && row.height !== null ? `${row.width} × ${row.height}` : ''));
	field('steps', sourced('steps', row.steps === null ? '' : String(row.steps)));
	field('cfg scale', sourced('cfg_scale', row.cfg_scale === null ? '' : String(row.cfg_scale)));
	field('sampler', sourced('sampler_name', row.sampler_name ?? ''));
	field('template', sourced('template_version', row.template_version ?? ''));

	const placeholders = parseJsonColumn(row.placeholders_json);
	const summary = parseJsonColumn(row.variations_summary_json);
	const triage = view.triage;
	section('Triage');
	field(
		'flags',
		[triage.favorite ? '★ favourite' : '', triage.test ? 'test' : '', triage.complete ? '' : 'marked not complete']
			.filter(Boolean)
			.join(', ') || '(none: complete, as the web UI reads it)',
	);
	field('rating', triage.rating ?? '');
	field('tags', triage.tags.map((t) => `[${t}]`).join(' '));
	if (triage.note) {
		lines.push({text: `${fitToWidth('note', labelWidth)}`});
		block(triage.note);
	}

	section('Placeholders');
	if (placeholders instanceof Map && placeholders.size > 0) {
		for (const [name, count] of placeholders) {
			const values = summary instanceof Map ? summary.get(name) : undefined;
			const shown = Array.isArray(values) ? values.map(valueText).join(', ') : '';
			const more =
				typeof count === 'number' && Array.isArray(values) && count > values.length
					? `, … +${count - values.length} more`
					: '';
			field(`${name} (${valueText(count)})`, `${shown}${more}`);
		}
	} else {
		lines.push({text: '  (none)'});
	}

	section('Prompt');
	block(row.resolved_prompt ?? '');
	section('Negative prompt');
	block(row.negative_prompt ?? '');

	if (
		sources.notes.length > 0 ||
		(sources.sampled !== undefined && sources.images !== undefined && sources.sampled < sources.images)
	) {
		section('Sources');
		for (const note of sources.notes) block(note);
		if (sources.sampled !== undefined && sources.images !== undefined && sources.sampled < sources.images) {
			block(
				`parameters read from ${sources.sampled} of ${sources.images} images (sdstats compute --deep reads them all)`,
			);
		}
	}

	section('Timestamps');
	field('created', dateWithAge(row.session_created_at));
	field('manifest', dateWithAge(row.manifest_generated_at));
	field('first image', dateWithAge(row.first_image_created_at));
	field('last image', dateWithAge(row.last_image_created_at));
	field('computed', dateWithAge(row.stats_computed_at));
	if (row.last_activity_ms !== null) field('last write', relativeAge(row.last_activity_ms, nowMs));

	section('Bookkeeping');
	field(
		'manifest',
		row.manifest_state === 'missing'
			? 'missing'
			: row.manifest_status
				? `status "${row.manifest_status}"`
				: 'no status',
	);
	if (row.error) field('error', row.error);
	field('stats version', String(row.stats_version));

	section('Paths');
	if (context.root) {
		field('root', `${context.root.name}  ${context.root.path}`);
		if (context.root.problem)
			for (const part of wrapToWidth(
				sanitizeLine(`unavailable: ${context.root.problem} (shown as last computed)`),
				Math.max(10, width - 2),
			))
				lines.push({text: `  ${part}`, role: 'warning'});
	}
	field('folder', row.session_path);
	field('database', context.dbPath);
	return lines;
}

/** The insight section of the details: read from the folder after the rest, so it may still be on its way. */
export function detailsInsightLines(
	loaded: {sessionId: string; insight: SessionInsight | null; error: string | null} | null,
	sessionId: string,
	width: number,
): DetailsLine[] {
	if (!loaded || loaded.sessionId !== sessionId)
		return [
			{text: ''},
			{text: 'Missing combinations, seeds, anomalies', role: 'section'},
			{text: '  reading the session folder…'},
		];
	if (loaded.error)
		return [
			{text: ''},
			{text: 'Missing combinations, seeds, anomalies', role: 'section'},
			{text: truncateToWidth(`  could not be read: ${sanitizeLine(loaded.error)}`, width), role: 'warning'},
		];
	if (!loaded.insight) return [];
	const lines: DetailsLine[] = [];
	for (const line of insightLines(loaded.insight, width)) {
		if (line.role === 'section') lines.push({text: ''});
		lines.push({text: line.text, role: line.role});
	}
	return lines;
}
