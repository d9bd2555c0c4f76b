/**
 * The key table: every binding of every mode, in one place, assembled from one module per concern. The order
 * is the help's and the footer's (ties of priority keep it); the dispatcher takes the first row that matches,
 * and the key table test rejects two rows of one mode answering the same key.
 */
import type {Binding} from './binding.js';
import {DETAILS_HELP_KEYS} from './details-help.js';
import {EVERYWHERE_KEYS} from './everywhere.js';
import {LIST_KEYS} from './list.js';
import {FILTER_PANE_KEYS, GROUPS_KEYS, SORT_PANE_KEYS} from './panes.js';
import {PICTURE_KEYS} from './pictures.js';
import {CONFIRM_KEYS} from './recompute.js';
import {SESSION_ACTION_KEYS} from './session-actions.js';
import {FILTER_INPUT_KEYS, LINE_EDITING_KEYS, TYPED_INPUT_KEYS} from './text-inputs.js';
import {EXPORT_KEYS, TRIAGE_KEYS} from './triage.js';

export const BINDINGS: readonly Binding[] = [
	...LIST_KEYS,
	...FILTER_INPUT_KEYS,
	...LINE_EDITING_KEYS,
	...DETAILS_HELP_KEYS,
	...SORT_PANE_KEYS,
	...FILTER_PANE_KEYS,
	...CONFIRM_KEYS,
	...GROUPS_KEYS,
	...TRIAGE_KEYS,
	...SESSION_ACTION_KEYS,
	...TYPED_INPUT_KEYS,
	...EXPORT_KEYS,
	...PICTURE_KEYS,
	...EVERYWHERE_KEYS,
];
