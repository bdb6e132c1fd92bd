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

/** A time still to go, rounded as a person says it: "under a minute", "about 35 min", "about 2 h 10 min". */
export function formatEta(seconds: number): string {
	if (seconds < 60) return 'under a minute';
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `about ${minutes} min`;
	const hours = Math.floor(minutes / 60);
	const rest = Math.round((minutes % 60) / 5) * 5;
	return rest ? `about ${hours} h ${rest} min` : `about ${hours} h`;
}

const FRACTIONS: [number, string][] = [
	[1 / 8, '⅛'],
	[1 / 4, '¼'],
	[1 / 3, '⅓'],
	[3 / 8, '⅜'],
	[1 / 2, '½'],
	[5 / 8, '⅝'],
	[2 / 3, '⅔'],
	[3 / 4, '¾'],
	[7 / 8, '⅞']
];

/** An amount as cooks write it: 1.5 → "1½", 0.333 → "⅓", 2.25 → "2¼", 0.15 → "0.15". */
export function formatQuantity(n: number): string {
	const whole = Math.floor(n + 1e-9);
	const rest = n - whole;
	if (rest < 0.01) return String(whole);
	const fraction = FRACTIONS.find(([value]) => Math.abs(rest - value) < 0.01);
	if (fraction) return whole ? `${whole}${fraction[1]}` : fraction[1];
	return String(Math.round(n * 100) / 100);
}

/** Minutes as "45 min", "1 h 30 min". */
export function formatMinutes(minutes: number): string {
	const h = Math.floor(minutes / 60);
	const m = Math.round(minutes % 60);
	return h ? (m ? `${h} h ${m} min` : `${h} h`) : `${m} min`;
}

/** A canonical unit as it reads after its amount: "1 cup", "2 cups", "3 pinches", "2 leaves", "2 loaves". */
export function unitLabel(unit: string, amount: number | null): string {
	if (amount === null || amount <= 1) return unit;
	if (/(?:ch|sh|s|x)$/.test(unit)) return `${unit}es`;
	if (/(?:leaf|loaf)$/.test(unit)) return `${unit.slice(0, -1)}ves`;
	return `${unit}s`;
}

/** A message as a sentence: its first letter in capitals (the server writes them lower-case, to be quoted). */
export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
