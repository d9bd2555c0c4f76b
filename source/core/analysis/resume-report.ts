/**
 * A session's missing images as a resume list (what `show --missing --json` prints and `sdstats resume`
 * gathers): pure, from the analysis of its manifest and folder.
 */
import {resumeList, type MissingAnalysis} from './combinations.js';

/** The longest resume list printed (compare its length with `missing_count`). */
export const RESUME_LIMIT = 100_000;

/**
 * `--missing --json` for a combinatorial session: `kind` is `seed-sweep` when the grid repeats every combination
 * over a seed list (`seeds`, in the generator's order), else `combinatorial`.
 */
export type CombinatorialResume = {
	session_id: string;
	kind: 'combinatorial' | 'seed-sweep';
	/** The placeholders in the generator's loop order, outermost first. */
	placeholders: string[];
	seeds?: Array<number | bigint>;
	planned: number | bigint;
	found: number;
	missing_count: number | bigint;
	capped: boolean;
	/** Missing cells in the generator's order: index (position in that order), values, and the planned seed when known. */
	resume: Array<{index: number | bigint; values: Record<string, string>; seed?: number | bigint}>;
};

/** `--missing --json` for a random session: no cells to name, so the resume list is empty. */
export type RandomResume = {
	session_id: string;
	kind: 'random';
	planned: number | bigint;
	found: number;
	missing_count: number | bigint;
	never_produced: Record<string, string[]>;
	resume: [];
};

export function missingReport(sessionId: string, analysis: MissingAnalysis): CombinatorialResume | RandomResume {
	if (analysis.kind === 'random') {
		return {
			session_id: sessionId,
			kind: 'random',
			planned: analysis.expected,
			found: analysis.found,
			missing_count: analysis.missingCount,
			never_produced: analysis.neverProduced,
			resume: [],
		};
	}
	return {
		session_id: sessionId,
		kind: analysis.seeds ? 'seed-sweep' : 'combinatorial',
		placeholders: analysis.placeholders,
		...(analysis.seeds ? {seeds: analysis.seeds} : {}),
		planned: analysis.planned,
		found: analysis.found,
		missing_count: analysis.missingCount,
		capped: analysis.capped,
		resume: resumeList(analysis, {limit: RESUME_LIMIT}),
	};
}
