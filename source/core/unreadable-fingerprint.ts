/** How a session whose manifest could not be read is fingerprinted in the cache (scan/ and store/ both use it). */
const UNREADABLE_SUFFIX = ':unreadable';

/**
 * What is stored for a session whose manifest could not be read: the folder as it was, marked so that no compute
 * takes it as unchanged (an unreadable session is read again every time: a permission fixed by chmod moves no
 * mtime), while the explorer can still tell that nothing changed on disk since (it is not "stale").
 */
export function unreadableFingerprint(fingerprint: string | null): string | null {
	return fingerprint === null ? null : fingerprint + UNREADABLE_SUFFIX;
}

/** Whether a session stored as unreadable is, on disk, still exactly as it was when it was read. */
export function unchangedSinceUnreadable(stored: string | null, current: string | null): boolean {
	return stored !== null && current !== null && stored === current + UNREADABLE_SUFFIX;
}
