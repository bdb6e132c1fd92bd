// Preloaded into a server under test (NODE_OPTIONS="--expose-gc --import <this file>"): on SIGUSR2
// it collects garbage and prints one `memory-probe {…}` line with the heap, the RSS and the timers
// alive, so a test can measure the server without a route that would tell anyone else.
process.on('SIGUSR2', () => {
	globalThis.gc?.();
	globalThis.gc?.();
	const { heapUsed, rss } = process.memoryUsage();
	const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
	process.stdout.write(`memory-probe ${JSON.stringify({ heapUsed, rss, timers })}\n`);
});
