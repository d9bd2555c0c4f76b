/**
 * What the command line says of an error no check foresaw (a bug, or a failure nothing names yet): one sentence
 * a user can act on; the stack, which only helps whoever fixes it, with SDSTATS_DEBUG=1.
 */
import {sanitizeBlock, sanitizeLine} from './sanitize.js';

export function describeUnexpected(error: unknown, debug: boolean): string {
	if (debug) return sanitizeBlock(error instanceof Error ? (error.stack ?? error.message) : String(error));
	const message = sanitizeLine(error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
	return `unexpected error (${message || 'no message'}): run again with SDSTATS_DEBUG=1 to see where it happened, and report it`;
}
