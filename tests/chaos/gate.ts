/** An open-or-closed condition to wait on: "the web process is up", "the database is up". */
export class Gate {
	private waiters: Array<() => void> = [];

	constructor(private opened = false) {}

	get isOpen(): boolean {
		return this.opened;
	}

	open(): void {
		this.opened = true;
		for (const resolve of this.waiters.splice(0)) resolve();
	}

	close(): void {
		this.opened = false;
	}

	/** Resolves at once when open, else when next opened. */
	wait(): Promise<void> {
		return this.opened ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
	}
}

/** A small seeded generator (mulberry32): a run's faults and kills can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
