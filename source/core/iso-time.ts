/**
 * Timestamps written the way the Python web UI writes them, so both tools read each other's rows:
 * `datetime.fromtimestamp(t).isoformat()` — local time, no offset, microseconds only when non-zero.
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');

function formatLocal(epochSeconds: number, microseconds: number): string {
	const d = new Date(epochSeconds * 1000);
	const year = String(d.getFullYear()).padStart(4, '0');
	const base = `${year}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
	return microseconds === 0 ? base : `${base}.${String(microseconds).padStart(6, '0')}`;
}

/** Python's round-half-even of a double to an integer (`_PyTime_Round` with ROUND_HALF_EVEN). */
function roundHalfEven(x: number): number {
	const rounded = Math.round(x);
	if (Math.abs(x - rounded) === 0.5) return 2 * Math.round(x / 2);
	// Math.round sends -2.5 to -2 like half-up; only exact halves needed the fix above.
	return rounded;
}

/**
 * A file mtime in nanoseconds → the string Python writes. Python first builds `st_mtime` as the double
 * `sec + nsec * 1e-9`, then `fromtimestamp` splits it with modf and rounds the fraction to microseconds,
 * half to even; the same steps here give the same digits.
 */
export function isoFromMtimeNs(mtimeNs: bigint): string {
	const sec = mtimeNs / 1_000_000_000n;
	const nsec = mtimeNs - sec * 1_000_000_000n;
	const stMtime = Number(sec) + Number(nsec) * 1e-9;
	let whole = Math.trunc(stMtime);
	let micro = roundHalfEven((stMtime - whole) * 1e6);
	if (micro >= 1_000_000) {
		micro -= 1_000_000;
		whole += 1;
	} else if (micro < 0) {
		micro += 1_000_000;
		whole -= 1;
	}
	return formatLocal(whole, micro);
}

/** `datetime.now().isoformat()` from an epoch-millisecond clock reading. */
export function isoFromEpochMs(epochMs: number): string {
	const whole = Math.floor(epochMs / 1000);
	const micro = Math.round((epochMs - whole * 1000) * 1000);
	return formatLocal(whole, micro);
}

/** Reads an ISO-like local timestamp (as written above or by Python) back to epoch ms; NaN when malformed. */
export function epochMsFromIso(text: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?/.exec(text);
	if (!m) return Number.NaN;
	const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0;
	return new Date(
		Number(m[1]),
		Number(m[2]) - 1,
		Number(m[3]),
		Number(m[4]),
		Number(m[5]),
		Number(m[6] ?? 0),
		ms,
	).getTime();
}
