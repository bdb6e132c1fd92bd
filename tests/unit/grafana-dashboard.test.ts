import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import { Metrics } from '../../src/lib/server/metrics/registry';
import { testLogger } from '../helpers/logger';

const dashboard = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../docs/grafana-dashboard.json'), 'utf8')) as {
	panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};

describe('docs/grafana-dashboard.json', () => {
	it('asks only for metrics Cookmark exposes, shared-state gauges with max and never sum', () => {
		// Nothing is scraped here: the database is never asked.
		const metrics = new Metrics({ database: {} as Database, log: testLogger, sseConnections: () => 0 });
		const names = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
		const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
		const used = new Set(exprs.flatMap((e) => e.match(/cookmark_\w+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, '')));
		expect(used.size).toBeGreaterThan(15);
		for (const name of used) expect(names, name).toContain(name);
		for (const shared of ['cookmark_items', 'cookmark_queue_due_items', 'cookmark_queue_oldest_due_age_seconds', 'cookmark_leases_active']) {
			for (const e of exprs.filter((x) => new RegExp(`${shared}\\b`).test(x))) expect(e, e).toMatch(new RegExp(`max(?: by \\([^)]*\\))? ?\\(${shared}\\b`));
		}
	});
});
