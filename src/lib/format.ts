/** Formatting helpers shared by pages. */

export function hostOf(url: string): string {
	try {
		return new URL(url).hostname.replace(/^www\./, '');
	} catch {
		return url;
	}
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
	['year', 365 * 24 * 3600],
	['month', 30 * 24 * 3600],
	['day', 24 * 3600],
	['hour', 3600],
	['minute', 60],
	['second', 1]
];

/** "3 minutes ago", "in 20 seconds". */
export function relativeTime(iso: string, now: number = Date.now()): string {
	const exact = Math.round((new Date(iso).getTime() - now) / 1000);
	// Within a few seconds is "now": the server's and the browser's clocks never agree exactly,
	// and "in 1 second" for something that just happened reads as a bug.
	const seconds = Math.abs(exact) < 5 ? 0 : exact;
	const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
	for (const [unit, size] of units) {
		if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
	}
	return '';
}

export const statusLabels: Record<string, string> = {
	pending: 'Queued',
	in_progress: 'Working',
	success: 'Saved',
	error: 'Failed',
	dead: 'Gave up',
	canceled: 'Canceled'
};

/** "250 ms", "20 s", "2 min" — for limits and timeouts in messages. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
	return `${Math.round(ms / 60_000)} min`;
}
