/**
 * A clock the test moves: timers fire only when the test (or the harness, while it waits for a frame) advances
 * it, in due order, so no explorer test depends on how fast the machine is. `now()` is the clock's own time;
 * the harness may hand the explorer a different `now` (most tests keep a fixed TEST_NOW).
 */
import type {Clock, TimerHandle} from '../../source/ui/clock.js';

type Timer = {id: number; due: number; every: number | null; callback: () => void};

export class FakeClock implements Clock {
	private time: number;
	private nextId = 1;
	private readonly timers = new Map<number, Timer>();

	constructor(startMs = 0) {
		this.time = startMs;
	}

	now(): number {
		return this.time;
	}

	setTimeout(callback: () => void, ms: number): TimerHandle {
		return this.add(callback, ms, null);
	}

	setInterval(callback: () => void, ms: number): TimerHandle {
		return this.add(callback, ms, Math.max(1, ms));
	}

	clearTimeout(handle: TimerHandle): void {
		this.timers.delete(handle as number);
	}

	clearInterval(handle: TimerHandle): void {
		this.timers.delete(handle as number);
	}

	/** Timers waiting to fire. */
	get pending(): number {
		return this.timers.size;
	}

	/** When the next timer is due, or null when none is set. */
	nextDue(): number | null {
		let soonest: number | null = null;
		for (const timer of this.timers.values()) if (soonest === null || timer.due < soonest) soonest = timer.due;
		return soonest;
	}

	/** Moves to the next timer's time and fires it (and any due with it); false when no timer is set. */
	fireNext(): boolean {
		const due = this.nextDue();
		if (due === null) return false;
		this.advance(Math.max(0, due - this.time));
		return true;
	}

	/** Moves the time forward, firing every timer that falls due on the way, in order. */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			let next: Timer | null = null;
			for (const timer of this.timers.values())
				if (
					timer.due <= end &&
					(next === null || timer.due < next.due || (timer.due === next.due && timer.id < next.id))
				)
					next = timer;
			if (next === null) break;
			this.time = Math.max(this.time, next.due);
			if (next.every === null) this.timers.delete(next.id);
			else next.due += next.every;
			next.callback();
		}
		this.time = end;
	}

	private add(callback: () => void, ms: number, every: number | null): number {
		const id = this.nextId++;
		this.timers.set(id, {id, due: this.time + Math.max(0, ms), every, callback});
		return id;
	}
}
