/**
 * Where each value of a session's row came from. Rows of manifest.json sessions store nothing (every value is
 * the manifest's); rows filled from older manifests or from the images' parameters store a SourcesRecord as
 * JSON beside the stats, and every reader (details, `show`, `list --json`, the `source:` filter) reads it here.
 */
import {MANIFEST_COLUMNS, type SessionStatsColumn} from './types.js';

/** manifest.json, a V1 plan, a Phase-1 metadata.json, A1111 infotext in the images, a ComfyUI graph, image headers. */
export const SOURCE_NAMES = ['manifest', 'v1', 'phase1', 'png', 'comfyui', 'header'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export type FieldSource = {
	from: SourceName;
	/** For values read from images: how many sampled images carry the chosen value, and out of how many read. */
	agree?: number;
	of?: number;
	/** Other values the images carry, with how many carry each (a model switched mid-run). */
	others?: Array<[value: string, count: number]>;
	/** What other sources say when they disagree with the chosen value. */
	conflicts?: Array<{from: SourceName; value: string}>;
	/** A word on how the value was chosen when it is not simply "the source says so". */
	note?: string;
};

export type SourcesRecord = {
	/** Every source that gave at least one value, in precedence order. */
	origins: SourceName[];
	/** Row column → where its value came from. Columns absent here are the filesystem's or null. */
	fields: Record<string, FieldSource>;
	/** What could not be read, and why: one sentence each. */
	notes: string[];
	/** Images whose parameters were read, and the session's image count. */
	sampled?: number;
	images?: number;
};

const LABELS: Record<SourceName, string> = {
	manifest: 'manifest.json',
	v1: 'the V1 plan',
	phase1: 'metadata.json (phase 1)',
	png: "the images' parameters",
	comfyui: "the images' ComfyUI graph",
	header: "the image files' headers",
};

export function sourceLabel(name: SourceName, fileName?: string): string {
	if (name === 'v1' && fileName) return `${fileName} (V1 plan)`;
	return LABELS[name];
}

/** `from the images' parameters, 10 of 10 agree; also 2× "x"`: the explanation details show after a value. */
export function describeFieldSource(source: FieldSource): string {
	const parts = [`from ${sourceLabel(source.from)}`];
	if (source.agree !== undefined && source.of !== undefined) parts[0] += `, ${source.agree} of ${source.of} agree`;
	if (source.others && source.others.length > 0) {
		parts.push(`others: ${source.others.map(([value, count]) => `${value} (${count})`).join(', ')}`);
	}
	for (const conflict of source.conflicts ?? []) parts.push(`${sourceLabel(conflict.from)} says ${conflict.value}`);
	if (source.note) parts.push(source.note);
	return parts.join('; ');
}

export function parseSources(json: string | null | undefined): SourcesRecord | null {
	if (!json) return null;
	try {
		const parsed = JSON.parse(json) as SourcesRecord;
		return parsed && typeof parsed === 'object' && Array.isArray(parsed.origins) ? parsed : null;
	} catch {
		return null;
	}
}

/**
 * The space-separated sources a `source:` filter matches: the stored origins of a row without manifest.json;
 * `manifest` for a manifest.json row (also one kept while its manifest is unreadable, or written by the web UI);
 * `files` for a row with nothing but the files.
 */
export function originsOf(row: {
	origins?: string | null | undefined;
	manifest_state: string | null;
	sd_model: string | null;
}): string {
	if (row.origins) return row.origins;
	if (row.manifest_state === 'ok' || (row.manifest_state !== 'missing' && row.sd_model !== null)) return 'manifest';
	return 'files';
}

type SourcedRow = {
	origins?: string | null | undefined;
	sources_json?: string | null | undefined;
	manifest_state: string | null;
	sd_model: string | null;
} & Partial<Record<SessionStatsColumn, unknown>>;

/**
 * Where each value of a stored row came from: the stored record of a row without manifest.json, or, for a
 * manifest.json row, `manifest` for every column it filled.
 */
export function sourcesOfRow(row: SourcedRow): SourcesRecord {
	const stored = parseSources(row.sources_json);
	if (stored) return stored;
	if (originsOf(row) !== 'manifest') return {origins: [], fields: {}, notes: []};
	const fields: Record<string, FieldSource> = {};
	for (const column of MANIFEST_COLUMNS) {
		const value = row[column];
		// is_seed_sweep is 0 by default in every row: it is the manifest's only when the manifest was read.
		if (value !== null && value !== undefined) fields[column] = {from: 'manifest'};
	}
	return {origins: ['manifest'], fields, notes: []};
}
