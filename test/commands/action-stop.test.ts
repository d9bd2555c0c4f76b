/**
 * The stop keys of archive / trash / undo on a terminal, against a fake terminal and process (review19 item 2):
 * a background job never touches the terminal's modes (SIGTTOU would stop it), Ctrl-Z suspends for real and
 * `fg` brings the keys back, Ctrl-\ quits, SIGTERM and SIGHUP give the terminal back before exiting.
 */
import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {withStopOnSigint, type StopHost} from '../../source/action-stop.js';

class FakeStdin extends EventEmitter {
	isTTY = true;
	modes: boolean[] = [];
	raw = false;
	reading = false;
	setRawMode(mode: boolean): void {
		this.modes.push(mode);
		this.raw = mode;
	}
	resume(): void {
		this.reading = true;
	}
	pause(): void {
		this.reading = false;
	}
	type(text: string): void {
		this.emit('data', Buffer.from(text, 'latin1'));
	}
}

class FakeHost extends EventEmitter {
	stdin = new FakeStdin();
	stderrIsTTY = true;
	front = true;
	raised: string[] = [];
	exits: number[] = [];
	inForeground = (): boolean => this.front;
	canTell = true;
	canTellForeground = (): boolean => this.canTell;
	raise = (signal: 'SIGTSTP' | 'SIGQUIT'): void => {
		this.raised.push(signal);
	};
	exit = (code: number): void => {
		this.exits.push(code);
	};
	/** The listeners of the process events the keys use, to check nothing is left behind. */
	listening(): number {
		return ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGCONT', 'exit'].reduce((n, e) => n + this.listenerCount(e), 0);
	}
}

function stderr(): {write(text: string): boolean; text: string} {
	return {
		text: '',
		write(text: string) {
			this.text += text;
			return true;
		},
	};
}

/** Runs the command's body with the keys watched; `during` acts while folders "move". */
async function run(
	host: FakeHost,
	during: (cancel: {cancelled: boolean}) => void,
): Promise<{code: number; out: string; offered: boolean}> {
	const out = stderr();
	let offered = false;
	const code = await withStopOnSigint(
		out,
		async (cancel, watchStopKeys) => {
			offered = watchStopKeys !== undefined;
			const unwatch = watchStopKeys?.();
			try {
				during(cancel);
			} finally {
				unwatch?.();
			}
			return 0;
		},
		host as unknown as StopHost,
	);
	return {code, out: out.text, offered};
}

describe('stop keys of archive, trash, undo', () => {
	it('in front: raw while moving, Esc stops, the terminal given back after, nothing left listening', async () => {
		const host = new FakeHost();
		const result = await run(host, (cancel) => {
			expect(host.stdin.raw).toBe(true);
			expect(host.stdin.reading).toBe(true);
			host.stdin.type('\u001B');
			expect(cancel.cancelled).toBe(true);
		});
		expect(result).toMatchObject({code: 130, offered: true});
		expect(result.out).toContain('stopping after the current session');
		expect(host.stdin.modes).toEqual([true, false]);
		expect(host.stdin.reading).toBe(false);
		expect(host.stdin.listenerCount('data')).toBe(0);
		expect(host.listening()).toBe(0);
	});

	it('regression: a background job (`archive … --yes &`) never touches the terminal (SIGTTOU); SIGINT still stops', async () => {
		const host = new FakeHost();
		host.front = false;
		const result = await run(host, (cancel) => {
			host.emit('SIGINT');
			expect(cancel.cancelled).toBe(true);
		});
		expect(result.code).toBe(130);
		expect(host.stdin.modes).toEqual([]);
		expect(host.stdin.reading).toBe(false);
		expect(host.listening()).toBe(0);
	});

	it('where being in front cannot be told (no /proc): Esc is not offered, SIGINT only', async () => {
		const host = new FakeHost();
		host.canTell = false;
		const result = await run(host, (cancel) => {
			host.emit('SIGINT');
			expect(cancel.cancelled).toBe(true);
		});
		expect(result).toMatchObject({code: 130, offered: false});
		expect(host.stdin.modes).toEqual([]);
	});

	it('not a terminal: no keys offered, SIGINT only', async () => {
		const host = new FakeHost();
		host.stderrIsTTY = false;
		const result = await run(host, () => {});
		expect(result).toMatchObject({code: 0, offered: false});
		expect(host.stdin.modes).toEqual([]);
	});

	it('Ctrl-Z suspends for real: cooked first, then SIGTSTP; `fg` makes it raw again, `bg` leaves it cooked', async () => {
		const host = new FakeHost();
		const result = await run(host, (cancel) => {
			host.stdin.type('\u001A');
			expect(host.raised).toEqual(['SIGTSTP']);
			expect(host.stdin.modes).toEqual([true, false]);
			expect(host.stdin.reading).toBe(false);
			// `bg`: continued behind the shell; the terminal is not touched, keys are not read.
			host.front = false;
			host.emit('SIGCONT');
			expect(host.stdin.modes).toEqual([true, false]);
			expect(host.stdin.reading).toBe(false);
			// `fg`: in front again, raw again, and Esc works.
			host.front = true;
			host.emit('SIGCONT');
			expect(host.stdin.modes).toEqual([true, false, true]);
			expect(host.stdin.reading).toBe(true);
			expect(cancel.cancelled).toBe(false);
			host.stdin.type('\u001B');
			expect(cancel.cancelled).toBe(true);
		});
		expect(result.code).toBe(130);
		expect(host.stdin.modes).toEqual([true, false, true, false]);
		expect(host.listening()).toBe(0);
	});

	it('started behind (`&`) and brought to the front with `fg`: the keys start working then', async () => {
		const host = new FakeHost();
		host.front = false;
		await run(host, (cancel) => {
			expect(host.stdin.modes).toEqual([]);
			host.front = true;
			host.emit('SIGCONT');
			expect(host.stdin.raw).toBe(true);
			host.stdin.type('\u001B');
			expect(cancel.cancelled).toBe(true);
		});
		expect(host.stdin.modes).toEqual([true, false]);
	});

	it('Ctrl-C as a key stops; a second quits at once with the terminal given back', async () => {
		const host = new FakeHost();
		await run(host, (cancel) => {
			host.stdin.type('\u0003');
			expect(cancel.cancelled).toBe(true);
			expect(host.exits).toEqual([]);
			host.stdin.type('\u0003');
			expect(host.stdin.modes).toEqual([true, false]);
			expect(host.exits).toEqual([130]);
		});
	});

	it('Ctrl-\\ quits at once as SIGQUIT would, the terminal given back first', async () => {
		const host = new FakeHost();
		await run(host, () => {
			host.stdin.type('\u001C');
			expect(host.stdin.modes).toEqual([true, false]);
			expect(host.raised).toEqual(['SIGQUIT']);
		});
	});

	it.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const)('%s gives the terminal back, then exits with %i', async (signal, code) => {
		const host = new FakeHost();
		await run(host, () => {
			host.emit(signal);
			expect(host.stdin.modes).toEqual([true, false]);
			expect(host.exits).toEqual([code]);
		});
	});

	it('a job sent behind while raw (stopped from elsewhere, then `bg`) does not set the mode from behind', async () => {
		const host = new FakeHost();
		await run(host, () => {
			host.front = false;
		});
		expect(host.stdin.modes).toEqual([true]);
		expect(host.stdin.reading).toBe(false);
		expect(host.stdin.listenerCount('data')).toBe(0);
	});
});
