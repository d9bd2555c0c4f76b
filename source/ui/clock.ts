/**
 * The explorer's one source of time: the current time and the timers its hooks set. Injected (App's `clock`
 * prop), so tests run the explorer on a clock they move themselves and nothing depends on how fast the
 * machine is; the reducer never reads it (times arrive in actions).
 */

/** What a timer call returns, handed back to clear it (Node's Timeout, or a test clock's own token). */
export type TimerHandle = unknown;

export type Clock = {
	now(): number;
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle): void;
	setInterval(callback: () => void, ms: number): TimerHandle;
	clearInterval(handle: TimerHandle): void;
};

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
	setInterval: (callback, ms) => setInterval(callback, ms),
	clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};
