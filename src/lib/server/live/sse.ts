/** Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function sseFrame(event: string, data: unknown, id?: number): string {
	// JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
	return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Tells EventSource how long to wait before reconnecting after the stream drops. */
export const sseRetry = (ms: number) => `retry: ${ms}\n\n`;
