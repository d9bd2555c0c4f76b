/**
 * A manifest filename's last path segment. Its own module so the checks that need only this (anomalies, which
 * every command's flag parsing reaches through the query language) do not load the manifest readers with it.
 */

/** The last path segment: a manifest filename written with a folder still names the file in the session folder. */
export function baseName(filename: string): string {
	const slash = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
	return slash < 0 ? filename : filename.slice(slash + 1);
}
