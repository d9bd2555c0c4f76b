/** A recompute's summary as a job reports it at its end: one session computed in a second, unless told otherwise. */
import type {ComputeSummary} from '../../source/jobs/compute-job.js';

export function computeSummary(overrides: Partial<ComputeSummary> = {}): ComputeSummary {
	return {
		computed: 1,
		unchanged: 0,
		removed: 0,
		unreadable: 0,
		no_manifest: 0,
		seconds: 1,
		cancelled: false,
		planned: 1,
		errors: [],
		...overrides,
	};
}
