/**
 * Session folder names. The generator has written two timestamp formats over time:
 * `2025-10-14_173320_name` (until late October 2025) and `20251014_173320-name` (since).
 */

const DASHED = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})(\d{2})(\d{2})/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/;
const ISO_PREFIX = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})/;

type Parts = [year: number, month: number, day: number, hour: number, minute: number, second: number];

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The same bounds Python's `datetime(...)` enforces. */
function isRealDateTime([year, month, day, hour, minute, second]: Parts): boolean {
	return (
		year >= 1 &&
		year <= 9999 &&
		month >= 1 &&
		month <= 12 &&
		day >= 1 &&
		day <= daysInMonth(year, month) &&
		hour <= 23 &&
		minute <= 59 &&
		second <= 59
	);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function format([year, month, day, hour, minute, second]: Parts): string {
	return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

function partsOf(match: RegExpExecArray): Parts {
	return match.slice(1, 7).map(Number) as Parts;
}

/** `YYYY-MM-DDTHH:MM:SS` from the folder name's leading timestamp, or null when it has none or it is not real. */
export function createdAtFromFolderName(name: string): string | null {
	for (const pattern of [DASHED, COMPACT]) {
		const match = pattern.exec(name);
		if (!match) continue;
		const parts = partsOf(match);
		if (isRealDateTime(parts)) return format(parts);
	}
	return null;
}

/** `snapshot.timestamp` cut to seconds (`2025-11-12T21:04:11.482913` → `2025-11-12T21:04:11`), or null. */
export function createdAtFromTimestamp(timestamp: string): string | null {
	const match = ISO_PREFIX.exec(timestamp.trim());
	if (!match) return null;
	const parts = partsOf(match);
	return isRealDateTime(parts) ? format(parts) : null;
}

/**
 * The human part of a folder name, without its timestamp prefix and separator:
 * `20251014_173320-Hassaku-fantasy` → `Hassaku-fantasy`; `2025-10-14_163854_portrait.prompt` → `portrait.prompt`.
 * A name that is only a timestamp, or has none, is returned whole.
 */
export function displayNameOf(name: string): string {
	for (const pattern of [DASHED, COMPACT]) {
		const match = pattern.exec(name);
		if (!match) continue;
		const rest = name.slice(match[0].length).replace(/^[-_ .]+/, '');
		return rest.length > 0 ? rest : name;
	}
	return name;
}
