/**
 * A delete that waits for Undo: the thing leaves the page at once, and is deleted on the server
 * only once Undo was not pressed in time, or right away when the page goes away (a request that
 * outlives the page, `keepalive`). Gmail's way, for things the server deletes for good.
 */
import { SvelteSet } from 'svelte/reactivity';

export const UNDO_MS = 6000;

export interface Removal {
	id: string;
	title: string;
}

export class DeferredRemoval {
	/** What is waiting to be deleted, shown with Undo; null when nothing is. */
	pending = $state<Removal | null>(null);
	/** Why the last delete did not happen on the server. */
	problem = $state<string | null>(null);
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** Sent, not answered yet: still out of view. */
	#sending = new SvelteSet<string>();

	constructor(
		private readonly send: (id: string, keepalive: boolean) => Promise<void>,
		/** The server deleted it: the page drops it for good. */
		private readonly removed: (id: string) => void
	) {}

	/** Removes at once from view; another removal still waiting is sent first. */
	start(removal: Removal) {
		this.flush();
		this.problem = null;
		this.pending = removal;
		this.#timer = setTimeout(() => this.flush(), UNDO_MS);
	}

	/** Undo: nothing is sent; returns what was waiting, to show again. */
	undo(): Removal | null {
		clearTimeout(this.#timer);
		const removal = this.pending;
		this.pending = null;
		return removal;
	}

	/** Sends the waiting delete now (its time is up, or the page is going away). */
	flush(keepalive = false) {
		clearTimeout(this.#timer);
		const removal = this.pending;
		if (!removal) return;
		this.pending = null;
		this.#sending.add(removal.id);
		this.send(removal.id, keepalive)
			.then(() => this.removed(removal.id))
			.catch((err: unknown) => {
				// Shown again, with the reason.
				this.problem = `“${removal.title}” was not deleted: ${err instanceof Error ? err.message : 'Cookmark could not be reached'}.`;
			})
			.finally(() => this.#sending.delete(removal.id));
	}

	hides = (id: string): boolean => this.pending?.id === id || this.#sending.has(id);
}
