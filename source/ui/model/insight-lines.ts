/**
 * A session's insight (jobs/session-insight.ts) as lines of text fitted to a width, for the details view:
 * "Missing combinations" (or "Missing images" for random sessions), "Seeds" (sweeps and seed lists) and
 * "Anomalies". Pure: every string from disk goes through sanitizeLine, every line fits `width` columns.
 */
import type {CombinatorialAnalysis, RandomAnalysis} from '../../core/analysis/combinations.js';
import {missingHeadline, type FolderImageCounts} from '../../core/analysis/missing-summary.js';
import type {ExpectedSeeds, SeedAnalysis} from '../../core/analysis/seeds.js';
import type {Int64} from '../../core/types.js';
import type {SessionInsight} from '../../jobs/session-insight.js';
import {sanitizeLine} from '../../text/sanitize.js';
import {truncateToWidth, wrapToWidth} from '../../text/width.js';
import {formatCombination} from '../../format/combination.js';

export type InsightLine = {text: string; role?: 'section' | 'warning'};

/** How many missing combinations the details list before "… and N more". */
export const MISSING_SHOWN = 10;
/** How many seeds (or combinations) a seed line names before "+N more". */
const SEEDS_SHOWN = 10;

const plural = (count: Int64, one: string, many = `${one}s`): string => `${count} ${BigInt(count) === 1n ? one : many}`;

function moreText(total: Int64, shown: number): string {
	const rest = BigInt(total) - BigInt(shown);
	return rest > 0n ? `, … +${rest} more` : '';
}

class Lines {
	readonly lines: InsightLine[] = [];
	private readonly width: number;

	constructor(width: number) {
		this.width = Math.max(10, Math.floor(width));
	}

	section(title: string): void {
		if (this.lines.length > 0) this.lines.push({text: ''});
		this.lines.push({text: truncateToWidth(title, this.width), role: 'section'});
	}

	/** One line, cut with … when too wide. `text` must already be sanitized. */
	line(text: string, indent = 2, role?: 'warning'): void {
		const line: InsightLine = {text: truncateToWidth(`${' '.repeat(indent)}${text}`, this.width)};
		if (role) line.role = role;
		this.lines.push(line);
	}

	/** A paragraph wrapped to the width; continuation lines indented two more. `text` must already be sanitized. */
	wrapped(text: string, indent = 2, role?: 'warning'): void {
		const first = ' '.repeat(indent);
		const next = ' '.repeat(indent + 2);
		const parts = wrapToWidth(text, Math.max(4, this.width - indent - 2));
		parts.forEach((part, i) => {
			const line: InsightLine = {text: truncateToWidth(`${i === 0 ? first : next}${part}`, this.width)};
			if (role) line.role = role;
			this.lines.push(line);
		});
	}
}

function combinatorialLines(out: Lines, a: CombinatorialAnalysis, folder: FolderImageCounts): void {
	out.section('Missing combinations');
	const names = a.placeholders.map(sanitizeLine).join(' × ');
	const seeds = a.seeds ? `${names ? ' × ' : ''}${plural(a.seeds.length, 'seed')}` : '';
	const grid = `${names}${seeds}` || 'no placeholders';
	out.wrapped(
		a.capped
			? `planned ${a.planned} of a grid of ${a.gridSize} (${grid}): the planned count stops before the end of the grid`
			: `planned ${a.planned}: the whole grid (${grid})`,
	);
	if (a.randomPerImage.length > 0)
		out.wrapped(
			`${a.randomPerImage.map(sanitizeLine).join(', ')}: weight 0, a value picked at random per image (not part of the grid)`,
		);
	out.wrapped(missingHeadline(a, folder), 2, BigInt(a.missingCount) > 0n ? 'warning' : undefined);
	if (BigInt(a.missingCount) > 0n) {
		const shown = a.missing.slice(0, MISSING_SHOWN);
		out.line(
			BigInt(a.missingCount) > BigInt(shown.length)
				? `first missing (in the generator's order):`
				: `missing (in the generator's order):`,
		);
		for (const cell of shown) out.line(formatCombination(cell.values, cell.seed), 4);
		const rest = BigInt(a.missingCount) - BigInt(shown.length);
		if (rest > 0n) out.line(`… and ${rest} more (sdstats show NAME --missing --json lists them all)`, 4);
	}
	const short = Object.entries(a.shortValues);
	if (short.length > 0) {
		out.line('values short of images:');
		for (const [name, values] of short) {
			const listed = values
				.slice(0, SEEDS_SHOWN)
				.map((v) => `${sanitizeLine(v.value)} (${v.missing} of ${v.expected} missing)`);
			out.wrapped(`${sanitizeLine(name)}: ${listed.join(', ')}${moreText(values.length, listed.length)}`, 4);
		}
	}
	if (a.unmatched > 0) {
		const files = a.unmatchedFiles.slice(0, 3).map(sanitizeLine).join(', ');
		out.wrapped(
			`fitting no planned combination: ${files}${moreText(a.unmatched, Math.min(3, a.unmatchedFiles.length))}`,
		);
	}
}

function randomLines(out: Lines, a: RandomAnalysis, folder: FolderImageCounts): void {
	out.section('Missing images (random mode)');
	out.wrapped(missingHeadline(a, folder), 2, BigInt(a.missingCount) > 0n ? 'warning' : undefined);
	const never = Object.entries(a.neverProduced);
	if (never.length > 0) {
		out.line('values never produced:');
		for (const [name, values] of never) {
			const listed = values.slice(0, SEEDS_SHOWN).map(sanitizeLine);
			out.wrapped(`${sanitizeLine(name)}: ${listed.join(', ')}${moreText(values.length, listed.length)}`, 4);
		}
	} else if (a.found > 0) {
		out.line('every used value was produced at least once');
	}
}

function expectedText(expected: ExpectedSeeds): string {
	switch (expected.kind) {
		case 'range':
			return `expected ${expected.first}…${expected.last} (${plural(expected.count, 'seed')}, from ${expected.source === 'seed_list' ? 'the seed list' : 'the base seed'})`;
		case 'list': {
			const shown = expected.seeds.slice(0, SEEDS_SHOWN);
			return `expected the seed list ${shown.join(', ')}${moreText(expected.count, shown.length)} (${plural(expected.count, 'seed')})`;
		}
		case 'fixed':
			return `expected the fixed seed ${expected.seed} for every image`;
		case 'none':
			return `nothing to check against: ${sanitizeLine(expected.reason)}`;
	}
}

function seedList(label: string, seeds: readonly Int64[], total: Int64): string {
	return `${label} (${total}): ${seeds.slice(0, SEEDS_SHOWN).join(', ')}${moreText(total, Math.min(SEEDS_SHOWN, seeds.length))}`;
}

function seedLines(out: Lines, s: SeedAnalysis): void {
	out.section('Seeds');
	out.wrapped(expectedText(s.expectedSeeds));
	const without = s.imagesWithoutSeed > 0 ? ` (${s.imagesWithoutSeed} without a usable seed)` : '';
	out.wrapped(`found ${plural(s.foundSeeds, 'distinct seed')} in ${plural(s.imagesConsidered, 'image')}${without}`);
	if (BigInt(s.missingSeeds.total) > 0n)
		out.wrapped(seedList('missing seeds', s.missingSeeds.first, s.missingSeeds.total), 2, 'warning');
	if (s.unexpectedSeeds.total > 0)
		out.wrapped(seedList('unexpected seeds', s.unexpectedSeeds.first, s.unexpectedSeeds.total), 2, 'warning');
	if (s.duplicateSeeds.total > 0) {
		const shown = s.duplicateSeeds.first.slice(0, SEEDS_SHOWN).map((d) => {
			const values = d.values && Object.keys(d.values).length > 0 ? ` (${formatCombination(d.values)})` : '';
			return `${d.seed} ×${d.count}${values}`;
		});
		out.wrapped(
			`duplicate seeds (${s.duplicateSeeds.total}): ${shown.join('; ')}${moreText(s.duplicateSeeds.total, shown.length)}`,
			2,
			'warning',
		);
	}
	if (s.combinationsMissingSeeds.total > 0) {
		out.line(`combinations lacking seeds (${s.combinationsMissingSeeds.total}):`, 2, 'warning');
		const shown = s.combinationsMissingSeeds.first.slice(0, MISSING_SHOWN);
		for (const combination of shown) {
			const seeds = combination.missingSeeds.slice(0, SEEDS_SHOWN);
			out.wrapped(
				`${formatCombination(combination.values)}: ${seeds.join(', ')}${moreText(combination.missingSeeds.length, seeds.length)}`,
				4,
			);
		}
		if (s.combinationsMissingSeeds.total > shown.length)
			out.line(`… and ${s.combinationsMissingSeeds.total - shown.length} more`, 4);
	}
	if (BigInt(s.combinationsWithoutImages) > 0n)
		out.line(`${plural(s.combinationsWithoutImages, 'planned combination')} without any image`);
	const clean =
		BigInt(s.missingSeeds.total) === 0n &&
		s.unexpectedSeeds.total === 0 &&
		s.duplicateSeeds.total === 0 &&
		s.combinationsMissingSeeds.total === 0;
	if (clean && s.expectedSeeds.kind !== 'none') out.line('every expected seed is there, each once');
}

/** The insight sections, each line at most `width` columns. */
export function insightLines(insight: SessionInsight, width: number): InsightLine[] {
	const out = new Lines(width);
	if (insight.missing?.kind === 'combinatorial') combinatorialLines(out, insight.missing, insight);
	else if (insight.missing?.kind === 'random') randomLines(out, insight.missing, insight);
	else {
		out.section('Missing combinations');
		out.wrapped(`cannot tell: ${sanitizeLine(insight.reason ?? 'no analysis')}`, 2, 'warning');
	}
	if (insight.seeds) seedLines(out, insight.seeds);
	out.section('Anomalies');
	if (insight.anomalies.length === 0) out.line('nothing unusual found');
	for (const anomaly of insight.anomalies) out.line(`! ${sanitizeLine(anomaly.message)}`, 2, 'warning');
	return out.lines;
}
