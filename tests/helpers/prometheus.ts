import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';

interface Sample {
	labels: Record<string, string>;
	value: number;
}

/**
 * A /metrics answer read with a Prometheus text-format parser. `families` is the parse of the
 * whole text (names, types, help; a malformed line throws). The parser folds the series of a
 * labelled histogram into one (parse-prometheus-text-format 1.1 keeps prom2json's flattening),
 * so sample values are read from a second parse of the text without its comment lines, where
 * every series (`x_bucket`, `x_count`, a counter's) is a sample of its own with all its labels.
 */
export class Scrape {
	readonly families: Map<string, MetricFamily>;
	private readonly samples = new Map<string, Sample[]>();

	constructor(readonly text: string) {
		this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
		const bare = text
			.split('\n')
			.filter((line) => !line.startsWith('#'))
			.join('\n');
		for (const family of parsePrometheusTextFormat(bare)) {
			const list = this.samples.get(family.name) ?? [];
			for (const m of family.metrics) list.push({ labels: m.labels ?? {}, value: Number(m.value) });
			this.samples.set(family.name, list);
		}
	}

	private matching(name: string, labels: Record<string, string>): Sample[] {
		return (this.samples.get(name) ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
	}

	/** A series' value summed over those matching `labels`; 0 when none (a counter not yet counted). */
	value(name: string, labels: Record<string, string> = {}): number {
		return this.matching(name, labels).reduce((total, s) => total + s.value, 0);
	}

	/** A histogram's observation count, summed over the series matching `labels`. */
	count(name: string, labels: Record<string, string> = {}): number {
		return this.value(`${name}_count`, labels);
	}

	/** The label sets of a series. */
	labels(name: string): Array<Record<string, string>> {
		return (this.samples.get(name) ?? []).map((s) => s.labels);
	}

	type(name: string): MetricFamily['type'] | undefined {
		return this.families.get(name)?.type;
	}
}

/** GETs a process's /metrics, checks it answered in Prometheus text format, and parses it. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
	const res = await fetch(url, { headers });
	if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
	const type = res.headers.get('content-type') ?? '';
	if (!type.startsWith('text/plain')) throw new Error(`GET ${url}: content-type ${type}`);
	return new Scrape(await res.text());
}

/** Scrapes until `holds` is true of a scrape (the queue gauges are cached for a few seconds); throws after `ms`. */
export async function scrapeUntil(url: string, holds: (s: Scrape) => boolean, ms = 15_000, headers: Record<string, string> = {}): Promise<Scrape> {
	const deadline = Date.now() + ms;
	let last: Scrape;
	do {
		last = await scrape(url, headers);
		if (holds(last)) return last;
		await new Promise((r) => setTimeout(r, 100));
	} while (Date.now() < deadline);
	const ours = last.text.split('\n').filter((l) => l.startsWith('cookmark_') && !l.includes('_bucket'));
	throw new Error(`${url} never showed what was awaited; last scrape:\n${ours.join('\n')}`);
}
