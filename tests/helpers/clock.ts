import type { Clock } from '../../src/lib/server/queue/clock';

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
	private t: number;
	constructor(start = Date.UTC(2026, 0, 1, 12)) {
		this.t = start;
	}
	now(): Date {
		return new Date(this.t);
	}
	advance(ms: number): void {
		this.t += ms;
	}
}
