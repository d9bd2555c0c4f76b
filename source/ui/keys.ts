/**
 * The key table: every binding of every mode, in one place. The dispatcher walks it, the help screen and the
 * footer are generated from it, so a key cannot work without being documented, or be documented without
 * working. Each row decides its action itself (it is handed the key, so `PgUp PgDn` is one row); typed text in
 * the filter, tag, note and command inputs is the only input handled outside the table.
 *
 * This module is the table's front door; the rows live in keys/, one module per concern (list, text inputs,
 * details and help, panes, recompute, triage, session actions, pictures, everywhere), assembled in order by
 * keys/table.ts. A new key is one row in the module of its concern.
 */
export type {Binding} from './keys/binding.js';
export {FORWARD_DELETE} from './keys/match.js';
export {BINDINGS} from './keys/table.js';
export {dispatchKey} from './keys/dispatch.js';
export {splitChunk} from './keys/chunk.js';
export {MODE_TITLES, footerHints, helpSections} from './keys/help.js';
