import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the item whose phase is running, carried by the async context rather than
 * by every signature: a phase's log lines (the logger's mixin) and its requests to the person's own
 * services (Tandoor, Mealie, the language model) pick it up wherever they are made. Pages and
 * pictures fetched from the web never send it: it is ours, not the sites'.
 */
const current = new AsyncLocalStorage<string>();

export function withCorrelationId<T>(id: string, run: () => T): T {
	return current.run(id, run);
}

export function correlationId(): string | undefined {
	return current.getStore();
}

/** `X-Correlation-ID` for a request made on an item's behalf; nothing outside a phase. */
export function correlationHeaders(): Record<string, string> {
	const id = current.getStore();
	return id ? { 'x-correlation-id': id } : {};
}
