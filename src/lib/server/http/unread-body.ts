/**
 * Reads and throws away a request body that the answer did not need (a 413, a 415, a refused or
 * unauthenticated request). SvelteKit's request stream starts reading the socket and pauses it
 * once its queue is full; left so, the rest of the body stays in the connection ahead of the next
 * request, and a client reusing the kept-alive connection got it reset. Node does this for bodies
 * nobody touched, but it cannot tell that SvelteKit's stream has stopped wanting them.
 */
export function discardUnreadBody(request: Request): void {
	const body = request.body;
	if (!body || request.bodyUsed || body.locked) return;
	// A body over BODY_SIZE_LIMIT errors the stream, which from then on drops what arrives itself.
	body.pipeTo(new WritableStream()).catch(() => {});
}
