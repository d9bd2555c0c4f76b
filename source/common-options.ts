/** What every command receives: resolved locations and options, parsed and validated once at the edge. */
import type {Locations} from './config.js';

export type CommonOptions = Readonly<{
	locations: Locations;
	stallWindowMs: number;
	color: boolean;
	now: () => number;
}>;
