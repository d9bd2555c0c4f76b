/** Demo sessions' names and times: the two folder-name formats, manifest timestamps, local clock readings. */

export type When = readonly [year: number, month: number, day: number, hour: number, minute: number, second: number];

export const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Folders named from 2025-10-20 on use the generator's newer compact format. */
export const COMPACT_SINCE: When = [2025, 10, 20, 0, 0, 0];
/** Manifests from 2025-11-11 on carry a top-level `status`. */
export const STATUS_SINCE: When = [2025, 11, 11, 0, 0, 0];

export const before = (a: When, b: When): boolean => {
	for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
	return false;
};

/** The folder's clock reading as epoch ms, read as local time the way the generator named it. */
export function localMs([y, mo, d, h, mi, s]: When): number {
	return new Date(y, mo - 1, d, h, mi, s).getTime();
}

export function compactName([y, mo, d, h, mi, s]: When, label: string): string {
	const stamp = `${pad(y, 4)}${pad(mo)}${pad(d)}_${pad(h)}${pad(mi)}${pad(s)}`;
	return label ? `${stamp}-${label}` : stamp;
}

export function dashedName([y, mo, d, h, mi, s]: When, label: string): string {
	return `${pad(y, 4)}-${pad(mo)}-${pad(d)}_${pad(h)}${pad(mi)}${pad(s)}_${label}.prompt`;
}

export function folderName(when: When, label: string): string {
	return before(when, COMPACT_SINCE) ? dashedName(when, label) : compactName(when, label);
}

export function isoTimestamp([y, mo, d, h, mi, s]: When, micros: number): string {
	return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(micros, 6)}`;
}

export function addDays([y, mo, d]: When, days: number, hour: number, minute: number, second: number): When {
	const date = new Date(Date.UTC(y, mo - 1, d + days));
	return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, second];
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
