/** The terminal the benches render the explorer into: a TTY-looking stdout that keeps the last frame, and a stdin to type into. */
import {EventEmitter} from 'node:events';

export class FakeStdout extends EventEmitter {
	isTTY = true;
	frames = 0;
	last = '';
	constructor(
		public columns = 160,
		public rows = 45,
	) {
		super();
	}
	write = (frame: string): boolean => {
		this.frames++;
		this.last = frame;
		// For benches that wait on frames rather than poll for them (a polling loop costs the CPU they measure).
		this.emit('frame');
		return true;
	};
}

export class FakeStdin extends EventEmitter {
	isTTY = true;
	isRaw = false;
	private data: string | null = null;
	setRawMode(mode: boolean): void {
		this.isRaw = mode;
	}
	setEncoding(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
	read = (): string | null => {
		const {data} = this;
		this.data = null;
		return data;
	};
	write(data: string): void {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
}
